// Simulated visitors and agents built on the real client modules (client/*):
// the same long-poll loop, cursor bookkeeping and backoff the widget and the
// console use. Each records what it was acknowledged (201/200 on send) and what
// it was shown, so fault tests can check "every acknowledged message is shown
// exactly once to each receiver, in mid order".
import { VisitorApi } from '../../client/visitor-api.js';
import { AgentApi } from '../../client/agent-api.js';
import { ApiError } from '../../client/api-error.js';
import { Backoff } from '../../client/backoff.js';
import { createLongPollTransport } from '../../client/long-poll-transport.js';
import type { Transport } from '../../client/transport.js';
import type { ChatMessage } from '../../client/types.js';
import { randomBytes } from 'node:crypto';

export interface Shown {
  /** Every mid shown, once each, in the order it was shown. */
  order: number[];
  byMid: Map<number, ChatMessage>;
  /** Arrivals of a mid already shown (allowed on the wire, never shown twice). */
  repeats: number;
  /** Batches whose new messages were not in ascending mid order. */
  unorderedBatches: number;
  /** Performance-clock time each mid was first shown. */
  shownAt: Map<number, number>;
}

function newShown(): Shown {
  return { order: [], byMid: new Map(), repeats: 0, unorderedBatches: 0, shownAt: new Map() };
}

function show(s: Shown, messages: readonly ChatMessage[]): void {
  let last = -1;
  for (const m of messages) {
    if (m.mid <= last) s.unorderedBatches++;
    last = m.mid;
    if (s.byMid.has(m.mid)) {
      s.repeats++;
      continue;
    }
    s.byMid.set(m.mid, m);
    s.order.push(m.mid);
    s.shownAt.set(m.mid, performance.now());
  }
}

export interface SendOutcome {
  message: ChatMessage;
  /** HTTP failures (503, network, 429) retried before the acknowledgement. */
  retries: number;
  statuses: number[];
}

/** Sends with one clientId until acknowledged, retrying transient failures like the widget. */
async function sendReliably(
  attempt: (clientId: string) => Promise<ChatMessage>,
  deadlineMs: number,
  maxDelayMs: number,
  onRetry?: (status: number) => void,
): Promise<SendOutcome> {
  const clientId = randomBytes(12).toString('base64url');
  const backoff = new Backoff({ baseMs: 100, maxMs: maxDelayMs, minMs: 50 });
  const statuses: number[] = [];
  const deadline = performance.now() + deadlineMs;
  for (;;) {
    try {
      const message = await attempt(clientId);
      return { message, retries: statuses.length, statuses };
    } catch (err) {
      if (!(err instanceof ApiError) || !err.transient || performance.now() > deadline) throw err;
      statuses.push(err.status);
      onRetry?.(err.status);
      await new Promise((r) => setTimeout(r, Math.min(backoff.next(err.retryAfterMs), maxDelayMs)));
    }
  }
}

export interface SimOptions {
  /** Seconds a poll may be held. */
  wait?: number;
  /** Longest pause between retries (tests keep it short). */
  maxRetryDelayMs?: number;
  /** Called for every failed send attempt that will be retried (its HTTP status, 0 for the network). */
  onRetry?: (status: number) => void;
}

export class SimVisitor {
  readonly api: VisitorApi;
  visitorId = '';
  readonly shown = newShown();
  readonly acked: ChatMessage[] = [];
  readonly failures: number[] = [];
  private transport: Transport | null = null;
  statuses: string[] = [];

  constructor(readonly origin: string, private readonly opts: SimOptions = {}) {
    this.api = new VisitorApi(origin);
  }

  async start(name = 'Visitor'): Promise<this> {
    const s = await this.api.session({ name });
    this.visitorId = s.visitorId;
    const maxDelay = this.opts.maxRetryDelayMs ?? 1_000;
    this.transport = createLongPollTransport(
      (cursor, wait, signal) => this.api.poll(cursor, wait, signal),
      {
        onBatch: (b) => show(this.shown, b.messages.filter((m) => m.to === this.visitorId)),
        onStatus: (st) => this.statuses.push(st),
        onFatal: (e) => this.failures.push(e.status),
      },
      { wait: this.opts.wait ?? 5, backoff: new Backoff({ baseMs: 100, maxMs: maxDelay, minMs: 50 }) },
    );
    this.transport.start(s.cursor);
    return this;
  }

  get cursor(): string | undefined {
    return this.transport?.cursor;
  }

  async send(text: string, deadlineMs = 60_000): Promise<SendOutcome> {
    const out = await sendReliably((cid) => this.api.send(text, cid), deadlineMs, this.opts.maxRetryDelayMs ?? 1_000, this.opts.onRetry);
    this.acked.push(out.message);
    return out;
  }

  stop(): void {
    this.transport?.stop();
  }
}

export class SimAgent {
  readonly api: AgentApi;
  readonly shown = newShown();
  readonly acked: ChatMessage[] = [];
  readonly failures: number[] = [];
  private transport: Transport | null = null;

  constructor(readonly origin: string, private readonly token: string, private readonly opts: SimOptions = {}) {
    this.api = new AgentApi(origin, () => token);
  }

  start(cursor?: string): this {
    const maxDelay = this.opts.maxRetryDelayMs ?? 1_000;
    this.transport = createLongPollTransport(
      (c, wait, signal) => this.api.poll(c, wait, signal),
      {
        onBatch: (b) => show(this.shown, b.messages),
        onStatus: () => {},
        onFatal: (e) => this.failures.push(e.status),
      },
      { wait: this.opts.wait ?? 5, backoff: new Backoff({ baseMs: 100, maxMs: maxDelay, minMs: 50 }) },
    );
    this.transport.start(cursor);
    return this;
  }

  get cursor(): string | undefined {
    return this.transport?.cursor;
  }

  async reply(visitorId: string, text: string, deadlineMs = 60_000): Promise<SendOutcome> {
    const out = await sendReliably((cid) => this.api.send(visitorId, text, cid), deadlineMs, this.opts.maxRetryDelayMs ?? 1_000, this.opts.onRetry);
    this.acked.push(out.message);
    return out;
  }

  stop(): void {
    this.transport?.stop();
  }
}

/**
 * The delivery invariant for one receiver: every acknowledged message meant
 * for it was shown exactly once, nothing else was shown, and each batch came
 * in mid order. Returns a list of violations (empty when all holds).
 */
export function deliveryViolations(label: string, shown: Shown, expected: readonly ChatMessage[], opts: { exact?: boolean } = {}): string[] {
  const out: string[] = [];
  const want = new Map(expected.map((m) => [m.mid, m]));
  for (const [mid, m] of want) {
    const got = shown.byMid.get(mid);
    if (!got) out.push(`${label}: mid ${mid} acknowledged but never shown`);
    else if (got.content !== m.content) out.push(`${label}: mid ${mid} shown with other content`);
  }
  if (opts.exact !== false) for (const mid of shown.order) if (!want.has(mid)) out.push(`${label}: mid ${mid} shown but not expected`);
  if (new Set(shown.order).size !== shown.order.length) out.push(`${label}: a mid was shown twice`);
  if (shown.unorderedBatches) out.push(`${label}: ${shown.unorderedBatches} batches out of mid order`);
  return out;
}
