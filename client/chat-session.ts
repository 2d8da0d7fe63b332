import { LazyTransport } from './lazy-transport.js';
import { createLongPollTransport } from './long-poll-transport.js';
import type { MessageLog } from './message-log.js';
import type { PollFn } from './polling-transport.js';
import type { Transport, TransportHandlers } from './transport.js';
import type { ChatMessage } from './types.js';

// What the widget and the console both do around one conversation: choosing
// the transport, expiring the other side's typing, paging history back, and
// showing times. Written once here; chat-controller.ts and inbox-controller.ts use it.

export type FeedKind = 'long-poll' | 'iframe' | 'poll';

export interface FeedOptions {
  poll: PollFn;
  /** '/kefu/visitor/stream' or '/kefu/agent/stream'. */
  streamPath: string;
  /** A single-use stream ticket (an iframe cannot send an Authorization header). */
  ticket: (signal: AbortSignal) => Promise<{ ticket: string }>;
  base: string;
  /** Where the stream's hidden iframe goes (the component's shadow root). */
  container?: () => Node | null | undefined;
}

/**
 * The real-time feed for a `transport` attribute: the long poll, interval
 * polling, or the iframe stream that switches to the long poll by itself
 * (carrying the cursor over) when a proxy buffers or refuses it.
 */
export function createFeed(kind: FeedKind, opts: FeedOptions, handlers: TransportHandlers): Transport {
  const longPoll = (h: TransportHandlers): Transport => createLongPollTransport(opts.poll, h);
  // The two opt-in transports are chunks of their own: the default long poll is all most pages load.
  if (kind === 'poll') {
    return new LazyTransport(() => import('./interval-poll-transport.js').then((m) => m.createIntervalPollTransport(opts.poll, handlers)), () => longPoll(handlers));
  }
  if (kind !== 'iframe') return longPoll(handlers);
  return new LazyTransport(
    () => import('./iframe-feed.js').then((m) => m.iframeFeed(opts, handlers, longPoll)),
    () => longPoll(handlers),
  );
}

export interface Typer {
  from: string;
  name?: string;
}

/** protocol-notes: typing expires on the receiver after 6 s (a lost `typing: false` must not stick). */
const TYPING_MS = 6000;

/**
 * Who on the other side is typing, per conversation: shown until they say
 * they stopped, a message from them arrives, or 6 s pass without news.
 */
export class RemoteTyping<K = string> {
  private readonly typers = new Map<K, Typer>();
  private readonly timers = new Map<K, ReturnType<typeof setTimeout>>();

  /** `onExpire` runs when an entry disappears by itself (the view must redraw). */
  constructor(private readonly onExpire: () => void) {}

  get(key: K): Typer | undefined {
    return this.typers.get(key);
  }

  /** Applies a typing event. */
  set(key: K, typing: boolean, typer: Typer): void {
    clearTimeout(this.timers.get(key));
    if (!typing) return void this.typers.delete(key);
    this.typers.set(key, { from: typer.from, name: typer.name });
    this.timers.set(
      key,
      setTimeout(() => {
        this.typers.delete(key);
        this.onExpire();
      }, TYPING_MS),
    );
  }

  /** A message from `from` arrived: they are done typing it. */
  heard(key: K, from: string): void {
    if (this.typers.get(key)?.from === from) this.set(key, false, { from });
  }

  /** Forgets everything and every timer (the view is going away). */
  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.typers.clear();
  }
}

/** One page of history older than `before` (none: the latest page). */
export type PageFn = (before: number | undefined, limit: number, signal?: AbortSignal) => Promise<ChatMessage[]>;

/**
 * Paging one conversation's history backwards into its MessageLog: a full
 * page means there may be more; one request at a time; a failed page is left
 * for the next scroll to try again.
 */
export class HistoryPager {
  hasMore = true;
  loading = false;

  constructor(
    readonly log: MessageLog,
    private readonly page: PageFn,
    private readonly limit: number,
  ) {}

  /** The newest page; throws when it could not be fetched. */
  async latest(signal?: AbortSignal): Promise<ChatMessage[]> {
    const page = await this.page(undefined, this.limit, signal);
    this.hasMore = page.length >= this.limit;
    this.log.add(page);
    return page;
  }

  /** The page before the oldest message shown; `changed` runs when loading starts and ends. */
  async older(changed: () => void, signal?: AbortSignal): Promise<void> {
    const before = this.log.oldestMid;
    if (!this.hasMore || this.loading) return;
    if (before === undefined) return void (this.hasMore = false);
    this.loading = true;
    changed();
    try {
      const page = await this.page(before, this.limit, signal);
      this.hasMore = page.length >= this.limit;
      this.log.add(page);
    } catch {
      // Paging is retried by the next scroll.
    } finally {
      this.loading = false;
      changed();
    }
  }
}

/**
 * A message's time for display: the time of day for today's, with the date
 * for older ones (or always, `withDate`); '' for a missing or broken value.
 */
export function formatTime(iso: string | null | undefined, locale: string | undefined, opts: { withDate?: boolean } = {}): string {
  const d = new Date(iso ?? '');
  if (!iso || Number.isNaN(d.getTime())) return '';
  const time: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };
  const today = d.toDateString() === new Date().toDateString();
  return new Intl.DateTimeFormat(locale || undefined, today && !opts.withDate ? time : { month: 'short', day: 'numeric', ...time }).format(d);
}
