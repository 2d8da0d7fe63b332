// The one reader of the database for real-time delivery. Each process runs one
// round of tail reads per interval (and one right after its own event writes),
// whatever the number of open polls and streams: new rows, new events, and a
// re-check of open gaps when there are any (sql-store.ts). It keeps the recent rows and events in
// memory, so a poll with a current cursor is answered without touching the
// database.
//
// Out-of-order commits: when the tail sees mid 11 but not 10, 10 may belong to
// a transaction that has not committed yet. Such gaps (of messages and of
// events alike, see id-sequence.ts) are re-checked on every tail for
// GAP_HOLD_MS and go into cursors, so a late row is still delivered.
import type { Logger } from '../logger.js';
import type { Audience, Message } from './message.js';
import type { Store, StoredEvent } from '../store/store.js';
import { GAP_HOLD_MS, IdSequence, type IdStep } from './id-sequence.js';
import { errorCode } from './kefu-error.js';
import { ByParty, firstAbove, insertSorted } from './by-party.js';
import { isTeam } from './message.js';

export { GAP_HOLD_MS };
const TAIL_BATCH = 500;
const RING_MIN_AGE_MS = 60_000;
const RING_TARGET = 20_000;
const RING_HARD_CAP = 200_000;
const EVENT_KEEP_MS = 60_000;
const EVENT_HARD_CAP = 50_000;
/** Open gaps one sequence tracks; a backlog beyond waits (delayed, never dropped). */
export const MAX_PENDING_GAPS = 100_000;
/**
 * Rows below the newest that a starting process reads into memory. Clients of
 * the process before (a restart, a deploy) come back with cursors up to a poll's
 * wait old; from memory they cost nothing, from the database one query each,
 * all at once. 5,000 rows is about 40 s at 116 messages/s.
 */
const STARTUP_LOOKBACK = 5_000;

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
  /** Smaller memory limits, for tests of what happens at them. */
  limits?: Partial<FeedLimits>;
}

export interface FeedLimits {
  maxPendingGaps: number;
  ringTarget: number;
  ringMinAgeMs: number;
  ringHardCap: number;
  eventKeepMs: number;
}

export class MessageFeed {
  readonly mids: IdSequence;
  readonly eventIds: IdSequence;
  private readonly limits: FeedLimits;
  /** Rows with mid <= ringFloor may have left memory; above it, memory is complete but for pending gaps. */
  ringFloor = 0;
  /** Events with id <= eventFloor may have left memory. */
  eventFloor = 0;
  healthy = false;
  /** Bumped on every batch handed to listeners; lets a waiter see it missed one. */
  version = 0;

  private readonly ring: Array<Held<Message>> = [];
  private readonly byMid = new Map<number, Message>();
  private readonly recentEvents: Array<Held<StoredEvent>> = [];
  private readonly eventById = new Map<number, StoredEvent>();
  private readonly rowsByVisitor = new ByParty<Message>((m) => m.mid);
  private readonly eventsByVisitor = new ByParty<StoredEvent>((e) => e.id);
  private readonly listeners = new Set<FeedListener>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private failing = false;
  private deferredSince: number | null = null;
  private lastError: unknown = null;
  private readonly now: () => number;

  constructor(private readonly deps: FeedDeps) {
    this.now = deps.now ?? (() => performance.now());
    this.limits = {
      maxPendingGaps: MAX_PENDING_GAPS, ringTarget: RING_TARGET, ringMinAgeMs: RING_MIN_AGE_MS, ringHardCap: RING_HARD_CAP,
      eventKeepMs: EVENT_KEEP_MS, ...deps.limits,
    };
    this.mids = new IdSequence(this.limits.maxPendingGaps);
    this.eventIds = new IdSequence(this.limits.maxPendingGaps);
    const jump = (what: string) => (from: number, to: number) =>
      deps.log.warn('ids jumped further than gaps can be tracked; rows far below may be missed if they commit late', { what, from, to });
    this.mids.onJump = jump('message');
    this.eventIds.onJump = jump('event');
  }

  /** Highest mid the tail has seen. */
  get seenMax(): number {
    return this.mids.seenMax;
  }

  get lastEventId(): number {
    return this.eventIds.seenMax;
  }

  async start(): Promise<void> {
    const [{ mid, eventId }, step] = await Promise.all([this.deps.store.latestIds(), this.deps.store.idStep()]);
    this.mids.setStep(step);
    this.eventIds.setStep(step);
    if (step.step > 1) this.deps.log.info('auto-increment step above 1: only ids of this server\'s offset are tracked as gaps', { ...step });
    // Start a little below the newest row, so that transactions still in flight
    // at start-up (lower ids, not yet committed) are tracked as gaps too.
    this.mids.reset(Math.max(0, mid - STARTUP_LOOKBACK * step.step));
    this.eventIds.reset(Math.max(0, eventId - STARTUP_LOOKBACK * step.step));
    this.ringFloor = this.mids.seenMax;
    this.eventFloor = this.eventIds.seenMax;
    this.stopped = false;
    while (await this.tailOnce());
    if (!this.healthy) throw this.lastError;
    this.schedule();
  }

  /** For tests: the step a running feed assumes. */
  setStep(step: IdStep): void {
    this.mids.setStep(step);
    this.eventIds.setStep(step);
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

  /** One tail; true when more rows are waiting at once. Public for tests driving the feed by hand. */
  async tailOnce(): Promise<boolean> {
    let batch;
    try {
      batch = await this.deps.store.tail(this.mids.seenMax, this.mids.ranges(), this.eventIds.seenMax, this.eventIds.ranges(), TAIL_BATCH);
    } catch (err) {
      this.lastError = err;
      if (!this.failing) this.deps.log.warn('tail query failed; retrying every interval', { code: errorCode(err) });
      this.failing = true;
      this.healthy = false;
      return false;
    }
    if (this.failing) this.deps.log.info('tail query works again');
    this.failing = false;
    this.healthy = true;
    const now = this.now();
    const before = this.mids.seenMax;
    // Rows first, then events; a row or event that would open more gaps than can be
    // tracked stops the taking of newer ones of its kind (read again next tail).
    const take = <T>(items: readonly T[], seq: IdSequence, id: (x: T) => number, keep: (x: T) => void) => {
      const taken: T[] = [];
      for (const x of items) {
        if (deferred && id(x) > seq.seenMax) continue;
        const t = seq.take(id(x), now);
        if (t === 'deferred') deferred = true;
        else if (t !== 'known') {
          keep(x);
          taken.push(x);
        }
      }
      return taken;
    };
    let deferred = false;
    const fresh = take(batch.messages, this.mids, (m) => m.mid, (m) => this.remember(m, now));
    const events = take(batch.events, this.eventIds, (e) => e.id, (e) => this.rememberEvent(e, now));
    this.noteDeferred(deferred, now);
    this.mids.expire(now);
    this.eventIds.expire(now);
    this.trim(now);

    if (fresh.length || events.length) this.version++;
    if (fresh.length) for (const l of this.listeners) l.messages(fresh, true);
    if (events.length) for (const l of this.listeners) l.events(events);
    if (deferred) return false;
    return batch.messages.filter((m) => m.mid > before).length >= TAIL_BATCH || batch.events.length >= TAIL_BATCH;
  }

  private noteDeferred(deferred: boolean, now: number): void {
    if (deferred && this.deferredSince === null) {
      this.deferredSince = now;
      this.deps.log.warn('more open gaps than can be tracked: newer rows wait until older gaps resolve', { limit: this.limits.maxPendingGaps });
    } else if (!deferred && this.deferredSince !== null) {
      this.deps.log.info('gap backlog cleared', { waitedMs: Math.round(now - this.deferredSince) });
      this.deferredSince = null;
    }
  }

  /**
   * A row this process has just committed: delivered at once, without waiting
   * for a tail. The bookkeeping is the tail's own, so ids skipped on the way
   * become gaps that the next tails re-check, and the tail will not bring it twice.
   */
  accept(m: Message): void {
    const now = this.now();
    const taken = this.mids.take(m.mid, now);
    if (taken === 'known' || taken === 'deferred') return; // deferred: the tail brings it once the backlog clears
    this.remember(m, now);
    this.version++;
    for (const l of this.listeners) l.messages([m], false);
  }

  private remember(m: Message, now: number): void {
    insertSorted(this.ring, { item: m, at: now }, (h) => h.item.mid);
    this.byMid.set(m.mid, m);
    for (const party of partiesOf(m)) this.rowsByVisitor.add(party, m);
  }

  private rememberEvent(e: StoredEvent, now: number): void {
    insertSorted(this.recentEvents, { item: e, at: now }, (h) => h.item.id);
    this.eventById.set(e.id, e);
    if (e.audience === 'visitor' || e.audience === 'both') this.eventsByVisitor.add(e.visitorId, e);
  }

  private trim(now: number): void {
    const ring = this.ring;
    let drop = 0;
    while (
      drop < ring.length &&
      (ring.length - drop > this.limits.ringHardCap ||
        (ring.length - drop > this.limits.ringTarget && now - ring[drop].at > this.limits.ringMinAgeMs))
    ) drop++;
    if (drop) {
      for (let k = 0; k < drop; k++) {
        const m = ring[k].item;
        this.byMid.delete(m.mid);
        for (const party of partiesOf(m)) this.rowsByVisitor.remove(party, m);
      }
      this.ringFloor = Math.max(this.ringFloor, ring[drop - 1].item.mid);
      ring.splice(0, drop);
    }
    const ev = this.recentEvents;
    let dropEv = 0;
    while (dropEv < ev.length && (ev.length - dropEv > EVENT_HARD_CAP || now - ev[dropEv].at > this.limits.eventKeepMs)) dropEv++;
    if (dropEv) {
      for (let k = 0; k < dropEv; k++) {
        const e = ev[k].item;
        this.eventById.delete(e.id);
        if (e.audience === 'visitor' || e.audience === 'both') this.eventsByVisitor.remove(e.visitorId, e);
      }
      this.eventFloor = Math.max(this.eventFloor, ev[dropEv - 1].item.id);
      ev.splice(0, dropEv);
    }
  }

  /**
   * Whether memory can answer for a cursor: its high mark and every gap it
   * carries lie where memory is complete (a gap below the ring may have
   * arrived and left memory since; then ask the database).
   */
  covers(high: number, gaps: readonly number[] = []): boolean {
    if (high < this.ringFloor) return false;
    for (const g of gaps) if (g <= this.ringFloor && !this.mids.pending.has(g) && !this.byMid.has(g)) return false;
    return true;
  }

  /** Remembered rows with mid > `after`, ascending. */
  *after(after: number): Generator<Message> {
    const ring = this.ring;
    for (let i = firstAbove(ring, after, (h) => h.item.mid); i < ring.length; i++) yield ring[i].item;
  }

  /** Remembered rows from or to this visitor with mid > `after`, ascending. */
  afterFor(visitorId: string, after: number): Generator<Message> {
    return this.rowsByVisitor.after(visitorId, after);
  }

  get(mid: number): Message | undefined {
    return this.byMid.get(mid);
  }

  /** Whether a gap mid may still arrive (pending, or beyond what this process has seen). */
  mayArrive(mid: number): boolean {
    return this.mids.mayArrive(mid);
  }

  pendingBetween(lowExclusive: number, highInclusive: number): number[] {
    return this.mids.between(lowExclusive, highInclusive);
  }

  /**
   * Remembered events above `id` or among `gaps` that reach the audience, with
   * their ids. Events live in memory for a minute: a client further behind
   * misses typing and read notices older than that (docs/protocol-notes.md).
   */
  eventsAfter(id: number, gaps: readonly number[], audience: 'visitor' | 'agents', visitorId?: string): StoredEvent[] {
    const out: StoredEvent[] = [];
    const wanted = (e: StoredEvent) => reaches(e.audience, audience) && (audience === 'agents' || e.visitorId === visitorId);
    // Gaps first (they are below `id`), then everything above it, found by binary
    // search (a visitor's among its own): never a scan of the minute of events kept.
    for (const g of gaps) {
      const e = this.eventById.get(g);
      if (e && wanted(e)) out.push(e);
    }
    if (audience === 'visitor') {
      for (const e of this.eventsByVisitor.after(visitorId ?? '', id)) out.push(e);
      return out;
    }
    const list = this.recentEvents;
    for (let i = firstAbove(list, id, (h) => h.item.id); i < list.length; i++) if (wanted(list[i].item)) out.push(list[i].item);
    return out;
  }

  /** Counts for health and the soak's plateau checks. */
  sizes(): { ring: number; events: number; pendingMids: number; pendingEvents: number; visitorsWithRows: number; visitorsWithEvents: number } {
    return {
      ring: this.ring.length, events: this.recentEvents.length, pendingMids: this.mids.pending.size, pendingEvents: this.eventIds.pending.size,
      visitorsWithRows: this.rowsByVisitor.size, visitorsWithEvents: this.eventsByVisitor.size,
    };
  }
}

/** The visitors a row concerns (a visitor-scoped poll sees it): its non-team sides. */
function partiesOf(m: Message): string[] {
  if (m.from === m.to) return isTeam(m.from) ? [] : [m.from];
  const out: string[] = [];
  if (!isTeam(m.from)) out.push(m.from);
  if (!isTeam(m.to)) out.push(m.to);
  return out;
}

function reaches(a: Audience, who: 'visitor' | 'agents'): boolean {
  return a === 'both' || a === who;
}
