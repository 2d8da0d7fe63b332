import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RelatedConversation } from '../protocol/wire.js';

/** AgentApi.related's shape; tests pass a scripted one. */
export type RelatedFn = (visitorId: string, signal: AbortSignal) => Promise<RelatedConversation[]>;

/**
 * The open conversation's person's other conversations, without DOM: asked
 * for when a conversation is shown (not for every entry of the list), again
 * only when another one is shown or its email changed. One request at a time:
 * a newer one aborts the older, whose answer is dropped.
 *
 * A Lit ReactiveController: leaving the document aborts the request; coming
 * back asks again if the answer never came.
 */
export class RelatedController implements ReactiveController {
  /** Empty until the answer comes, and when there is nothing to show. */
  items: readonly RelatedConversation[] = [];

  /** What is shown: the visitor, and the key (visitor and email) its items must be for. */
  private wanted: { visitorId: string; key: string } | undefined;
  /** The key `items` answers. */
  private loaded: string | undefined;
  private request: AbortController | undefined;
  private connected = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly fetchRelated: RelatedFn,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.connected = true;
    if (this.wanted && this.loaded !== this.wanted.key) void this.run(this.wanted);
  }

  hostDisconnected(): void {
    this.connected = false;
    this.request?.abort();
    this.request = undefined;
  }

  /** The conversation now shown (none: undefined), and its visitor's email: the server links by it. */
  show(visitorId: string | undefined, email: string | null | undefined): void {
    const key = visitorId ? `${visitorId}\n${(email ?? '').trim().toLowerCase()}` : undefined;
    if (key === this.wanted?.key) return;
    // Another visitor's list must not stay up while this one's loads.
    if (visitorId !== this.wanted?.visitorId) this.items = [];
    this.wanted = visitorId && key ? { visitorId, key } : undefined;
    this.loaded = undefined;
    this.request?.abort();
    this.request = undefined;
    if (this.wanted && this.connected) void this.run(this.wanted);
  }

  private async run(wanted: { visitorId: string; key: string }): Promise<void> {
    const request = new AbortController();
    this.request?.abort();
    this.request = request;
    try {
      const items = await this.fetchRelated(wanted.visitorId, request.signal);
      if (this.request !== request) return;
      this.items = items;
      this.loaded = wanted.key;
      this.host.requestUpdate();
    } catch {
      // Nothing shown; asked again when the conversation is opened again.
    } finally {
      if (this.request === request) this.request = undefined;
    }
  }
}
