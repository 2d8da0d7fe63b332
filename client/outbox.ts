import { randomId } from './random-id.js';

export type OutgoingState = 'sending' | 'failed';

/** A message on its way: `clientId` stays the same across retries, so the server stores it once. */
export interface Outgoing {
  clientId: string;
  state: OutgoingState;
}

export interface OutboxOptions<T extends Outgoing, R> {
  /** Sends one message; a rejection marks it failed. */
  deliver: (item: T) => Promise<R>;
  /** The server's answer, after the message left the outbox. */
  onDelivered: (result: R, item: T) => void;
  onChange: () => void;
}

/**
 * Own messages the server has not confirmed yet, each either sending or
 * failed (and then retried by hand). `items` is replaced on every change, so
 * a view can compare it by identity.
 */
export class Outbox<T extends Outgoing, R = unknown> {
  items: readonly T[] = [];

  constructor(private readonly opts: OutboxOptions<T, R>) {}

  /** Adds a message in state `sending` with a fresh `clientId` and delivers it. */
  send(fields: Omit<T, keyof Outgoing>): T {
    const item = { ...fields, clientId: randomId(), state: 'sending' } as T;
    this.items = [...this.items, item];
    this.opts.onChange();
    void this.attempt(item);
    return item;
  }

  /** Delivers a failed message again with its original `clientId`. */
  retry(clientId: string): void {
    const item = this.items.find((x) => x.clientId === clientId);
    if (!item || item.state !== 'failed') return;
    item.state = 'sending';
    this.items = [...this.items];
    this.opts.onChange();
    void this.attempt(item);
  }

  /** Drops the messages the server confirmed (by an answer or through the feed). */
  settle(clientIds: readonly (string | undefined)[]): void {
    const ids = new Set(clientIds);
    if (this.items.some((x) => ids.has(x.clientId))) this.items = this.items.filter((x) => !ids.has(x.clientId));
  }

  private async attempt(item: T): Promise<void> {
    try {
      const result = await this.opts.deliver(item);
      this.settle([item.clientId]);
      this.opts.onDelivered(result, item);
    } catch {
      item.state = 'failed';
      this.items = [...this.items];
      this.opts.onChange();
    }
  }
}
