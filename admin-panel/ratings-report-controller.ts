import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Rating, RatingsReport } from '../protocol/wire.js';

/** `GET /kefu/api/agent/ratings/report` for `weeks`, comments below `before`; tests pass a scripted one. */
export type ReportFn = (weeks: number, before: number | null) => Promise<RatingsReport>;

/** What the agent may choose; the sidecar takes 1 to 52. */
export const WEEK_CHOICES: readonly number[] = [4, 8, 12, 26, 52];
export const DEFAULT_WEEKS = 8;

/**
 * The ratings report without DOM: the table of a span of weeks, and its
 * comments page by page (`more()` appends the next). One request at a time;
 * a newer one (another span) wins, and an answer that comes after it, or
 * after the host left the document, is dropped. Put back, the host gets the
 * report again.
 */
export class RatingsReportController implements ReactiveController {
  weeks = DEFAULT_WEEKS;
  /** The latest answer for `weeks`: its weeks and rows (its comments are in `comments`). */
  report: RatingsReport | undefined;
  comments: readonly Rating[] = [];
  /** `before` for the next page of comments; null when there is none. */
  next: number | null = null;
  loading = false;
  /** The last request failed; `retry()` makes it again. */
  failed = false;

  /** Counts requests: an answer is used only while its number is the latest. */
  private asked = 0;
  private connected = false;
  /** The table is owed: asked for while out of the document, or interrupted by leaving. */
  private due = true;
  private failedMore = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly fetch: ReportFn,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.connected = true;
    if (this.due) void this.load(this.weeks);
  }

  hostDisconnected(): void {
    this.connected = false;
    if (this.loading && !this.report) this.due = true;
    this.asked++;
    this.loading = false;
  }

  /** The report for the last `weeks` weeks (its first page of comments). */
  async load(weeks: number): Promise<void> {
    this.weeks = weeks;
    this.due = !this.connected;
    if (this.due) return;
    await this.run(null);
  }

  /** The next page of comments, appended. */
  async more(): Promise<void> {
    if (this.next === null || this.loading) return;
    await this.run(this.next);
  }

  retry(): Promise<void> {
    return this.failedMore ? this.more() : this.load(this.weeks);
  }

  private async run(before: number | null): Promise<void> {
    const n = ++this.asked;
    this.loading = true;
    this.failed = false;
    this.host.requestUpdate();
    try {
      const answer = await this.fetch(this.weeks, before);
      if (n !== this.asked) return;
      if (before === null) this.report = answer;
      this.comments = before === null ? answer.comments : [...this.comments, ...answer.comments];
      this.next = answer.next;
    } catch {
      if (n !== this.asked) return;
      this.failed = true;
      this.failedMore = before !== null;
    } finally {
      if (n === this.asked) {
        this.loading = false;
        this.host.requestUpdate();
      }
    }
  }
}
