import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { ChatController, type TransportKind } from './chat-controller.js';
import { clearComposer, composerInput, composerKeydown, MAX_LENGTH } from '../client/ui/composer.js';
import { emit } from '../client/ui/emit.js';
import { messageMeta, pendingMessage } from '../client/ui/message-parts.js';
import { panelStyles } from './kefu-chat-panel.styles.js';
import { pickLocale, pickStrings } from './i18n/pick-strings.js';
import { TitleFlasher } from './title-flasher.js';
import type { ChatMessage } from '../client/types.js';
import { ADMIN } from '../protocol/wire.js';

const CLOSE_ICON = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18" /></svg>`;
const SEND_ICON = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 12l16-8-6 16-2.5-6.5L4 12z" /></svg>`;

/**
 * The chat panel behind the `<kefu-chat>` launcher, loaded on demand. Not
 * meant to be used on its own: `<kefu-chat>` creates it and mirrors its
 * attributes onto it.
 *
 * @event kefu-unread - detail `{count}`, whenever the number of unseen team messages changes
 * @event kefu-request-close - the close button was pressed
 *
 * @csspart panel - the dialog box
 * @csspart header, heading, status, close - the title bar
 * @csspart messages - the scrolling conversation
 * @csspart message, bubble, meta - one message, its text and its time/state line
 * @csspart composer, input, send - the message box
 * @csspart consent - the consent checkbox and its text, when the site asks for consent
 * @csspart form - the pre-chat and leave-a-message forms
 *
 * @cssproperty --kefu-accent, --kefu-on-accent, --kefu-background, --kefu-text, --kefu-muted, --kefu-surface, --kefu-radius, --kefu-panel-width, --kefu-panel-height
 */
export class KefuChatPanel extends LitElement {
  static override styles = panelStyles;

  // Declared without decorators: their helper costs the widget bytes it does not have.
  static override properties = {
    server: {},
    position: { reflect: true },
    heading: {},
    greeting: {},
    lang: {},
    transport: {},
    prechat: { type: Boolean },
    name: {},
    email: {},
    identity: {},
    identityUrl: {},
    identityNonce: {},
    consent: {},
    privacyUrl: {},
    open: { type: Boolean, reflect: true },
    offlineSent: { state: true },
    liveText: { state: true },
    notice: { state: true },
  };

  server = '';
  position: 'right' | 'left' = 'right';
  heading?: string;
  greeting?: string;
  override lang = '';
  transport: TransportKind = 'long-poll';
  prechat = false;
  name?: string;
  email?: string;
  /** An identity token the site signed (see ChatControllerOptions.identity). */
  identity?: string;
  identityUrl?: string;
  identityNonce?: string;
  /** Consent text; when set, the visitor ticks it before the first message. */
  consent?: string;
  privacyUrl?: string;
  open = false;

  private offlineSent = false;
  private liveText = '';
  private notice = '';

  private get messagesEl(): HTMLElement | null {
    return this.renderRoot.querySelector('.messages');
  }

  private controller?: ChatController;
  private readonly flasher = new TitleFlasher();
  private lastUnread = -1;
  private nearBottom = true;
  private anchor?: { height: number; top: number };

  private get t() {
    return pickStrings(this.lang);
  }

  override connectedCallback(): void {
    // <kefu-chat> sets every property before it inserts the panel, so the
    // controller is made here, once; its hostConnected runs in super's call.
    this.controller ??= new ChatController(this, {
      base: this.server,
      transport: this.transport,
      identity: this.identity ? { token: this.identity, url: this.identityUrl, nonce: this.identityNonce } : undefined,
      onIncoming: (messages) => this.handleIncoming(messages),
      streamContainer: () => this.renderRoot,
    });
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.handleVisibility);
    // A returning visitor's conversation starts at once, to keep the unread badge current.
    if (this.controller.hasToken) this.begin();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.handleVisibility);
    this.flasher.stop();
  }

  /** Opens the session unless the pre-chat form has to come first. */
  private begin(): void {
    const c = this.controller!;
    if (!c.started && !this.needsPrechat) void c.start({ name: this.name || undefined, email: this.email || undefined });
  }

  private get needsPrechat(): boolean {
    const c = this.controller;
    return this.prechat && !this.name && !this.identity && !!c && !c.hasToken && !c.started;
  }

  /** The site asks for consent and this visitor has not given it yet. */
  private get needsConsent(): boolean {
    return !!this.consent && !this.controller?.consentAt;
  }

  /** Records consent when the form's box is ticked; false (and a notice) when it is not. */
  private async takeConsent(form: HTMLFormElement | null): Promise<boolean> {
    if (!this.needsConsent) return true;
    const box = form?.querySelector<HTMLInputElement>('input[name=consent]');
    if (!box?.checked) {
      this.notice = this.t.consentNeeded;
      box?.focus();
      return false;
    }
    await this.controller!.updateProfile({ consent: true });
    return true;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('open') && this.open) this.nearBottom = true;
    const el = this.messagesEl;
    if (el && !this.anchor) this.nearBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
  }

  protected override updated(changed: PropertyValues<this>): void {
    const el = this.messagesEl;
    if (el) {
      if (this.anchor) {
        el.scrollTop = el.scrollHeight - this.anchor.height + this.anchor.top;
        if (!this.controller?.history.loading) this.anchor = undefined;
      } else if (this.nearBottom) el.scrollTop = el.scrollHeight;
    }
    if (changed.has('open') && this.open) {
      this.begin();
      this.focusFirst();
    }
    if (this.open && !document.hidden) this.controller?.markSeen();
    this.reportUnread();
  }

  private focusFirst(): void {
    const target = this.renderRoot.querySelector<HTMLElement>('form input, form textarea, .form textarea');
    target?.focus({ preventScroll: true });
  }

  private reportUnread(): void {
    const count = this.controller?.unread ?? 0;
    if (count === this.lastUnread) return;
    this.lastUnread = count;
    emit(this, 'kefu-unread', { count });
  }

  private handleIncoming(messages: ChatMessage[]): void {
    const last = messages[messages.length - 1];
    this.liveText = this.t.says(this.senderName(last), last.content);
    if (document.hidden) this.flasher.flash(`(${this.controller?.unread ?? 1}) ${this.t.newMessage}`);
  }

  private readonly handleVisibility = (): void => {
    if (!document.hidden && this.open) {
      this.controller?.markSeen();
      this.flasher.stop();
    }
  };

  private senderName(m: ChatMessage): string {
    if (m.fromName) return m.fromName;
    return m.from === ADMIN ? this.t.team : this.t.anAgent;
  }

  private readonly handleScroll = (): void => {
    const el = this.messagesEl;
    const c = this.controller;
    if (!el || !c || !c.history.hasMore || c.history.loading || el.scrollTop > 40) return;
    this.anchor = { height: el.scrollHeight, top: el.scrollTop };
    void c.loadOlder();
  };

  private handleComposerKeydown(e: KeyboardEvent): void {
    composerKeydown(e, () => void this.submitComposer());
  }

  private handleComposerInput(e: Event): void {
    const ta = e.target as HTMLTextAreaElement;
    this.notice = composerInput(ta, 120) ? this.t.tooLong : '';
    if (ta.value.trim()) this.controller?.noteTyping();
  }

  private handleComposerSubmit(e: Event): void {
    e.preventDefault();
    void this.submitComposer();
  }

  private async submitComposer(): Promise<void> {
    const ta = this.renderRoot.querySelector<HTMLTextAreaElement>('.composer textarea');
    if (!ta || !this.controller) return;
    if (ta.value.trim().length > MAX_LENGTH) {
      this.notice = this.t.tooLong;
      return;
    }
    if (ta.value.trim() && !(await this.takeConsent(ta.form))) return;
    this.notice = '';
    if (this.controller.send(ta.value)) {
      clearComposer(ta);
      this.nearBottom = true;
    }
  }

  private async handlePrechat(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    await this.controller!.start({
      name: String(data.get('name') ?? '').trim() || undefined,
      email: String(data.get('email') ?? '').trim() || undefined,
    });
    await this.updateComplete;
    this.focusFirst();
  }

  private async handleOffline(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const c = this.controller;
    if (!c) return;
    const data = new FormData(e.target as HTMLFormElement);
    const content = String(data.get('message') ?? '').trim();
    if (!content) return;
    if (content.length > MAX_LENGTH) {
      this.notice = this.t.tooLong;
      return;
    }
    const name = String(data.get('name') ?? '').trim() || undefined;
    const email = String(data.get('email') ?? '').trim() || undefined;
    if (!(await this.takeConsent(e.target as HTMLFormElement))) return;
    this.offlineSent = true;
    try {
      if (name || email) await c.updateProfile({ name, email });
    } catch {
      // The message matters more than the name; send it anyway.
    }
    c.send(content);
    await this.updateComplete;
    this.focusFirst();
  }

  override render(): TemplateResult {
    const t = this.t;
    const c = this.controller;
    const heading = this.heading || t.title;
    return html`
      <section class="panel" part="panel" role="dialog" aria-label=${heading} lang=${pickLocale(this.lang)}>
        <header part="header">
          <div class="text">
            <h2 part="heading">${heading}</h2>
            <p class="status" part="status">${this.renderStatus()}</p>
          </div>
          <button class="icon-button close" part="close" type="button" aria-label=${t.closeChat} @click=${() => emit(this, 'kefu-request-close')}>
            ${CLOSE_ICON}
          </button>
        </header>
        ${!c ? nothing : this.needsPrechat ? this.renderPrechat() : this.showOfflineForm ? this.renderOffline() : this.renderConversation()}
        <div class="sr-only" aria-live="polite">${this.liveText}</div>
      </section>
    `;
  }

  private get showOfflineForm(): boolean {
    const c = this.controller;
    return !!c && c.started && c.agentsOnline === 0 && !this.offlineSent && c.log.size === 0 && c.pending.length === 0;
  }

  private renderStatus(): TemplateResult {
    const t = this.t;
    const c = this.controller;
    if (!c || (!c.started && c.status !== 'reconnecting')) return html`${t.connecting}`;
    if (c.status === 'reconnecting') return html`<span class="dot"></span>${t.reconnecting}`;
    const on = c.agentsOnline > 0;
    return html`<span class="dot ${on ? 'on' : ''}"></span>${on ? t.online : t.away}`;
  }

  private renderPrechat(): TemplateResult {
    const t = this.t;
    return html`
      <form class="form" part="form" @submit=${this.handlePrechat}>
        <p>${t.prechatIntro}</p>
        <label>${t.nameLabel}<input name="name" autocomplete="name" maxlength="100" /></label>
        <label>${t.emailLabel}<input name="email" type="email" autocomplete="email" maxlength="200" /></label>
        <button class="primary" type="submit">${t.prechatSubmit}</button>
      </form>
    `;
  }

  private renderOffline(): TemplateResult {
    const t = this.t;
    const c = this.controller;
    return html`
      <form class="form offline" part="form" @submit=${this.handleOffline}>
        <h3>${t.offlineTitle}</h3>
        <p>${t.offlineIntro}</p>
        <label>${t.messageLabel}<textarea name="message" required maxlength=${MAX_LENGTH}></textarea></label>
        <label>${t.nameLabel}<input name="name" autocomplete="name" maxlength="100" .value=${this.name || c?.name || ''} /></label>
        <label>${t.emailLabel}<input name="email" type="email" autocomplete="email" maxlength="200" .value=${this.email || c?.email || ''} /></label>
        ${this.renderConsent()}
        ${this.notice ? html`<p role="alert">${this.notice}</p>` : nothing}
        <button class="primary" type="submit">${t.offlineSubmit}</button>
      </form>
    `;
  }

  private renderConversation(): TemplateResult {
    const t = this.t;
    const c = this.controller!;
    let previousFrom = '';
    // A log may carry a name (a plain div may not). It stays silent: the live
    // region of the panel already says each incoming message once, by sender,
    // and a live log would also read out own messages and older pages.
    return html`
      <div class="messages" part="messages" role="log" aria-live="off" tabindex="0" aria-label=${t.conversation} @scroll=${this.handleScroll}>
        ${c.history.loading ? html`<p class="note">${t.loadingOlder}</p>` : nothing}
        ${c.history.hasMore && c.log.size > 0
          ? nothing
          : html`<div class="msg greeting" part="message"><div class="bubble" part="bubble">${this.greeting || t.greeting}</div></div>`}
        ${repeat(
          c.messages,
          (m) => m.mid,
          (m) => {
            const showName = !c.isOwn(m) && m.from !== previousFrom;
            previousFrom = m.from;
            return this.renderMessage(m, showName);
          },
        )}
        ${repeat(c.pending, (p) => p.clientId, (p) => pendingMessage(p, 'own', t, (id) => c.retry(id)))}
        ${this.offlineSent && c.agentsOnline === 0 ? html`<p class="note">${t.offlineThanks}</p>` : nothing}
      </div>
      ${c.typing ? html`<div class="typing" part="typing">${t.typing(c.typing.name || t.anAgent)}</div>` : nothing}
      ${this.notice ? html`<p class="note" role="alert">${this.notice}</p>` : nothing}
      <form class="composer" part="composer" @submit=${this.handleComposerSubmit}>
        ${this.renderConsent()}
        <textarea
          part="input"
          rows="1"
          aria-label=${t.messageLabel}
          placeholder=${t.placeholder}
          enterkeyhint="send"
          @keydown=${this.handleComposerKeydown}
          @input=${this.handleComposerInput}
          @blur=${() => c.stopTyping()}
        ></textarea>
        <button class="send" part="send" type="submit" aria-label=${t.send}>${SEND_ICON}</button>
      </form>
    `;
  }

  private renderConsent(): TemplateResult | typeof nothing {
    if (!this.needsConsent) return nothing;
    // Only a web address becomes a link: the attribute is the site's, but never a script URL.
    const policy = /^https?:\/\//i.test(this.privacyUrl ?? '')
      ? html` <a href=${this.privacyUrl!} target="_blank" rel="noopener">${this.t.privacyPolicy}</a>`
      : nothing;
    return html`<label class="consent" part="consent"><input type="checkbox" name="consent" />
      <span>${this.consent}${policy}</span></label>`;
  }

  private renderMessage(m: ChatMessage, showName: boolean): TemplateResult {
    const c = this.controller!;
    const own = c.isOwn(m);
    const state = own ? c.stateOf(m) : undefined;
    return html`
      <div class="msg ${own ? 'own' : 'theirs'}" part="message" data-mid=${m.mid}>
        ${showName ? html`<div class="who">${this.senderName(m)}</div>` : nothing}
        <div class="bubble" part="bubble">${m.content}</div>
        ${messageMeta(m.createdAt, pickLocale(this.lang), state && [state, this.t[state]])}
      </div>
    `;
  }
}

customElements.define('kefu-chat-panel', KefuChatPanel);

declare global {
  interface HTMLElementTagNameMap {
    'kefu-chat-panel': KefuChatPanel;
  }
  interface GlobalEventHandlersEventMap {
    'kefu-request-close': CustomEvent<undefined>;
  }
}
