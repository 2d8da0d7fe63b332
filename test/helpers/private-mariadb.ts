// A private MariaDB server for tests that stop, kill or break the database:
// its own data directory under a temp dir, its own port and socket, so the
// shared server on 3306 is never touched. Start and stop it as often as the
// test needs; the data directory survives a stop.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';

const run = promisify(execFile);

const MARIADBD = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld'].find((p) => existsSync(p)) ?? 'mariadbd';
const INSTALL_DB = ['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db'].find((p) => existsSync(p)) ?? 'mariadb-install-db';

/** A free TCP port on 127.0.0.1 (released before the caller binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface PrivateMariaDb {
  port: number;
  /** `mysql://root@127.0.0.1:<port>/kefu` */
  url: string;
  running: boolean;
  /** Starts (or restarts) the server on the same port and data; resolves when it answers. */
  start(): Promise<void>;
  /** A clean shutdown (SIGTERM), waiting for the process to exit. */
  stop(): Promise<void>;
  /** SIGKILL: the server vanishes mid-statement. */
  kill(): Promise<void>;
  /** Stops the server and removes the data directory. */
  destroy(): Promise<void>;
}

export async function startPrivateMariaDb(): Promise<PrivateMariaDb> {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-mariadb-'));
  const datadir = join(dir, 'data');
  const socket = join(dir, 'mysqld.sock');
  const port = await freePort();
  await run(INSTALL_DB, [
    '--no-defaults', `--datadir=${datadir}`, '--auth-root-authentication-method=normal',
    '--skip-test-db', '--user=root', '--skip-name-resolve',
  ], { timeout: 120_000 });

  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const db: PrivateMariaDb = {
    port,
    url: `mysql://root@127.0.0.1:${port}/kefu`,
    running: false,
    async start() {
      if (child) return;
      const p = spawn(MARIADBD, [
        '--no-defaults', `--datadir=${datadir}`, `--port=${port}`, `--socket=${socket}`, '--bind-address=127.0.0.1',
        '--user=root', '--skip-name-resolve', '--skip-log-bin', '--innodb-buffer-pool-size=32M', '--innodb-log-file-size=16M',
        '--max-connections=300', `--pid-file=${join(dir, 'mysqld.pid')}`, `--log-error=${join(dir, 'error.log')}`,
        '--innodb-flush-log-at-trx-commit=2', '--performance-schema=OFF',
      ], { stdio: 'ignore' });
      child = p;
      exited = new Promise((resolve) => p.once('exit', () => { if (child === p) child = null; db.running = false; resolve(); }));
      const deadline = Date.now() + 60_000;
      for (;;) {
        try {
          const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 2_000 });
          await conn.query('CREATE DATABASE IF NOT EXISTS kefu CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
          await conn.end();
          break;
        } catch (err) {
          if (Date.now() > deadline || !child) throw new Error(`private MariaDB did not start: ${(err as Error).message}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      db.running = true;
    },
    async stop() {
      if (!child) return;
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
      if (child) await db.kill();
    },
    async kill() {
      if (!child) return;
      child.kill('SIGKILL');
      await exited;
    },
    async destroy() {
      await db.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await db.start();
  return db;
}

/** A connection to the private server's `kefu` database (for the test's own SQL). */
export function connectPrivate(db: PrivateMariaDb): Promise<mysql.Connection> {
  return mysql.createConnection({ uri: db.url, charset: 'UTF8MB4_UNICODE_CI', dateStrings: true, timezone: 'Z' });
}
