import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { ChatController, type TransportKind } from './chat-controller.js';
import { clearComposer, composerInput, composerKeydown, MAX_LENGTH } from '../client/ui/composer.js';
import { emit } from '../client/ui/emit.js';
import { messageMeta, pendingMessage } from '../client/ui/message-parts.js';
import { panelStyles } from './kefu-chat-panel.styles.js';
import { pickLocale } from './i18n/pick-strings.js';
import type { Strings } from './i18n/en.js';
import type { TitleFlasher } from './title-flasher.js';
import type { AttachmentParts } from './attachment-parts.js';
import type { RatingCard } from './rating-card.js';
import { CLOSE_ICON, SEND_ICON } from './icons.js';
import { dayLabel, initials, threadRows, type ThreadRow } from './thread-rows.js';
import type { ChatMessage, TeamMember } from '../client/types.js';
import { ADMIN } from '../protocol/wire.js';


/**
 * The chat panel behind the `<kefu-chat>` launcher, loaded on demand. Not
 * meant to be used on its own: `<kefu-chat>` creates it and mirrors its
 * attributes onto it.
 *
 * @event kefu-unread - detail `{count}`, whenever the number of unseen team messages changes
 * @event kefu-request-close - the close button was pressed
 *
 * @csspart panel - the dialog box
 * @csspart header, heading, status, faces, close - the title bar (faces: the team's pictures or initials)
 * @csspart messages - the scrolling conversation
 * @csspart day - a date line where the day changes
 * @csspart message, bubble, meta, avatar - one message, its text, its time/state line (last of a group) and its sender's face (first of a group)
 * @csspart composer, input, send - the message box
 * @csspart attach, tray - the paperclip button and the files picked for the next message (where the server takes files)
 * @csspart rating - the rating card after a resolved conversation's last message (widget/rating-card.ts)
 * @csspart consent - the consent checkbox and its text, when the site asks for consent
 * @csspart form - the pre-chat and leave-a-message forms
 *
 * @cssproperty --kefu-accent, --kefu-on-accent, --kefu-background, --kefu-text, --kefu-muted, --kefu-surface, --kefu-radius, --kefu-panel-width, --kefu-panel-height
 */
export class KefuChatPanel extends LitElement {
  static override styles = panelStyles;

  // Declared without decorators: their helper costs the widget bytes it does not have.
  // Only what the view draws is reactive; server, transport, identity and sound
  // are plain fields, read when the panel connects or a reply arrives.
  static override properties = {
    position: { reflect: true },
    heading: {},
    greeting: {},
    lang: {},
    prechat: { type: Boolean },
    prechatRequired: {},
    name: {},
    email: {},
    consent: {},
    privacyUrl: {},
    theme: { reflect: true },
    replyTime: {},
    strings: { attribute: false },
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
  /** Pre-chat fields that must be filled: 'name', 'email' or both, space-separated. */
  prechatRequired?: string;
  name?: string;
  email?: string;
  /** An identity token the site signed (see ChatControllerOptions.identity). */
  identity?: string;
  identityUrl?: string;
  identityNonce?: string;
  /** Consent text; when set, the visitor ticks it before the first message. */
  consent?: string;
  privacyUrl?: string;
  theme?: 'auto' | 'light' | 'dark';
  /** The owner's words for the expected reply time; else the team's measured median. */
  replyTime?: string;
  sound = false;
  /** The visitor's language (one chunk per language); `<kefu-chat>` loads and sets it. */
  strings?: Strings;
  open = false;

  private offlineSent = false;
  private liveText = '';
  private notice = '';

  private get messagesEl(): HTMLElement | null {
    return this.renderRoot.querySelector('.messages');
  }

  private controller?: ChatController;
  /** Loaded the first time a reply reaches a hidden tab. */
  private flasher?: TitleFlasher;
  /** The pre-chat form and consent box, loaded when the site turns either on. */
  private optIn?: typeof import('./opt-in-parts.js');
  private optInLoading = false;
  /** Everything about files, loaded once the server takes files or a message carries some. */
  private files?: AttachmentParts;
  private filesLoading?: Promise<void>;
  /** The rating card, loaded the first time a resolved conversation asks for a rating. */
  private rating?: RatingCard;
  private ratingLoading?: Promise<unknown>;
  /** Addresses in messages as links, loaded with the first message that has one. */
  private linkify?: (text: string) => unknown;
  private linkifyLoading?: Promise<void>;
  private lastUnread = -1;
  private nearBottom = true;
  private anchor?: { height: number; top: number };
  /** When the greeting was first shown on an empty conversation. */
  private greetingShownAt?: string;
  /**
   * Set when the visitor writes first below the greeting: it then stays above
   * what it preceded, with its time, for this page. A history loaded later, or
   * a message left in the offline form, never shows a greeting that was not seen.
   */
  private keptGreeting?: string;
  /** The page's own `overflow`, while the full-screen panel keeps the page behind it still. */
  private lockedOverflow?: string;

  private get t(): Strings {
    return this.strings!;
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
      lang: pickLocale(this.lang),
    });
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.handleVisibility);
    // A returning visitor's conversation starts at once, to keep the unread badge current.
    if (this.controller.hasToken) this.begin();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.handleVisibility);
    this.flasher?.stop();
    this.lockPage(false);
  }

  /** On a phone the open panel covers the screen: the page behind must not scroll under the visitor's finger. */
  private lockPage(lock: boolean): void {
    const root = document.documentElement.style;
    if (lock && this.lockedOverflow === undefined && matchMedia('(max-width: 479.98px)').matches) {
      this.lockedOverflow = root.overflow;
      root.overflow = 'hidden';
    } else if (!lock && this.lockedOverflow !== undefined) {
      root.overflow = this.lockedOverflow;
      this.lockedOverflow = undefined;
    }
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

  /** Records consent when the form's box is ticked; false (and a notice) when it is not. Also asked before a file's upload. */
  async takeConsent(form: HTMLFormElement | null): Promise<boolean> {
    if (!this.needsConsent) return true;
    const box = form?.querySelector<HTMLInputElement>('input[name=consent]');
    if (!box?.checked) {
      this.notice = this.optIn?.words(pickLocale(this.lang)).consentNeeded ?? '';
      box?.focus();
      return false;
    }
    await this.controller!.updateProfile({ consent: true });
    return true;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('open') && this.open) this.nearBottom = true;
    if ((this.prechat || this.consent) && !this.optInLoading) {
      this.optInLoading = true;
      void import('./opt-in-parts.js').then((m) => {
        this.adopt(m.optInStyles.styleSheet);
        this.optIn = m;
        this.requestUpdate();
      });
    }
    if (this.controller?.limits?.maxBytes) this.attachmentParts();
    if (this.controller!.askRating) this.ratingLoading ??= import('./rating-card.js').then((m) => (this.rating = new m.RatingCard(this, this.controller!)));
    if (this.emptyThread) this.greetingShownAt ??= new Date().toISOString();
    const el = this.messagesEl;
    if (el && !this.anchor) this.nearBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
  }

  /** A chunk's styles join the panel's adopted sheets (never a <style>: strict CSPs block those). */
  private adopt(sheet: CSSStyleSheet | undefined): void {
    const root = this.renderRoot as ShadowRoot;
    if (root.adoptedStyleSheets && sheet) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  }

  /** The files chunk: asked for the first time it is needed, there once loaded. */
  private attachmentParts(): AttachmentParts | undefined {
    this.filesLoading ??= import('./attachment-parts.js').then((m) => {
      this.adopt(m.attachmentStyles.styleSheet);
      this.files = new m.AttachmentParts(this, this.controller!);
    });
    return this.files;
  }

  /** A message's text, its web and mail addresses as links once linkify's few lines have loaded. */
  private text(content: string): unknown {
    if (/https?:\/\/|mailto:/i.test(content)) {
      this.linkifyLoading ??= import('../client/ui/linkify.js').then((m) => {
        this.linkify = m.linkify;
        this.requestUpdate();
      });
    }
    return this.linkify ? this.linkify(content) : content;
  }

  protected override updated(changed: PropertyValues<this>): void {
    const el = this.messagesEl;
    if (el) {
      if (this.anchor) {
        el.scrollTop = el.scrollHeight - this.anchor.height + this.anchor.top;
        if (!this.controller?.history.loading) this.anchor = undefined;
      } else if (this.nearBottom) el.scrollTop = el.scrollHeight;
    }
    if (changed.has('open')) {
      this.lockPage(this.open);
      if (this.open) {
        this.begin();
        this.focusFirst();
      }
    }
    if (this.open) {
      void this.controller?.loadTeam();
      // Whether files are on matters once the conversation shows (not to the pre-chat or offline form).
      if (el) this.controller?.loadLimits();
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
    // A message of files alone is told by their names.
    const text = last.content || (last.attachments ?? []).map((a) => a.name).join(', ');
    this.liveText = this.t.says(this.senderName(last), text);
    if (document.hidden) {
      const notice = `(${this.controller?.unread ?? 1}) ${this.t.newMessage}`;
      void import('./title-flasher.js').then((m) => (this.flasher ??= new m.TitleFlasher()).flash(notice));
    }
    if (!this.open) emit(this, 'kefu-preview', { name: this.senderName(last), text });
    // The chime's few lines load only for sites that turned sound on.
    if (this.sound && (!this.open || document.hidden)) void import('./chime.js').then((m) => m.chime());
  }

  private readonly handleVisibility = (): void => {
    if (!document.hidden && this.open) {
      this.controller?.markSeen();
      this.flasher?.stop();
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
    const files = this.files;
    if ((ta.value.trim() || files?.tray.items.length) && !(await this.takeConsent(ta.form))) return;
    this.notice = '';
    // Send waits for the files' uploads to end; nothing is sent when one failed.
    const attachments = files ? await files.take() : [];
    if (!attachments) return;
    const first = this.emptyThread;
    if (this.controller.send(ta.value, attachments)) {
      if (first) this.keptGreeting = this.greetingShownAt;
      files?.clear();
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

  override render(): TemplateResult | typeof nothing {
    const t = this.t;
    if (!t) return nothing;
    const c = this.controller;
    const heading = this.heading || t.title;
    return html`
      <section class="panel" part="panel" role="dialog" aria-label=${heading} lang=${pickLocale(this.lang)}>
        <header part="header">
          ${this.renderFaces()}
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
        ${this.files?.overlay()}
      </section>
    `;
  }

  /** Nothing said or being sent yet (a returning visitor's history is loaded first). */
  private get fresh(): boolean {
    const c = this.controller;
    return !!c && (c.started || !c.hasToken) && !c.log.size && !c.pending.length;
  }

  /** Nothing said yet and nothing older to load: what a first visit shows. */
  private get emptyThread(): boolean {
    return this.fresh && !this.controller!.history.hasMore && !this.needsPrechat && !this.showOfflineForm;
  }

  private get showOfflineForm(): boolean {
    return this.fresh && this.controller!.online === 0 && !this.offlineSent;
  }

  /** Up to three of the team, online first: who the visitor is about to talk to. */
  private renderFaces(): TemplateResult | typeof nothing {
    const agents = this.controller?.team?.agents.slice(0, 3) ?? [];
    if (!agents.length) return nothing;
    return html`<div class="faces" part="faces" aria-hidden="true">${agents.map((a) => face(a.name, a))}</div>`;
  }

  private renderStatus(): TemplateResult {
    const t = this.t;
    const c = this.controller;
    if (c?.status === 'reconnecting') return html`<span class="dot"></span>${t.reconnecting}`;
    const online = c?.online ?? -1;
    if (online < 0) return html`${t.connecting}`;
    if (!online) return html`<span class="dot"></span>${t.away}`;
    const seconds = c?.team?.replySeconds;
    const reply = this.replyTime || (typeof seconds === 'number' ? t.repliesIn[[60, 300, 3600, 14400].filter((limit) => seconds >= limit).length] : '');
    return html`<span class="dot on"></span>${reply ? `${t.online} · ${reply}` : t.online}`;
  }

  private renderPrechat(): TemplateResult | typeof nothing {
    return this.optIn?.prechatForm({ ...this.t, ...this.optIn.words(pickLocale(this.lang)) }, this.prechatRequired, (e) => void this.handlePrechat(e)) ?? nothing;
  }

  private renderOffline(): TemplateResult {
    const t = this.t;
    const c = this.controller;
    // Outside business hours the team answer says when it is back: <kefu-back-at> loads then.
    const at = c?.team?.hours?.opensAt;
    if (at) void import('./kefu-back-at.js');
    return html`
      <form class="form offline" part="form" @submit=${this.handleOffline}>
        <h3>${t.offlineTitle}</h3>
        <p>${t.offlineIntro}</p>
        ${at ? html`<kefu-back-at at=${at} lang=${this.lang}></kefu-back-at>` : nothing}
        <label class="grow">${t.messageLabel}<textarea name="message" required maxlength=${MAX_LENGTH}></textarea></label>
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
    const greetingAt = this.emptyThread ? this.greetingShownAt : this.keptGreeting;
    const thread: ChatMessage[] = [...c.messages];
    // The greeting takes its place in time, so date lines and groups treat it like any message.
    if (greetingAt) thread.unshift({ mid: 0, from: ADMIN, to: '', content: this.greeting || t.greeting, createdAt: greetingAt } as ChatMessage);
    let lastOwn = 0;
    for (const m of c.messages) if (c.isOwn(m)) lastOwn = m.mid;
    // Rows are drawn by position, not keyed (keying costs the widget a directive
    // it has no bytes for): rows hold no state of their own, so re-binding text
    // when an older page is prepended is all a shift costs.
    // A log may carry a name (a plain div may not). It stays silent: the live
    // region of the panel already says each incoming message once, by sender,
    // and a live log would also read out own messages and older pages.
    return html`
      <div class="messages" part="messages" role="log" aria-live="off" tabindex="0" aria-label=${t.conversation} @scroll=${this.handleScroll}>
        ${c.history.loading ? html`<p class="note">${t.loadingOlder}</p>` : nothing}
        ${threadRows(thread).map((r) => this.renderRow(r, r.message.mid === lastOwn))}
        ${c.pending.map((p) => pendingMessage(p, 'own', t, (id) => c.retry(id), p.attachments && this.files?.list(p.attachments)))}
        ${this.offlineSent && c.online === 0 ? html`<p class="note">${t.offlineThanks}</p>` : nothing}
        ${this.rating?.render()}
      </div>
      ${c.typing ? html`<div class="typing" part="typing">${t.typing(c.typing.name || t.anAgent)}</div>` : nothing}
      ${this.notice ? html`<p class="note" role="alert">${this.notice}</p>` : nothing}
      <form class="composer" part="composer" @submit=${this.handleComposerSubmit}>
        ${this.renderConsent()}${this.files?.composer()}
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
    return this.needsConsent && this.optIn ? this.optIn.consentBox(this.optIn.words(pickLocale(this.lang)), this.consent!, this.privacyUrl) : nothing;
  }

  /**
   * One message of a group: the sender's face and name above the first, the
   * time below the last, and the receipt only under the visitor's latest
   * message (every own message still carries its state in `data-state`).
   */
  private renderRow(row: ThreadRow, receipt: boolean): TemplateResult {
    const c = this.controller!;
    const m = row.message;
    const own = c.isOwn(m);
    const state = own ? c.stateOf(m) : undefined;
    const locale = pickLocale(this.lang);
    const name = this.senderName(m);
    return html`
      ${row.day ? html`<p class="day" part="day">${dayLabel(row.day, locale, this.t.days)}</p>` : nothing}
      <div class="msg ${own ? 'own' : 'theirs'} ${m.mid ? '' : 'greeting'} ${row.tail ? 'tail' : ''}" part="message" data-mid=${m.mid || nothing} data-state=${state ?? nothing}>
        ${row.head && !own ? html`<div class="who">${face(name, c.member(m.from))}<span>${name}</span></div>` : nothing}
        ${m.content ? html`<div class="bubble" part="bubble">${this.text(m.content)}</div>` : nothing}
        ${m.attachments?.length ? this.attachmentParts()?.list(m.attachments) : nothing}
        ${row.tail ? messageMeta(m.createdAt, locale, receipt && state ? [state, this.t[state]] : undefined) : nothing}
      </div>
    `;
  }
}

/** A team member's picture, else their initials. The picture is decoration: the name is said beside it. */
function face(name: string, member?: TeamMember): TemplateResult {
  return member?.avatar
    ? html`<img class="avatar" part="avatar" src=${member.avatar} alt="" loading="lazy" referrerpolicy="no-referrer" />`
    : // Drawn from an attribute by CSS, so the name beside it stays the element's only text.
      html`<span class="avatar" part="avatar" data-initials=${initials(name)}></span>`;
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
