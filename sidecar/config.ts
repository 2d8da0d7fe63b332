// The only module that reads process.env: every option once, defaults beside it.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { readWpConfig, parseDbHost, type MysqlHost } from './wp-config.js';
import { DEFAULT_KIND_NAMES, FILE_KINDS, kindName } from './core/attachment-types.js';
import { BusinessHours, parseHolidays, parseWeek } from './core/business-hours.js';
import type { OutsideHours } from './core/availability.js';
import { isEmailAddress } from './core/email-address.js';

export interface MysqlConnection extends MysqlHost {
  user: string;
  password: string;
  database: string;
  charset: string;
}

export interface Config {
  /** MySQL connection, or null for the embedded SQLite store. */
  readonly mysql: MysqlConnection | null;
  /** Folder of the embedded store's database file. */
  readonly dataDir: string;
  readonly secret: string;
  /** True when no secret was configured and a development one is used (kept in dataDir). */
  readonly secretGenerated: boolean;
  /** Extra origins allowed for CORS and the stream's postMessage target. */
  readonly allowedOrigins: readonly string[];
  readonly host: string;
  readonly port: number;
  readonly tablePrefix: string;
  /**
   * The WordPress multisite site (blog id) this process serves: its tables carry
   * WordPress's per-site prefix, and only tokens with this `site` claim pass.
   */
  readonly siteId: number;
  /** Name of the message table (KEFU_MSG_TABLE adopts an existing one). */
  readonly msgTable: string;
  readonly tailIntervalMs: number;
  readonly production: boolean;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Requests come through reverse proxies that append to X-Forwarded-For (see http/client-address.ts). */
  readonly trustProxy: boolean;
  /**
   * How many of those proxies are in front: per-address limits count against
   * the X-Forwarded-For entry this far from the right, the one the farthest
   * proxy appended. Entries left of it are the client's own and never trusted.
   */
  readonly proxyHops: number;
  /** Messages a visitor may send: `burst` at once, refilled at `perSecond`. */
  readonly visitorSendBurst: number;
  readonly visitorSendPerSecond: number;
  /** Messages per minute from one IP address, over all its visitors. */
  readonly ipSendPerMinute: number;
  /** Polls and streams one IP address may hold open at once. */
  readonly maxHeldPerIp: number;
  /** Longest life of one agent stream response before `reconnect`. */
  readonly streamMaxMs: number;
  readonly streamMaxBytes: number;
  readonly pingIntervalMs: number;
  /** An agent away or gone this long gives their open conversations back to the team; 0 never. */
  readonly unassignAfterMs: number;
  /** A visitor's message to a conversation nobody owns gives it to the least busy agent online. */
  readonly autoAssign: boolean;
  readonly attachments: AttachmentSettings;
  /**
   * Business hours (docs/PROTOCOL.md, "Business hours"): KEFU_BUSINESS_HOURS, the weekly
   * schedule (`mon-fri 09:00-17:30; sat 10:00-14:00`, or `closed`), in KEFU_BUSINESS_TZ
   * (an IANA zone; default the server's), without KEFU_HOLIDAYS (dates and runs:
   * `2026-12-25, 2026-12-31..2027-01-01`). Outside them visitors see nobody online;
   * `outside`, KEFU_OUTSIDE_HOURS, is what the widget then shows a visitor without a
   * conversation: the leave-a-message form (`offline-form`, the default) or nothing
   * (`hide`). Null when KEFU_BUSINESS_HOURS is not set: always open.
   */
  readonly businessHours: { readonly schedule: BusinessHours; readonly outside: OutsideHours } | null;
  readonly mail: MailSettings;
  readonly push: PushSettings;
}

/** Web Push to the agents' devices (docs/push.md). */
export interface PushSettings {
  /**
   * KEFU_VAPID_PUBLIC_KEY and KEFU_VAPID_PRIVATE_KEY (base64url, as web-push's
   * generate-vapid-keys prints them), both or neither. Neither: a pair is made
   * once and kept in the database (`<prefix>kefu_setting`), shared by every process.
   * The private key is a secret: never logged.
   */
  readonly vapidPublicKey: string | null;
  readonly vapidPrivateKey: string | null;
  /** KEFU_VAPID_SUBJECT: `mailto:` or `https:`, how a push service reaches the site's owner. */
  readonly vapidSubject: string;
  /** KEFU_PUSH_ESCALATE_AFTER_MIN: a visitor message unanswered this long is pushed again, once; 0 never. */
  readonly escalateAfterMs: number;
  /** KEFU_PUSH_ALLOW_HTTP_ENDPOINTS: for tests only: push endpoints on http://127.0.0.1 and localhost are accepted. */
  readonly allowHttpEndpoints: boolean;
}

/** Mail to the agents and to visitors (docs/email.md). */
export interface MailSettings {
  /**
   * KEFU_SMTP_URL: the SMTP server in nodemailer's URL form (`smtp://user:pass@host:587`,
   * `smtps://user:pass@host:465`; query options such as `?requireTLS=true` pass
   * through). Null: mail is off, and nothing is queued either. It holds a
   * password: never logged, never in an error message.
   */
  readonly smtpUrl: string | null;
  /**
   * KEFU_WP_MAIL_URL: the WordPress plugin's mail route (`https://shop.example/wp-json/kefu/v1/mail`).
   * Used when KEFU_SMTP_URL is not set: each mail goes through the site's wp_mail,
   * the request signed with the shared secret. Set by the owner even with
   * KEFU_WP_CONFIG: wp-config.php does not say the site's address.
   */
  readonly wpMailUrl: string | null;
  /** KEFU_MAIL_FROM: `Kefu <kefu@example.com>` or a bare address; default: the SMTP user, when that is an address. */
  readonly from: string | null;
  /** KEFU_NOTIFY_EMAILS: the agents' addresses (comma-separated) for offline and unanswered notices; none: no such notices. */
  readonly notifyEmails: readonly string[];
  /** KEFU_ESCALATE_AFTER_MIN: a visitor waiting this long for an answer is mailed to the agents; 0 never. */
  readonly escalateAfterMs: number;
  /** KEFU_VISITOR_AWAY_MIN: a visitor not seen this long gets the team's unseen replies by mail (if they gave an address); 0 never. */
  readonly visitorAwayMs: number;
  /** KEFU_SITE_URL: the site's address: the console's and the widget's links when the visitor's page is not known, the name in subjects. */
  readonly siteUrl: string | null;
  /** KEFU_MAIL_LANG: the language of the agents' mails, and of a visitor's whose language is not known. */
  readonly lang: 'en' | 'zh-CN';
}

/** An S3-compatible bucket for attachments (store/s3-blob-store.ts). */
export interface S3Settings {
  readonly bucket: string;
  readonly region: string;
  /** Another S3-compatible service (MinIO, Ceph, R2…); null: AWS itself. */
  readonly endpoint: string | null;
  /** Null: the AWS SDK's own chain (environment, instance role…). */
  readonly accessKeyId: string | null;
  readonly secretAccessKey: string | null;
  /** `bucket` in the path, not the host name: what most S3-compatible servers need. */
  readonly forcePathStyle: boolean;
  /** Put before every object key, so one bucket can serve several sites. */
  readonly prefix: string;
}

/** Files in the chat (docs/PROTOCOL.md, "Attachments"). */
export interface AttachmentSettings {
  /** Largest file, in bytes; 0 turns files off. */
  readonly maxBytes: number;
  readonly maxPerMessage: number;
  /** Short names of the accepted kinds (core/attachment-types.ts). */
  readonly types: readonly string[];
  /** Where new files' bytes go: the database (chunks, the default), the S3 bucket or the folder. */
  readonly store: 'db' | 's3' | 'folder';
  /** Set when KEFU_S3_BUCKET is: files stored there stay readable after a switch back to `db`. */
  readonly s3: S3Settings | null;
  /**
   * The folder for `folder` (store/folder-blob-store.ts), absolute: KEFU_ATTACHMENTS_DIR,
   * else with KEFU_WP_CONFIG `<its folder>/wp-content/uploads/kefu-files`
   * (`uploads/sites/<KEFU_SITE_ID>/kefu-files` for a network's other sites; the
   * plugin removes that folder when the owner asked for chat history to go on
   * uninstall), else null. Like `s3`, known even when another store is written
   * to, so files kept there stay readable after a switch.
   */
  readonly dir: string | null;
  /** Life of a signed download address. */
  readonly linkSeconds: number;
  /** How long one upload may take to arrive; every other request keeps the 20 s of server.ts. */
  readonly uploadTimeoutMs: number;
  /**
   * Uploads one visitor may start per minute (that many at once too); one
   * client address gets six times as many, for a household or an office
   * behind one address. A file costs the store far more than a message.
   */
  readonly uploadsPerMinute: number;
}

type Env = Record<string, string | undefined>;

/** `--database-url=x`, `--database-url x` → `KEFU_DATABASE_URL`. */
export function flagsToEnv(args: readonly string[]): Env {
  const env: Env = {};
  for (let i = 0; i < args.length; i++) {
    const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(args[i]);
    if (!m) throw new Error(`unexpected argument: ${args[i]}`);
    let value = m[2];
    if (value === undefined) {
      const next = args[i + 1];
      if (next === undefined || next.startsWith('--')) value = 'true';
      else value = args[++i];
    }
    env['KEFU_' + m[1].toUpperCase().replace(/-/g, '_')] = value;
  }
  return env;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}`);
  return n;
}

function parseDatabaseUrl(url: string): MysqlConnection {
  let u: URL;
  try { u = new URL(url); } catch { throw new Error('KEFU_DATABASE_URL must look like mysql://user:pass@host:3306/db'); }
  if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:') throw new Error('KEFU_DATABASE_URL must start with mysql://');
  const socket = u.searchParams.get('socket');
  return {
    ...(socket ? { socketPath: socket } : { host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port: u.port ? Number(u.port) : 3306 }),
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'kefu',
    charset: 'utf8mb4',
  };
}

/**
 * Without a configured secret (development), one is made once and kept in the
 * data folder, so tokens in browsers survive a restart.
 */
function developmentSecret(dataDir: string): string {
  const file = join(dataDir, 'secret');
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 32) return kept;
  } catch {
    /* first run */
  }
  const fresh = randomBytes(32).toString('base64url');
  try {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, fresh + '\n', { mode: 0o600 });
  } catch {
    /* a read-only folder: the secret lasts this run */
  }
  return fresh;
}

/** A setting given both in the environment and as a wp-config.php constant must agree. */
function agreed(name: string, fromEnv: string | undefined, fromWp: string | undefined): string | undefined {
  if (fromEnv !== undefined && fromWp !== undefined && fromEnv !== fromWp) {
    throw new Error(`${name} is "${fromEnv}" in the environment but "${fromWp}" in wp-config.php; the plugin reads wp-config.php, so keep one`);
  }
  return fromEnv ?? fromWp;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new Error(`${name} must be true or false`);
}

function s3Settings(env: Env): S3Settings | null {
  const bucket = env.KEFU_S3_BUCKET?.trim();
  if (!bucket) return null;
  const endpoint = env.KEFU_S3_ENDPOINT?.trim() || null;
  if (endpoint) {
    try { new URL(endpoint); } catch { throw new Error('KEFU_S3_ENDPOINT must be a URL such as http://127.0.0.1:9000'); }
  }
  const accessKeyId = env.KEFU_S3_ACCESS_KEY_ID || null;
  const secretAccessKey = env.KEFU_S3_SECRET_ACCESS_KEY || null;
  if (!accessKeyId !== !secretAccessKey) throw new Error('KEFU_S3_ACCESS_KEY_ID and KEFU_S3_SECRET_ACCESS_KEY go together');
  const prefix = env.KEFU_S3_PREFIX ?? 'kefu/';
  if (!/^[A-Za-z0-9_./-]{0,200}$/.test(prefix)) throw new Error('KEFU_S3_PREFIX may hold only letters, digits and _ . / -');
  return {
    bucket,
    region: env.KEFU_S3_REGION?.trim() || 'us-east-1',
    endpoint,
    accessKeyId,
    secretAccessKey,
    forcePathStyle: flag(env, 'KEFU_S3_FORCE_PATH_STYLE', endpoint !== null),
    prefix,
  };
}

function attachmentsDir(env: Env): string | null {
  const dir = env.KEFU_ATTACHMENTS_DIR?.trim();
  if (dir) return resolve(dir);
  if (!env.KEFU_WP_CONFIG) return null;
  // A network's other sites keep their uploads in uploads/sites/<id>/, as wp_upload_dir() says: each site's uninstall removes its own.
  const site = int(env, 'KEFU_SITE_ID', 1, 1, 2 ** 31 - 1);
  const uploads = join(dirname(resolve(env.KEFU_WP_CONFIG)), 'wp-content', 'uploads');
  return site > 1 ? join(uploads, 'sites', String(site), 'kefu-files') : join(uploads, 'kefu-files');
}

function attachmentSettings(env: Env): AttachmentSettings {
  const types = env.KEFU_ATTACHMENTS_TYPES === undefined || env.KEFU_ATTACHMENTS_TYPES.trim() === ''
    ? DEFAULT_KIND_NAMES
    : [...new Set(env.KEFU_ATTACHMENTS_TYPES.split(',').filter((w) => w.trim()).map((w) => {
      const name = kindName(w);
      if (!name) throw new Error(`KEFU_ATTACHMENTS_TYPES: unknown kind "${w.trim()}"; known: ${FILE_KINDS.map((k) => k.name).join(', ')}`);
      return name;
    }))];
  const store = env.KEFU_ATTACHMENTS_STORE?.trim() || 'db';
  if (store !== 'db' && store !== 's3' && store !== 'folder') throw new Error('KEFU_ATTACHMENTS_STORE must be db, s3 or folder');
  const s3 = s3Settings(env);
  if (store === 's3' && !s3) throw new Error('KEFU_ATTACHMENTS_STORE=s3 needs KEFU_S3_BUCKET');
  const dir = attachmentsDir(env);
  if (store === 'folder' && !dir) throw new Error('KEFU_ATTACHMENTS_STORE=folder needs KEFU_ATTACHMENTS_DIR (or KEFU_WP_CONFIG, whose site keeps them in wp-content/uploads/kefu-files)');
  return Object.freeze({
    maxBytes: int(env, 'KEFU_ATTACHMENTS_MAX_BYTES', 10 * 1024 * 1024, 0, 100 * 1024 * 1024),
    maxPerMessage: int(env, 'KEFU_ATTACHMENTS_MAX_PER_MESSAGE', 5, 1, 20),
    types: Object.freeze(types),
    store,
    s3: s3 && Object.freeze(s3),
    dir,
    linkSeconds: int(env, 'KEFU_ATTACHMENTS_LINK_SECONDS', 300, 10, 24 * 3600),
    uploadTimeoutMs: int(env, 'KEFU_ATTACHMENTS_UPLOAD_SECONDS', 120, 20, 3600) * 1000,
    uploadsPerMinute: int(env, 'KEFU_ATTACHMENTS_PER_MINUTE', 10, 1, 600),
  });
}

/** `Name <address>` or a bare address: the address, else null. */
function fromAddress(from: string): string | null {
  const m = /^[^<>\r\n]*<([^<>]+)>$/.exec(from) ?? /^([^<>\s]+)$/.exec(from);
  return m && isEmailAddress(m[1].trim()) ? m[1].trim() : null;
}

function mailSettings(env: Env): MailSettings {
  const raw = env.KEFU_SMTP_URL?.trim() || null;
  let from = env.KEFU_MAIL_FROM?.trim() || null;
  if (raw) {
    // The URL holds a password: no message below repeats it.
    let u: URL;
    try { u = new URL(raw); } catch { throw new Error('KEFU_SMTP_URL must look like smtp://user:pass@host:587 or smtps://user:pass@host:465'); }
    if ((u.protocol !== 'smtp:' && u.protocol !== 'smtps:') || !u.hostname) throw new Error('KEFU_SMTP_URL must start with smtp:// or smtps:// and name a host');
    let user = '';
    try { user = decodeURIComponent(u.username); } catch { /* a malformed escape: not an address, then */ }
    if (!from && isEmailAddress(user)) from = user;
    if (!from) throw new Error('KEFU_MAIL_FROM is needed with KEFU_SMTP_URL (the SMTP user is not an address to send from)');
  }
  if (from && !fromAddress(from)) throw new Error('KEFU_MAIL_FROM must be an address or Name <address>');
  const notifyEmails = (env.KEFU_NOTIFY_EMAILS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const address of notifyEmails) if (!isEmailAddress(address)) throw new Error(`KEFU_NOTIFY_EMAILS: not an address: ${address}`);
  // One mail goes to all of them: the outbox keeps the list in one column.
  if (notifyEmails.join(', ').length > 2000) throw new Error('KEFU_NOTIFY_EMAILS: at most 2,000 characters');
  let siteUrl = env.KEFU_SITE_URL?.trim() || null;
  if (siteUrl) {
    let u: URL;
    try { u = new URL(siteUrl); } catch { throw new Error('KEFU_SITE_URL must be an address such as https://example.com'); }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('KEFU_SITE_URL must start with https:// or http://');
    siteUrl = (u.origin + u.pathname).replace(/\/+$/, '');
  }
  const lang = env.KEFU_MAIL_LANG?.trim() || 'en';
  if (!/^(en|zh-cn)$/i.test(lang)) throw new Error('KEFU_MAIL_LANG must be en or zh-CN');
  const wpMailUrl = env.KEFU_WP_MAIL_URL?.trim() || null;
  if (wpMailUrl) {
    let u: URL;
    try { u = new URL(wpMailUrl); } catch { throw new Error('KEFU_WP_MAIL_URL must be an address such as https://example.com/wp-json/kefu/v1/mail'); }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('KEFU_WP_MAIL_URL must start with https:// or http://');
  }
  return Object.freeze({
    smtpUrl: raw,
    wpMailUrl,
    from,
    notifyEmails: Object.freeze([...new Set(notifyEmails)]),
    escalateAfterMs: int(env, 'KEFU_ESCALATE_AFTER_MIN', 10, 0, 7 * 24 * 60) * 60_000,
    visitorAwayMs: int(env, 'KEFU_VISITOR_AWAY_MIN', 3, 0, 7 * 24 * 60) * 60_000,
    siteUrl,
    lang: lang.toLowerCase() === 'en' ? 'en' : 'zh-CN',
  });
}

function pushSettings(env: Env): PushSettings {
  const publicKey = env.KEFU_VAPID_PUBLIC_KEY?.trim() || null;
  const privateKey = env.KEFU_VAPID_PRIVATE_KEY?.trim() || null;
  if (!publicKey !== !privateKey) throw new Error('KEFU_VAPID_PUBLIC_KEY and KEFU_VAPID_PRIVATE_KEY go together');
  // The sizes web-push checks when it signs: a P-256 point (65 bytes) and scalar (32).
  if (publicKey && !/^[A-Za-z0-9_-]{87}$/.test(publicKey)) throw new Error('KEFU_VAPID_PUBLIC_KEY must be 87 base64url characters (an uncompressed P-256 point)');
  if (privateKey && !/^[A-Za-z0-9_-]{43}$/.test(privateKey)) throw new Error('KEFU_VAPID_PRIVATE_KEY must be 43 base64url characters');
  const subject = env.KEFU_VAPID_SUBJECT?.trim() || 'mailto:kefu@localhost';
  if (!/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/.test(subject)) throw new Error('KEFU_VAPID_SUBJECT must be a mailto: or https: address');
  return Object.freeze({
    vapidPublicKey: publicKey,
    vapidPrivateKey: privateKey,
    vapidSubject: subject,
    escalateAfterMs: int(env, 'KEFU_PUSH_ESCALATE_AFTER_MIN', 5, 0, 7 * 24 * 60) * 60_000,
    allowHttpEndpoints: flag(env, 'KEFU_PUSH_ALLOW_HTTP_ENDPOINTS', false),
  });
}

function businessHours(env: Env): Config['businessHours'] {
  const week = env.KEFU_BUSINESS_HOURS?.trim();
  if (!week) {
    // Alone they would do nothing: the schedule is most likely misspelt or forgotten.
    for (const name of ['KEFU_BUSINESS_TZ', 'KEFU_HOLIDAYS', 'KEFU_OUTSIDE_HOURS']) {
      if (env[name]?.trim()) throw new Error(`${name} needs KEFU_BUSINESS_HOURS, the weekly schedule (e.g. "mon-fri 09:00-17:30")`);
    }
    return null;
  }
  const outside = env.KEFU_OUTSIDE_HOURS?.trim() || 'offline-form';
  if (outside !== 'offline-form' && outside !== 'hide') throw new Error('KEFU_OUTSIDE_HOURS must be offline-form or hide');
  const named = <T>(name: string, read: () => T): T => {
    try {
      return read();
    } catch (err) {
      throw new Error(`${name}: ${(err as Error).message}`);
    }
  };
  const timeZone = env.KEFU_BUSINESS_TZ?.trim() || Intl.DateTimeFormat().resolvedOptions().timeZone;
  const schedule = named('KEFU_BUSINESS_HOURS', () => parseWeek(week));
  const holidays = named('KEFU_HOLIDAYS', () => parseHolidays(env.KEFU_HOLIDAYS ?? ''));
  return Object.freeze({ schedule: named('KEFU_BUSINESS_TZ', () => new BusinessHours({ week: schedule, holidays, timeZone })), outside });
}

export async function loadConfig(env: Env = process.env): Promise<Config> {
  const production = env.NODE_ENV === 'production';
  const wp = env.KEFU_WP_CONFIG ? await readWpConfig(env.KEFU_WP_CONFIG) : null;

  let mysql: MysqlConnection | null = null;
  if (env.KEFU_DATABASE_URL) mysql = parseDatabaseUrl(env.KEFU_DATABASE_URL);
  else if (wp) {
    if (!wp.dbName || wp.dbUser === undefined) throw new Error(`${env.KEFU_WP_CONFIG} defines no DB_NAME/DB_USER`);
    mysql = {
      ...parseDbHost(wp.dbHost ?? 'localhost'),
      user: wp.dbUser,
      password: wp.dbPassword ?? '',
      database: wp.dbName,
      // utf8mb4 whatever the site says: older sites declare utf8, which cannot hold emoji.
      charset: 'utf8mb4',
    };
  }

  const dataDir = env.KEFU_DATA_DIR ?? '.kefu';
  let secret = env.KEFU_SECRET || wp?.kefuSecret || '';
  let secretGenerated = false;
  if (!secret) {
    if (production) throw new Error('KEFU_SECRET is required in production (or define KEFU_SECRET in wp-config.php)');
    secret = developmentSecret(dataDir);
    secretGenerated = true;
  }
  if (secret.length < 16) throw new Error('KEFU_SECRET must be at least 16 characters');

  // Table names have one source: the plugin reads the same wp-config.php constants,
  // so an environment variable may repeat a constant but never contradict it.
  const siteId = int(env, 'KEFU_SITE_ID', 1, 1, 2 ** 31 - 1);
  const basePrefix = agreed('KEFU_TABLE_PREFIX', env.KEFU_TABLE_PREFIX, wp?.kefuTablePrefix) ?? wp?.tablePrefix ?? '';
  if (!/^[A-Za-z0-9_]*$/.test(basePrefix)) throw new Error('KEFU_TABLE_PREFIX may hold only letters, digits and _');
  // WordPress's own rule for a network's sites: the base prefix, then `<blog id>_` past the first.
  const tablePrefix = siteId > 1 ? `${basePrefix}${siteId}_` : basePrefix;
  const adopted = agreed('KEFU_MSG_TABLE', env.KEFU_MSG_TABLE || undefined, wp?.kefuMsgTable || undefined);
  // An adopted seed table belongs to the main site; every other site has its own.
  const msgTable = adopted && siteId === 1 ? adopted : `${tablePrefix}kefu_msg`;
  if (!/^[A-Za-z0-9_]{1,64}$/.test(msgTable)) throw new Error('KEFU_MSG_TABLE may hold only letters, digits and _');

  const allowedOrigins = (env.KEFU_ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((o) => {
    let u: URL;
    try { u = new URL(o); } catch { throw new Error(`KEFU_ALLOWED_ORIGINS: not an origin: ${o}`); }
    return u.origin;
  });

  const logLevel = (env.KEFU_LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(logLevel)) throw new Error('KEFU_LOG_LEVEL must be debug, info, warn, error or silent');

  return Object.freeze({
    mysql,
    dataDir,
    secret,
    secretGenerated,
    allowedOrigins: Object.freeze(allowedOrigins),
    host: env.KEFU_HOST ?? '127.0.0.1',
    port: int(env, 'KEFU_PORT', 8790, 0, 65535),
    tablePrefix,
    siteId,
    msgTable,
    tailIntervalMs: int(env, 'KEFU_TAIL_INTERVAL_MS', 250, 10, 60_000),
    production,
    logLevel,
    trustProxy: env.KEFU_TRUST_PROXY === 'true' || env.KEFU_TRUST_PROXY === '1',
    proxyHops: int(env, 'KEFU_PROXY_HOPS', 1, 1, 16),
    visitorSendBurst: int(env, 'KEFU_VISITOR_SEND_BURST', 10, 1, 10_000),
    visitorSendPerSecond: int(env, 'KEFU_VISITOR_SEND_PER_SECOND', 1, 1, 10_000),
    ipSendPerMinute: int(env, 'KEFU_IP_SEND_PER_MINUTE', 120, 1, 1_000_000),
    maxHeldPerIp: int(env, 'KEFU_MAX_HELD_PER_IP', 200, 1, 1_000_000),
    streamMaxMs: int(env, 'KEFU_STREAM_MAX_MS', 5 * 60_000, 1_000, 5 * 60_000),
    streamMaxBytes: int(env, 'KEFU_STREAM_MAX_BYTES', 4 * 1024 * 1024, 4096, 16 * 1024 * 1024),
    pingIntervalMs: int(env, 'KEFU_PING_INTERVAL_MS', 15_000, 100, 20_000),
    unassignAfterMs: int(env, 'KEFU_UNASSIGN_AFTER_MIN', 15, 0, 7 * 24 * 60) * 60_000,
    autoAssign: env.KEFU_AUTO_ASSIGN === 'true' || env.KEFU_AUTO_ASSIGN === '1',
    attachments: attachmentSettings(env),
    businessHours: businessHours(env),
    mail: mailSettings(env),
    push: pushSettings(env),
  });
}
