// A throw-away WordPress for the plugin's end-to-end test: Debian's
// `wordpress` package copied into a temporary folder, its own MariaDB
// database, PHP's built-in server, and the Kefu sidecar reading the site's
// wp-config.php. How it works and why: docs/wordpress.md, 'The end-to-end test'.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, statSync, readdirSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';

const run = promisify(execFile);

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WORDPRESS_SOURCE = process.env.KEFU_WORDPRESS_DIR ?? '/usr/share/wordpress';
export const CHROMIUM = process.env.KEFU_CHROMIUM ?? '/usr/bin/chromium';
export const ZIP_PATH = path.join(ROOT, 'dist', 'kefu-wordpress.zip');
const PHP_DIR = path.join(ROOT, 'test', 'wordpress', 'php');

export const MYSQL = {
  host: process.env.KEFU_TEST_MYSQL_HOST ?? '127.0.0.1',
  port: Number(process.env.KEFU_TEST_MYSQL_PORT ?? 3306),
  user: process.env.KEFU_TEST_MYSQL_USER ?? 'root',
  password: process.env.KEFU_TEST_MYSQL_PASSWORD ?? '',
};

/** What the test needs on the machine; scripts/setup-test-env.sh installs it. */
export function missingPrerequisites(): string[] {
  const missing: string[] = [];
  if (!existsSync(path.join(WORDPRESS_SOURCE, 'wp-load.php'))) missing.push(`WordPress in ${WORDPRESS_SOURCE}`);
  if (!existsSync(path.join(WORDPRESS_SOURCE, 'wp-content/themes/twentytwentythree'))) missing.push('the twentytwentythree theme');
  if (!existsSync(CHROMIUM)) missing.push(CHROMIUM);
  return missing;
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Thrown from a check to stop waiting at once. */
export class GiveUp extends Error {}

/** Polls until `check` returns a value other than undefined, or throws at the deadline. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000, everyMs = 150): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      if (err instanceof GiveUp) throw err;
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Newest modification time of the files under a folder (0 when absent). */
function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Makes sure the sidecar is built and the zip is newer than the plugin
 * sources and bundles it packs. `npm ci` builds everything through the
 * prepare script; this covers a working copy edited since.
 */
export async function ensureBuilt(): Promise<void> {
  const sidecarMain = path.join(ROOT, 'dist', 'sidecar', 'main.js');
  const bundle = path.join(ROOT, 'dist', 'public', 'widget.js');
  if (!existsSync(sidecarMain) || !existsSync(bundle)) {
    await run('npm', ['run', 'build'], { cwd: ROOT, timeout: 300_000, maxBuffer: 16 << 20 });
    return;
  }
  const zipTime = existsSync(ZIP_PATH) ? statSync(ZIP_PATH).mtimeMs : 0;
  const sources = Math.max(newestMtime(path.join(ROOT, 'wordpress', 'kefu')), newestMtime(path.join(ROOT, 'dist', 'public')));
  if (zipTime < sources) {
    await run(process.execPath, [path.join(ROOT, 'scripts', 'build-wordpress-zip.mjs')], { cwd: ROOT, timeout: 60_000 });
  }
}

export interface SiteUser {
  user: string;
  password: string;
  email: string;
  displayName: string;
}

/** What a throw-away WordPress, a single site or a network, has and does. */
export interface WordPressInstall {
  dir: string;
  url: string;
  database: string;
  /** `$table_prefix` (on a network, the main site's tables; site N > 1 has `<prefix>N_`). */
  tablePrefix: string;
  secret: string;
  configPath: string;
  db: mysql.Pool;
  /**
   * Runs COMMAND of the install's PHP script (test/wordpress/php/wp.php;
   * network.php on a network) and parses its JSON answer.
   */
  wp<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T>;
  /** The PHP errors, warnings and notices logged from the plugin's own files. */
  pluginLogLines(): Promise<string[]>;
  /** Stops what runs for it, drops the database, removes the folder. */
  stop(): Promise<void>;
}

export interface Site extends WordPressInstall {
  port: number;
  admin: SiteUser & { id: number };
}

/**
 * A wp-config.php for a test site: database, fresh salts, KEFU_SECRET, the
 * debug log in the site's folder. With `home`, WP_HOME and WP_SITEURL (left
 * out on a network, where they would give every site the main site's
 * address); `extra`, more define() lines before "That's all".
 */
export function wpConfig(opts: { database: string; prefix: string; secret: string; dir: string; home?: string; extra?: string }): string {
  const salts = ['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT']
    .map((name) => `define( '${name}', '${randomBytes(32).toString('hex')}' );`)
    .join('\n');
  const host = MYSQL.port === 3306 ? MYSQL.host : `${MYSQL.host}:${MYSQL.port}`;
  const home = opts.home ? `define( 'WP_HOME', '${opts.home}' );\ndefine( 'WP_SITEURL', '${opts.home}' );\n` : '';
  const extra = opts.extra ? `\n${opts.extra.trim()}\n` : '';
  return `<?php
define( 'DB_NAME', '${opts.database}' );
define( 'DB_USER', '${MYSQL.user}' );
define( 'DB_PASSWORD', '${MYSQL.password}' );
define( 'DB_HOST', '${host}' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );

${salts}

/* The secret the plugin signs agent tokens with and the sidecar checks them with. */
define( 'KEFU_SECRET', '${opts.secret}' );

$table_prefix = '${opts.prefix}';

${home}define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'DISABLE_WP_CRON', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'FS_METHOD', 'direct' );
define( 'WP_DEBUG', true );
define( 'WP_DEBUG_DISPLAY', false );
define( 'WP_DEBUG_LOG', '${opts.dir}/debug.log' );
${extra}
/* That's all, stop editing! Happy publishing. */
if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
`;
}

/** Kills a process group started with `detached: true` and waits for its leader. */
export async function killGroup(child: ChildProcess, timeoutMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** Creates an empty utf8mb4 database and returns a small pool on it. */
export async function createDatabase(database: string): Promise<mysql.Pool> {
  const root = await mysql.createConnection(MYSQL);
  await root.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
  await root.end();
  return mysql.createPool({ ...MYSQL, database, connectionLimit: 2 });
}

/** Closes the pool and drops the database; never throws, for clean-up paths. */
export async function dropDatabase(database: string, db: mysql.Pool): Promise<void> {
  await db.end().catch(() => {});
  const conn = await mysql.createConnection(MYSQL).catch(() => undefined);
  if (conn) {
    await conn.query(`DROP DATABASE IF EXISTS \`${database}\``).catch(() => {});
    await conn.end().catch(() => {});
  }
}

/** Removes a site's folder unless KEFU_KEEP_SITE asks to keep it; never throws. */
export async function removeSiteDir(dir: string): Promise<void> {
  if (!process.env.KEFU_KEEP_SITE) await rm(dir, { recursive: true, force: true, maxRetries: 5 }).catch(() => {});
}

/**
 * Runs test/wordpress/php/SCRIPT SITE_DIR COMMAND JSON (wp.php, network.php,
 * fixes.php: php/boot.php reads the arguments) with `home` in the JSON, and
 * parses the last line of its output.
 */
export async function runPhpScript<T>(script: string, dir: string, home: string, command: string, args: Record<string, unknown> = {}): Promise<T> {
  let stdout: string;
  try {
    ({ stdout } = await run('php', [path.join(PHP_DIR, script), dir, command, JSON.stringify({ home, ...args })], {
      cwd: dir,
      timeout: 60_000,
      maxBuffer: 16 << 20,
    }));
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${script} ${command} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
  const last = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${script} ${command} printed no JSON: ${stdout.slice(-2_000)}`);
  }
}

/**
 * Starts PHP's built-in server on host:port for the site in `dir`, behind
 * test/wordpress/php/ROUTER, logging to php-server.log, and waits until it
 * serves wp-login.php. Gives up at once when the server exits (a port taken,
 * for one), with what it printed.
 */
export async function startPhpServer(dir: string, host: string, port: number, router: string): Promise<ChildProcess> {
  const log = createWriteStream(path.join(dir, 'php-server.log'));
  await new Promise((resolve) => log.once('open', resolve));
  let output = '';
  const server = spawn(
    'php',
    ['-d', 'upload_max_filesize=32M', '-d', 'post_max_size=32M', '-S', `${host}:${port}`, '-t', dir, path.join(PHP_DIR, router)],
    // PHP's server prints bind errors on stderr: kept for the message below.
    { cwd: dir, detached: true, stdio: ['ignore', log, 'pipe'], env: { ...process.env, PHP_CLI_SERVER_WORKERS: '4' } },
  );
  server.stderr!.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
    log.write(chunk);
  });
  const origin = port === 80 ? `http://${host}` : `http://${host}:${port}`;
  try {
    await until(`the PHP server on port ${port}`, async () => {
      if (server.exitCode !== null) {
        throw new GiveUp(`PHP's server on ${host}:${port} exited with ${server.exitCode} (port ${port} taken?): ${output.slice(-2_000)}`);
      }
      const res = await fetch(`${origin}/wp-login.php`, { signal: AbortSignal.timeout(5_000) });
      return res.ok ? true : undefined;
    });
  } catch (err) {
    await killGroup(server).catch(() => {});
    throw err;
  }
  return server;
}

/** The PHP errors, warnings and notices a site in `dir` logged from the plugin's own files. */
export async function pluginLogLines(dir: string): Promise<string[]> {
  const file = path.join(dir, 'debug.log');
  if (!existsSync(file)) return [];
  return (await readFile(file, 'utf8')).split('\n').filter((line) => line.includes('/plugins/kefu/'));
}

/**
 * Creates a database, copies WordPress, writes wp-config.php, installs the
 * site with an administrator and starts PHP's built-in server.
 */
export async function createSite(): Promise<Site> {
  const suffix = randomBytes(4).toString('hex');
  const database = `kefu_wp_${suffix}`;
  const tablePrefix = 'wpk_';
  const secret = randomBytes(32).toString('hex');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kefu-wordpress-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const admin = { user: 'admin', password: `pw-${randomBytes(6).toString('hex')}`, email: 'admin@example.test', displayName: 'Ada Admin' };

  const db = await createDatabase(database);

  let server: ChildProcess | undefined;
  // Every step runs even when an earlier one fails, so nothing is left behind.
  const stop = async () => {
    if (server) await killGroup(server).catch(() => {});
    await dropDatabase(database, db);
    await removeSiteDir(dir);
  };

  try {
    // -L: Debian's package holds relative symlinks that would dangle in a copy.
    await cp(WORDPRESS_SOURCE, dir, { recursive: true, dereference: true });
    await writeFile(path.join(dir, 'wp-config.php'), wpConfig({ database, prefix: tablePrefix, home: url, secret, dir }));

    const wp = <T>(command: string, args: Record<string, unknown> = {}): Promise<T> => runPhpScript<T>('wp.php', dir, url, command, args);

    const { userId } = await wp<{ userId: number }>('install', admin);

    server = await startPhpServer(dir, '127.0.0.1', port, 'router.php');

    return {
      dir,
      url,
      port,
      database,
      tablePrefix,
      secret,
      configPath: path.join(dir, 'wp-config.php'),
      admin: { ...admin, id: userId },
      db,
      wp,
      pluginLogLines: () => pluginLogLines(dir),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

export interface Sidecar {
  url: string;
  port: number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node bin/kefu.js serve` with the site's wp-config.php as its only
 * source of database, table prefix and secret, accepting the site's origin.
 * `env` adds variables (a network's KEFU_SITE_ID); `name` is what the errors
 * call it.
 */
export async function startSidecar(
  site: Pick<Site, 'configPath' | 'url'>,
  { env = {}, name = 'the sidecar' }: { env?: Record<string, string>; name?: string } = {},
): Promise<Sidecar> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'kefu.js'), 'serve'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      NODE_ENV: 'production',
      KEFU_WP_CONFIG: site.configPath,
      ...env,
      KEFU_HOST: '127.0.0.1',
      KEFU_PORT: String(port),
      KEFU_ALLOWED_ORIGINS: site.url,
    },
  });
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const sidecar: Sidecar = { url, port, output: () => output, stop: () => killGroup(child) };
  try {
    await until(
      name,
      async () => {
        if (child.exitCode !== null) throw new GiveUp(`${name} exited with ${child.exitCode}: ${output}`);
        const res = await fetch(`${url}/kefu/health`, { signal: AbortSignal.timeout(3_000) });
        return res.ok ? true : undefined;
      },
      30_000,
    );
  } catch (err) {
    await sidecar.stop();
    throw new Error(`${String(err)}\n${output}`);
  }
  return sidecar;
}

/** A file as the sidecar describes it (docs/PROTOCOL.md, "Attachments"). */
export interface ChatFile {
  id: string;
  name: string;
  size: number;
  type: string;
  mid: number | null;
}

/**
 * Uploads a file through the sidecar's HTTP API, as a visitor (their token)
 * or as an agent into a visitor's conversation, then sends it with a message
 * saying `text`, unless `text` is null (the file stays unsent). Answers the
 * file, with the message's mid once sent.
 */
export async function sendFile(
  sidecarUrl: string,
  as: { visitorToken: string } | { agentToken: string; visitorId: string },
  name: string,
  bytes: Uint8Array<ArrayBuffer>,
  text: string | null = `Here is ${name}`,
): Promise<ChatFile> {
  const base = 'visitorToken' in as ? `${sidecarUrl}/kefu/api/visitor` : `${sidecarUrl}/kefu/api/agent/conversations/${encodeURIComponent(as.visitorId)}`;
  const authorization = `Bearer ${'visitorToken' in as ? as.visitorToken : as.agentToken}`;
  const clientId = randomBytes(8).toString('hex');
  const uploaded = await fetch(`${base}/attachments?name=${encodeURIComponent(name)}&clientId=${clientId}`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/octet-stream' },
    body: bytes,
    signal: AbortSignal.timeout(20_000),
  });
  if (uploaded.status !== 201) throw new Error(`upload of ${name}: ${uploaded.status} ${await uploaded.text()}`);
  const { attachment } = (await uploaded.json()) as { attachment: ChatFile };
  if (text === null) return attachment;
  const sent = await fetch(`${base}/messages`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify({ content: text, clientId: `m-${clientId}`, attachments: [attachment.id] }),
    signal: AbortSignal.timeout(20_000),
  });
  if (sent.status !== 201) throw new Error(`message with ${name}: ${sent.status} ${await sent.text()}`);
  const { message } = (await sent.json()) as { message: { mid: number } };
  return { ...attachment, mid: message.mid };
}
