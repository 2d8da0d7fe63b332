import { PollingTransport, type PollFn } from './polling-transport.js';
import type { Backoff } from './backoff.js';
import type { Transport, TransportHandlers } from './transport.js';

/** Plain interval polling (`wait=0`) for networks that cut held requests. */
export function createIntervalPollTransport(
  poll: PollFn,
  handlers: TransportHandlers,
  opts: { intervalMs?: number; backoff?: Backoff } = {},
): Transport {
  return new PollingTransport(poll, handlers, { wait: 0, intervalMs: opts.intervalMs ?? 3000, backoff: opts.backoff });
}
