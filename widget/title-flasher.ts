/**
 * Alternates the page title with a notice while the tab is hidden, so a
 * reply is noticed from another tab; restores the title when the visitor
 * comes back. One change per second at most.
 */
export class TitleFlasher {
  private timer: ReturnType<typeof setInterval> | undefined;
  private original = '';
  private notice = '';

  flash(notice: string): void {
    if (!document.hidden) return;
    this.notice = notice;
    if (this.timer) return;
    this.original = document.title;
    let on = false;
    this.timer = setInterval(() => {
      on = !on;
      document.title = on ? this.notice : this.original;
    }, 1000);
    document.title = notice;
    document.addEventListener('visibilitychange', this.handleVisibility);
  }

  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    document.title = this.original;
    document.removeEventListener('visibilitychange', this.handleVisibility);
  }

  private readonly handleVisibility = (): void => {
    if (!document.hidden) this.stop();
  };
}
