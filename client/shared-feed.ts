import { electLeader } from './leader-election.js';
import type { Transport, TransportFactory, TransportHandlers } from './transport.js';
import type { FeedBatch, FeedStatus } from './types.js';

type TabMessage =
  | { kind: 'batch'; batch: FeedBatch }
  | { kind: 'status'; status: FeedStatus; cursor?: string }
  | { kind: 'hello' };

/**
 * One connection for all tabs of one visitor: the leader tab runs the
 * transport and repeats every batch on a BroadcastChannel; the other tabs
 * listen. Each batch carries its cursor, so whichever tab takes over next
 * continues where the last leader stopped.
 */
export class SharedFeed {
  private channel: BroadcastChannel | undefined;
  private transport: Transport | undefined;
  private resign: (() => void) | undefined;
  private lastCursor: string | undefined;
  private leading = false;
  private status: FeedStatus = 'connecting';

  constructor(
    private readonly name: string,
    private readonly makeTransport: TransportFactory,
    private readonly handlers: TransportHandlers,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  /** The newest cursor this tab knows of, led or heard: where a restart carries on. */
  get cursor(): string | undefined {
    return this.lastCursor;
  }

  start(cursor: string | undefined): void {
    this.lastCursor = cursor;
    if (typeof BroadcastChannel !== 'undefined') {
      this.channel = new BroadcastChannel(this.name);
      this.channel.onmessage = (e: MessageEvent<TabMessage>) => this.handleTab(e.data);
      this.channel.postMessage({ kind: 'hello' } satisfies TabMessage);
    }
    this.resign = electLeader(this.name, () => this.lead());
  }

  stop(): void {
    this.resign?.();
    this.transport?.stop();
    this.transport = undefined;
    this.channel?.close();
    this.channel = undefined;
    this.leading = false;
  }

  /** Shares something this tab learned first (its own sent message) with the others. */
  publish(batch: FeedBatch): void {
    this.channel?.postMessage({ kind: 'batch', batch: { ...batch, cursor: undefined } } satisfies TabMessage);
  }

  private lead(): void {
    this.leading = true;
    this.transport = this.makeTransport({
      onBatch: (batch) => {
        if (batch.cursor) this.lastCursor = batch.cursor;
        this.channel?.postMessage({ kind: 'batch', batch } satisfies TabMessage);
        this.handlers.onBatch(batch);
      },
      onStatus: (status) => this.setStatus(status, true),
      onFatal: (error) => this.handlers.onFatal?.(error),
    });
    this.transport.start(this.lastCursor);
  }

  private setStatus(status: FeedStatus, broadcast: boolean): void {
    this.status = status;
    if (broadcast) this.channel?.postMessage({ kind: 'status', status, cursor: this.lastCursor } satisfies TabMessage);
    this.handlers.onStatus(status);
  }

  private handleTab(msg: TabMessage): void {
    if (!msg || typeof msg !== 'object') return;
    if (msg.kind === 'hello') {
      if (this.leading) this.channel?.postMessage({ kind: 'status', status: this.status, cursor: this.lastCursor } satisfies TabMessage);
      return;
    }
    if (this.leading && msg.kind === 'status') return;
    if (msg.kind === 'status') {
      if (msg.cursor) this.lastCursor = msg.cursor;
      this.setStatus(msg.status, false);
      return;
    }
    if (msg.kind === 'batch') {
      if (msg.batch.cursor && !this.leading) this.lastCursor = msg.batch.cursor;
      this.handlers.onBatch(msg.batch);
    }
  }
}
