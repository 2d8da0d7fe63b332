// Turns a scope and a cursor into "what is new for you": from memory when the
// cursor is recent, from the database otherwise. Also the waiting logic shared
// by long-poll and stream, and the visitor's acknowledgement (isread = 1).
import { encodeCursor, type Cursor } from './cursor.js';
import type { MessageFeed } from './message-feed.js';
import type { Hub, Subscriber } from './hub.js';
import { inScope, type KefuEvent, type Message, type Scope } from './message.js';
import type { Store } from '../store/store.js';

export const MAX_BATCH = 100;

export interface Batch {
  messages: Message[];
  events: KefuEvent[];
  next: Cursor;
}

export interface DeliveryDeps {
  store: Store;
  feed: MessageFeed;
  hub: Hub;
  /** Current number of agents online (for presence events). */
  agentsOnline: () => number;
}

export class Delivery {
  /** Visitors whose unread rows this process has already acknowledged once. */
  private readonly ackChecked = new Set<string>();
  /** Unacknowledged mids seen by the tail, per receiving visitor. */
  private readonly unacked = new Map<string, number[]>();

  constructor(private readonly deps: DeliveryDeps) {
    deps.feed.subscribe({
      messages: (batch) => {
        for (const m of batch) {
          if (m.read || m.to === 'admin' || m.to.startsWith('agent:')) continue;
          const open = this.unacked.get(m.to);
          if (open) open.push(m.mid);
          else this.unacked.set(m.to, [m.mid]);
        }
        deps.hub.onMessages(batch);
      },
      events: (batch) => deps.hub.onEvents(batch),
    });
  }

  /** The cursor of "now": everything committed so far counts as had. */
  currentCursor(): Cursor {
    const f = this.deps.feed;
    return { high: f.seenMax, event: f.lastEventId, gaps: f.pendingBetween(0, f.seenMax) };
  }

  async collect(scope: Scope, c: Cursor): Promise<Batch> {
    const { feed, store } = this.deps;
    let found: Message[];
    if (feed.covers(c.high)) {
      found = [];
      for (const g of c.gaps) {
        const m = feed.get(g);
        if (m && inScope(scope, m)) found.push(m);
      }
      for (const m of feed.after(c.high)) {
        if (!inScope(scope, m)) continue;
        found.push(m);
        if (found.length > MAX_BATCH + c.gaps.length) break;
      }
    } else {
      found = await store.scopeMessages(scope, c.high, Math.max(c.high, feed.seenMax), c.gaps, MAX_BATCH + 1);
    }
    found.sort((a, b) => a.mid - b.mid);
    const messages = found.slice(0, MAX_BATCH);
    const truncated = found.length > MAX_BATCH;
    const delivered = new Set(messages.map((m) => m.mid));
    const lastMid = messages.length ? messages[messages.length - 1].mid : c.high;
    const high = truncated ? Math.max(c.high, lastMid) : Math.max(c.high, feed.seenMax);
    const leftOver = new Set(found.slice(MAX_BATCH).map((m) => m.mid));
    const gaps = [
      ...c.gaps.filter((g) => !delivered.has(g) && (leftOver.has(g) || feed.mayArrive(g))),
      ...feed.pendingBetween(c.high, high).filter((g) => !delivered.has(g)),
    ];
    const events =
      scope.kind === 'agents' ? feed.eventsAfter(c.event, 'agents') : feed.eventsAfter(c.event, 'visitor', scope.visitorId);
    return { messages, events, next: { high, gaps, event: Math.max(c.event, feed.lastEventId) } };
  }

  /**
   * Answers as soon as the scope has something beyond the cursor, else after
   * `waitMs` with nothing. `signal` aborts the wait (the client went away).
   */
  async waitFor(scope: Scope, cursor: Cursor, waitMs: number, signal: AbortSignal, agentsOnlineKnown: number): Promise<Batch> {
    const deadline = performance.now() + waitMs;
    let c = cursor;
    for (;;) {
      const version = this.deps.feed.version;
      const batch = await this.collect(scope, c);
      const now = this.deps.agentsOnline();
      // Agents follow the count; visitors only whether anyone is online (the count rides on every answer).
      const presenceChanged = scope.kind === 'agents' ? now !== agentsOnlineKnown : now > 0 !== agentsOnlineKnown > 0;
      if (presenceChanged) batch.events.push({ type: 'presence', agentsOnline: now });
      const left = deadline - performance.now();
      if (batch.messages.length || batch.events.length || left <= 0 || signal.aborted) return batch;
      c = batch.next;
      await this.park(scope, c, left, signal, version);
    }
  }

  /** Waits until the hub wakes this subscriber, the time is up, or the signal aborts. */
  park(scope: Scope, c: Cursor, ms: number, signal: AbortSignal, seenVersion: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.deps.hub.remove(sub);
        resolve();
      };
      const sub: Subscriber = { scope, high: c.high, gaps: c.gaps, event: c.event, notify: done };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.deps.hub.add(sub);
      // A batch that landed between collecting and parking must not be slept through.
      if (this.deps.feed.version !== seenVersion) done();
    });
  }

  /** A subscriber for a long-lived stream; the caller removes it when done. */
  subscribe(scope: Scope, c: Cursor, notify: () => void): Subscriber {
    const sub: Subscriber = { scope, high: c.high, gaps: c.gaps, event: c.event, notify };
    this.deps.hub.add(sub);
    return sub;
  }

  unsubscribe(sub: Subscriber): void {
    this.deps.hub.remove(sub);
  }

  /**
   * The visitor's poll carries the cursor of what it has received: rows to it
   * up to there become isread = 1. Runs a query only when there is something
   * to acknowledge, so idle polls cost the database nothing. Returns the rows changed.
   */
  async acknowledge(visitorId: string, c: Cursor): Promise<number> {
    const open = this.unacked.get(visitorId) ?? [];
    const covered = open.filter((mid) => mid <= c.high && !c.gaps.includes(mid));
    const firstTime = !this.ackChecked.has(visitorId);
    if (!firstTime && !covered.length) return 0;
    const changed = await this.deps.store.markReceived(visitorId, c.high, c.gaps);
    if (this.ackChecked.size > 200_000) {
      // Bounded memory: forgetting only costs one extra query per visitor.
      this.ackChecked.clear();
      this.unacked.clear();
    }
    this.ackChecked.add(visitorId);
    const rest = open.filter((mid) => !covered.includes(mid));
    if (rest.length) this.unacked.set(visitorId, rest);
    else this.unacked.delete(visitorId);
    return changed;
  }

  encode(c: Cursor): string {
    return encodeCursor(c);
  }
}
