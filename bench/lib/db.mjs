// Bench databases and the count of queries each server sends. Every server
// under test connects as its own MariaDB user on its own database; with
// `userstat` on, information_schema.USER_STATISTICS counts that user's
// statements exactly, whatever else runs on the shared server. Without it the
// bench falls back to the GLOBAL `Questions` counter, which includes everyone.
import mysql from 'mysql2/promise';

export const ADMIN_URL = process.env.KEFU_BENCH_MYSQL ?? 'mysql://root@127.0.0.1:3306/test';
const PASSWORD = 'kefu-bench-pw';

export class BenchDb {
  constructor() {
    const u = new URL(ADMIN_URL);
    this.host = u.hostname;
    this.port = Number(u.port || 3306);
    this.admin = mysql.createPool({
      host: this.host, port: this.port, user: decodeURIComponent(u.username || 'root'),
      password: decodeURIComponent(u.password), connectionLimit: 4,
    });
    this.created = [];
    this.userstatBefore = null;
    this.exact = false;
  }

  async q(sql, params = []) {
    const [rows] = await this.admin.query(sql, params);
    return rows;
  }

  async init() {
    const [v] = await this.q("SELECT @@version AS version, @@innodb_flush_log_at_trx_commit AS flush, @@sync_binlog AS syncBinlog, @@log_bin AS logBin, @@innodb_buffer_pool_size AS pool");
    this.info = v;
    // The server under test's own pid (another mariadbd may be running for someone else's tests).
    try {
      const [f] = await this.q('SELECT @@pid_file AS f');
      this.serverPid = Number((await import('node:fs')).readFileSync(f.f, 'utf8').trim()) || null;
    } catch {
      this.serverPid = null;
    }
    try {
      const [u] = await this.q('SELECT @@userstat AS u');
      this.userstatBefore = Number(u.u);
      if (!this.userstatBefore) await this.q('SET GLOBAL userstat = 1');
      this.exact = true;
    } catch {
      this.exact = false;
    }
    return this;
  }

  /** A fresh database and a user that only the server under test logs in as. */
  async create(name) {
    const db = `kefu_bench_${name}`;
    const user = `kb_${name}`.slice(0, 32);
    await this.q(`DROP DATABASE IF EXISTS \`${db}\``);
    await this.q(`CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    for (const host of ['127.0.0.1', 'localhost', '%']) {
      await this.q(`CREATE OR REPLACE USER ?@? IDENTIFIED BY ?`, [user, host, PASSWORD]);
      await this.q(`GRANT ALL PRIVILEGES ON \`${db}\`.* TO ?@?`, [user, host]);
    }
    this.created.push({ db, user });
    return {
      db, user,
      url: `mysql://${user}:${PASSWORD}@${this.host}:${this.port}/${db}`,
      options: { host: this.host, port: this.port, user, password: PASSWORD, database: db },
    };
  }

  /** Statements sent so far by `user` (or by everyone, without userstat). */
  async queries(user) {
    if (this.exact) {
      const rows = await this.q('SELECT SELECT_COMMANDS + UPDATE_COMMANDS + OTHER_COMMANDS AS n, ROWS_UPDATED AS up, ROWS_INSERTED AS ins FROM information_schema.USER_STATISTICS WHERE USER = ?', [user]);
      return Number(rows[0]?.n ?? 0);
    }
    const [r] = await this.q("SHOW GLOBAL STATUS LIKE 'Questions'");
    return Number(r.Value) - 1; // this statement itself
  }

  async globalStatus(names) {
    const rows = await this.q(`SHOW GLOBAL STATUS WHERE Variable_name IN (${names.map(() => '?').join(',')})`, names);
    return Object.fromEntries(rows.map((r) => [r.Variable_name, Number(r.Value)]));
  }

  async dropAll() {
    for (const { db, user } of this.created) {
      await this.q(`DROP DATABASE IF EXISTS \`${db}\``).catch(() => {});
      for (const host of ['127.0.0.1', 'localhost', '%']) await this.q('DROP USER IF EXISTS ?@?', [user, host]).catch(() => {});
    }
    this.created = [];
  }

  async close() {
    await this.dropAll();
    if (this.userstatBefore === 0) await this.q('SET GLOBAL userstat = 0').catch(() => {});
    await this.admin.end();
  }
}
