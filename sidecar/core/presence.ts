// Who is around. Agents' status lives in the database (several processes must
// agree on `agentsOnline`); "last seen" times are gathered in memory and
// written in one batch per interval, so busy polls add no queries.
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import type { Agent } from './chat.js';
import { errorCode } from './kefu-error.js';

export const AGENT_ONLINE_WINDOW_MS = 90_000;
export const VISITOR_ONLINE_WINDOW_MS = 60_000;

export interface PresenceDeps {
  store: Store;
  log: Logger;
  /** Called when the number of agents online changes. */
  onChange: (agentsOnline: number, before: number) => void;
  refreshMs?: number;
  flushMs?: number;
}

export class Presence {
  private count = 0;
  private refreshFailing = false;
  /** The latest token's agent: its name and picture are written with the time. */
  private readonly agentsSeen = new Map<string, Agent>();
  private readonly visitorsSeen = new Map<string, number>();
  private refreshTimer: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: PresenceDeps) {}

  async start(): Promise<void> {
    await this.refresh();
    this.refreshTimer = setInterval(() => void this.refresh(), this.deps.refreshMs ?? 5_000);
    this.flushTimer = setInterval(() => void this.flush(), this.deps.flushMs ?? 15_000);
    this.refreshTimer.unref?.();
    this.flushTimer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    if (this.flushTimer) clearInterval(this.flushTimer);
    await this.flush();
  }

  get agentsOnline(): number {
    return this.count;
  }

  async refresh(): Promise<void> {
    try {
      const n = await this.deps.store.agentsOnline(new Date(Date.now() - AGENT_ONLINE_WINDOW_MS));
      if (n !== this.count) {
        const before = this.count;
        this.count = n;
        this.deps.onChange(n, before);
      }
    } catch (err) {
      // Keep the last count; say so once per spell of trouble, not every refresh.
      if (!this.refreshFailing) this.deps.log.warn('could not count agents online; keeping the last count', { code: errorCode(err) });
      this.refreshFailing = true;
      return;
    }
    this.refreshFailing = false;
  }

  /** An agent made a request: they count as around. Written in the next batch. */
  agentSeen(agent: Agent): void {
    this.agentsSeen.set(agent.id, agent);
  }

  async setStatus(agent: Agent, status: 'online' | 'away'): Promise<void> {
    await this.deps.store.setAgentPresence(agent, status, new Date());
    this.agentsSeen.delete(agent.id);
    await this.refresh();
  }

  // Monotonic time: a wall clock set back would keep visitors "online" (and in this map) until it caught up.
  visitorSeen(visitorId: string): void {
    this.visitorsSeen.set(visitorId, performance.now());
  }

  /** Seen by this process within the online window (the database lags one batch). */
  visitorRecentlySeen(visitorId: string): boolean {
    const at = this.visitorsSeen.get(visitorId);
    return at !== undefined && performance.now() - at < VISITOR_ONLINE_WINDOW_MS;
  }

  async flush(): Promise<void> {
    const now = new Date();
    const agents = [...this.agentsSeen.values()];
    this.agentsSeen.clear();
    const cutoff = performance.now() - VISITOR_ONLINE_WINDOW_MS;
    const visitors = [...this.visitorsSeen.keys()];
    for (const [id, at] of this.visitorsSeen) if (at < cutoff) this.visitorsSeen.delete(id);
    try {
      for (const agent of agents) await this.deps.store.setAgentPresence(agent, null, now);
      if (visitors.length) await this.deps.store.touchVisitors(visitors, now);
    } catch (err) {
      // Last-seen times are refreshed by the next request; only the flush is lost.
      this.deps.log.warn('could not write last-seen times', { code: errorCode(err) });
    }
  }
}
