import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { TokenSource } from '../client/token-source.js';
import type { ChatMessage } from '../client/types.js';
import { emit } from '../client/ui/emit.js';
import { adminStyles } from './kefu-admin.styles.js';
import { Attention } from './attention.js';
import { InboxController, type InboxConversation } from './inbox-controller.js';
import { pickAdminStrings } from './i18n/pick-admin-strings.js';
import { displayName } from './visitor-labels.js';
import './kefu-inbox-list.js';
import './kefu-conversation.js';
import './kefu-visitor-details.js';
import type { KefuConversation } from './kefu-conversation.js';

/** How long a visitor may wait unanswered before the reminder repeats. */
const REMIND_AFTER_MS = 60_000;

/**
 * The agent console: every conversation, latest activity first, and the
 * selected one with its history, composer and visitor details. Real time
 * through the hidden-iframe stream, falling back to the long poll by itself.
 *
 * The shell: the header (connection, notifications, presence), the layout,
 * and the InboxController, whose data it hands down to `<kefu-inbox-list>`,
 * `<kefu-conversation>` and `<kefu-visitor-details>` as properties; their
 * events come back up here and stop here (only the events below leave the console).
 *
 * @attr token - the agent JWT
 * @attr token-url - where a fresh token is fetched (JSON `{token}`) before this one expires
 * @attr nonce - WordPress REST nonce sent as X-WP-Nonce to token-url
 * @attr server - sidecar base URL; defaults to the origin this script came from
 * @attr transport - 'iframe' (default) or 'long-poll'
 * @attr lang - 'en' or 'zh-CN'; defaults to the browser's language
 *
 * @event kefu-visitor-message - detail `{visitorId, message}`: a visitor wrote
 * @event kefu-select - detail `{visitorId}`: the agent opened a conversation
 *
 * @csspart base - the whole console
 * @csspart header - the top bar with the presence switch
 * @csspart list - the conversation list (`<kefu-inbox-list>`)
 * @csspart conversation - the open conversation (`<kefu-conversation>`)
 * @csspart details - the visitor details column (`<kefu-visitor-details>`)
 *
 * @cssproperty --kefu-accent, --kefu-on-accent, --kefu-background, --kefu-text, --kefu-muted, --kefu-line, --kefu-surface, --kefu-font, --kefu-radius, --kefu-admin-height
 */
@customElement('kefu-admin')
export class KefuAdmin extends LitElement {
  static override styles = adminStyles;

  @property() token?: string;
  @property({ attribute: 'token-url' }) tokenUrl?: string;
  @property({ attribute: 'nonce' }) wpNonce?: string;
  @property() server?: string;
  @property() transport: 'iframe' | 'long-poll' = 'iframe';
  @property() override lang = '';

  @state() private expired = false;
  @state() private liveText = '';

  @query('kefu-conversation') private conversationEl?: KefuConversation;

  private inbox?: InboxController;
  private tokens?: TokenSource;
  private readonly attention = new Attention();
  private remindTimer: ReturnType<typeof setInterval> | undefined;

  private get t() {
    return pickAdminStrings(this.lang);
  }

  private get base(): string {
    if (this.server) return this.server.replace(/\/+$/, '');
    return new URL('../', import.meta.url).href.replace(/\/+$/, '');
  }

  override connectedCallback(): void {
    // Made before super's call, which then connects it (and again after every re-attach).
    this.ensureInbox();
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.handleVisibility);
    window.addEventListener('pagehide', this.handlePageHide);
    this.addEventListener('pointerdown', this.unlock, { once: true });
    this.addEventListener('keydown', this.unlock, { once: true });
    this.remindTimer = setInterval(() => this.remind(), REMIND_AFTER_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.handleVisibility);
    window.removeEventListener('pagehide', this.handlePageHide);
    clearInterval(this.remindTimer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('token') && this.tokens && this.token) this.tokens.token = this.token;
    // A page may set the token after inserting the element.
    if (changed.has('token') || changed.has('tokenUrl')) this.ensureInbox();
  }

  protected override updated(): void {
    this.attention.setCount(this.inbox?.totalUnread ?? 0);
  }

  /** The controller, once there is a token or a place to get one. */
  private ensureInbox(): void {
    if (this.inbox || !(this.token || this.tokenUrl)) return;
    this.tokens = new TokenSource(this.token, {
      url: this.tokenUrl,
      // A credential is minted only by a request a link or an image cannot make.
      method: 'POST',
      // The `nonce` content attribute may be hidden by the browser (CSP nonce hiding); the IDL value survives.
      nonce: this.wpNonce || this.nonce || undefined,
      onToken: (token) => {
        this.token = token;
        // A token again after a refusal (the CMS was briefly unreachable): carry on.
        if (this.expired) {
          this.expired = false;
          this.inbox?.resume();
        }
      },
    });
    this.inbox = new InboxController(this, {
      base: this.base,
      tokens: this.tokens,
      transport: this.transport === 'long-poll' ? 'long-poll' : 'iframe',
      onVisitorMessage: (c, m) => this.handleVisitorMessage(c, m),
      onUnauthorized: () => (this.expired = true),
      streamContainer: () => this.renderRoot,
    });
    this.inbox.viewing = !document.hidden;
  }

  private readonly unlock = (): void => this.attention.unlockSound();

  private readonly handleVisibility = (): void => {
    const inbox = this.inbox;
    if (!inbox) return;
    inbox.viewing = !document.hidden;
    if (inbox.viewing && inbox.selected) void inbox.markRead(inbox.selected);
  };

  private readonly handlePageHide = (): void => {
    // Tell the team at once rather than after the 90 s presence timeout.
    const token = this.tokens?.token;
    if (!token || this.inbox?.presence !== 'online') return;
    void fetch(this.base + '/kefu/api/agent/presence', {
      method: 'POST',
      keepalive: true,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'away' }),
    }).catch(() => {});
  };

  private handleVisitorMessage(c: InboxConversation, m: ChatMessage): void {
    const name = displayName(c, c.visitorId, this.t);
    this.liveText = `${name}: ${m.content}`;
    emit(this, 'kefu-visitor-message', { visitorId: c.visitorId, message: m });
    if (this.inbox?.presence === 'away') return;
    this.attention.chime();
    if (document.hidden || this.inbox?.selected !== c.visitorId) {
      this.attention.notify(this.t.newMessageFrom(name), m.content, c.visitorId, () => void this.select(c.visitorId));
    }
  }

  /** Repeats the alert for conversations nobody has answered. */
  private remind(): void {
    const inbox = this.inbox;
    if (!inbox || inbox.presence !== 'online') return;
    const waiting = inbox.waiting(REMIND_AFTER_MS);
    if (!waiting.length) return;
    this.attention.chime();
    for (const c of waiting) {
      const name = displayName(c, c.visitorId, this.t);
      this.attention.notify(this.t.waiting(name), c.lastMessage?.content ?? '', c.visitorId, () => void this.select(c.visitorId));
    }
  }

  private async select(visitorId: string | undefined): Promise<void> {
    await this.inbox?.select(visitorId);
    if (visitorId) emit(this, 'kefu-select', { visitorId });
    await this.updateComplete;
    await this.conversationEl?.focusComposer();
  }

  private async askNotifications(): Promise<void> {
    await this.attention.askNotifications();
    this.requestUpdate();
  }

  // The inner components' events end here: the console's own contract is the
  // events listed above, and its `kefu-select` leaves only once the conversation is open.

  private readonly handleSelect = (e: CustomEvent<{ visitorId: string }>): void => {
    e.stopPropagation();
    void this.select(e.detail.visitorId);
  };

  private readonly handleBack = (e: CustomEvent<undefined>): void => {
    e.stopPropagation();
    void this.select(undefined);
  };

  private readonly handleSend = (e: CustomEvent<{ content: string }>): void => {
    e.stopPropagation();
    this.inbox?.send(e.detail.content);
  };

  private readonly handleRetry = (e: CustomEvent<{ clientId: string }>): void => {
    e.stopPropagation();
    this.inbox?.retry(e.detail.clientId);
  };

  private readonly handleTyping = (e: CustomEvent<{ typing: boolean }>): void => {
    e.stopPropagation();
    if (e.detail.typing) this.inbox?.noteTyping();
    else this.inbox?.stopTyping();
  };

  private readonly handleLoadOlder = (e: CustomEvent<undefined>): void => {
    e.stopPropagation();
    void this.inbox?.loadOlder();
  };

  override render(): TemplateResult {
    const t = this.t;
    const inbox = this.inbox;
    if (!inbox) return html`<div class="app" part="base"><p class="empty">${this.token || this.tokenUrl ? t.connecting : t.noToken}</p></div>`;
    const id = inbox.selected;
    const c = id ? inbox.conversations.get(id) : undefined;
    const thread = id ? inbox.threads.get(id) : undefined;
    return html`
      <div
        class="app ${id ? 'has-selection' : ''}"
        part="base"
        @kefu-select=${this.handleSelect}
        @kefu-back=${this.handleBack}
        @kefu-send=${this.handleSend}
        @kefu-retry=${this.handleRetry}
        @kefu-typing=${this.handleTyping}
        @kefu-load-older=${this.handleLoadOlder}
      >
        ${this.renderHeader()} ${this.expired ? html`<div class="banner" role="alert">${t.sessionExpired}</div>` : nothing}
        <kefu-inbox-list part="list" lang=${this.lang} .conversations=${inbox.sorted} .selected=${id} ?loaded=${inbox.listLoaded}></kefu-inbox-list>
        <kefu-conversation
          part="conversation"
          lang=${this.lang}
          .visitorId=${id}
          .conversation=${c}
          .messages=${thread?.log.messages ?? []}
          .pending=${inbox.pending.filter((p) => p.visitorId === id)}
          .typer=${id ? inbox.typing.get(id) : undefined}
          .readUpto=${id ? (inbox.visitorReadUpto.get(id) ?? 0) : 0}
          .me=${inbox.me}
          ?hasMore=${thread?.hasMore ?? false}
          ?loadingOlder=${thread?.loading ?? false}
        ></kefu-conversation>
        <kefu-visitor-details part="details" lang=${this.lang} .visitorId=${id} .conversation=${c}></kefu-visitor-details>
        <div class="sr-only" aria-live="polite">${this.liveText}</div>
      </div>
    `;
  }

  private renderHeader(): TemplateResult {
    const t = this.t;
    const inbox = this.inbox!;
    const conn =
      inbox.status === 'reconnecting'
        ? html`<span class="dot warn"></span>${t.reconnecting}`
        : inbox.status === 'live'
          ? html`<span class="dot on"></span>${t.live}`
          : html`<span class="dot"></span>${t.connecting}`;
    return html`
      <header class="top" part="header">
        <span class="brand">${t.appTitle}</span>
        <span class="conn" data-status=${inbox.status}>${conn}</span>
        <span class="spacer"></span>
        ${this.attention.notificationPermission === 'default'
          ? html`<button class="link-button notify" type="button" @click=${this.askNotifications}>${t.enableNotifications}</button>`
          : nothing}
        <div class="presence" role="group" aria-label=${t.presence}>
          ${(['online', 'away'] as const).map(
            (s) => html`<button type="button" data-presence=${s} aria-pressed=${String(inbox.presence === s)} @click=${() => inbox.setPresence(s)}>
              <span class="dot ${s === 'online' ? 'on' : ''}"></span>${s === 'online' ? t.online : t.away}
            </button>`,
          )}
        </div>
      </header>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kefu-admin': KefuAdmin;
  }
  interface GlobalEventHandlersEventMap {
    'kefu-visitor-message': CustomEvent<{ visitorId: string; message: ChatMessage }>;
  }
}
