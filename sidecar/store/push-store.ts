// Web Push (docs/push.md): the agents' push subscriptions, one per browser
// and device (`<prefix>kefu_push_subscription`), and the claims that make one
// process send each notification (`<prefix>kefu_push_sent`).
//
// The endpoint is unique through a SHA-256 of it: endpoints run to several
// hundred characters, past the 767-byte index limit of older InnoDB tables.
// A claim is a row keyed by (kind, mid), written with INSERT IGNORE: every
// process sees every message, and the one whose insert took the row sends.
import { createHash } from 'node:crypto';
import { isoTime, sqlTime, type SqlDriver, type TableNames } from './sql-store.js';

/** What the console sends (core/push-subscription.ts checks it). */
export interface PushSubscriptionInput {
  /** The push service's address for this browser: a capability, never logged. */
  endpoint: string;
  /** The browser's P-256 public key, base64url (an uncompressed point, 65 bytes). */
  p256dh: string;
  /** The browser's authentication secret, base64url (16 bytes). */
  auth: string;
  /** The device as the agent would recognise it: `Chrome 131, Android 14`. */
  label: string | null;
  lang: 'en' | 'zh-CN';
  /** The console page the subscription was made on: a notification opens it. */
  page: string | null;
}

export interface PushSubscriptionRecord extends PushSubscriptionInput {
  id: number;
  agentId: string;
  createdAt: string;
  /** When a push service last accepted a notification for it. */
  lastOkAt: string | null;
}

/** `message`: a visitor's message; `escalate`: the same message still unanswered later. */
export type PushClaimKind = 'message' | 'escalate';

/** An agent keeps at most this many devices; a new one beyond replaces the oldest. */
export const MAX_DEVICES_PER_AGENT = 20;

export interface PushStore {
  /** Stores a subscription for the agent; an endpoint known already (even another agent's) becomes this one. */
  save(agentId: string, sub: PushSubscriptionInput, now: Date): Promise<{ subscription: PushSubscriptionRecord; created: boolean }>;
  /** Removes the agent's subscription of this endpoint; false when there was none. */
  remove(agentId: string, endpoint: string): Promise<boolean>;
  /** Removes subscriptions by id: the push service said they are gone (404, 410). */
  removeIds(ids: readonly number[]): Promise<void>;
  /**
   * The subscriptions of these agents (`all`: of every agent) whose agent
   * was seen (any request with a valid token) at or after `seenSince`.
   */
  targets(agents: readonly string[] | 'all', seenSince: Date): Promise<PushSubscriptionRecord[]>;
  /** Records that a push service accepted a notification for these subscriptions. */
  delivered(ids: readonly number[], now: Date): Promise<void>;
  /** Whether any agent has a subscription at all. */
  any(): Promise<boolean>;
  /** Claims the sending for a message; true for exactly one caller, whichever process it runs in. */
  claim(kind: PushClaimKind, mid: number, now: Date): Promise<boolean>;
  /** Forgets claims made before `olderThan`. */
  pruneClaims(olderThan: Date): Promise<void>;
}

interface SubscriptionRow {
  id: number | string;
  agent_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  label: string | null;
  lang: string;
  page: string | null;
  created_at: string | Date;
  last_ok_at: string | Date | null;
}

const COLUMNS = 'id, agent_id, endpoint, p256dh, auth, label, lang, page, created_at, last_ok_at';

export function endpointHash(endpoint: string): string {
  return createHash('sha256').update(endpoint).digest('hex');
}

function toRecord(r: SubscriptionRow): PushSubscriptionRecord {
  return {
    id: Number(r.id),
    agentId: String(r.agent_id),
    endpoint: String(r.endpoint),
    p256dh: String(r.p256dh),
    auth: String(r.auth),
    label: r.label === null ? null : String(r.label),
    lang: r.lang === 'zh-CN' ? 'zh-CN' : 'en',
    page: r.page === null ? null : String(r.page),
    createdAt: isoTime(r.created_at) ?? '',
    lastOkAt: isoTime(r.last_ok_at),
  };
}

const marks = (n: number) => Array.from({ length: n }, () => '?').join(',');

export class SqlPushStore implements PushStore {
  constructor(private readonly db: SqlDriver, private readonly t: TableNames) {}

  private async byHash(hash: string): Promise<PushSubscriptionRecord | null> {
    const [row] = await this.db.all<SubscriptionRow>(`SELECT ${COLUMNS} FROM \`${this.t.pushSubscription}\` WHERE endpoint_hash = ?`, [hash]);
    return row ? toRecord(row) : null;
  }

  async save(agentId: string, sub: PushSubscriptionInput, now: Date): Promise<{ subscription: PushSubscriptionRecord; created: boolean }> {
    const hash = endpointHash(sub.endpoint);
    let created = true;
    try {
      await this.db.run(
        `INSERT INTO \`${this.t.pushSubscription}\` (agent_id, endpoint, endpoint_hash, p256dh, auth, label, lang, page, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [agentId, sub.endpoint, hash, sub.p256dh, sub.auth, sub.label, sub.lang, sub.page, sqlTime(now)],
      );
    } catch (err) {
      if (!this.db.isDuplicateKey(err)) throw err;
      // The browser subscribed again (new keys after a reinstall), or another agent signed in on this device.
      created = false;
      await this.db.run(
        `UPDATE \`${this.t.pushSubscription}\` SET agent_id = ?, p256dh = ?, auth = ?, label = ?, lang = ?, page = ? WHERE endpoint_hash = ?`,
        [agentId, sub.p256dh, sub.auth, sub.label, sub.lang, sub.page, hash],
      );
    }
    const ids = await this.db.all<{ id: number | string }>(
      `SELECT id FROM \`${this.t.pushSubscription}\` WHERE agent_id = ? ORDER BY id DESC`, [agentId]);
    const surplus = ids.slice(MAX_DEVICES_PER_AGENT).map((r) => Number(r.id));
    if (surplus.length) await this.removeIds(surplus);
    const subscription = await this.byHash(hash);
    if (!subscription) throw new Error('push subscription vanished while it was saved');
    return { subscription, created };
  }

  async remove(agentId: string, endpoint: string): Promise<boolean> {
    const { affectedRows } = await this.db.run(
      `DELETE FROM \`${this.t.pushSubscription}\` WHERE endpoint_hash = ? AND agent_id = ?`, [endpointHash(endpoint), agentId]);
    return affectedRows > 0;
  }

  async removeIds(ids: readonly number[]): Promise<void> {
    if (!ids.length) return;
    await this.db.run(`DELETE FROM \`${this.t.pushSubscription}\` WHERE id IN (${marks(ids.length)})`, ids);
  }

  async targets(agents: readonly string[] | 'all', seenSince: Date): Promise<PushSubscriptionRecord[]> {
    if (agents !== 'all' && !agents.length) return [];
    const only = agents === 'all' ? '' : ` AND s.agent_id IN (${marks(agents.length)})`;
    const rows = await this.db.all<SubscriptionRow>(
      `SELECT ${COLUMNS.split(', ').map((c) => 's.' + c).join(', ')} FROM \`${this.t.pushSubscription}\` s
       JOIN \`${this.t.agent}\` a ON a.id = s.agent_id
       WHERE a.last_seen_at >= ?${only} ORDER BY s.id`,
      [sqlTime(seenSince), ...(agents === 'all' ? [] : agents)],
    );
    return rows.map(toRecord);
  }

  async delivered(ids: readonly number[], now: Date): Promise<void> {
    if (!ids.length) return;
    await this.db.run(`UPDATE \`${this.t.pushSubscription}\` SET last_ok_at = ? WHERE id IN (${marks(ids.length)})`, [sqlTime(now), ...ids]);
  }

  async any(): Promise<boolean> {
    const rows = await this.db.all(`SELECT id FROM \`${this.t.pushSubscription}\` LIMIT 1`);
    return rows.length > 0;
  }

  async claim(kind: PushClaimKind, mid: number, now: Date): Promise<boolean> {
    const { affectedRows } = await this.db.run(
      `${this.db.insertIgnore} INTO \`${this.t.pushSent}\` (kind, mid, created_at) VALUES (?, ?, ?)`, [kind, mid, sqlTime(now)]);
    return affectedRows > 0;
  }

  async pruneClaims(olderThan: Date): Promise<void> {
    await this.db.run(`DELETE FROM \`${this.t.pushSent}\` WHERE created_at < ?`, [sqlTime(olderThan)]);
  }
}
