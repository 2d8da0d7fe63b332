// The mail outbox (`<prefix>kefu_mail`) and the one read that decides what to
// mail. A mail is queued once per dedupe key (a unique index: two processes,
// or one before and after a restart, queue it once), claimed by one process
// at a time (a conditional UPDATE of `claimed_until`), and marked sent, due
// again later, or given up. Sent and given-up rows keep no text.
import { isoTime, sqlTime, type SqlDriver, type TableNames } from './sql-store.js';

export type MailKind = 'offline' | 'unanswered' | 'reply' | 'transcript';

export interface NewMail {
  kind: MailKind;
  /** What makes it one mail: `offline:<visitorId>:<mid>` and the like (core/mail-notices.ts). At most 191 ASCII characters. */
  dedupeKey: string;
  recipients: readonly string[];
  lang: string;
  subject: string;
  text: string;
  html: string;
}

/** A mail this process holds the claim on, until it says how the attempt went. */
export interface ClaimedMail extends NewMail {
  id: number;
  /** Attempts so far, this one included. */
  attempts: number;
  /** The claim's own mark: only its holder can reschedule or release the row. */
  claim: string;
}

/** A conversation's newest message, and what the notices need of its visitor. */
export interface ConversationTip {
  visitorId: string;
  name: string | null;
  email: string | null;
  verified: boolean;
  page: string | null;
  lang: string | null;
  timeZone: string | null;
  lastSeenAt: string | null;
  last: { mid: number; from: string; to: string; read: boolean; createdAt: string | null };
}

export interface MailStore {
  /** Queues a mail, due now, unless one with its dedupe key exists; true when this call queued it. */
  enqueue(mail: NewMail, now: Date): Promise<boolean>;
  /** Which of these dedupe keys are queued (in any state). */
  existing(keys: readonly string[]): Promise<Set<string>>;
  /**
   * Claims at most `limit` mails that are due and not claimed by anyone (or
   * whose claim ran out), each for `leaseMs`, counting an attempt. Two callers
   * at once never get the same mail.
   */
  claim(now: Date, leaseMs: number, limit: number): Promise<ClaimedMail[]>;
  /** Accepted by the mail server: never due again; its text and HTML are dropped. */
  sent(mail: ClaimedMail, now: Date): Promise<void>;
  /** Failed for now: due again at `at`. */
  retry(mail: ClaimedMail, at: Date, error: string): Promise<void>;
  /** Failed for good: never due again; its text and HTML are dropped, the error kept. */
  giveUp(mail: ClaimedMail, error: string): Promise<void>;
  /** The process stops before the attempt ended: due again at once, for any process. */
  release(mail: ClaimedMail): Promise<void>;
  /** Deletes sent and given-up mails queued before `before`; returns how many. */
  prune(before: Date): Promise<number>;
  /**
   * Conversations by their newest message (`last_mid`), newest first, at most
   * `limit`, below `beforeMid` when given: an index walk on the visitor table
   * and one primary-key read per conversation.
   */
  latestConversations(beforeMid: number | null, limit: number): Promise<ConversationTip[]>;
}

interface MailRow {
  id: number | string;
  kind: string;
  dedupe_key: string;
  recipient: string;
  lang: string;
  subject: string;
  text: string | Buffer;
  html: string | Buffer;
  attempts: number | string;
}

interface TipRow {
  id: string;
  name: string | null;
  email: string | null;
  page: string | null;
  user_ref: string | null;
  lang: string | null;
  time_zone: string | null;
  last_seen_at: string | Date | null;
  last_mid: number | string;
  pos: string;
  rec: string;
  isread: number | string | null;
  created_at: string | Date | null;
}

const marks = (n: number) => Array.from({ length: n }, () => '?').join(',');

export class SqlMailStore implements MailStore {
  constructor(private readonly db: SqlDriver, private readonly t: TableNames) {}

  async enqueue(m: NewMail, now: Date): Promise<boolean> {
    const at = sqlTime(now);
    const { affectedRows } = await this.db.run(
      `${this.db.insertIgnore} INTO \`${this.t.mail}\` (kind, dedupe_key, recipient, lang, subject, text, html, created_at, attempts, next_attempt_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
      [m.kind, m.dedupeKey, m.recipients.join(', '), m.lang, m.subject, m.text, m.html, at, at],
    );
    return affectedRows > 0;
  }

  async existing(keys: readonly string[]): Promise<Set<string>> {
    if (!keys.length) return new Set();
    const rows = await this.db.all<{ dedupe_key: string }>(
      `SELECT dedupe_key FROM \`${this.t.mail}\` WHERE dedupe_key IN (${marks(keys.length)})`, keys);
    return new Set(rows.map((r) => String(r.dedupe_key)));
  }

  async claim(now: Date, leaseMs: number, limit: number): Promise<ClaimedMail[]> {
    const t = sqlTime(now);
    const due = await this.db.all<{ id: number | string }>(
      `SELECT id FROM \`${this.t.mail}\` WHERE next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?) ORDER BY next_attempt_at, id LIMIT ?`,
      [t, t, limit],
    );
    const until = sqlTime(new Date(now.getTime() + leaseMs));
    const won: number[] = [];
    for (const { id } of due) {
      // The same conditions again, in the UPDATE: of two processes that read the
      // same due row, the first to write takes it and the second changes nothing.
      const r = await this.db.run(
        `UPDATE \`${this.t.mail}\` SET claimed_until = ?, attempts = attempts + 1
         WHERE id = ? AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)`,
        [until, id, t, t],
      );
      if (r.affectedRows === 1) won.push(Number(id));
    }
    if (!won.length) return [];
    const rows = await this.db.all<MailRow>(
      `SELECT id, kind, dedupe_key, recipient, lang, subject, text, html, attempts FROM \`${this.t.mail}\` WHERE id IN (${marks(won.length)}) ORDER BY id`,
      won,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      kind: r.kind as NewMail['kind'],
      dedupeKey: String(r.dedupe_key),
      recipients: String(r.recipient).split(', ').filter(Boolean),
      lang: String(r.lang),
      subject: String(r.subject),
      text: String(r.text),
      html: String(r.html),
      attempts: Number(r.attempts),
      claim: until,
    }));
  }

  async sent(mail: ClaimedMail, now: Date): Promise<void> {
    // Whoever holds the claim now: the mail went, so nobody should send it again.
    await this.db.run(
      `UPDATE \`${this.t.mail}\` SET sent_at = ?, next_attempt_at = NULL, claimed_until = NULL, last_error = NULL, text = '', html = ''
       WHERE id = ? AND sent_at IS NULL`,
      [sqlTime(now), mail.id],
    );
  }

  async retry(mail: ClaimedMail, at: Date, error: string): Promise<void> {
    await this.db.run(
      `UPDATE \`${this.t.mail}\` SET next_attempt_at = ?, claimed_until = NULL, last_error = ? WHERE id = ? AND claimed_until = ? AND sent_at IS NULL`,
      [sqlTime(at), error.slice(0, 64), mail.id, mail.claim],
    );
  }

  async giveUp(mail: ClaimedMail, error: string): Promise<void> {
    await this.db.run(
      `UPDATE \`${this.t.mail}\` SET next_attempt_at = NULL, claimed_until = NULL, last_error = ?, text = '', html = ''
       WHERE id = ? AND claimed_until = ? AND sent_at IS NULL`,
      [error.slice(0, 64), mail.id, mail.claim],
    );
  }

  async release(mail: ClaimedMail): Promise<void> {
    await this.db.run(`UPDATE \`${this.t.mail}\` SET claimed_until = NULL WHERE id = ? AND claimed_until = ? AND sent_at IS NULL`, [mail.id, mail.claim]);
  }

  async prune(before: Date): Promise<number> {
    const r = await this.db.run(`DELETE FROM \`${this.t.mail}\` WHERE next_attempt_at IS NULL AND created_at < ?`, [sqlTime(before)]);
    return r.affectedRows;
  }

  async latestConversations(beforeMid: number | null, limit: number): Promise<ConversationTip[]> {
    const rows = await this.db.all<TipRow>(
      `SELECT v.id, v.name, v.email, v.page, v.user_ref, v.lang, v.time_zone, v.last_seen_at, v.last_mid, m.pos, m.rec, m.isread, m.created_at
       FROM \`${this.t.visitor}\` v JOIN \`${this.t.msg}\` m ON m.mid = v.last_mid
       WHERE v.last_mid > 0 AND v.last_mid < ? ORDER BY v.last_mid DESC LIMIT ?`,
      [beforeMid ?? Number.MAX_SAFE_INTEGER, limit],
    );
    return rows.map((r) => ({
      visitorId: String(r.id),
      name: r.name,
      email: r.email,
      verified: !!r.user_ref,
      page: r.page,
      lang: r.lang,
      timeZone: r.time_zone,
      lastSeenAt: isoTime(r.last_seen_at),
      last: { mid: Number(r.last_mid), from: String(r.pos), to: String(r.rec), read: Number(r.isread) === 1, createdAt: isoTime(r.created_at) },
    }));
  }
}
