// Where waiting polls and open streams park. The feed hands each new batch of
// rows and events here, and exactly the subscribers they concern are woken.
import type { Message, Scope } from './message.js';
import type { StoredEvent } from '../store/store.js';

export interface Subscriber {
  readonly scope: Scope;
  /** The cursor the subscriber holds: what it already has. */
  high: number;
  gaps: readonly number[];
  event: number;
  eventGaps: readonly number[];
  notify(): void;
}

export class Hub {
  private readonly byVisitor = new Map<string, Set<Subscriber>>();
  private readonly agents = new Set<Subscriber>();

  add(s: Subscriber): void {
    if (s.scope.kind === 'agents') {
      this.agents.add(s);
      return;
    }
    let set = this.byVisitor.get(s.scope.visitorId);
    if (!set) this.byVisitor.set(s.scope.visitorId, (set = new Set()));
    set.add(s);
  }

  remove(s: Subscriber): void {
    if (s.scope.kind === 'agents') {
      this.agents.delete(s);
      return;
    }
    const set = this.byVisitor.get(s.scope.visitorId);
    if (!set) return;
    set.delete(s);
    if (!set.size) this.byVisitor.delete(s.scope.visitorId);
  }

  get size(): number {
    let n = this.agents.size;
    for (const set of this.byVisitor.values()) n += set.size;
    return n;
  }

  hasVisitor(visitorId: string): boolean {
    return this.byVisitor.has(visitorId);
  }

  onMessages(batch: readonly Message[]): void {
    const wake = new Set<Subscriber>();
    const consider = (s: Subscriber, mid: number) => {
      if (mid > s.high || s.gaps.includes(mid)) wake.add(s);
    };
    for (const m of batch) {
      for (const s of this.agents) consider(s, m.mid);
      for (const id of m.from === m.to ? [m.from] : [m.from, m.to]) {
        const set = this.byVisitor.get(id);
        if (set) for (const s of set) consider(s, m.mid);
      }
    }
    for (const s of wake) s.notify();
  }

  onEvents(batch: readonly StoredEvent[]): void {
    const wake = new Set<Subscriber>();
    for (const e of batch) {
      const wants = (s: Subscriber) => e.id > s.event || s.eventGaps.includes(e.id);
      if (e.audience === 'agents' || e.audience === 'both') for (const s of this.agents) if (wants(s)) wake.add(s);
      if (e.audience === 'visitor' || e.audience === 'both') {
        const set = this.byVisitor.get(e.visitorId);
        if (set) for (const s of set) if (wants(s)) wake.add(s);
      }
    }
    for (const s of wake) s.notify();
  }

  /** Wakes every agent subscriber (the number of agents online changed). */
  notifyAgents(): void {
    for (const s of [...this.agents]) s.notify();
  }

  /**
   * Wakes every visitor subscriber, spread over up to `spreadMs`: answering
   * ten thousand polls at once would have ten thousand clients poll again in
   * the same instant, stalling every other delivery (docs/benchmarks.md).
   */
  notifyVisitors(spreadMs = 5_000): void {
    const all: Subscriber[] = [];
    for (const set of this.byVisitor.values()) all.push(...set);
    const steps = Math.max(1, Math.min(Math.ceil(all.length / 200), Math.floor(spreadMs / 50)));
    const slice = Math.ceil(all.length / steps);
    const step = (from: number) => {
      for (const s of all.slice(from, from + slice)) s.notify();
      if (from + slice < all.length) setTimeout(step, 50, from + slice).unref?.();
    };
    step(0);
  }

  /** Every subscriber, for shutdown. */
  all(): Subscriber[] {
    const out = [...this.agents];
    for (const set of this.byVisitor.values()) out.push(...set);
    return out;
  }
}
