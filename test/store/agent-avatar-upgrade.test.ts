// A database made before agents had pictures: migrating adds the avatar column
// to the existing agent table, keeps its rows, and the team list reads them.
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../sidecar/store/sqlite-store.js';
import { MysqlStore } from '../../sidecar/store/mysql-store.js';
import { createLogger } from '../../sidecar/logger.js';
import { loadConfig } from '../../sidecar/config.js';
import { sqlTime } from '../../sidecar/store/sql-store.js';
import type { Store } from '../../sidecar/store/store.js';
import { connectTestDb, dropPrefixed, TEST_DATABASE_URL, uniquePrefix } from '../helpers/mysql.js';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function expectUpgraded(store: Store, seenAt: Date): Promise<void> {
  await store.migrate();
  const since = new Date(seenAt.getTime() - 60_000);
  expect(await store.team.members(since, since, 8)).toEqual([{ id: 'agent:1', name: 'Ann', avatar: null, online: true }]);
  await store.setAgentPresence({ id: 'agent:1', name: 'Ann', avatar: 'https://cdn.example.test/ann.png' }, null, new Date(seenAt.getTime() + 1000));
  expect((await store.team.members(since, since, 8))[0].avatar).toBe('https://cdn.example.test/ann.png');
}

describe('an agent table from before avatars', () => {
  it('gets the column in SQLite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-upgrade-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'kefu.sqlite');
    const seenAt = new Date();
    const old = new Database(file);
    old.exec(`CREATE TABLE "u_kefu_agent" (id TEXT NOT NULL PRIMARY KEY, name TEXT, status TEXT NOT NULL DEFAULT 'online', last_seen_at TEXT NOT NULL)`);
    old.prepare(`INSERT INTO "u_kefu_agent" (id, name, status, last_seen_at) VALUES ('agent:1', 'Ann', 'online', ?)`).run(sqlTime(seenAt));
    old.close();
    const store = SqliteStore.open(file, 'u_', 'u_kefu_msg');
    cleanups.push(() => store.close());
    await expectUpgraded(store, seenAt);
  });

  it('gets the column in MySQL', async () => {
    const prefix = uniquePrefix('upgrade');
    const conn = await connectTestDb();
    cleanups.push(async () => {
      await dropPrefixed(conn, prefix);
      await conn.end();
    });
    const seenAt = new Date();
    await conn.query(`CREATE TABLE \`${prefix}kefu_agent\` (id VARCHAR(64) NOT NULL PRIMARY KEY, name VARCHAR(191) NULL,
      status VARCHAR(16) NOT NULL DEFAULT 'online', last_seen_at DATETIME(3) NOT NULL, KEY kefu_online (status, last_seen_at))`);
    await conn.query(`INSERT INTO \`${prefix}kefu_agent\` (id, name, status, last_seen_at) VALUES ('agent:1', 'Ann', 'online', ?)`, [sqlTime(seenAt)]);
    const config = await loadConfig({ KEFU_DATABASE_URL: TEST_DATABASE_URL, KEFU_SECRET: 'x'.repeat(32) });
    const store = MysqlStore.create(config.mysql!, prefix, `${prefix}kefu_msg`, createLogger('silent'));
    cleanups.push(() => store.close());
    await expectUpgraded(store, seenAt);
  });
});
