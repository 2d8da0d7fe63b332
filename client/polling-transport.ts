import { ApiError } from './api-error.js';
import { Backoff } from './backoff.js';
import { sleep } from './sleep.js';
import type { Transport, TransportHandlers } from './transport.js';
import type { FeedStatus, PollAnswer } from './types.js';

export type PollFn = (cursor: string | undefined, wait: number, signal: AbortSignal) => Promise<PollAnswer>;

export interface PollingOptions {
  /** Seconds the server may hold the request (0 to 30). */
  wait: number;
  /** Pause between answered polls; 0 for the long poll, which the server paces. */
  intervalMs: number;
  backoff?: Backoff;
  /** Extra client-side patience beyond `wait` before a held request is given up. */
  graceMs?: number;
}

/**
 * The poll loop behind both polling transports: keeps passing back the last
 * cursor it got (PROTOCOL.md "Cursors and delivery"), never advances it on a
 * failure, and retries with jittered backoff, reporting 'reconnecting' until
 * the next answer.
 */
export class PollingTransport implements Transport {
  private controller: AbortController | undefined;
  private currentCursor: string | undefined;
  private status: FeedStatus = 'stopped';
  private readonly backoff: Backoff;

  constructor(
    private readonly poll: PollFn,
    private readonly handlers: TransportHandlers,
    private readonly opts: PollingOptions,
  ) {
    this.backoff = opts.backoff ?? new Backoff();
  }

  get cursor(): string | undefined {
    return this.currentCursor;
  }

  start(cursor: string | undefined): void {
    this.stop();
    this.currentCursor = cursor;
    const controller = new AbortController();
    this.controller = controller;
    this.setStatus('connecting');
    void this.loop(controller.signal);
  }

  stop(): void {
    this.controller?.abort();
    this.controller = undefined;
    this.status = 'stopped';
  }

  private setStatus(status: FeedStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.handlers.onStatus(status);
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const graceMs = this.opts.graceMs ?? 15_000;
    while (!signal.aborted) {
      let answer: PollAnswer;
      const attempt = AbortSignal.any
        ? AbortSignal.any([signal, AbortSignal.timeout(this.opts.wait * 1000 + graceMs)])
        : signal;
      try {
        answer = await this.poll(this.currentCursor, this.opts.wait, attempt);
      } catch (err) {
        if (signal.aborted) return;
        const error = ApiError.from(err);
        if (error.refused) {
          this.stop();
          this.handlers.onFatal?.(error);
          return;
        }
        this.setStatus('reconnecting');
        await sleep(this.backoff.next(error.retryAfterMs), signal);
        continue;
      }
      if (signal.aborted) return;
      this.backoff.reset();
      if (typeof answer.cursor === 'string' && answer.cursor) this.currentCursor = answer.cursor;
      this.setStatus('live');
      this.handlers.onBatch({
        messages: Array.isArray(answer.messages) ? answer.messages : [],
        events: Array.isArray(answer.events) ? answer.events : [],
        cursor: this.currentCursor,
        agentsOnline: answer.agentsOnline,
      });
      if (this.opts.intervalMs > 0) await sleep(this.opts.intervalMs, signal);
    }
  }
}
