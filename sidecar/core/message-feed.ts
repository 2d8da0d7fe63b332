// The one reader of the database for real-time delivery. Each process runs ONE
// tail query per interval (and one right after its own writes), whatever the
// number of open polls and streams. It keeps the recent rows in memory, so a
// poll with a current cursor is answered without touching the database.
//
// Out-of-order commits: when the tail sees mid 11 but not 10, 10 may belong to
// a transaction that has not committed yet. Such gaps are re-checked on every
// tail for GAP_HOLD_MS and go into cursors, so a late row is still delivered
// (PROTOCOL.md, cursor guarantee 2: up to 10 s late).
import type { Logger } from '../logger.js';
import type { Audience, KefuEvent, Message } from './message.js';
import type { Store, StoredEvent } from '../store/store.js';

export const GAP_HOLD_MS = 15_000;
const TAIL_BATCH = 500;
const RING_MIN_AGE_MS = 60_000;
const RING_TARGET = 20_000;
const RING_HARD_CAP = 200_000;
const EVENT_KEEP_MS = 60_000;
const MAX_PENDING_GAPS = 5_000;
const STARTUP_LOOKBACK = 200;

export interface FeedListener {
  /** `fromTail`: found by the tail (another writer's rows, or ours before `accept`). */
  messages(batch: readonly Message[], fromTail: boolean): void;
  events(batch: readonly StoredEvent[]): void;
}

interface Held<T> { item: T; at: number }

export interface FeedDeps {
  store: Store;
  log: Logger;
  intervalMs: number;
  /** Monotonic milliseconds; never the wall clock. */
  now?: () => number;
}

export class MessageFeed {
  /** Highest mid the tail has seen. */
  seenMax = 0;
  /** Rows with mid <= ringFloor may have left memory; above it, memory is complete but for `pending`. */
  ringFloor = 0;
  lastEventId = 0;
  /** Gap mids not seen yet → when first noticed. */
  readonly pending = new Map<number, number>();
  healthy = false;
  /** Bumped on every batch handed to listeners; lets a waiter see it missed one. */
  version = 0;

  private readonly ring: Array<Held<Message>> = [];
  private readonly byMid = new Map<number, Message>();
  private readonly recentEvents: Array<Held<StoredEvent>> = [];
  private readonly listeners = new Set<FeedListener>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private failing = false;
  private lastError: unknown = null;
  private readonly now: () => number;

  constructor(private readonly deps: FeedDeps) {
    this.now = deps.now ?? (() => performance.now());
  }

  async start(): Promise<void> {
    const { mid, eventId } = await this.deps.store.latestIds();
    // Start a little below the newest row, so that transactions still in flight
    // at start-up (lower mids, not yet committed) are tracked as gaps too.
    this.seenMax = Math.max(0, mid - STARTUP_LOOKBACK);
    this.ringFloor = this.seenMax;
    this.lastEventId = eventId;
    this.stopped = false;
    await this.tailOnce();
    if (!this.healthy) throw this.lastError;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  subscribe(l: FeedListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Tail now (after a write of ours); coalesces with a tail already running. */
  kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.loop().finally(() => {
      this.running = null;
      this.schedule();
    });
    return this.running;
  }

  private schedule(): void {
    if (this.stopped || this.timer || this.running) return;
    this.timer = setTimeout(() => { this.timer = null; void this.kick(); }, this.deps.intervalMs);
    this.timer.unref?.();
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      const full = await this.tailOnce();
      if (full) this.again = true;
    } while (this.again && !this.stopped);
  }

  /** Returns true when the batch was full and more rows are waiting. */
  private async tailOnce(): Promise<boolean> {
    let batch;
    try {
      batch = await this.deps.store.tail(this.seenMax, [...this.pending.keys()], this.lastEventId, TAIL_BATCH);
    } catch (err) {
      this.lastError = err;
      if (!this.failing) this.deps.log.warn('tail query failed; retrying every interval', { error: errorCode(err) });
      this.failing = true;
      this.healthy = false;
      return false;
    }
    if (this.failing) this.deps.log.info('tail query works again');
    this.failing = false;
    this.healthy = true;
    const now = this.now();
    const before = this.seenMax;
    const fresh = batch.messages.filter((m) => this.take(m, now));
    for (const [mid, since] of this.pending) if (now - since > GAP_HOLD_MS) this.pending.delete(mid);
    this.trim(now);

    const events = batch.events.filter((e) => e.id > this.lastEventId);
    for (const e of events) this.recentEvents.push({ item: e, at: now });
    if (events.length) this.lastEventId = events[events.length - 1].id;
    while (this.recentEvents.length && now - this.recentEvents[0].at > EVENT_KEEP_MS) this.recentEvents.shift();

    if (fresh.length || events.length) this.version++;
    if (fresh.length) for (const l of this.listeners) l.messages(fresh, true);
    if (events.length) for (const l of this.listeners) l.events(events);
    return batch.messages.filter((m) => m.mid > before).length >= TAIL_BATCH || batch.events.length >= TAIL_BATCH;
  }

  /**
   * A row this process has just committed: delivered at once, without waiting
   * for a tail. The bookkeeping is the tail's own, so mids skipped on the way
   * become gaps that the next tails re-check, and the tail will not bring it twice.
   */
  accept(m: Message): void {
    if (!this.take(m, this.now())) return;
    this.version++;
    for (const l of this.listeners) l.messages([m], false);
  }

  /** Records a row seen for the first time; false for one already had or given up on. */
  private take(m: Message, now: number): boolean {
    if (this.byMid.has(m.mid)) return false;
    if (m.mid > this.seenMax) {
      for (let gap = this.seenMax + 1; gap < m.mid && this.pending.size < MAX_PENDING_GAPS; gap++) this.pending.set(gap, now);
      this.seenMax = m.mid;
    } else if (!this.pending.delete(m.mid)) {
      return false; // below what we tracked: already delivered or abandoned long ago
    }
    this.remember(m, now);
    return true;
  }

  private remember(m: Message, now: number): void {
    const ring = this.ring;
    // Late rows go to their place by mid; usually this is the end.
    let i = ring.length;
    while (i > 0 && ring[i - 1].item.mid > m.mid) i--;
    ring.splice(i, 0, { item: m, at: now });
    this.byMid.set(m.mid, m);
  }

  private trim(now: number): void {
    const ring = this.ring;
    let drop = 0;
    while (
      drop < ring.length &&
      (ring.length - drop > RING_HARD_CAP || (ring.length - drop > RING_TARGET && now - ring[drop].at > RING_MIN_AGE_MS))
    ) drop++;
    if (!drop) return;
    for (const h of ring.slice(0, drop)) this.byMid.delete(h.item.mid);
    this.ringFloor = Math.max(this.ringFloor, ring[drop - 1].item.mid);
    ring.splice(0, drop);
  }

  /** Whether memory can answer for a cursor at `high` (else ask the database). */
  covers(high: number): boolean {
    return high >= this.ringFloor;
  }

  /** Remembered rows with mid > `after`, ascending. */
  *after(after: number): Generator<Message> {
    const ring = this.ring;
    let lo = 0;
    let hi = ring.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ring[mid].item.mid <= after) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < ring.length; i++) yield ring[i].item;
  }

  get(mid: number): Message | undefined {
    return this.byMid.get(mid);
  }

  /** Whether a gap mid may still arrive (pending, or beyond what this process has seen). */
  mayArrive(mid: number): boolean {
    return this.pending.has(mid) || mid > this.seenMax;
  }

  pendingBetween(lowExclusive: number, highInclusive: number): number[] {
    const out: number[] = [];
    for (const mid of this.pending.keys()) if (mid > lowExclusive && mid <= highInclusive) out.push(mid);
    return out;
  }

  eventsAfter(id: number, audience: 'visitor' | 'agents', visitorId?: string): KefuEvent[] {
    const out: KefuEvent[] = [];
    for (const { item } of this.recentEvents) {
      if (item.id <= id || !reaches(item.audience, audience)) continue;
      if (audience === 'visitor' && item.visitorId !== visitorId) continue;
      out.push(item.event);
    }
    return out;
  }
}

function reaches(a: Audience, who: 'visitor' | 'agents'): boolean {
  return a === 'both' || a === who;
}

function errorCode(err: unknown): string {
  const e = err as { cause?: { code?: string }; code?: string; name?: string };
  return e?.cause?.code ?? e?.code ?? e?.name ?? 'error';
}
