// When background writes run: at most one at a time, at most one per
// interval (so everything queued in between goes in one statement), at once
// when the last was an interval ago, and backing off while they fail. What is
// written, and how a failure keeps its work for the next try, is the owner's.

const MAX_BACKOFF_MS = 5_000;

export interface WriteBehindOptions {
  intervalMs: number;
  now?: () => number;
  /** Writes what is queued; resolves false when something failed and was kept for the next try. Never rejects. */
  write: () => Promise<boolean>;
  /** Whether anything is queued. */
  pending: () => boolean;
}

export class WriteBehind {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private lastAt = -Infinity;
  private failures = 0;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly o: WriteBehindOptions) {
    this.now = o.now ?? (() => performance.now());
  }

  get busy(): boolean {
    return this.running !== null;
  }

  /** Something was queued: write it soon. */
  request(): void {
    if (this.stopped || this.timer || this.running) return;
    const gap = this.failures ? Math.min(MAX_BACKOFF_MS, this.o.intervalMs * 2 ** this.failures) : this.o.intervalMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, Math.max(0, this.lastAt + gap - this.now()));
    this.timer.unref?.();
  }

  /** Writes what is queued now (or joins the write under way). */
  flush(): Promise<void> {
    if (this.running) return this.running;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.lastAt = this.now();
    this.running = this.o.write().then((ok) => {
      this.failures = ok ? 0 : Math.min(this.failures + 1, 10);
    }).finally(() => {
      this.running = null;
      if (this.o.pending()) this.request();
    });
    return this.running;
  }

  /** Writes what is queued once more, then takes no more requests (shutdown). */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) await this.running;
    if (this.o.pending()) await this.flush();
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
