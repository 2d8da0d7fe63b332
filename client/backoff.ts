/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential
 * Backoff And Jitter"): the n-th wait is uniform in [min, min(max, base·2ⁿ)],
 * so a sidecar restart is not met by every tab reconnecting in the same
 * millisecond.
 */
export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  minMs?: number;
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly minMs: number;
  private readonly random: () => number;

  constructor(opts: BackoffOptions = {}) {
    this.baseMs = opts.baseMs ?? 500;
    this.maxMs = opts.maxMs ?? 30_000;
    this.minMs = opts.minMs ?? 100;
    this.random = opts.random ?? Math.random;
  }

  /** Failures since the last success. */
  get failures(): number {
    return this.attempt;
  }

  /** The delay before the next attempt; `atLeastMs` honours a Retry-After. */
  next(atLeastMs = 0): number {
    const ceiling = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    const jittered = this.minMs + this.random() * Math.max(0, ceiling - this.minMs);
    return Math.max(Math.round(jittered), atLeastMs);
  }

  reset(): void {
    this.attempt = 0;
  }
}
