import { ApiError } from './api-error.js';
import { Backoff } from './backoff.js';
import { joinUrl } from './request-json.js';
import type { Transport, TransportHandlers } from './transport.js';
import type { FeedStatus, StreamEvent } from './types.js';

export interface IframeStreamOptions {
  /** Server base URL ('' for this page's origin). */
  base: string;
  /** '/kefu/agent/stream' or '/kefu/visitor/stream'. */
  path: string;
  /** Fetches a single-use ticket (an iframe cannot send an Authorization header). */
  ticket: (signal: AbortSignal) => Promise<{ ticket: string }>;
  /** Where the hidden iframe lives (a component's shadow root keeps it out of the host page); document.body by default. */
  container?: () => Node | null | undefined;
  /** No event (not even a ping) for this long means the stream is buffered or dead. */
  silenceMs?: number;
  /** Failed attempts in a row, without a single event, before giving up on streaming. */
  fallbackAfter?: number;
  /** A frame still open after this long is taken as connected, before its first ping. */
  settleMs?: number;
  /** Called instead of retrying once streaming looks blocked; the owner switches transport. */
  onFallback?: (cursor: string | undefined) => void;
  backoff?: Backoff;
}

/**
 * The hidden-iframe stream (PROTOCOL.md "Agent stream"): the sidecar holds an
 * HTML response open and posts each event to this window. Only messages from
 * the sidecar's origin and from our own iframe are believed. A proxy that
 * buffers the response shows up as silence: no ping within `silenceMs`, or the
 * document ending without a `reconnect`; after `fallbackAfter` such attempts
 * with no event at all the owner is told to use the long poll instead.
 */
/** How long after a frame's `load` its last message may still arrive. */
const LOAD_GRACE_MS = 250;

export class IframeStreamTransport implements Transport {
  private iframe: HTMLIFrameElement | undefined;
  private currentCursor: string | undefined;
  private controller: AbortController | undefined;
  private silenceTimer: ReturnType<typeof setTimeout> | undefined;
  private settleTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private loadTimer: ReturnType<typeof setTimeout> | undefined;
  private status: FeedStatus = 'stopped';
  private gotEvent = false;
  private silentFailures = 0;
  private readonly backoff: Backoff;
  private readonly serverOrigin: string;

  constructor(
    private readonly handlers: TransportHandlers,
    private readonly opts: IframeStreamOptions,
  ) {
    this.backoff = opts.backoff ?? new Backoff({ baseMs: 1000 });
    this.serverOrigin = new URL(opts.base || location.origin, location.href).origin;
  }

  get cursor(): string | undefined {
    return this.currentCursor;
  }

  start(cursor: string | undefined): void {
    this.stop();
    this.currentCursor = cursor;
    this.controller = new AbortController();
    window.addEventListener('message', this.handleMessage);
    this.setStatus('connecting');
    void this.open();
  }

  stop(): void {
    this.controller?.abort();
    this.controller = undefined;
    window.removeEventListener('message', this.handleMessage);
    clearTimeout(this.retryTimer);
    this.closeFrame();
    this.status = 'stopped';
  }

  private setStatus(status: FeedStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.handlers.onStatus(status);
  }

  private closeFrame(): void {
    clearTimeout(this.silenceTimer);
    clearTimeout(this.settleTimer);
    clearTimeout(this.loadTimer);
    if (this.iframe) {
      this.iframe.removeEventListener('load', this.handleLoad);
      this.iframe.src = 'about:blank';
      this.iframe.remove();
      this.iframe = undefined;
    }
  }

  private async open(): Promise<void> {
    const signal = this.controller?.signal;
    if (!signal || signal.aborted) return;
    let ticket: string;
    try {
      ({ ticket } = await this.opts.ticket(signal));
    } catch (err) {
      if (signal.aborted) return;
      const error = ApiError.from(err);
      if (error.refused) {
        this.stop();
        this.handlers.onFatal?.(error);
        return;
      }
      // No stream route on this server: streaming is not an option at all.
      if (error.status === 404 && this.opts.onFallback) return this.fallback();
      this.retry(error.retryAfterMs);
      return;
    }
    if (signal.aborted) return;
    const url = joinUrl(this.opts.base, this.opts.path, {
      ticket,
      cursor: this.currentCursor,
      origin: location.origin,
    });
    const iframe = document.createElement('iframe');
    iframe.setAttribute('aria-hidden', 'true');
    iframe.tabIndex = -1;
    iframe.title = 'kefu-stream';
    iframe.style.cssText = 'position:absolute;width:0;height:0;border:0;visibility:hidden';
    iframe.addEventListener('load', this.handleLoad);
    iframe.src = url;
    this.gotEvent = false;
    this.iframe = iframe;
    (this.opts.container?.() ?? document.body).appendChild(iframe);
    this.armSilence();
    // The first ping may be many seconds away; a refused or ended stream
    // would have fired `load` by now, so an open frame counts as connected.
    this.settleTimer = setTimeout(() => this.iframe === iframe && this.setStatus('live'), this.opts.settleMs ?? 2000);
  }

  private armSilence(): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => this.fail(), this.opts.silenceMs ?? 30_000);
  }

  /** The attempt died (silence, an error page, the response ended early). */
  private fail(): void {
    this.closeFrame();
    if (!this.controller) return;
    if (!this.gotEvent) this.silentFailures++;
    if (this.opts.onFallback && this.silentFailures >= (this.opts.fallbackAfter ?? 2)) return this.fallback();
    this.retry();
  }

  private fallback(): void {
    const cursor = this.currentCursor;
    const onFallback = this.opts.onFallback;
    this.stop();
    onFallback?.(cursor);
  }

  private retry(atLeastMs?: number): void {
    this.setStatus('reconnecting');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.open(), this.backoff.next(atLeastMs));
  }

  private readonly handleLoad = (): void => {
    const iframe = this.iframe;
    if (!iframe?.src || iframe.src === 'about:blank') return;
    // The document finished. A stream's last script posts `reconnect` just before its
    // response ends, and that message may reach this window after the frame's `load`:
    // taken as a failure, half of all reconnects waited out a backoff (up to 1 s).
    // So only a frame still here a moment later ended without one (an error page, or
    // a proxy that buffered the whole response).
    clearTimeout(this.loadTimer);
    this.loadTimer = setTimeout(() => this.iframe === iframe && this.fail(), LOAD_GRACE_MS);
  };

  private readonly handleMessage = (event: MessageEvent): void => {
    if (event.origin !== this.serverOrigin) return;
    if (!this.iframe || event.source !== this.iframe.contentWindow) return;
    // `error` is no frame of the protocol; a server that sends one anyway gets a failed attempt, not silence.
    const data = event.data as { kefu?: StreamEvent | { type: 'error' } } | null;
    const ev = data && typeof data === 'object' ? data.kefu : undefined;
    if (!ev || typeof ev.type !== 'string') return;
    this.gotEvent = true;
    this.silentFailures = 0;
    this.backoff.reset();
    this.armSilence();
    this.setStatus('live');
    if ('cursor' in ev && typeof ev.cursor === 'string' && ev.cursor) this.currentCursor = ev.cursor;
    switch (ev.type) {
      case 'ping':
        return;
      case 'reconnect':
        this.closeFrame();
        void this.open();
        return;
      case 'error':
        this.fail();
        return;
      case 'message':
        if (ev.message) this.handlers.onBatch({ messages: [ev.message], events: [], cursor: this.currentCursor });
        return;
      default: {
        const batch = { messages: [], events: [ev], cursor: this.currentCursor };
        this.handlers.onBatch(
          ev.type === 'presence' && typeof ev.agentsOnline === 'number' ? { ...batch, agentsOnline: ev.agentsOnline } : batch,
        );
      }
    }
  };
}
