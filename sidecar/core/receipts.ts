// Receipts and read marks, written behind the delivery path. A poll or stream
// only records what its cursor proves received and answers at once; the
// `isread = 1` UPDATE and the `read` events are written here, batched: at most
// one flush per interval per process, each one UPDATE by primary key for every
// row acknowledged since the last and one multi-row INSERT of events.
//
// Why not inline: the UPDATE can meet a lock another program holds (a PHP
// transaction inserting to the same visitor, a SELECT … FOR UPDATE). Inline,
// each poll waited innodb_lock_wait_timeout and answered 503, holding a pool
// connection meanwhile. Here a lock wait delays a flush on the store's own
// background connections (store.ts); the batch is retried, split until the
// locked row stands alone, and nothing else waits.
//
// `isread` only ever goes to 1, and only for rows a cursor proved received:
// rows this process delivered (seen by its feed) at or below the cursor's high
// mark and not among its gaps, and, once per visitor per process, older unread
// rows found by a plain read under the same rule.
import type { Logger } from '../logger.js';
import type { Cursor } from './cursor.js';
import type { MessageFeed } from './message-feed.js';
import type { Message } from './message.js';
import { isTeam } from './message.js';
import type { NewEvent, Store } from '../store/store.js';
import { errorCode } from './kefu-error.js';
import { WriteBehind } from './write-behind.js';

/** Rows and events queued at most; past that the oldest marks wait for a later receipt (they stay unread, never wrongly read). */
const MAX_QUEUED = 100_000;
/** Visitors remembered as swept; forgetting costs one extra read each. */
const MAX_SWEPT = 200_000;
/** Visitors with delivered, unacknowledged rows remembered, and rows each. */
const MAX_UNACKED_VISITORS = 50_000;
const MAX_UNACKED_PER_VISITOR = 1_000;

export interface ReceiptsDeps {
  store: Store;
  feed: MessageFeed;
  log: Logger;
  intervalMs: number;
  now?: () => number;
}

interface Sweep { high: number; gaps: Set<number> }

export class Receipts {
  /** Unread rows to each visitor that this process's feed has seen. */
  private readonly unacked = new Map<string, number[]>();
  private readonly swept = new Set<string>();
  /** Row batches to mark read; more than one only after a lock wait split one. */
  private chunks: number[][] = [];
  private queuedRows = 0;
  private sweeps = new Map<string, Sweep>();
  private agentReads = new Map<string, number>();
  /** Read notices to write, one per visitor and side: the latest covers the earlier. */
  private events = new Map<string, NewEvent>();
  private readonly writer: WriteBehind;

  constructor(private readonly deps: ReceiptsDeps) {
    this.writer = new WriteBehind({ intervalMs: deps.intervalMs, now: deps.now, write: () => this.write(), pending: () => this.queued });
    deps.feed.subscribe({
      messages: (batch) => this.noteDelivered(batch),
      events: () => {},
    });
  }

  private noteDelivered(batch: readonly Message[]): void {
    for (const m of batch) {
      if (m.read || isTeam(m.to)) continue;
      const open = this.unacked.get(m.to);
      if (open && open.length < MAX_UNACKED_PER_VISITOR) open.push(m.mid);
      else if (open) this.forget(m.to);
      else {
        if (this.unacked.size >= MAX_UNACKED_VISITORS) this.forget(this.unacked.keys().next().value!);
        this.unacked.set(m.to, [m.mid]);
      }
    }
  }

  /**
   * Bounded memory (visitors who left never acknowledge): the rows forgotten
   * are found again by a sweep, should the visitor come back with a cursor.
   */
  private forget(visitorId: string): void {
    this.unacked.delete(visitorId);
    this.swept.delete(visitorId);
  }

  /** A visitor created in this process has no older rows to sweep. */
  knownFresh(visitorId: string): void {
    this.rememberSwept(visitorId);
  }

  /** The visitor's cursor proves these rows received. Never waits; returns at once. */
  visitorReceived(visitorId: string, c: Cursor): void {
    const gaps = new Set(c.gaps);
    const open = this.unacked.get(visitorId);
    if (open) {
      const covered: number[] = [];
      const rest: number[] = [];
      for (const mid of open) (mid <= c.high && !gaps.has(mid) ? covered : rest).push(mid);
      // A full backlog drops these marks: sweep this visitor again on its next receipt.
      if (covered.length) {
        if (!this.queueRows(covered)) this.forget(visitorId);
        this.queueEvent({ visitorId, audience: 'agents', event: { type: 'read', visitorId, upto: c.high, by: 'visitor' } });
      }
      if (rest.length) this.unacked.set(visitorId, rest);
      else this.unacked.delete(visitorId);
    }
    if (!this.swept.has(visitorId)) {
      const had = this.sweeps.get(visitorId);
      if (!had || had.high < c.high) this.sweeps.set(visitorId, { high: c.high, gaps });
      this.request();
    }
  }

  /** Agents have read the visitor's messages up to `upto`: marked and announced in the next flush. */
  agentRead(visitorId: string, upto: number): void {
    this.agentReads.set(visitorId, Math.max(upto, this.agentReads.get(visitorId) ?? 0));
    this.queueEvent({ visitorId, audience: 'both', event: { type: 'read', visitorId, upto, by: 'agent' } });
  }

  /** False when the backlog is full and the marks were not queued (the rows stay unread, never wrongly read). */
  private queueRows(mids: number[]): boolean {
    if (this.queuedRows + mids.length > MAX_QUEUED) {
      this.deps.log.warn('read marks backlog full; these rows are marked after a later receipt', { queued: this.queuedRows });
      return false;
    }
    const last = this.chunks[this.chunks.length - 1];
    if (last && this.chunks.length === 1) last.push(...mids);
    else this.chunks.push(mids);
    this.queuedRows += mids.length;
    this.request();
    return true;
  }

  private queueEvent(e: NewEvent): void {
    const key = `${e.event.type === 'read' ? e.event.by : e.event.type}:${e.visitorId}`;
    if (!this.events.has(key) && this.events.size >= MAX_QUEUED) return;
    this.events.set(key, e);
    this.request();
  }

  private rememberSwept(visitorId: string): void {
    if (this.swept.size >= MAX_SWEPT) this.swept.clear();
    this.swept.add(visitorId);
  }

  private get queued(): boolean {
    return this.chunks.length > 0 || this.sweeps.size > 0 || this.agentReads.size > 0 || this.events.size > 0;
  }

  get idle(): boolean {
    return !this.queued && !this.writer.busy;
  }

  private request(): void {
    this.writer.request();
  }

  /** Writes everything queued so far. Never throws: a failure is logged and the work kept for the next try. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  private async write(): Promise<boolean> {
    const { store, log } = this.deps;
    let failed = false;
    const sweeps = this.sweeps;
    const agentReads = this.agentReads;
    this.sweeps = new Map();
    this.agentReads = new Map();
    try {
      await this.resolveSweeps(sweeps, agentReads);
    } catch (err) {
      failed = true;
      log.warn('could not look up unread rows; retrying', { code: errorCode(err) });
      for (const [v, sw] of sweeps) if (!this.sweeps.has(v)) this.sweeps.set(v, sw);
      for (const [v, upto] of agentReads) this.agentReads.set(v, Math.max(upto, this.agentReads.get(v) ?? 0));
    }

    const chunks = this.chunks;
    this.chunks = [];
    for (const chunk of chunks) {
      try {
        await store.markRead([...new Set(chunk)].sort((x, y) => x - y));
        this.queuedRows -= chunk.length;
      } catch (err) {
        failed = true;
        const code = errorCode(err);
        log.warn('could not mark rows read; retrying', { code, rows: chunk.length });
        // A lock on one row must not hold back the rest: halve until it stands alone.
        if (code === 'ER_LOCK_WAIT_TIMEOUT' && chunk.length > 1) {
          const half = Math.ceil(chunk.length / 2);
          this.chunks.push(chunk.slice(0, half), chunk.slice(half));
        } else this.chunks.push(chunk);
      }
    }

    const events = this.events;
    this.events = new Map();
    if (events.size) {
      try {
        await store.insertEvents([...events.values()]);
        await this.deps.feed.kick();
      } catch (err) {
        failed = true;
        log.warn('could not write read events; retrying', { code: errorCode(err), events: events.size });
        // Kept unless a newer notice for the same visitor and side came meanwhile.
        for (const [key, e] of events) if (!this.events.has(key)) this.events.set(key, e);
      }
    }
    return !failed;
  }

  /** Older unread rows: found by a plain read (no lock), then marked by primary key like the rest. */
  private async resolveSweeps(sweeps: Map<string, Sweep>, agentReads: Map<string, number>): Promise<void> {
    const { store } = this.deps;
    if (sweeps.size) {
      const upto = Math.max(...[...sweeps.values()].map((s) => s.high));
      const rows = await store.unreadRows('rec', [...sweeps.keys()], upto);
      const mids: number[] = [];
      const touched = new Set<string>();
      for (const r of rows) {
        const s = sweeps.get(r.to);
        if (s && r.mid <= s.high && !s.gaps.has(r.mid)) {
          mids.push(r.mid);
          touched.add(r.to);
        }
      }
      for (const v of sweeps.keys()) this.rememberSwept(v);
      for (const v of touched) {
        this.queueEvent({ visitorId: v, audience: 'agents', event: { type: 'read', visitorId: v, upto: sweeps.get(v)!.high, by: 'visitor' } });
      }
      if (mids.length && !this.queueRows(mids)) for (const v of touched) this.swept.delete(v);
    }
    if (agentReads.size) {
      const upto = Math.max(...agentReads.values());
      const rows = await store.unreadRows('pos', [...agentReads.keys()], upto);
      const mids = rows.filter((r) => r.mid <= (agentReads.get(r.from) ?? 0) && isTeam(r.to)).map((r) => r.mid);
      if (mids.length && !this.queueRows(mids)) {
        for (const [v, u] of agentReads) this.agentReads.set(v, Math.max(u, this.agentReads.get(v) ?? 0));
      }
    }
  }

  /** Writes what is queued (shutdown); later receipts are dropped. */
  stop(): Promise<void> {
    return this.writer.stop();
  }

  sizes(): { unacked: number; swept: number; queuedRows: number; events: number } {
    return { unacked: this.unacked.size, swept: this.swept.size, queuedRows: this.queuedRows, events: this.events.size };
  }
}
