// Which ids of an auto-increment column this process has seen, and which lower
// ids may still arrive: a transaction holding mid 10 can commit after the one
// holding mid 11. Such gaps are re-checked for GAP_HOLD_MS (PROTOCOL.md asks
// for 10 s) and travel in cursors. Used for message mids and event ids alike.
//
// With auto_increment_increment = s (Galera, some replicated set-ups) the
// server hands out only ids ≡ offset (mod s): the others are not gaps, just
// numbers nobody uses, and are never tracked.

export const GAP_HOLD_MS = 15_000;

export interface IdStep {
  /** @@auto_increment_increment */
  step: number;
  /** @@auto_increment_offset */
  offset: number;
}

export type Taken = 'new' | 'late' | 'known' | 'deferred';

export class IdSequence {
  /** Highest id taken. */
  seenMax = 0;
  /** Gap ids not seen yet → when first noticed. */
  readonly pending = new Map<number, number>();
  private step = 1;
  private offset = 1;

  constructor(private readonly maxPending: number) {}

  setStep(s: IdStep): void {
    this.step = Math.max(1, Math.floor(s.step));
    this.offset = ((Math.floor(s.offset) - 1) % this.step) + 1;
  }

  /** The first id the server can hand out above `id`. */
  private nextAbove(id: number): number {
    if (this.step === 1) return id + 1;
    const r = (((id + 1 - this.offset) % this.step) + this.step) % this.step;
    return r === 0 ? id + 1 : id + 1 + (this.step - r);
  }

  /**
   * Records an id seen for the first time. `new`: above everything so far (the
   * ids skipped on the way become gaps); `late`: a gap that arrived; `known`:
   * had already, or given up on long ago; `deferred`: taking it would mean more
   * open gaps than can be tracked, so it is not taken now (the caller reads it
   * again later: a delay, never a loss).
   */
  take(id: number, now: number): Taken {
    if (id > this.seenMax) {
      const first = this.nextAbove(this.seenMax);
      const skipped = first < id ? Math.floor((id - 1 - first) / this.step) + 1 : 0;
      const room = this.maxPending - this.pending.size;
      if (skipped > room) {
        // Only an id set by hand (or ALTER TABLE … AUTO_INCREMENT) jumps by more than can
        // ever be tracked: track the ids nearest to it and say so. A mere backlog waits.
        if (skipped <= this.maxPending) return 'deferred';
        this.onJump?.(this.seenMax, id);
      }
      let g = first + (skipped - 1) * this.step;
      for (let k = 0; k < Math.min(skipped, room); k++, g -= this.step) this.pending.set(g, now);
      this.seenMax = id;
      return 'new';
    }
    return this.pending.delete(id) ? 'late' : 'known';
  }

  /** Called when ids jumped by more than can be tracked (logged by the owner). */
  onJump: ((from: number, to: number) => void) | null = null;

  /** Pending gaps as ranges of ids [low, high], for a re-check query of bounded size. */
  ranges(): Array<[number, number]> {
    const ids = [...this.pending.keys()].sort((a, b) => a - b);
    const out: Array<[number, number]> = [];
    for (const id of ids) {
      const last = out[out.length - 1];
      if (last && id - last[1] <= this.step) last[1] = id;
      else out.push([id, id]);
    }
    return out;
  }

  /** Starts counting from `id` (start-up): nothing below it is a gap. */
  reset(id: number): void {
    this.seenMax = id;
    this.pending.clear();
  }

  /** Forgets gaps older than the hold: their transactions rolled back, or the id was skipped. */
  expire(now: number, holdMs = GAP_HOLD_MS): number[] {
    const gone: number[] = [];
    for (const [id, since] of this.pending) {
      if (now - since > holdMs) {
        this.pending.delete(id);
        gone.push(id);
      }
    }
    return gone;
  }

  /** Whether an id may still arrive: pending, or beyond what was seen. */
  mayArrive(id: number): boolean {
    return this.pending.has(id) || id > this.seenMax;
  }

  between(lowExclusive: number, highInclusive: number): number[] {
    const out: number[] = [];
    for (const id of this.pending.keys()) if (id > lowExclusive && id <= highInclusive) out.push(id);
    return out;
  }

  get full(): boolean {
    return this.pending.size >= this.maxPending;
  }
}
