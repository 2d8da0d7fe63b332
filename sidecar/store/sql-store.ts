// The queries both SQL engines share. An engine supplies a SqlDriver (how to
// run a statement) and its own DDL; everything here is plain, parameterised SQL
// that MySQL/MariaDB and SQLite read alike.
import { messageConversation, type Audience, type Conversation, type KefuEvent, type Message, type RelatedConversation, type Scope, type VisitorProfile } from '../core/message.js';
import { SqlCannedStore } from './canned-store.js';
import { SqlTeamStore } from './team-store.js';
import { SqlDeskStore, toState, type ConversationFilter } from './desk-store.js';
import { SqlRatingStore } from './rating-store.js';
import { SqlPushStore } from './push-store.js';
import { SqlSettingStore } from './setting-store.js';
import { SqlAttachmentStore } from './attachment-store.js';
import { SqlMailStore } from './mail-store.js';
import { DbBlobStore } from './db-blob-store.js';
import { FILE_MARK, visibleText } from '../core/attachment-text.js';
import { AttachmentsTakenError, type IdRange, type NewEvent, type NewMessage, type Store, type StoredEvent, type TailBatch, type VisitorUpdate } from './store.js';

export interface SqlDriver {
  all<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  run(sql: string, params?: readonly unknown[]): Promise<{ affectedRows: number; insertId: number }>;
  isDuplicateKey(err: unknown): boolean;
  /** `INSERT IGNORE` or `INSERT OR IGNORE`. */
  readonly insertIgnore: string;
  /** The clause that makes an INSERT of an existing key keep the larger `col` instead. */
  keepMax(key: string, col: string): string;
  /** Put after `email = ?` so it ignores case ('' where the column's collation already does). */
  readonly caseless: string;
  /** Runs `work` in one transaction on one connection: all of it commits, or (it throws) none of it. */
  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** What a transaction's work may do. */
export type SqlRunner = Pick<SqlDriver, 'all' | 'run'>;

export interface TableNames {
  msg: string;
  visitor: string;
  agent: string;
  event: string;
  ticket: string;
  note: string;
  block: string;
  canned: string;
  search: string;
  searchState: string;
  attachment: string;
  attachmentChunk: string;
  mail: string;
  rating: string;
  setting: string;
  pushSubscription: string;
  pushSent: string;
}

export function tableNames(prefix: string, msgTable: string): TableNames {
  return {
    msg: msgTable,
    visitor: `${prefix}kefu_visitor`,
    agent: `${prefix}kefu_agent`,
    event: `${prefix}kefu_event`,
    ticket: `${prefix}kefu_ticket`,
    note: `${prefix}kefu_note`,
    block: `${prefix}kefu_block`,
    canned: `${prefix}kefu_canned`,
    search: `${prefix}kefu_search`,
    searchState: `${prefix}kefu_search_state`,
    attachment: `${prefix}kefu_attachment`,
    attachmentChunk: `${prefix}kefu_attachment_chunk`,
    mail: `${prefix}kefu_mail`,
    rating: `${prefix}kefu_rating`,
    setting: `${prefix}kefu_setting`,
    pushSubscription: `${prefix}kefu_push_subscription`,
    pushSent: `${prefix}kefu_push_sent`,
  };
}

export interface MsgRow {
  mid: number | string;
  pos: string;
  rec: string;
  isread: number | string | null;
  content: string | Buffer | null;
  created_at: string | Date | null;
  client_id: string | null;
  from_name: string | null;
}

interface VisitorRow {
  id: string;
  name: string | null;
  email: string | null;
  page: string | null;
  referrer: string | null;
  first_seen_at: string | Date | null;
  last_seen_at: string | Date | null;
  last_mid: number | string;
  user_ref: string | null;
  consent_at: string | Date | null;
  status: string | null;
  assignee: string | null;
  assignee_name: string | null;
  browser?: string | null;
  os?: string | null;
  device?: string | null;
  time_zone?: string | null;
  lang?: string | null;
}

/** The columns toMessage reads, each behind `alias.` when one is given. */
export function msgColumns(alias = ''): string {
  return ['mid', 'pos', 'rec', 'isread', 'content', 'created_at', 'client_id', 'from_name'].map((c) => alias + c).join(', ');
}
const MSG_COLS = msgColumns();
const TOUCH_BATCH = 5000;

/** 'YYYY-MM-DD HH:MM:SS.mmm' in UTC: what DATETIME(3) and SQLite's text dates hold. */
export function sqlTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

export function isoTime(v: string | Date | null): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  const s = String(v);
  if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(s)) {
    const [date, time] = s.split(' ');
    const [hms, frac = ''] = time.split('.');
    return `${date}T${hms}.${(frac + '000').slice(0, 3)}Z`;
  }
  return s;
}

export function toMessage(r: MsgRow): Message {
  const m: Message = {
    mid: Number(r.mid),
    from: r.pos,
    to: r.rec,
    conversation: messageConversation(r.pos, r.rec),
    content: r.content === null ? '' : String(r.content),
    createdAt: isoTime(r.created_at),
    read: Number(r.isread) === 1,
  };
  if (r.from_name) m.fromName = r.from_name;
  if (r.client_id) m.clientId = r.client_id;
  return m;
}

function toProfile(r: VisitorRow): VisitorProfile {
  return {
    visitorId: r.id,
    name: r.name,
    email: r.email,
    page: r.page,
    referrer: r.referrer,
    firstSeenAt: isoTime(r.first_seen_at),
    lastSeenAt: isoTime(r.last_seen_at),
    verified: !!r.user_ref,
    consentAt: isoTime(r.consent_at ?? null),
    browser: r.browser ?? null,
    os: r.os ?? null,
    device: r.device === 'desktop' || r.device === 'mobile' || r.device === 'tablet' ? r.device : null,
    timeZone: r.time_zone ?? null,
    lang: r.lang === 'en' || r.lang === 'zh-CN' ? r.lang : null,
  };
}

const PREVIEW = 120;

/** A message as one line of at most PREVIEW characters (whole code points; "…" when cut). */
function preview(text: string): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length <= PREVIEW ? chars.join('') : chars.slice(0, PREVIEW - 1).join('') + '…';
}

/** VisitorUpdate's plain fields and their columns. */
const VISITOR_FIELDS = [
  ['name', 'name'], ['email', 'email'], ['page', 'page'], ['referrer', 'referrer'],
  ['browser', 'browser'], ['os', 'os'], ['device', 'device'], ['timeZone', 'time_zone'], ['lang', 'lang'],
] as const;

const marks = (n: number) => Array.from({ length: n }, () => '?').join(',');

/** `col IN (…) OR col BETWEEN … AND …` for id ranges: one term per open transaction, not per id. */
function inRanges(col: string, ranges: readonly IdRange[]): { sql: string; params: number[] } {
  const singles = ranges.filter(([lo, hi]) => lo === hi).map(([lo]) => lo);
  const spans = ranges.filter(([lo, hi]) => lo !== hi);
  const terms: string[] = [];
  const params: number[] = [];
  if (singles.length) {
    terms.push(`${col} IN (${marks(singles.length)})`);
    params.push(...singles);
  }
  for (const [lo, hi] of spans) {
    terms.push(`${col} BETWEEN ? AND ?`);
    params.push(lo, hi);
  }
  return { sql: terms.join(' OR '), params };
}

interface EventRow {
  id: number | string;
  visitor_id: string;
  audience: string;
  payload: string | Buffer | null;
}

/**
 * An event row as the feed carries it. A payload that is not JSON (a row
 * written by hand) becomes an empty notice of its id, so the id still counts
 * as arrived and no gap is held open for it.
 */
function toEvent(r: EventRow): StoredEvent {
  let event: KefuEvent | null = null;
  try {
    event = JSON.parse(String(r.payload)) as KefuEvent;
  } catch {
    event = null;
  }
  return { id: Number(r.id), visitorId: String(r.visitor_id), audience: (event ? r.audience : 'none') as Audience, event: event ?? ({ type: 'unknown' } as unknown as KefuEvent) };
}

export class SqlStore implements Omit<Store, 'migrate' | 'ping'> {
  readonly desk: SqlDeskStore;
  readonly canned: SqlCannedStore;
  readonly team: SqlTeamStore;
  readonly attachments: SqlAttachmentStore;
  readonly blobs: DbBlobStore;
  readonly mail: SqlMailStore;
  readonly ratings: SqlRatingStore;
  readonly push: SqlPushStore;
  readonly settings: SqlSettingStore;

  /** `bg`: where background writes run (store.ts); the same driver when the engine has one connection. */
  constructor(protected readonly db: SqlDriver, protected readonly t: TableNames, protected readonly bg: SqlDriver = db) {
    this.desk = new SqlDeskStore(db, t);
    this.canned = new SqlCannedStore(db, t);
    this.team = new SqlTeamStore(db, t);
    this.attachments = new SqlAttachmentStore(db, t);
    this.blobs = new DbBlobStore(db, t);
    this.mail = new SqlMailStore(db, t);
    this.ratings = new SqlRatingStore(db, t);
    this.push = new SqlPushStore(db, t);
    this.settings = new SqlSettingStore(db, t);
  }

  /**
   * Gives messages that were sent with files their `attachments`, and their
   * typed text in place of the row's (attachment-text.ts). Only rows whose
   * text has a file line are looked up: messages without files cost nothing.
   */
  private async withAttachments(messages: Message[]): Promise<Message[]> {
    const candidates = messages.filter((m) => m.content.includes(FILE_MARK));
    if (!candidates.length) return messages;
    const files = await this.attachments.forMessages([...new Set(candidates.map((m) => m.mid))]);
    for (const m of candidates) {
      const list = files.get(m.mid);
      if (!list) continue;
      m.attachments = list;
      m.content = visibleText(m.content, list);
    }
    return messages;
  }

  async close(): Promise<void> {
    await this.db.close();
    if (this.bg !== this.db) await this.bg.close();
  }

  async insertMessage(m: NewMessage): Promise<{ message: Message; created: boolean }> {
    const at = new Date();
    const files = m.attachments ?? [];
    const insert = (runner: SqlRunner) => runner.run(
      `INSERT INTO \`${this.t.msg}\` (pos, rec, isread, content, created_at, client_id, from_name) VALUES (?, ?, 0, ?, ?, ?, ?)`,
      [m.from, m.to, m.content, sqlTime(at), m.clientId, m.fromName],
    );
    try {
      // With files, the row and the files' link to it commit together: whoever reads the row reads its files.
      const r = files.length
        ? await this.db.transaction(async (tx) => {
          const written = await insert(tx);
          const conversation = messageConversation(m.from, m.to);
          if (!(await this.attachments.link(tx, written.insertId, files.map((f) => f.id), conversation, m.from))) throw new AttachmentsTakenError();
          return written;
        })
        : await insert(this.db);
      // The row is what was written: no need to read it back.
      const message: Message = {
        mid: r.insertId, from: m.from, to: m.to, conversation: messageConversation(m.from, m.to),
        content: files.length ? visibleText(m.content, files) : m.content, createdAt: at.toISOString(), read: false,
      };
      if (m.fromName) message.fromName = m.fromName;
      if (m.clientId) message.clientId = m.clientId;
      if (files.length) message.attachments = files.map((f) => ({ ...f, mid: r.insertId }));
      return { message, created: true };
    } catch (err) {
      if (!m.clientId || !this.db.isDuplicateKey(err)) throw err;
      const [row] = await this.db.all<MsgRow>(
        `SELECT ${MSG_COLS} FROM \`${this.t.msg}\` WHERE pos = ? AND client_id = ?`,
        [m.from, m.clientId],
      );
      if (!row) throw err;
      const [message] = await this.withAttachments([toMessage(row)]);
      return { message, created: false };
    }
  }

  async tail(afterMid: number, recheck: readonly IdRange[], afterEventId: number, recheckEvents: readonly IdRange[], limit: number): Promise<TailBatch> {
    // Plain range reads on primary keys, run side by side: no UNION, so no derived
    // tables to materialise (with TEXT columns MariaDB writes those to disk), and
    // each part reads in its own table's types.
    const msgSql = `SELECT ${MSG_COLS} FROM \`${this.t.msg}\``;
    const evSql = `SELECT id, visitor_id, audience, payload FROM \`${this.t.event}\``;
    const late = recheck.length ? inRanges('mid', recheck) : null;
    const lateEv = recheckEvents.length ? inRanges('id', recheckEvents) : null;
    const [fresh, lateRows, events, lateEvents] = await Promise.all([
      this.db.all<MsgRow>(`${msgSql} WHERE mid > ? ORDER BY mid LIMIT ?`, [afterMid, limit]),
      late ? this.db.all<MsgRow>(`${msgSql} WHERE ${late.sql}`, late.params) : [],
      this.db.all<EventRow>(`${evSql} WHERE id > ? ORDER BY id LIMIT ?`, [afterEventId, limit]),
      lateEv ? this.db.all<EventRow>(`${evSql} WHERE ${lateEv.sql}`, lateEv.params) : [],
    ]);
    const messages = await this.withAttachments([...fresh, ...lateRows].map(toMessage).sort((x, y) => x.mid - y.mid));
    return { messages, events: [...events, ...lateEvents].map(toEvent).sort((x, y) => x.id - y.id) };
  }

  async idStep(): Promise<{ step: number; offset: number }> {
    return { step: 1, offset: 1 };
  }

  async latestIds(): Promise<{ mid: number; eventId: number }> {
    const [row] = await this.db.all<{ mid: number | null; eid: number | null }>(
      `SELECT (SELECT MAX(mid) FROM \`${this.t.msg}\`) AS mid, (SELECT MAX(id) FROM \`${this.t.event}\`) AS eid`,
    );
    return { mid: Number(row?.mid ?? 0), eventId: Number(row?.eid ?? 0) };
  }

  async scopeMessages(scope: Scope, afterMid: number, uptoMid: number, extra: readonly number[], limit: number): Promise<Message[]> {
    const extraSql = extra.length ? ` OR mid IN (${marks(extra.length)})` : '';
    let rows: MsgRow[];
    if (scope.kind === 'agents') {
      rows = await this.db.all<MsgRow>(
        `SELECT ${MSG_COLS} FROM \`${this.t.msg}\` WHERE (mid > ? AND mid <= ?)${extraSql} ORDER BY mid LIMIT ?`,
        [afterMid, uptoMid, ...extra, limit],
      );
    } else {
      // Two index range scans (pos, mid) and (rec, mid) instead of one OR over the table.
      const one = (col: 'pos' | 'rec') =>
        `SELECT * FROM (SELECT ${MSG_COLS} FROM \`${this.t.msg}\` WHERE ${col} = ? AND ((mid > ? AND mid <= ?)${extraSql}) ORDER BY mid LIMIT ?) AS ${col}_side`;
      const p = [scope.visitorId, afterMid, uptoMid, ...extra, limit];
      rows = await this.db.all<MsgRow>(`${one('pos')} UNION ${one('rec')} ORDER BY mid LIMIT ?`, [...p, ...p, limit]);
    }
    return this.filterScope(scope, rows);
  }

  async history(scope: Scope, beforeMid: number | null, limit: number): Promise<Message[]> {
    const before = beforeMid ?? Number.MAX_SAFE_INTEGER;
    let rows: MsgRow[];
    if (scope.kind === 'agents') {
      rows = await this.db.all<MsgRow>(`SELECT ${MSG_COLS} FROM \`${this.t.msg}\` WHERE mid < ? ORDER BY mid DESC LIMIT ?`, [before, limit]);
    } else {
      const one = (col: 'pos' | 'rec') =>
        `SELECT * FROM (SELECT ${MSG_COLS} FROM \`${this.t.msg}\` WHERE ${col} = ? AND mid < ? ORDER BY mid DESC LIMIT ?) AS ${col}_side`;
      rows = await this.db.all<MsgRow>(`${one('pos')} UNION ${one('rec')} ORDER BY mid DESC LIMIT ?`, [
        scope.visitorId, before, limit, scope.visitorId, before, limit, limit,
      ]);
    }
    return (await this.filterScope(scope, rows)).reverse();
  }

  /** Exact, case-sensitive scope check: an adopted table may compare ids case-insensitively. */
  private filterScope(scope: Scope, rows: MsgRow[]): Promise<Message[]> {
    const out = rows.map(toMessage);
    return this.withAttachments(scope.kind === 'agents' ? out : out.filter((m) => m.from === scope.visitorId || m.to === scope.visitorId));
  }

  async unreadRows(side: 'pos' | 'rec', ids: readonly string[], uptoMid: number): Promise<Array<{ mid: number; from: string; to: string }>> {
    if (!ids.length) return [];
    const rows = await this.bg.all<{ mid: number | string; pos: string; rec: string }>(
      `SELECT mid, pos, rec FROM \`${this.t.msg}\` WHERE ${side} IN (${marks(ids.length)}) AND isread = 0 AND mid <= ?`,
      [...ids, uptoMid],
    );
    // Exact, case-sensitive: an adopted table may compare ids case-insensitively.
    const wanted = new Set(ids);
    return rows
      .map((r) => ({ mid: Number(r.mid), from: String(r.pos), to: String(r.rec) }))
      .filter((r) => wanted.has(side === 'pos' ? r.from : r.to));
  }

  async markRead(mids: readonly number[]): Promise<number> {
    if (!mids.length) return 0;
    const r = await this.bg.run(`UPDATE \`${this.t.msg}\` SET isread = 1 WHERE mid IN (${marks(mids.length)}) AND isread = 0`, mids);
    return r.affectedRows;
  }

  async insertEvents(events: readonly NewEvent[]): Promise<void> {
    if (!events.length) return;
    const at = sqlTime(new Date());
    await this.bg.run(
      `INSERT INTO \`${this.t.event}\` (visitor_id, audience, payload, created_at) VALUES ${events.map(() => '(?, ?, ?, ?)').join(', ')}`,
      events.flatMap((e) => [e.visitorId, e.audience, JSON.stringify(e.event), at]),
    );
  }

  async insertEvent(visitorId: string, audience: Audience, event: KefuEvent): Promise<void> {
    await this.db.run(`INSERT INTO \`${this.t.event}\` (visitor_id, audience, payload, created_at) VALUES (?, ?, ?, ?)`, [
      visitorId, audience, JSON.stringify(event), sqlTime(new Date()),
    ]);
  }

  async pruneEvents(olderThan: Date): Promise<void> {
    await this.db.run(`DELETE FROM \`${this.t.event}\` WHERE created_at < ?`, [sqlTime(olderThan)]);
    await this.db.run(`DELETE FROM \`${this.t.ticket}\` WHERE expires_at < ?`, [sqlTime(new Date(Date.now() - 3600_000))]);
  }

  async consumeTicket(jti: string, expiresAt: Date): Promise<boolean> {
    try {
      await this.db.run(`INSERT INTO \`${this.t.ticket}\` (jti, expires_at) VALUES (?, ?)`, [jti, sqlTime(expiresAt)]);
      return true;
    } catch (err) {
      if (this.db.isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async upsertVisitor(v: VisitorUpdate, now: Date): Promise<VisitorProfile> {
    const t = sqlTime(now);
    await this.db.run(
      `${this.db.insertIgnore} INTO \`${this.t.visitor}\` (id, first_seen_at, last_seen_at, last_mid) VALUES (?, ?, ?, 0)`,
      [v.visitorId, t, t],
    );
    // Only fields the caller sent change; an empty string clears one.
    const sets: string[] = ['last_seen_at = ?'];
    const params: unknown[] = [t];
    for (const [key, column] of VISITOR_FIELDS) {
      if (v[key] !== undefined) {
        sets.push(`${column} = ?`);
        params.push(v[key] === '' ? null : v[key]);
      }
    }
    if (v.consent) {
      sets.push('consent_at = COALESCE(consent_at, ?)');
      params.push(t);
    }
    await this.db.run(`UPDATE \`${this.t.visitor}\` SET ${sets.join(', ')} WHERE id = ?`, [...params, v.visitorId]);
    return (await this.getVisitor(v.visitorId))!;
  }

  async visitorOfUser(userRef: string, candidateId: string, now: Date): Promise<{ visitorId: string; created: boolean }> {
    const find = async () => (await this.db.all<{ id: string }>(`SELECT id FROM \`${this.t.visitor}\` WHERE user_ref = ?`, [userRef]))[0];
    const found = await find();
    if (found) return { visitorId: String(found.id), created: false };
    // The unique user_ref makes a second record for the same user (two first
    // sessions at once, on any process) a no-op; both then read the one that won.
    const t = sqlTime(now);
    const { affectedRows } = await this.db.run(
      `${this.db.insertIgnore} INTO \`${this.t.visitor}\` (id, first_seen_at, last_seen_at, last_mid, user_ref) VALUES (?, ?, ?, 0, ?)`,
      [candidateId, t, t, userRef],
    );
    const won = await find();
    if (!won) throw new Error('visitor record for a verified user vanished while being created');
    return { visitorId: String(won.id), created: affectedRows > 0 && won.id === candidateId };
  }

  async getVisitor(visitorId: string): Promise<VisitorProfile | null> {
    const [row] = await this.db.all<VisitorRow>(`SELECT * FROM \`${this.t.visitor}\` WHERE id = ?`, [visitorId]);
    return row && row.id === visitorId ? toProfile(row) : null;
  }

  async touchVisitors(visitorIds: readonly string[], now: Date): Promise<void> {
    // Large batches keep the statements per flush flat as visitors grow (10,000 held polls:
    // 2 a flush, not 20); 5,000 placeholders is far below SQLite's 32,766 and MySQL's 65,535.
    for (let i = 0; i < visitorIds.length; i += TOUCH_BATCH) {
      const chunk = visitorIds.slice(i, i + TOUCH_BATCH);
      await this.db.run(`UPDATE \`${this.t.visitor}\` SET last_seen_at = ? WHERE id IN (${marks(chunk.length)})`, [sqlTime(now), ...chunk]);
    }
  }

  async noteActivity(latest: ReadonlyArray<readonly [string, number]>): Promise<void> {
    if (!latest.length) return;
    // Sorted by id: two processes writing overlapping batches lock rows in the same order (no deadlock).
    const rows = [...latest].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const t = sqlTime(new Date());
    await this.bg.run(
      `INSERT INTO \`${this.t.visitor}\` (id, first_seen_at, last_seen_at, last_mid) VALUES ${rows.map(() => '(?, ?, ?, ?)').join(', ')} ` +
        this.bg.keepMax('id', 'last_mid'),
      rows.flatMap(([id, mid]) => [id, t, t, mid]),
    );
  }

  async conversations(limit: number, filter: ConversationFilter = 'all', agentId = ''): Promise<Array<Omit<Conversation, 'online'>>> {
    const where = this.desk.filterSql(filter, agentId);
    const visitors = await this.db.all<VisitorRow>(
      `SELECT * FROM \`${this.t.visitor}\` WHERE last_mid > 0 AND ${where.sql} ORDER BY last_mid DESC LIMIT ?`,
      [...where.params, limit],
    );
    if (!visitors.length) return [];
    const ids = visitors.map((v) => v.id);
    const last = await this.db.all<MsgRow>(
      `SELECT ${MSG_COLS} FROM \`${this.t.msg}\` WHERE mid IN (${marks(ids.length)})`,
      visitors.map((v) => Number(v.last_mid)),
    );
    const unread = await this.db.all<{ pos: string; n: number | string }>(
      `SELECT pos, COUNT(*) AS n FROM \`${this.t.msg}\` WHERE rec = 'admin' AND isread = 0 AND pos IN (${marks(ids.length)}) GROUP BY pos`,
      ids,
    );
    const blocked = await this.db.all<{ visitor_id: string }>(
      `SELECT DISTINCT visitor_id FROM \`${this.t.block}\` WHERE visitor_id IN (${marks(ids.length)})`,
      ids,
    );
    const lastByMid = new Map((await this.withAttachments(last.map(toMessage))).map((m) => [m.mid, m]));
    const unreadBy = new Map(unread.map((r) => [r.pos, Number(r.n)]));
    const blockedSet = new Set(blocked.map((r) => String(r.visitor_id)));
    return visitors.map((v) => {
      const lastMessage = lastByMid.get(Number(v.last_mid)) ?? null;
      return {
        ...toProfile(v),
        ...toState(v),
        lastMessage,
        lastMessageAt: lastMessage?.createdAt ?? null,
        unread: unreadBy.get(v.id) ?? 0,
        blocked: blockedSet.has(v.id),
      };
    });
  }

  async relatedConversations(visitorId: string, limit: number): Promise<RelatedConversation[]> {
    const [self] = await this.db.all<{ user_ref: string | null; email: string | null }>(
      `SELECT user_ref, email FROM \`${this.t.visitor}\` WHERE id = ?`, [visitorId]);
    // A user has one record today (visitorOfUser), so the user_ref term finds others
    // only if that ever changes; the email is what links a person's conversations.
    const terms: string[] = [];
    const params: unknown[] = [];
    if (self?.user_ref) {
      terms.push('user_ref = ?');
      params.push(self.user_ref);
    }
    const email = self?.email?.trim();
    if (email) {
      terms.push(`email = ?${this.db.caseless}`);
      params.push(email);
    }
    if (!terms.length) return [];
    const rows = await this.db.all<VisitorRow>(
      `SELECT * FROM \`${this.t.visitor}\` WHERE (${terms.join(' OR ')}) AND id <> ? AND last_mid > 0 ORDER BY last_mid DESC LIMIT ?`,
      [...params, visitorId, limit],
    );
    // Exact, case-sensitive: an adopted id may differ from this one only in case.
    const others = rows.filter((r) => r.id !== visitorId);
    if (!others.length) return [];
    const last = await this.db.all<MsgRow>(
      `SELECT ${MSG_COLS} FROM \`${this.t.msg}\` WHERE mid IN (${marks(others.length)})`,
      others.map((r) => Number(r.last_mid)),
    );
    const byMid = new Map(last.map((r) => [Number(r.mid), toMessage(r)]));
    return others.map((r) => {
      const m = byMid.get(Number(r.last_mid));
      return {
        visitorId: r.id,
        name: r.name,
        email: r.email,
        verified: !!r.user_ref,
        status: toState(r).status,
        preview: m ? preview(m.content) : '',
        lastAt: m?.createdAt ?? isoTime(r.last_seen_at),
      };
    });
  }

  async setAgentPresence(agent: { id: string; name: string; avatar?: string }, status: 'online' | 'away' | null, now: Date): Promise<void> {
    const t = sqlTime(now);
    const { id, name } = agent;
    // The latest token's picture wins, none included: a CMS that drops an avatar drops it here too.
    const avatar = agent.avatar ?? null;
    await this.db.run(`${this.db.insertIgnore} INTO \`${this.t.agent}\` (id, name, avatar, status, last_seen_at) VALUES (?, ?, ?, 'online', ?)`, [id, name, avatar, t]);
    if (status) await this.db.run(`UPDATE \`${this.t.agent}\` SET name = ?, avatar = ?, status = ?, last_seen_at = ? WHERE id = ?`, [name, avatar, status, t, id]);
    else await this.db.run(`UPDATE \`${this.t.agent}\` SET name = ?, avatar = ?, last_seen_at = ? WHERE id = ?`, [name, avatar, t, id]);
  }

  async agentsOnline(since: Date): Promise<number> {
    const [row] = await this.db.all<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM \`${this.t.agent}\` WHERE status = 'online' AND last_seen_at >= ?`,
      [sqlTime(since)],
    );
    return Number(row?.n ?? 0);
  }
}
