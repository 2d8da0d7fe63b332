import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * The time, renewed on every minute boundary (the lit.dev clock controller,
 * at the pace a "local time 14:32" needs: one render a minute). Runs only
 * while the host is in the document.
 */
export class MinuteClock implements ReactiveController {
  now = new Date();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {
    this.tick();
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private readonly tick = (): void => {
    clearTimeout(this.timer);
    this.now = new Date();
    this.host.requestUpdate();
    // On the boundary, so the minute shown turns when the visitor's clock does, not up to a minute later.
    this.timer = setTimeout(this.tick, 60_000 - (this.now.getTime() % 60_000));
  };
}
