import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { OPEN_CONVERSATION } from './push-click.js';

/** What the controller listens to; the browser's own by default, fakes in tests. */
export interface LinkEnvironment {
  location: Pick<Location, 'hash'>;
  /** Absent where the browser has no service workers (or not on this origin's scheme). */
  serviceWorker?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
}

/** `#conversation=<id>` (among other `&`-joined parts), as push notifications link to it. */
export function conversationInHash(hash: string): string | undefined {
  // URLSearchParams decodes without throwing on a malformed escape.
  const id = new URLSearchParams(hash.slice(1)).get('conversation');
  return id && id.length <= 64 ? id : undefined;
}

/**
 * Opens the conversation a push notification points at: from the address's
 * `#conversation=…` (a window the notification opened), and from the service
 * worker's message to a window already open (admin-panel/console-sw.ts).
 * Connected, it reads the address and listens; disconnected, it stops listening.
 */
export class ConversationLinkController implements ReactiveController {
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly open: (visitorId: string) => void,
    private readonly env: LinkEnvironment = { location, serviceWorker: navigator.serviceWorker },
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.env.serviceWorker?.addEventListener('message', this.handleMessage);
    const id = conversationInHash(this.env.location.hash);
    // After the first render: the inbox is connected by then.
    if (id) void this.host.updateComplete.then(() => this.open(id));
  }

  hostDisconnected(): void {
    this.env.serviceWorker?.removeEventListener('message', this.handleMessage);
  }

  private readonly handleMessage = (e: Event): void => {
    const data = (e as MessageEvent).data as { type?: unknown; visitorId?: unknown } | null;
    if (data?.type === OPEN_CONVERSATION && typeof data.visitorId === 'string' && data.visitorId.length <= 64) this.open(data.visitorId);
  };
}
