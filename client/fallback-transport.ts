import type { Transport, TransportHandlers } from './transport.js';

/**
 * Starts with a preferred transport and switches to a second one, carrying
 * the cursor over, when the first gives up (the iframe stream behind a
 * buffering proxy falls back to the long poll).
 */
export class FallbackTransport implements Transport {
  private active: Transport | undefined;
  private fellBack = false;

  constructor(
    private readonly preferred: (handlers: TransportHandlers, giveUp: (cursor: string | undefined) => void) => Transport,
    private readonly fallback: (handlers: TransportHandlers) => Transport,
    private readonly handlers: TransportHandlers,
  ) {}

  get cursor(): string | undefined {
    return this.active?.cursor;
  }

  /** True once the preferred transport has been abandoned. */
  get usingFallback(): boolean {
    return this.fellBack;
  }

  start(cursor: string | undefined): void {
    this.stop();
    if (this.fellBack) {
      this.active = this.fallback(this.handlers);
    } else {
      this.active = this.preferred(this.handlers, (last) => {
        this.fellBack = true;
        this.active = this.fallback(this.handlers);
        this.active.start(last);
      });
    }
    this.active.start(cursor);
  }

  stop(): void {
    this.active?.stop();
    this.active = undefined;
  }
}
