/** Least time between two `typing: true` to the same recipient. */
const REPEAT_MS = 3000;
/** Quiet time after which `typing: false` goes out by itself. */
const IDLE_MS = 4000;

/**
 * Tells the other side that someone is typing, without a request per
 * keystroke: `typing: true` at most every 3 s (at once when the
 * recipient changes), `typing: false` after 4 s without a keystroke or
 * on `stop()` (sending, leaving the composer). Failed signals are dropped; the
 * receiver lets a stale one expire.
 */
export class TypingSignal<To = void> {
  private to: To | undefined;
  private active = false;
  private sentAt = 0;
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly send: (typing: boolean, to: To) => Promise<unknown>) {}

  /** The recipient last told `typing: true`, until it is told `false`. */
  get recipient(): To | undefined {
    return this.to;
  }

  /** Call on every keystroke; `to` is whom the signal is for, when there is a choice. */
  note(to: To): void {
    const now = Date.now();
    if (!this.active || now - this.sentAt > REPEAT_MS || this.to !== to) {
      this.active = true;
      this.sentAt = now;
      this.to = to;
      this.send(true, to).catch(() => {});
    }
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.stop(), IDLE_MS);
  }

  /** Sends `typing: false` if `true` was the last thing sent. */
  stop(): void {
    clearTimeout(this.idle);
    if (!this.active) return;
    const to = this.to as To;
    this.active = false;
    this.to = undefined;
    this.send(false, to).catch(() => {});
  }

  /** Forgets the idle timer without sending anything (the conversation is closing). */
  cancel(): void {
    clearTimeout(this.idle);
  }
}
