// MySQL/MariaDB storage through a mysql2 pool. Every statement runs in
// autocommit, so polls and the tail never sit inside an old REPEATABLE READ snapshot.
import mysql from 'mysql2/promise';
import type { Pool, PoolConnection, PoolOptions, ResultSetHeader } from 'mysql2/promise';
import type { MysqlConnection } from '../config.js';
import type { Logger } from '../logger.js';
import { SqlStore, tableNames, type SqlDriver, type SqlRunner, type TableNames } from './sql-store.js';
import { StoreUnavailableError, type Store } from './store.js';

/** Errors that mean "the server is not there", as opposed to a bad statement. */
const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN',
  'ER_SERVER_GONE_ERROR', 'ER_SERVER_LOST', 'ER_CONNECTION_KILLED', 'POOL_CLOSED',
]);
// ER_LOCK_WAIT_TIMEOUT is not among them: a lock another program holds is not an outage.
// Only background writes can meet one (store.ts), and receipts.ts retries them.

function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; fatal?: boolean; errno?: number };
  return Boolean(e && (CONNECTION_ERRORS.has(e.code ?? '') || e.fatal || e.errno === 1053 || e.errno === 2013 || e.errno === 2006));
}

class MysqlDriver implements SqlDriver {
  readonly insertIgnore = 'INSERT IGNORE';
  // Kefu's tables are utf8mb4_unicode_ci: text compares without case already.
  readonly caseless = '';

  keepMax(_key: string, col: string): string {
    return `ON DUPLICATE KEY UPDATE ${col} = GREATEST(${col}, VALUES(${col}))`;
  }
  constructor(readonly pool: Pool) {}

  private async exec<T>(sql: string, params: readonly unknown[]): Promise<T> {
    try {
      // Bytes (attachment chunks) go as a prepared statement's binary parameter: through
      // query() a 256 KiB chunk would first be spelled out as 512 KiB of hex SQL text.
      const [result] = params.some((p) => Buffer.isBuffer(p))
        ? await this.pool.execute(sql, params as Parameters<Pool['execute']>[1])
        : await this.pool.query(sql, params as unknown[]);
      return result as T;
    } catch (err) {
      throw isConnectionError(err) ? new StoreUnavailableError(err) : err;
    }
  }

  all<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.exec<T[]>(sql, params);
  }

  async run(sql: string, params: readonly unknown[] = []) {
    const r = await this.exec<ResultSetHeader>(sql, params);
    return { affectedRows: r.affectedRows, insertId: Number(r.insertId) };
  }

  isDuplicateKey(err: unknown): boolean {
    return (err as { code?: string }).code === 'ER_DUP_ENTRY';
  }

  async transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    let conn: PoolConnection;
    try {
      conn = await this.pool.getConnection();
    } catch (err) {
      throw isConnectionError(err) ? new StoreUnavailableError(err) : err;
    }
    const exec = async <R>(sql: string, params: readonly unknown[]): Promise<R> => {
      try {
        const [result] = await conn.query(sql, params as unknown[]);
        return result as R;
      } catch (err) {
        throw isConnectionError(err) ? new StoreUnavailableError(err) : err;
      }
    };
    const tx: SqlRunner = {
      all: <R>(sql: string, params: readonly unknown[] = []) => exec<R[]>(sql, params),
      run: async (sql: string, params: readonly unknown[] = []) => {
        const r = await exec<ResultSetHeader>(sql, params);
        return { affectedRows: r.affectedRows, insertId: Number(r.insertId) };
      },
    };
    try {
      await exec('START TRANSACTION', []);
      const result = await work(tx);
      await exec('COMMIT', []);
      conn.release();
      return result;
    } catch (err) {
      // A connection whose ROLLBACK fails is in no state to serve anyone else.
      await conn.query('ROLLBACK').then(() => conn.release(), () => conn.destroy());
      throw err;
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

export function poolOptions(c: MysqlConnection): PoolOptions {
  return {
    ...(c.socketPath ? { socketPath: c.socketPath } : { host: c.host, port: c.port ?? 3306 }),
    user: c.user,
    password: c.password,
    database: c.database,
    charset: 'UTF8MB4_UNICODE_CI',
    timezone: 'Z',
    dateStrings: true,
    supportBigNumbers: true,
    connectionLimit: 10,
    maxIdle: 4,
    idleTimeout: 60_000,
    connectTimeout: 5_000,
    enableKeepAlive: true,
  };
}

const ASCII_ID = 'VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin';

/** Connections for background writes (receipts): few, and quick to give up a lock wait. */
const BACKGROUND_CONNECTIONS = 2;
const BACKGROUND_LOCK_WAIT_S = 1;

function createPool(options: PoolOptions, lockWaitSeconds: number): Pool {
  const pool = mysql.createPool(options);
  pool.on('connection', (conn) => {
    // Dates are written and read as UTC, whatever the server's zone.
    // READ COMMITTED: plain reads never wait on locks and see every committed row
    // (no old snapshot); UPDATEs take no gap locks.
    conn.query(`SET time_zone = '+00:00', innodb_lock_wait_timeout = ${lockWaitSeconds}`);
    conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
  });
  return pool;
}

export class MysqlStore extends SqlStore implements Store {
  private constructor(private readonly driver: MysqlDriver, background: MysqlDriver, t: TableNames, private readonly log: Logger) {
    super(driver, t, background);
  }

  static create(c: MysqlConnection, prefix: string, msgTable: string, log: Logger): MysqlStore {
    const options = poolOptions(c);
    // Two pools: whatever locks another program holds, background writes can take at
    // most their own two connections, never the ten that polls, sends and the tail use.
    const main = createPool(options, 5);
    const background = createPool({ ...options, connectionLimit: BACKGROUND_CONNECTIONS, maxIdle: 1 }, BACKGROUND_LOCK_WAIT_S);
    return new MysqlStore(new MysqlDriver(main), new MysqlDriver(background), tableNames(prefix, msgTable), log);
  }

  override async idStep(): Promise<{ step: number; offset: number }> {
    const [row] = await this.driver.all<{ step: number | string; offset: number | string }>(
      'SELECT @@auto_increment_increment AS step, @@auto_increment_offset AS `offset`');
    return { step: Math.max(1, Number(row?.step ?? 1)), offset: Math.max(1, Number(row?.offset ?? 1)) };
  }

  /**
   * On the background connections: the health check must not queue behind client
   * reads (after a restart every old cursor is one), or a working process looks
   * dead to a supervisor with a short timeout.
   */
  async ping(): Promise<void> {
    await this.bg.all('SELECT 1');
  }

  async migrate(): Promise<void> {
    const { msg, visitor, agent, event, ticket, note, block, canned } = this.t;
    const exists = await this.driver.all<{ n: number }>(
      'SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [msg]);
    if (Number(exists[0].n) === 0) {
      await this.driver.run(`CREATE TABLE IF NOT EXISTS \`${msg}\` (
        mid BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        pos ${ASCII_ID} NOT NULL,
        rec ${ASCII_ID} NOT NULL,
        isread TINYINT(1) NOT NULL DEFAULT 0,
        content TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        created_at DATETIME(3) NULL DEFAULT CURRENT_TIMESTAMP(3),
        client_id ${ASCII_ID} NULL,
        from_name VARCHAR(191) CHARACTER SET utf8mb4 NULL
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    } else {
      await this.adoptMessageTable();
    }
    await this.ensureIndexes(msg, {
      kefu_pos: '(pos, mid)',
      kefu_rec: '(rec, mid)',
      kefu_unread: '(rec, isread, mid)',
      kefu_inbox: '(rec, isread, pos)',
      kefu_client: 'UNIQUE (pos, client_id)',
    });
    await this.driver.run(`CREATE TABLE IF NOT EXISTS \`${visitor}\` (
      id ${ASCII_ID} NOT NULL PRIMARY KEY,
      name VARCHAR(191) NULL, email VARCHAR(191) NULL,
      page VARCHAR(2048) NULL, referrer VARCHAR(2048) NULL,
      first_seen_at DATETIME(3) NOT NULL, last_seen_at DATETIME(3) NOT NULL,
      last_mid BIGINT UNSIGNED NOT NULL DEFAULT 0,
      KEY kefu_activity (last_mid)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    // Columns added since 0.1 (identity, consent, the help desk, the details column), also to tables made before them.
    await this.addColumns(visitor, [
      ['user_ref', `${ASCII_ID} NULL`],
      ['consent_at', 'DATETIME(3) NULL'],
      ['status', "VARCHAR(10) CHARACTER SET ascii NOT NULL DEFAULT 'open'"],
      ['assignee', `${ASCII_ID} NULL`],
      ['assignee_name', 'VARCHAR(191) NULL'],
      ['address_hash', 'CHAR(43) CHARACTER SET ascii COLLATE ascii_bin NULL'],
      ['browser', 'VARCHAR(64) NULL'],
      ['os', 'VARCHAR(64) NULL'],
      ['device', 'VARCHAR(10) CHARACTER SET ascii NULL'],
      ['time_zone', 'VARCHAR(64) NULL'],
      // The widget's language: mails to the visitor are in it (core/mail-notices.ts).
      ['lang', 'VARCHAR(8) CHARACTER SET ascii NULL'],
      // How often the conversation was resolved: the resolution a rating belongs to (rating-store.ts).
      ['resolutions', 'INT UNSIGNED NOT NULL DEFAULT 0'],
    ]);
    // kefu_email: a conversation's past ones, by email (relatedConversations).
    await this.ensureIndexes(visitor, { kefu_user: 'UNIQUE (user_ref)', kefu_queue: '(status, assignee, last_mid)', kefu_email: '(email)' });
    await this.driver.run(`CREATE TABLE IF NOT EXISTS \`${note}\` (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      visitor_id ${ASCII_ID} NOT NULL,
      agent_id ${ASCII_ID} NOT NULL,
      agent_name VARCHAR(191) NULL,
      content TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
      client_id ${ASCII_ID} NULL,
      after_mid BIGINT UNSIGNED NOT NULL DEFAULT 0,
      created_at DATETIME(3) NOT NULL,
      KEY kefu_thread (visitor_id, id),
      UNIQUE KEY kefu_client (agent_id, client_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await this.driver.run(`CREATE TABLE IF NOT EXISTS \`${block}\` (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      visitor_id ${ASCII_ID} NOT NULL,
      address_hash CHAR(43) CHARACTER SET ascii COLLATE ascii_bin NULL,
      reason VARCHAR(500) NOT NULL,
      by_agent ${ASCII_ID} NOT NULL,
      by_name VARCHAR(191) NULL,
      created_at DATETIME(3) NOT NULL,
      KEY kefu_visitor (visitor_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    // owner '' is the team's: a NULL would not take part in the unique key.
    await this.driver.run(`CREATE TABLE IF NOT EXISTS \`${canned}\` (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      owner ${ASCII_ID} NOT NULL DEFAULT '',
      shortcut VARCHAR(32) NOT NULL,
      title VARCHAR(100) NOT NULL,
      content TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      UNIQUE KEY kefu_shortcut (owner, shortcut)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await this.driver.run(`CREATE TABLE IF NOT EXISTS \`${agent}\` (
      id ${ASCII_ID} NOT NULL PRIMARY KEY,
      name VARCHAR(191) NULL,
      status VARCHAR(16) NOT NULL DEFAULT 'online',
      last_seen_at DATETIME(3) NOT NULL,
      KEY kefu_online (status, last_seen_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    // The picture of the agent's latest token (the widget's team faces): an https URL, which serialises to ASCII.
    await this.addColumns(agent, [['avatar', 'VARCHAR(512) CHARACTER SET ascii COLLATE ascii_bin NULL']]);
    await this.driver.run(`CREATE TABLE IF NOT EXISTS \`${event}\` (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      visitor_id ${ASCII_ID} NOT NULL,
      audience VARCHAR(8) NOT NULL,
      payload TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
      created_at DATETIME(3) NOT NULL,
      KEY kefu_age (created_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await this.driver.run(`CREATE TABLE IF NOT EXISTS \`${ticket}\` (
      jti ${ASCII_ID} NOT NULL PRIMARY KEY,
      expires_at DATETIME(3) NOT NULL
    ) ENGINE=InnoDB`);
    await this.backfillVisitors();
    // Search (core/search.ts): (gram, mid) pairs, and the mid up to which every message is indexed.
    await this.driver.run(`CREATE TABLE IF NOT EXISTS \`${this.t.search}\` (
      gram INT UNSIGNED NOT NULL, mid BIGINT UNSIGNED NOT NULL, PRIMARY KEY (gram, mid)
    ) ENGINE=InnoDB`);
    await this.driver.run(`CREATE TABLE IF NOT EXISTS \`${this.t.searchState}\` (id TINYINT UNSIGNED NOT NULL PRIMARY KEY, upto BIGINT UNSIGNED NOT NULL) ENGINE=InnoDB`);
    // Attachments: what each file is (attachment-store.ts) and its bytes in rows of 256 KiB (db-blob-store.ts).
    await this.driver.run(`CREATE TABLE IF NOT EXISTS \`${this.t.attachment}\` (
      id CHAR(24) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
      visitor_id ${ASCII_ID} NOT NULL,
      owner ${ASCII_ID} NOT NULL,
      client_id ${ASCII_ID} NULL,
      name VARCHAR(255) NOT NULL,
      type VARCHAR(100) CHARACTER SET ascii NOT NULL,
      size BIGINT UNSIGNED NOT NULL DEFAULT 0,
      width INT UNSIGNED NULL, height INT UNSIGNED NULL,
      mid BIGINT UNSIGNED NULL,
      position TINYINT UNSIGNED NOT NULL DEFAULT 0,
      status VARCHAR(10) CHARACTER SET ascii NOT NULL DEFAULT 'uploading',
      store VARCHAR(8) CHARACTER SET ascii NOT NULL,
      created_at DATETIME(3) NOT NULL,
      UNIQUE KEY kefu_client (owner, client_id),
      KEY kefu_mid (mid),
      KEY kefu_visitor (visitor_id),
      KEY kefu_sweep (status, created_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await this.driver.run(`CREATE TABLE IF NOT EXISTS \`${this.t.attachmentChunk}\` (
      blob_key ${ASCII_ID} NOT NULL,
      seq INT UNSIGNED NOT NULL,
      start_at BIGINT UNSIGNED NOT NULL,
      data MEDIUMBLOB NOT NULL,
      PRIMARY KEY (blob_key, seq),
      KEY kefu_start (blob_key, start_at)
    ) ENGINE=InnoDB`);
    // The mail outbox (mail-store.ts): one row per dedupe key; kefu_due finds what is due (NULL once sent or given up).
    await this.driver.run(`CREATE TABLE IF NOT EXISTS \`${this.t.mail}\` (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      kind VARCHAR(16) CHARACTER SET ascii NOT NULL,
      dedupe_key VARCHAR(191) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
      recipient VARCHAR(2000) NOT NULL,
      lang VARCHAR(8) CHARACTER SET ascii NOT NULL,
      subject VARCHAR(255) NOT NULL,
      text MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
      html MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
      created_at DATETIME(3) NOT NULL,
      attempts INT UNSIGNED NOT NULL DEFAULT 0,
      next_attempt_at DATETIME(3) NULL,
      claimed_until DATETIME(3) NULL,
      sent_at DATETIME(3) NULL,
      last_error VARCHAR(64) CHARACTER SET ascii NULL,
      UNIQUE KEY kefu_dedupe (dedupe_key),
      KEY kefu_due (next_attempt_at),
      KEY kefu_age (created_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    // Ratings (rating-store.ts): one per resolution (the unique key); the report reads by time, owner and score.
    await this.driver.run(`CREATE TABLE IF NOT EXISTS \`${this.t.rating}\` (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      visitor_id ${ASCII_ID} NOT NULL,
      agent_id ${ASCII_ID} NULL,
      score VARCHAR(4) CHARACTER SET ascii NOT NULL,
      comment TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
      after_mid BIGINT UNSIGNED NOT NULL DEFAULT 0,
      resolution INT UNSIGNED NOT NULL,
      created_at DATETIME(3) NOT NULL,
      UNIQUE KEY kefu_resolution (visitor_id, resolution),
      KEY kefu_report (created_at, agent_id, score)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    // Web Push (push-store.ts, setting-store.ts): values made once (the VAPID keys), the
    // agents' subscriptions (unique by a hash of the endpoint), and one claim per notification.
    await this.driver.run(`CREATE TABLE IF NOT EXISTS \`${this.t.setting}\` (
      name VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
      value TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
      updated_at DATETIME(3) NOT NULL
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await this.driver.run(`CREATE TABLE IF NOT EXISTS \`${this.t.pushSubscription}\` (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      agent_id ${ASCII_ID} NOT NULL,
      endpoint VARCHAR(2048) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
      endpoint_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
      p256dh VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
      auth VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
      label VARCHAR(100) NULL,
      lang VARCHAR(8) CHARACTER SET ascii NOT NULL DEFAULT 'en',
      page VARCHAR(2048) CHARACTER SET ascii COLLATE ascii_bin NULL,
      created_at DATETIME(3) NOT NULL,
      last_ok_at DATETIME(3) NULL,
      UNIQUE KEY kefu_endpoint (endpoint_hash),
      KEY kefu_agent (agent_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await this.driver.run(`CREATE TABLE IF NOT EXISTS \`${this.t.pushSent}\` (
      kind VARCHAR(10) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
      mid BIGINT UNSIGNED NOT NULL,
      created_at DATETIME(3) NOT NULL,
      PRIMARY KEY (kind, mid),
      KEY kefu_age (created_at)
    ) ENGINE=InnoDB`);
  }

  /** A seed-shaped table: add the columns Kefu needs, with defaults; never touch existing rows. */
  private async adoptMessageTable(): Promise<void> {
    const cols = await this.driver.all<{ name: string }>(
      'SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [this.t.msg]);
    const have = new Set(cols.map((c) => c.name.toLowerCase()));
    for (const needed of ['mid', 'pos', 'rec', 'isread', 'content']) {
      if (!have.has(needed)) throw new Error(`table ${this.t.msg} has no column ${needed}: not a Kefu message table`);
    }
    const add: Array<[string, string]> = [
      // NULL for existing rows (their time is unknown); new rows get the current time.
      ['created_at', 'DATETIME(3) NULL'],
      ['client_id', `${ASCII_ID} NULL`],
      ['from_name', 'VARCHAR(191) CHARACTER SET utf8mb4 NULL'],
    ];
    for (const [name, type] of add) {
      if (have.has(name)) continue;
      this.log.info('adding column to adopted table', { table: this.t.msg, column: name });
      try {
        await this.driver.run(`ALTER TABLE \`${this.t.msg}\` ADD COLUMN \`${name}\` ${type}`);
      } catch (err) {
        // Added by another process migrating at the same moment.
        if ((err as { code?: string }).code !== 'ER_DUP_FIELDNAME') throw err;
      }
      if (name === 'created_at') {
        await this.driver.run(`ALTER TABLE \`${this.t.msg}\` ALTER COLUMN created_at SET DEFAULT CURRENT_TIMESTAMP(3)`);
      }
    }
  }

  private async addColumns(table: string, wanted: ReadonlyArray<[string, string]>): Promise<void> {
    const cols = await this.driver.all<{ name: string }>(
      'SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [table]);
    const have = new Set(cols.map((c) => c.name.toLowerCase()));
    for (const [name, type] of wanted) {
      if (have.has(name)) continue;
      this.log.info('adding column', { table, column: name });
      try {
        await this.driver.run(`ALTER TABLE \`${table}\` ADD COLUMN \`${name}\` ${type}`);
      } catch (err) {
        // Added by another process migrating at the same moment.
        if ((err as { code?: string }).code !== 'ER_DUP_FIELDNAME') throw err;
      }
    }
  }

  private async ensureIndexes(table: string, wanted: Record<string, string>): Promise<void> {
    const rows = await this.driver.all<{ name: string }>(
      'SELECT DISTINCT INDEX_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [table]);
    const have = new Set(rows.map((r) => r.name));
    for (const [name, def] of Object.entries(wanted)) {
      if (have.has(name)) continue;
      const unique = def.startsWith('UNIQUE ');
      try {
        await this.driver.run(`ALTER TABLE \`${table}\` ADD ${unique ? 'UNIQUE ' : ''}INDEX \`${name}\` ${def.replace(/^UNIQUE /, '')}`);
      } catch (err) {
        // Another process starting at the same moment added it first (two sidecars behind one address).
        if ((err as { code?: string }).code !== 'ER_DUP_KEYNAME') throw err;
      }
    }
  }

  /** Conversations that exist only as message rows (an adopted table) get visitor records. */
  private async backfillVisitors(): Promise<void> {
    const { msg, visitor } = this.t;
    const [row] = await this.driver.all<{ n: number }>(`SELECT COUNT(*) AS n FROM \`${visitor}\``);
    if (Number(row.n) > 0) return;
    await this.driver.run(
      `INSERT IGNORE INTO \`${visitor}\` (id, first_seen_at, last_seen_at, last_mid)
       SELECT conv, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), MAX(mid) FROM (
         SELECT pos AS conv, mid FROM \`${msg}\` WHERE pos <> 'admin' AND pos NOT LIKE 'agent:%'
         UNION ALL SELECT rec AS conv, mid FROM \`${msg}\` WHERE rec <> 'admin' AND rec NOT LIKE 'agent:%'
       ) AS c WHERE CHAR_LENGTH(conv) BETWEEN 1 AND 64 GROUP BY conv`,
    );
  }
}
