// Turns a scope and a cursor into "what is new for you": from memory when the
// cursor is recent, from the database otherwise; and the waiting logic shared
// by long-poll and stream. Nothing here writes: receipts are recorded by the
// caller and written behind (receipts.ts).
import { fitCursor, type Cursor } from './cursor.js';
import type { MessageFeed } from './message-feed.js';
import type { Hub, Subscriber } from './hub.js';
import { inScope, type KefuEvent, type Message, type Scope } from './message.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../logger.js';

export const MAX_BATCH = 100;

/** Resolves after `ms`, or at once when the signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
const LOWERED_WARN_EVERY_MS = 60_000;

export interface Batch {
  messages: Message[];
  events: KefuEvent[];
  next: Cursor;
  /**
   * False when everything in the batch is something the client most likely
   * has: rows up to a lowered cursor's `seen` mark (cursor.ts). Such a batch
   * is no reason to answer a waiting poll early.
   */
  fresh: boolean;
}

export interface DeliveryDeps {
  store: Store;
  feed: MessageFeed;
  hub: Hub;
  log: Logger;
  /** Current number of agents online (for presence events). */
  agentsOnline: () => number;
  /** The number visitors are told (availability.ts: none outside business hours); default `agentsOnline`. */
  agentsOnlineForVisitors?: () => number;
}

export class Delivery {
  private lastLoweredWarn = -Infinity;

  constructor(private readonly deps: DeliveryDeps) {
    deps.feed.subscribe({
      messages: (batch) => deps.hub.onMessages(batch),
      events: (batch) => deps.hub.onEvents(batch),
    });
  }

  /** The cursor of "now": everything committed so far counts as had. */
  currentCursor(): Cursor {
    const f = this.deps.feed;
    return {
      high: f.seenMax,
      event: f.lastEventId,
      gaps: f.pendingBetween(0, f.seenMax),
      eventGaps: f.eventIds.between(0, f.lastEventId),
    };
  }

  async collect(scope: Scope, c: Cursor): Promise<Batch> {
    const { feed, store } = this.deps;
    // What the feed knows is read once, before any query: a row the feed takes while the
    // query runs may be missing from the answer, so it must stay beyond the new high mark
    // or among its gaps. (Read after the query, it fell below the new high and was lost.)
    const upto = Math.max(c.high, feed.seenMax);
    const openBelow = feed.pendingBetween(c.high, upto);
    const stillOpen = new Set(c.gaps.filter((g) => feed.mayArrive(g)));
    let found: Message[];
    if (feed.covers(c.high, c.gaps)) {
      found = [];
      for (const g of c.gaps) {
        const m = feed.get(g);
        if (m && inScope(scope, m)) found.push(m);
      }
      const rows = scope.kind === 'agents' ? feed.after(c.high) : feed.afterFor(scope.visitorId, c.high);
      for (const m of rows) {
        if (m.mid > upto) break;
        if (!inScope(scope, m)) continue;
        found.push(m);
        if (found.length > MAX_BATCH + c.gaps.length) break;
      }
    } else {
      found = await store.scopeMessages(scope, c.high, upto, c.gaps, MAX_BATCH + 1);
    }
    found.sort((a, b) => a.mid - b.mid);
    const messages = found.slice(0, MAX_BATCH);
    const truncated = found.length > MAX_BATCH;
    const delivered = new Set(messages.map((m) => m.mid));
    const lastMid = messages.length ? messages[messages.length - 1].mid : c.high;
    const high = truncated ? Math.max(c.high, lastMid) : upto;
    const leftOver = new Set(found.slice(MAX_BATCH).map((m) => m.mid));
    const gaps = [
      ...c.gaps.filter((g) => !delivered.has(g) && (leftOver.has(g) || stillOpen.has(g))),
      ...openBelow.filter((g) => g <= high && !delivered.has(g)),
    ];

    const cEventGaps = c.eventGaps ?? [];
    const stored =
      scope.kind === 'agents' ? feed.eventsAfter(c.event, cEventGaps, 'agents') : feed.eventsAfter(c.event, cEventGaps, 'visitor', scope.visitorId);
    const eventHigh = Math.max(c.event, feed.lastEventId);
    const gotEvent = new Set(stored.map((e) => e.id));
    const eventGaps = [
      ...cEventGaps.filter((g) => !gotEvent.has(g) && feed.eventIds.mayArrive(g)),
      ...feed.eventIds.between(c.event, eventHigh),
    ];

    const gapSet = c.gaps.length ? new Set(c.gaps) : null;
    const eventGapSet = cEventGaps.length ? new Set(cEventGaps) : null;
    const fresh =
      messages.some((m) => c.seen === undefined || m.mid > c.seen || gapSet?.has(m.mid)) ||
      stored.some((e) => c.seenEvent === undefined || e.id > c.seenEvent || eventGapSet?.has(e.id));
    const next: Cursor = { high, gaps, event: eventHigh, eventGaps };
    // A lowered cursor's uncertain stretch lives on until the new high passes it.
    if (c.seen !== undefined && c.seen > high) next.seen = c.seen;
    if (c.seenEvent !== undefined && c.seenEvent > eventHigh) next.seenEvent = c.seenEvent;
    return { messages, events: stored.map((e) => e.event), next, fresh };
  }

  /**
   * Answers as soon as the scope has something beyond the cursor, else after
   * `waitMs` with nothing (or with rows the client most likely has, see Batch).
   * `signal` aborts the wait (the client went away).
   */
  /** The online count this scope is told: agents the true one, visitors none outside business hours (availability.ts). */
  agentsOnlineFor(scope: Scope): number {
    return scope.kind === 'agents' ? this.deps.agentsOnline() : (this.deps.agentsOnlineForVisitors ?? this.deps.agentsOnline)();
  }

  async waitFor(scope: Scope, cursor: Cursor, waitMs: number, signal: AbortSignal, agentsOnlineKnown: number, gatherMs = 0): Promise<Batch> {
    const deadline = performance.now() + waitMs;
    for (;;) {
      const version = this.deps.feed.version;
      const batch = await this.collect(scope, cursor);
      const now = this.agentsOnlineFor(scope);
      // Agents follow the count; visitors only whether anyone is online (the count rides on every answer).
      const presenceChanged = scope.kind === 'agents' ? now !== agentsOnlineKnown : now > 0 !== agentsOnlineKnown > 0;
      if (presenceChanged) batch.events.push({ type: 'presence', agentsOnline: now });
      const left = deadline - performance.now();
      const news = presenceChanged || (batch.fresh && (batch.messages.length > 0 || batch.events.length > 0));
      if (news || left <= 0 || signal.aborted) return batch;
      // Wait from the same cursor when the batch held only rows the client has: they
      // go out with the answer at the end, and nothing of the uncertain stretch is lost.
      if (batch.messages.length === 0 && batch.events.length === 0) cursor = batch.next;
      const woken = await this.park(scope, cursor, left, signal, version);
      // Woken by news: let what follows within `gatherMs` go in the same answer.
      if (woken && gatherMs > 0) await sleep(Math.min(gatherMs, deadline - performance.now()), signal);
    }
  }

  /** Waits until the hub wakes this subscriber (true), the time is up, or the signal aborts (false). */
  park(scope: Scope, c: Cursor, ms: number, signal: AbortSignal, seenVersion: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const done = (woken: boolean) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', aborted);
        this.deps.hub.remove(sub);
        resolve(woken);
      };
      const aborted = () => done(false);
      const sub: Subscriber = { scope, high: c.high, gaps: c.gaps, event: c.event, eventGaps: c.eventGaps ?? [], notify: () => done(true) };
      const timer = setTimeout(() => done(false), ms);
      signal.addEventListener('abort', aborted, { once: true });
      this.deps.hub.add(sub);
      // A batch that landed between collecting and parking must not be slept through.
      if (this.deps.feed.version !== seenVersion) done(true);
    });
  }

  /** A subscriber for a long-lived stream; the caller removes it when done. */
  subscribe(scope: Scope, c: Cursor, notify: () => void): Subscriber {
    const sub: Subscriber = { scope, high: c.high, gaps: c.gaps, event: c.event, eventGaps: c.eventGaps ?? [], notify };
    this.deps.hub.add(sub);
    return sub;
  }

  unsubscribe(sub: Subscriber): void {
    this.deps.hub.remove(sub);
  }

  /** The cursor as text; when its gaps do not fit, the lowered cursor it stands for (logged, at most once a minute). */
  encode(c: Cursor): string {
    const fit = fitCursor(c);
    if (fit.lowered) {
      const now = performance.now();
      if (now - this.lastLoweredWarn > LOWERED_WARN_EVERY_MS) {
        this.lastLoweredWarn = now;
        this.deps.log.warn('cursor gaps exceed 512 characters: high mark lowered, some rows will be delivered twice', {
          gaps: c.gaps.length, eventGaps: c.eventGaps?.length ?? 0,
        });
      }
    }
    return fit.text;
  }
}
