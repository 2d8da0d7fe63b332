// The embedded store: a real SQLite database file through better-sqlite3, so a
// first run needs no MySQL. Same queries as MySQL (sql-store.ts), own DDL.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { SqlStore, tableNames, type SqlDriver, type SqlRunner } from './sql-store.js';
import type { Store } from './store.js';

class SqliteDriver implements SqlDriver {
  readonly insertIgnore = 'INSERT OR IGNORE';
  readonly caseless = ' COLLATE NOCASE';

  keepMax(key: string, col: string): string {
    return `ON CONFLICT(${key}) DO UPDATE SET ${col} = MAX(${col}, excluded.${col})`;
  }
  constructor(readonly db: Database.Database) {}

  /**
   * Settles when the open transaction ends. One connection serves every
   * caller, so while a transaction's work awaits, other statements wait here:
   * run between its statements, they would join it (and see its rows early).
   */
  private open: Promise<void> | null = null;

  private allNow<T>(sql: string, params: readonly unknown[]): T[] {
    return this.db.prepare(sql).all(...(params as unknown[])) as T[];
  }

  private runNow(sql: string, params: readonly unknown[]) {
    const r = this.db.prepare(sql).run(...(params as unknown[]));
    return { affectedRows: r.changes, insertId: Number(r.lastInsertRowid) };
  }

  async all<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    while (this.open) await this.open;
    return this.allNow<T>(sql, params);
  }

  async run(sql: string, params: readonly unknown[] = []) {
    while (this.open) await this.open;
    return this.runNow(sql, params);
  }

  async transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    while (this.open) await this.open;
    let done!: () => void;
    this.open = new Promise<void>((resolve) => { done = resolve; });
    const tx: SqlRunner = {
      all: async <R>(sql: string, params: readonly unknown[] = []) => this.allNow<R>(sql, params),
      run: async (sql: string, params: readonly unknown[] = []) => this.runNow(sql, params),
    };
    try {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(tx);
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        this.db.exec('ROLLBACK');
        throw err;
      }
    } finally {
      this.open = null;
      done();
    }
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
    const { msg, visitor, agent, event, ticket, note, block, canned } = this.t;
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
    // Columns added since 0.1 (identity, consent, the help desk, the details column), also to databases made before them.
    const have = new Set((this.driver.db.prepare(`PRAGMA table_info("${visitor}")`).all() as Array<{ name: string }>).map((c) => c.name));
    const added: Array<[string, string]> = [
      ['user_ref', 'TEXT NULL'],
      ['consent_at', 'TEXT NULL'],
      ['status', "TEXT NOT NULL DEFAULT 'open'"],
      ['assignee', 'TEXT NULL'],
      ['assignee_name', 'TEXT NULL'],
      ['address_hash', 'TEXT NULL'],
      ['browser', 'TEXT NULL'],
      ['os', 'TEXT NULL'],
      ['device', 'TEXT NULL'],
      ['time_zone', 'TEXT NULL'],
      // The widget's language: mails to the visitor are in it (core/mail-notices.ts).
      ['lang', 'TEXT NULL'],
      // How often the conversation was resolved: the resolution a rating belongs to (rating-store.ts).
      ['resolutions', 'INTEGER NOT NULL DEFAULT 0'],
    ];
    for (const [col, type] of added) {
      if (!have.has(col)) this.driver.db.exec(`ALTER TABLE "${visitor}" ADD COLUMN ${col} ${type}`);
    }
    // The picture of the agent's latest token (the widget's team faces).
    const agentCols = (this.driver.db.prepare(`PRAGMA table_info("${agent}")`).all() as Array<{ name: string }>).map((c) => c.name);
    if (!agentCols.includes('avatar')) this.driver.db.exec(`ALTER TABLE "${agent}" ADD COLUMN avatar TEXT NULL`);
    this.driver.db.exec(`
      CREATE UNIQUE INDEX IF NOT EXISTS "${visitor}_user" ON "${visitor}" (user_ref);
      CREATE INDEX IF NOT EXISTS "${visitor}_queue" ON "${visitor}" (status, assignee, last_mid);
      CREATE INDEX IF NOT EXISTS "${visitor}_email" ON "${visitor}" (email COLLATE NOCASE);
      CREATE TABLE IF NOT EXISTS "${note}" (
        id INTEGER PRIMARY KEY AUTOINCREMENT, visitor_id TEXT NOT NULL, agent_id TEXT NOT NULL, agent_name TEXT NULL,
        content TEXT NOT NULL, client_id TEXT NULL, after_mid INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS "${note}_thread" ON "${note}" (visitor_id, id);
      CREATE UNIQUE INDEX IF NOT EXISTS "${note}_client" ON "${note}" (agent_id, client_id);
      CREATE TABLE IF NOT EXISTS "${block}" (
        id INTEGER PRIMARY KEY AUTOINCREMENT, visitor_id TEXT NOT NULL, address_hash TEXT NULL, reason TEXT NOT NULL,
        by_agent TEXT NOT NULL, by_name TEXT NULL, created_at TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS "${block}_visitor" ON "${block}" (visitor_id);
      CREATE TABLE IF NOT EXISTS "${canned}" (
        id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL DEFAULT '', shortcut TEXT NOT NULL COLLATE NOCASE,
        title TEXT NOT NULL, content TEXT NOT NULL, updated_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX IF NOT EXISTS "${canned}_shortcut" ON "${canned}" (owner, shortcut);
    `);
    // Search (core/search.ts): (gram, mid) pairs, and the mid up to which every message is indexed.
    this.driver.db.exec(`
      CREATE TABLE IF NOT EXISTS "${this.t.search}" (gram INTEGER NOT NULL, mid INTEGER NOT NULL, PRIMARY KEY (gram, mid)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS "${this.t.searchState}" (id INTEGER NOT NULL PRIMARY KEY, upto INTEGER NOT NULL);
    `);
    // Attachments: what each file is (attachment-store.ts) and its bytes in rows (db-blob-store.ts);
    // a rowid table for those, as SQLite advises for rows far larger than a page.
    const { attachment, attachmentChunk } = this.t;
    this.driver.db.exec(`
      CREATE TABLE IF NOT EXISTS "${attachment}" (
        id TEXT NOT NULL PRIMARY KEY, visitor_id TEXT NOT NULL, owner TEXT NOT NULL, client_id TEXT NULL,
        name TEXT NOT NULL, type TEXT NOT NULL, size INTEGER NOT NULL DEFAULT 0, width INTEGER NULL, height INTEGER NULL,
        mid INTEGER NULL, position INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL DEFAULT 'uploading', store TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX IF NOT EXISTS "${attachment}_client" ON "${attachment}" (owner, client_id);
      CREATE INDEX IF NOT EXISTS "${attachment}_mid" ON "${attachment}" (mid);
      CREATE INDEX IF NOT EXISTS "${attachment}_visitor" ON "${attachment}" (visitor_id);
      CREATE INDEX IF NOT EXISTS "${attachment}_sweep" ON "${attachment}" (status, created_at);
      CREATE TABLE IF NOT EXISTS "${attachmentChunk}" (
        blob_key TEXT NOT NULL, seq INTEGER NOT NULL, start_at INTEGER NOT NULL, data BLOB NOT NULL,
        PRIMARY KEY (blob_key, seq)
      );
      CREATE INDEX IF NOT EXISTS "${attachmentChunk}_start" ON "${attachmentChunk}" (blob_key, start_at);
    `);
    // The mail outbox (mail-store.ts): one row per dedupe key; _due finds what is due (NULL once sent or given up).
    this.driver.db.exec(`
      CREATE TABLE IF NOT EXISTS "${this.t.mail}" (
        id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, dedupe_key TEXT NOT NULL, recipient TEXT NOT NULL,
        lang TEXT NOT NULL, subject TEXT NOT NULL, text TEXT NOT NULL, html TEXT NOT NULL, created_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NULL, claimed_until TEXT NULL, sent_at TEXT NULL,
        last_error TEXT NULL
      );
      CREATE UNIQUE INDEX IF NOT EXISTS "${this.t.mail}_dedupe" ON "${this.t.mail}" (dedupe_key);
      CREATE INDEX IF NOT EXISTS "${this.t.mail}_due" ON "${this.t.mail}" (next_attempt_at);
      CREATE INDEX IF NOT EXISTS "${this.t.mail}_age" ON "${this.t.mail}" (created_at);
    `);
    // Ratings (rating-store.ts): one per resolution; the report reads by time, owner and score.
    const { rating } = this.t;
    this.driver.db.exec(`
      CREATE TABLE IF NOT EXISTS "${rating}" (
        id INTEGER PRIMARY KEY AUTOINCREMENT, visitor_id TEXT NOT NULL, agent_id TEXT NULL, score TEXT NOT NULL,
        comment TEXT NULL, after_mid INTEGER NOT NULL DEFAULT 0, resolution INTEGER NOT NULL, created_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX IF NOT EXISTS "${rating}_resolution" ON "${rating}" (visitor_id, resolution);
      CREATE INDEX IF NOT EXISTS "${rating}_report" ON "${rating}" (created_at, agent_id, score);
    `);
    // Web Push (push-store.ts, setting-store.ts): values made once (the VAPID keys), the
    // agents' subscriptions (unique by a hash of the endpoint), and one claim per notification.
    const { setting, pushSubscription, pushSent } = this.t;
    this.driver.db.exec(`
      CREATE TABLE IF NOT EXISTS "${setting}" (name TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS "${pushSubscription}" (
        id INTEGER PRIMARY KEY AUTOINCREMENT, agent_id TEXT NOT NULL, endpoint TEXT NOT NULL, endpoint_hash TEXT NOT NULL,
        p256dh TEXT NOT NULL, auth TEXT NOT NULL, label TEXT NULL, lang TEXT NOT NULL DEFAULT 'en', page TEXT NULL,
        created_at TEXT NOT NULL, last_ok_at TEXT NULL
      );
      CREATE UNIQUE INDEX IF NOT EXISTS "${pushSubscription}_endpoint" ON "${pushSubscription}" (endpoint_hash);
      CREATE INDEX IF NOT EXISTS "${pushSubscription}_agent" ON "${pushSubscription}" (agent_id);
      CREATE TABLE IF NOT EXISTS "${pushSent}" (kind TEXT NOT NULL, mid INTEGER NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (kind, mid)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS "${pushSent}_age" ON "${pushSent}" (created_at);
    `);
  }
}
