import { FallbackTransport } from './fallback-transport.js';
import { IframeStreamTransport } from './iframe-stream-transport.js';
import type { FeedOptions } from './chat-session.js';
import type { Transport, TransportHandlers } from './transport.js';

/**
 * The iframe stream that switches to `longPoll` by itself (carrying the
 * cursor over) when a proxy buffers or refuses it. Its own chunk: only pages
 * that chose `transport="iframe"` load it (chat-session.ts).
 */
export function iframeFeed(opts: FeedOptions, handlers: TransportHandlers, longPoll: (h: TransportHandlers) => Transport): Transport {
  return new FallbackTransport(
    (h, giveUp) =>
      new IframeStreamTransport(h, { base: opts.base, path: opts.streamPath, ticket: opts.ticket, container: opts.container, onFallback: giveUp }),
    longPoll,
    handlers,
  );
}
