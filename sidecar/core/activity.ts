// Which conversation moved last, for the agents' list (`last_mid` of the
// visitor table), written behind the send path: a send is one INSERT, and
// every conversation touched within an interval is recorded by one statement.
// The list itself flushes first, so an agent never sees it lag its own process.
import type { Logger } from '../logger.js';
import { StoreUnavailableError, type Store } from '../store/store.js';
import { errorCode } from './kefu-error.js';
import { WriteBehind } from './write-behind.js';

/** Conversations queued at most; past that the oldest entries wait for their next message. */
const MAX_QUEUED = 100_000;
/** What the visitor table's id column holds; a row PHP wrote with another id stays out of the list. */
const STORABLE_ID = /^[\x20-\x7e]{1,64}$/;

export interface ActivityDeps {
  store: Store;
  log: Logger;
  intervalMs: number;
  now?: () => number;
}

export class Activity {
  private latest = new Map<string, number>();
  private readonly writer: WriteBehind;

  constructor(private readonly deps: ActivityDeps) {
    this.writer = new WriteBehind({ intervalMs: deps.intervalMs, now: deps.now, write: () => this.write(), pending: () => this.latest.size > 0 });
  }

  /** A message `mid` belongs to this conversation. Never waits. */
  note(visitorId: string, mid: number): void {
    if (!STORABLE_ID.test(visitorId)) return;
    const had = this.latest.get(visitorId);
    if (had !== undefined && had >= mid) return;
    if (had === undefined && this.latest.size >= MAX_QUEUED) {
      this.deps.log.warn('conversation activity backlog full; an entry waits for its next message', { queued: this.latest.size });
      return;
    }
    this.latest.set(visitorId, mid);
    this.writer.request();
  }

  /** Writes what is queued now; the agents' list calls it first. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  stop(): Promise<void> {
    return this.writer.stop();
  }

  private async write(): Promise<boolean> {
    const batch = this.latest;
    this.latest = new Map();
    try {
      await this.deps.store.noteActivity([...batch]);
      return true;
    } catch (err) {
      this.deps.log.warn('could not record conversation activity; retrying', { code: errorCode(err), conversations: batch.size });
      if (err instanceof StoreUnavailableError || batch.size === 1) {
        for (const [id, mid] of batch) if ((this.latest.get(id) ?? 0) < mid) this.latest.set(id, mid);
        return false;
      }
      // Not the connection: find the entry the database refuses, so it cannot hold back the rest.
      for (const entry of batch) {
        try {
          await this.deps.store.noteActivity([entry]);
        } catch (one) {
          this.deps.log.warn('conversation activity refused; left out', { code: errorCode(one) });
        }
      }
      return true;
    }
  }
}
