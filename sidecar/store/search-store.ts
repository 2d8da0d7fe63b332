// The search index's SQL (core/search.ts decides what to ask). One table of
// (gram, mid) pairs, primary key (gram, mid), that both engines read alike:
// a gram is two adjacent characters of a message's normalised text, packed in
// 32 bits (search.ts, `gramsOf`). A term's messages are the rows its rarest gram
// lists, probed for its next rarest by primary key, newest first; the text itself
// is then checked in JavaScript, so a gram that two pairs share costs a row read
// and never a wrong hit. A second table holds one number: every message with a
// mid at or below it is indexed (the backfill resumes there).
import { msgColumns, toMessage, type MsgRow, type SqlDriver, type TableNames } from './sql-store.js';
import { SqlStore } from './sql-store.js';
import { MysqlStore } from './mysql-store.js';
import type { Message } from '../core/message.js';
import type { Store } from './store.js';

export interface SearchTables {
  msg: string;
  visitor: string;
  search: string;
  searchState: string;
}

export interface VisitorMatch {
  id: string;
  name: string | null;
  email: string | null;
  lastMid: number;
}

const MSG_COLS = msgColumns('m.');
/** Rows a multi-row INSERT carries: about 100 KB of SQL. */
const INSERT_CHUNK = 5000;
const marks = (n: number) => Array.from({ length: n }, () => '?').join(',');

/** `!` escapes LIKE's own characters; both engines take `ESCAPE '!'`. */
export function likeContains(s: string): string {
  return `%${s.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

export class SqlSearchStore {
  /**
   * `db` answers searches; `bg` takes the index writes (MySQL: the background
   * pool, whose short lock wait a busy index can meet without holding up a poll).
   */
  constructor(
    private readonly db: SqlDriver,
    private readonly bg: SqlDriver,
    private readonly t: SearchTables,
    private readonly engine: 'mysql' | 'sqlite',
  ) {}

  /**
   * The search store of a store built on SqlStore, or null (a scripted store in
   * tests). Reads SqlStore's drivers; SqlStore could instead carry a `search`
   * member as it carries `desk` and `canned`.
   */
  static of(store: Store): SqlSearchStore | null {
    if (!(store instanceof SqlStore)) return null;
    const inner = store as unknown as { db: SqlDriver; bg: SqlDriver; t: TableNames & Partial<SearchTables> };
    const { msg, visitor, search, searchState } = inner.t;
    if (!search || !searchState) return null;
    return new SqlSearchStore(inner.db, inner.bg, { msg, visitor, search, searchState }, store instanceof MysqlStore ? 'mysql' : 'sqlite');
  }

  /** Every message with mid <= this is indexed (0: nothing yet). */
  async indexedUpto(): Promise<number> {
    const [row] = await this.db.all<{ upto: number | string }>(`SELECT upto FROM \`${this.t.searchState}\` WHERE id = 1`);
    return Number(row?.upto ?? 0);
  }

  /** Moves the mark forwards only (two processes may report out of order). */
  async setIndexedUpto(mid: number): Promise<void> {
    await this.bg.run(`INSERT INTO \`${this.t.searchState}\` (id, upto) VALUES (1, ?) ${this.bg.keepMax('id', 'upto')}`, [mid]);
  }

  /** Messages with afterMid < mid <= uptoMid, ascending, for the backfill. */
  async messagesBetween(afterMid: number, uptoMid: number, limit: number): Promise<Array<{ mid: number; content: string }>> {
    const rows = await this.bg.all<{ mid: number | string; content: string | Buffer | null }>(
      `SELECT mid, content FROM \`${this.t.msg}\` WHERE mid > ? AND mid <= ? ORDER BY mid LIMIT ?`,
      [afterMid, uptoMid, limit],
    );
    return rows.map((r) => ({ mid: Number(r.mid), content: r.content === null ? '' : String(r.content) }));
  }

  /**
   * Adds (gram, mid) pairs, keeping those already there (another process, or
   * an earlier run, indexed the same row). Sorted, so that two processes
   * writing overlapping pairs lock them in the same order.
   */
  async insertGrams(pairs: Array<[number, number]>): Promise<void> {
    pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (let i = 0; i < pairs.length; i += INSERT_CHUNK) {
      // Numbers this process computed, checked as such: written inline, not as 10,000 placeholders.
      const values = pairs.slice(i, i + INSERT_CHUNK).map(([g, m]) => {
        if (!Number.isSafeInteger(g) || !Number.isSafeInteger(m)) throw new Error('search index: not an integer');
        return `(${g},${m})`;
      });
      await this.bg.run(`${this.bg.insertIgnore} INTO \`${this.t.search}\` (gram, mid) VALUES ${values.join(',')}`);
    }
  }

  /** How many rows list each gram, counting no further than `cap` (what ranks them). */
  async gramCounts(grams: readonly number[], cap: number): Promise<number[]> {
    if (!grams.length) return [];
    const cols = grams.map((_, i) => `(SELECT COUNT(*) FROM (SELECT 1 FROM \`${this.t.search}\` WHERE gram = ? LIMIT ${cap}) AS g${i}) AS c${i}`);
    const [row] = await this.db.all<Record<string, number | string>>(`SELECT ${cols.join(', ')}`, grams);
    return grams.map((_, i) => Number(row?.[`c${i}`] ?? 0));
  }

  /**
   * The SQL of one page of candidates: messages listed under `lead` and every
   * gram of `probes`, mid < before, newest first. The lead's rows are read in
   * primary-key order (no sort), each probe is a primary-key lookup, and the
   * message itself one more: the join order is forced (STRAIGHT_JOIN, CROSS JOIN).
   */
  candidateSql(probes: number): string {
    const join = this.engine === 'mysql' ? 'JOIN' : 'CROSS JOIN';
    const straight = this.engine === 'mysql' ? 'STRAIGHT_JOIN ' : '';
    const probeJoins = Array.from({ length: probes }, (_, i) =>
      ` ${join} \`${this.t.search}\` AS p${i} ON p${i}.gram = ? AND p${i}.mid = s.mid`).join('');
    return `SELECT ${straight}${MSG_COLS} FROM \`${this.t.search}\` AS s${probeJoins} ${join} \`${this.t.msg}\` AS m ON m.mid = s.mid ` +
      `WHERE s.gram = ? AND s.mid < ? ORDER BY s.mid DESC LIMIT ?`;
  }

  async candidates(lead: number, probes: readonly number[], beforeMid: number, limit: number): Promise<Message[]> {
    const rows = await this.db.all<MsgRow>(this.candidateSql(probes.length), [...probes, lead, beforeMid, limit]);
    return rows.map(toMessage);
  }

  /** Messages below `beforeMid`, newest first: the scan for a term too short to have a gram. */
  async recent(beforeMid: number, limit: number): Promise<Message[]> {
    const rows = await this.db.all<MsgRow>(
      `SELECT ${MSG_COLS} FROM \`${this.t.msg}\` AS m WHERE m.mid < ? ORDER BY m.mid DESC LIMIT ?`,
      [beforeMid, limit],
    );
    return rows.map(toMessage);
  }

  async messages(mids: readonly number[]): Promise<Message[]> {
    if (!mids.length) return [];
    const rows = await this.db.all<MsgRow>(`SELECT ${MSG_COLS} FROM \`${this.t.msg}\` AS m WHERE m.mid IN (${marks(mids.length)})`, mids);
    return rows.map(toMessage);
  }

  /**
   * Conversations whose visitor's name or email contains `like` (a LIKE
   * pattern), by latest message, below `beforeMid`: a walk down the
   * last_mid index, the filter on each row. The caller checks the text again.
   */
  async visitorsMatching(like: string, beforeMid: number, limit: number): Promise<VisitorMatch[]> {
    const rows = await this.db.all<{ id: string; name: string | null; email: string | null; last_mid: number | string }>(
      `SELECT id, name, email, last_mid FROM \`${this.t.visitor}\`
       WHERE last_mid > 0 AND last_mid < ? AND (name LIKE ? ESCAPE '!' OR email LIKE ? ESCAPE '!')
       ORDER BY last_mid DESC LIMIT ?`,
      [beforeMid, like, like, limit],
    );
    return rows.map((r) => ({ id: String(r.id), name: r.name, email: r.email, lastMid: Number(r.last_mid) }));
  }

  async visitors(ids: readonly string[]): Promise<Array<{ id: string; name: string | null; email: string | null }>> {
    if (!ids.length) return [];
    const rows = await this.db.all<{ id: string; name: string | null; email: string | null }>(
      `SELECT id, name, email FROM \`${this.t.visitor}\` WHERE id IN (${marks(ids.length)})`,
      ids,
    );
    return rows.map((r) => ({ id: String(r.id), name: r.name, email: r.email }));
  }
}
