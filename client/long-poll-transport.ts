import { PollingTransport, type PollFn } from './polling-transport.js';
import type { Backoff } from './backoff.js';
import type { Transport, TransportHandlers } from './transport.js';

/** The default transport: the server holds each poll up to `wait` seconds. */
export function createLongPollTransport(
  poll: PollFn,
  handlers: TransportHandlers,
  opts: { wait?: number; backoff?: Backoff } = {},
): Transport {
  return new PollingTransport(poll, handlers, { wait: opts.wait ?? 25, intervalMs: 0, backoff: opts.backoff });
}
