import type { FeedBatch, FeedStatus } from './types.js';
import type { ApiError } from './api-error.js';

/** What a transport tells its owner. */
export interface TransportHandlers {
  /** New messages and events, with the cursor that covers them. */
  onBatch(batch: FeedBatch): void;
  /** 'live' once connected, 'reconnecting' while it retries with backoff. */
  onStatus(status: FeedStatus): void;
  /** The token was refused (401/403): retrying would not help. */
  onFatal?(error: ApiError): void;
}

/** A source of real-time delivery: long poll, interval poll or iframe stream. */
export interface Transport {
  /** Starts delivering after `cursor` (none: from now). */
  start(cursor: string | undefined): void;
  stop(): void;
  /** The last cursor received: what a successor transport starts from. */
  readonly cursor: string | undefined;
}

export type TransportFactory = (handlers: TransportHandlers) => Transport;
