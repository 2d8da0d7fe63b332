import type { Transport } from './transport.js';

/**
 * A transport whose code loads on first start: the iframe stream and the
 * interval poll are opt-in, so their modules stay out of the bundle everyone
 * downloads. If the module
 * cannot be loaded (a deploy replaced the chunk, the network dropped), the
 * `fallback` transport takes over from the cursor this one was started with,
 * as when the stream itself gives up.
 */
export class LazyTransport implements Transport {
  private inner: Transport | undefined;
  private from: string | undefined;
  private run = 0;

  constructor(
    private readonly load: () => Promise<Transport>,
    private readonly fallback: () => Transport,
  ) {}

  get cursor(): string | undefined {
    return this.inner ? this.inner.cursor : this.from;
  }

  start(cursor: string | undefined): void {
    this.stop();
    this.from = cursor;
    const run = ++this.run;
    const begin = (t: Transport): void => {
      // Stopped (or restarted) while the module loaded: this run is over.
      if (run !== this.run) return;
      this.inner = t;
      t.start(cursor);
    };
    this.load().then(begin, (error: unknown) => {
      console.warn('kefu: the transport could not be loaded; using the long poll', error);
      begin(this.fallback());
    });
  }

  stop(): void {
    this.run++;
    if (this.inner) this.from = this.inner.cursor ?? this.from;
    this.inner?.stop();
    this.inner = undefined;
  }
}
