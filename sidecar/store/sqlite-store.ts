// The embedded store: a real SQLite database file through better-sqlite3, so a
// first run needs no MySQL. Same queries as MySQL (sql-store.ts), own DDL.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { SqlStore, tableNames, type SqlDriver } from './sql-store.js';
import type { Store } from './store.js';

class SqliteDriver implements SqlDriver {
  readonly insertIgnore = 'INSERT OR IGNORE';

  keepMax(key: string, col: string): string {
    return `ON CONFLICT(${key}) DO UPDATE SET ${col} = MAX(${col}, excluded.${col})`;
  }
  constructor(readonly db: Database.Database) {}

  async all<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.db.prepare(sql).all(...(params as unknown[])) as T[];
  }

  async run(sql: string, params: readonly unknown[] = []) {
    const r = this.db.prepare(sql).run(...(params as unknown[]));
    return { affectedRows: r.changes, insertId: Number(r.lastInsertRowid) };
  }

  isDuplicateKey(err: unknown): boolean {
    return String((err as { code?: string }).code).startsWith('SQLITE_CONSTRAINT');
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

export class SqliteStore extends SqlStore implements Store {
  private constructor(private readonly driver: SqliteDriver, prefix: string, msgTable: string) {
    super(driver, tableNames(prefix, msgTable));
  }

  /** `file` is a path, or ':memory:' for a throwaway database. */
  static open(file: string, prefix: string, msgTable: string): SqliteStore {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    return new SqliteStore(new SqliteDriver(db), prefix, msgTable);
  }

  async ping(): Promise<void> {
    await this.driver.all('SELECT 1');
  }

  async migrate(): Promise<void> {
    const { msg, visitor, agent, event, ticket } = this.t;
    this.driver.db.exec(`
      CREATE TABLE IF NOT EXISTS "${msg}" (
        mid INTEGER PRIMARY KEY AUTOINCREMENT,
        pos TEXT NOT NULL, rec TEXT NOT NULL,
        isread INTEGER NOT NULL DEFAULT 0,
        content TEXT NOT NULL,
        created_at TEXT DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
        client_id TEXT NULL, from_name TEXT NULL
      );
      CREATE INDEX IF NOT EXISTS "${msg}_pos" ON "${msg}" (pos, mid);
      CREATE INDEX IF NOT EXISTS "${msg}_rec" ON "${msg}" (rec, mid);
      CREATE INDEX IF NOT EXISTS "${msg}_unread" ON "${msg}" (rec, isread, mid);
      CREATE INDEX IF NOT EXISTS "${msg}_inbox" ON "${msg}" (rec, isread, pos);
      CREATE UNIQUE INDEX IF NOT EXISTS "${msg}_client" ON "${msg}" (pos, client_id);
      CREATE TABLE IF NOT EXISTS "${visitor}" (
        id TEXT NOT NULL PRIMARY KEY, name TEXT, email TEXT, page TEXT, referrer TEXT,
        first_seen_at TEXT NOT NULL, last_seen_at TEXT NOT NULL, last_mid INTEGER NOT NULL DEFAULT 0,
        user_ref TEXT NULL, consent_at TEXT NULL
      );
      CREATE INDEX IF NOT EXISTS "${visitor}_activity" ON "${visitor}" (last_mid);
      CREATE TABLE IF NOT EXISTS "${agent}" (
        id TEXT NOT NULL PRIMARY KEY, name TEXT, status TEXT NOT NULL DEFAULT 'online', last_seen_at TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS "${event}" (
        id INTEGER PRIMARY KEY AUTOINCREMENT, visitor_id TEXT NOT NULL, audience TEXT NOT NULL,
        payload TEXT NOT NULL, created_at TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS "${event}_age" ON "${event}" (created_at);
      CREATE TABLE IF NOT EXISTS "${ticket}" (jti TEXT NOT NULL PRIMARY KEY, expires_at TEXT NOT NULL);
    `);
    // Databases made by 0.1 lack the identity and consent columns.
    const have = new Set((this.driver.db.prepare(`PRAGMA table_info("${visitor}")`).all() as Array<{ name: string }>).map((c) => c.name));
    for (const col of ['user_ref', 'consent_at']) {
      if (!have.has(col)) this.driver.db.exec(`ALTER TABLE "${visitor}" ADD COLUMN ${col} TEXT NULL`);
    }
    this.driver.db.exec(`CREATE UNIQUE INDEX IF NOT EXISTS "${visitor}_user" ON "${visitor}" (user_ref)`);
  }
}
