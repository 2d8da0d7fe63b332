import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { TokenSource } from '../client/token-source.js';
import type { ChatMessage } from '../client/types.js';
import { ADMIN, isTeam } from '../protocol/wire.js';
import { adminStyles } from './kefu-admin.styles.js';
import { Attention } from './attention.js';
import { InboxController, type InboxConversation, type PendingReply } from './inbox-controller.js';
import { pickAdminStrings } from './i18n/pick-admin-strings.js';

/** How long a visitor may wait unanswered before the reminder repeats. */
const REMIND_AFTER_MS = 60_000;

/**
 * The agent console: every conversation, latest activity first, and the
 * selected one with its history, composer and visitor details. Real time
 * through the hidden-iframe stream, falling back to the long poll by itself.
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
 * @csspart list - the conversation list
 * @csspart conversation - the open conversation
 * @csspart details - the visitor details column
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

  @state() private filter = '';
  @state() private revision = 0;
  @state() private expired = false;
  @state() private liveText = '';

  @query('.messages') private messagesEl?: HTMLElement;

  private inbox?: InboxController;
  private tokens?: TokenSource;
  private readonly attention = new Attention();
  private remindTimer: ReturnType<typeof setInterval> | undefined;
  private nearBottom = true;
  private anchor?: { height: number; top: number };
  private shownFor?: string;

  private get t() {
    return pickAdminStrings(this.lang);
  }

  private get base(): string {
    if (this.server) return this.server.replace(/\/+$/, '');
    return new URL('../', import.meta.url).href.replace(/\/+$/, '');
  }

  override connectedCallback(): void {
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
    this.inbox?.stop();
    this.tokens?.dispose();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('token') && this.tokens && this.token) this.tokens.token = this.token;
    if (!this.inbox && (this.token || this.tokenUrl)) void this.boot();
    const el = this.messagesEl;
    if (el && !this.anchor) this.nearBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
    if (this.inbox?.selected !== this.shownFor) this.nearBottom = true;
  }

  protected override updated(): void {
    const el = this.messagesEl;
    if (el) {
      if (this.anchor) {
        el.scrollTop = el.scrollHeight - this.anchor.height + this.anchor.top;
        if (!this.inbox?.loadingOlder) this.anchor = undefined;
      } else if (this.nearBottom) el.scrollTop = el.scrollHeight;
    }
    this.shownFor = this.inbox?.selected;
    this.attention.setCount(this.inbox?.totalUnread ?? 0);
  }

  private async boot(): Promise<void> {
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
    const inbox = new InboxController({
      base: this.base,
      tokens: this.tokens,
      transport: this.transport === 'long-poll' ? 'long-poll' : 'iframe',
      onChange: () => this.revision++,
      onVisitorMessage: (c, m) => this.handleVisitorMessage(c, m),
      onUnauthorized: () => (this.expired = true),
      streamContainer: () => this.renderRoot,
    });
    inbox.viewing = !document.hidden;
    this.inbox = inbox;
    if (!this.token && this.tokenUrl) await this.tokens.refresh();
    await inbox.start();
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

  private dispatch(name: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true, detail }));
  }

  private displayName(c: InboxConversation | undefined, visitorId: string): string {
    return c?.name || c?.email || this.t.anonymous(shortId(visitorId));
  }

  private handleVisitorMessage(c: InboxConversation, m: ChatMessage): void {
    const name = this.displayName(c, c.visitorId);
    this.liveText = `${name}: ${m.content}`;
    this.dispatch('kefu-visitor-message', { visitorId: c.visitorId, message: m });
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
      const name = this.displayName(c, c.visitorId);
      this.attention.notify(this.t.waiting(name), c.lastMessage?.content ?? '', c.visitorId, () => void this.select(c.visitorId));
    }
  }

  private async select(visitorId: string | undefined): Promise<void> {
    this.nearBottom = true;
    await this.inbox?.select(visitorId);
    if (visitorId) this.dispatch('kefu-select', { visitorId });
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLTextAreaElement>('.composer textarea')?.focus({ preventScroll: true });
  }

  private async askNotifications(): Promise<void> {
    await this.attention.askNotifications();
    this.revision++;
  }

  private readonly handleScroll = (): void => {
    const el = this.messagesEl;
    const inbox = this.inbox;
    if (!el || !inbox?.selected || inbox.loadingOlder || el.scrollTop > 40) return;
    if (inbox.hasMore.get(inbox.selected) === false) return;
    this.anchor = { height: el.scrollHeight, top: el.scrollTop };
    void inbox.loadOlder();
  };

  private handleKeydown(e: KeyboardEvent): void {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      this.submit();
    }
  }

  private handleInput(e: Event): void {
    const ta = e.target as HTMLTextAreaElement;
    ta.style.height = 'auto';
    ta.style.height = Math.min(ta.scrollHeight, 160) + 'px';
    if (ta.value.trim()) this.inbox?.noteTyping();
  }

  private submit(e?: Event): void {
    e?.preventDefault();
    const ta = this.renderRoot.querySelector<HTMLTextAreaElement>('.composer textarea');
    if (ta && this.inbox?.send(ta.value)) {
      ta.value = '';
      ta.style.height = 'auto';
      this.nearBottom = true;
    }
  }

  private matchesFilter(c: InboxConversation): boolean {
    const q = this.filter.trim().toLowerCase();
    if (!q) return true;
    return [c.visitorId, c.name, c.email, c.page, c.lastMessage?.content].some((v) => v && v.toLowerCase().includes(q));
  }

  private formatTime(iso: string | null | undefined, withDate = false): string {
    if (!iso) return '';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return '';
    const sameDay = d.toDateString() === new Date().toDateString();
    const opts: Intl.DateTimeFormatOptions =
      sameDay && !withDate ? { hour: '2-digit', minute: '2-digit' } : { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' };
    return new Intl.DateTimeFormat(this.lang || undefined, opts).format(d);
  }

  override render(): TemplateResult {
    const t = this.t;
    const inbox = this.inbox;
    if (!inbox) return html`<div class="app" part="base"><p class="empty">${this.token || this.tokenUrl ? t.connecting : t.noToken}</p></div>`;
    return html`
      <div class="app ${inbox.selected ? 'has-selection' : ''}" part="base">
        ${this.renderHeader()} ${this.expired ? html`<div class="banner" role="alert">${t.sessionExpired}</div>` : nothing}
        ${this.renderList()} ${this.renderConversation()} ${this.renderDetails()}
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
            (s) => html`<button
              type="button"
              data-presence=${s}
              aria-pressed=${String(inbox.presence === s)}
              @click=${() => inbox.setPresence(s)}
            >
              <span class="dot ${s === 'online' ? 'on' : ''}"></span>${s === 'online' ? t.online : t.away}
            </button>`,
          )}
        </div>
      </header>
    `;
  }

  private renderList(): TemplateResult {
    const t = this.t;
    const inbox = this.inbox!;
    const all = inbox.sorted;
    const shown = all.filter((c) => this.matchesFilter(c));
    return html`
      <aside class="list" part="list" aria-label=${t.conversations}>
        <input
          class="filter"
          type="search"
          aria-label=${t.filter}
          placeholder=${t.filterPlaceholder}
          .value=${this.filter}
          @input=${(e: Event) => (this.filter = (e.target as HTMLInputElement).value)}
        />
        ${!all.length && inbox.listLoaded ? html`<p class="empty">${t.noConversations}</p>` : nothing}
        ${all.length && !shown.length ? html`<p class="empty">${t.noMatch}</p>` : nothing}
        <ul>
          ${repeat(
            shown,
            (c) => c.visitorId,
            (c) => html`<li>
              <button
                type="button"
                class="conv ${c.unread ? 'has-unread' : ''}"
                data-visitor=${c.visitorId}
                aria-current=${String(c.visitorId === inbox.selected)}
                @click=${() => this.select(c.visitorId)}
              >
                <span class="dot ${c.online ? 'on' : ''}" title=${c.online ? t.visitorOnline : t.visitorOffline}></span>
                <span class="who">${this.displayName(c, c.visitorId)}</span>
                <span class="when">${this.formatTime(c.lastMessage?.createdAt ?? c.lastMessageAt)}</span>
                <span class="last">${c.lastMessage?.content ?? ''}</span>
                ${c.unread ? html`<span class="count" aria-label=${t.unread(c.unread)}>${c.unread}</span>` : nothing}
                ${c.page ? html`<span class="page">${c.page}</span>` : nothing}
              </button>
            </li>`,
          )}
        </ul>
      </aside>
    `;
  }

  private renderConversation(): TemplateResult {
    const t = this.t;
    const inbox = this.inbox!;
    const id = inbox.selected;
    if (!id) return html`<main part="conversation"><p class="empty">${t.pick}</p></main>`;
    const c = inbox.conversations.get(id);
    const log = inbox.logs.get(id);
    const typer = inbox.typing.get(id);
    const pending = inbox.pending.filter((p) => p.visitorId === id);
    let previous = '';
    return html`
      <main part="conversation">
        <div class="conv-head">
          <button class="link-button back" type="button" @click=${() => this.select(undefined)}>${t.back}</button>
          <span class="dot ${c?.online ? 'on' : ''}"></span>
          <div>
            <h2>${this.displayName(c, id)} ${this.renderIdentity(c)}</h2>
            <div class="sub">${c?.online ? t.visitorOnline : t.visitorOffline}${c?.page ? html` · ${c.page}` : nothing}</div>
          </div>
        </div>
        <div class="messages" tabindex="0" aria-label=${t.conversations} @scroll=${this.handleScroll}>
          ${inbox.loadingOlder ? html`<p class="note">${t.loadingOlder}</p>` : nothing}
          ${repeat(
            log?.messages ?? [],
            (m) => m.mid,
            (m) => {
              const showName = m.from !== previous;
              previous = m.from;
              return this.renderMessage(m, showName, c, id);
            },
          )}
          ${repeat(pending, (p) => p.clientId, (p) => this.renderPending(p))}
        </div>
        ${typer ? html`<div class="typing">${t.typing(typer.name || (isTeam(typer.from) ? t.team : this.displayName(c, id)))}</div>` : nothing}
        <form class="composer" @submit=${this.submit}>
          <textarea
            rows="1"
            aria-label=${t.messageLabel}
            placeholder=${t.placeholder}
            @keydown=${this.handleKeydown}
            @input=${this.handleInput}
            @blur=${() => inbox.stopTyping()}
          ></textarea>
          <button class="send" type="submit">${t.send}</button>
        </form>
      </main>
    `;
  }

  private renderMessage(m: ChatMessage, showName: boolean, c: InboxConversation | undefined, visitorId: string): TemplateResult {
    const t = this.t;
    const inbox = this.inbox!;
    const fromVisitor = !isTeam(m.from);
    const mine = m.from === inbox.me;
    const name = fromVisitor ? this.displayName(c, visitorId) : mine ? t.you : m.fromName || (m.from === ADMIN ? t.team : m.from);
    const seen = !fromVisitor && (m.read || m.mid <= (inbox.visitorReadUpto.get(visitorId) ?? 0));
    return html`
      <div class="msg ${fromVisitor ? 'visitor' : 'agent'} ${!fromVisitor && !mine ? 'colleague' : ''}" data-mid=${m.mid}>
        ${showName ? html`<div class="name">${name}</div>` : nothing}
        <div class="bubble">${m.content}</div>
        <div class="meta">
          ${m.createdAt ? html`<time datetime=${m.createdAt}>${this.formatTime(m.createdAt)}</time>` : nothing}
          ${fromVisitor ? nothing : html`<span class="state" data-state=${seen ? 'seen' : 'sent'}>${seen ? t.seen : t.sent}</span>`}
        </div>
      </div>
    `;
  }

  private renderPending(p: PendingReply): TemplateResult {
    const t = this.t;
    return html`
      <div class="msg agent ${p.state}" data-client-id=${p.clientId}>
        <div class="bubble">${p.content}</div>
        <div class="meta">
          <span class="state" data-state=${p.state}>${p.state === 'failed' ? t.failed : t.sending}</span>
          ${p.state === 'failed' ? html`<button class="retry" type="button" @click=${() => this.inbox?.retry(p.clientId)}>${t.retry}</button>` : nothing}
        </div>
      </div>
    `;
  }

  /** Whether the site vouched for this visitor: typed names and emails can be anyone's. */
  private renderIdentity(c: InboxConversation | undefined): TemplateResult {
    const t = this.t;
    return c?.verified
      ? html`<span class="identity verified" data-verified="true" title=${t.verifiedHint}>${t.verified}</span>`
      : html`<span class="identity" data-verified="false" title=${t.unverifiedHint}>${t.unverified}</span>`;
  }

  private renderDetails(): TemplateResult {
    const t = this.t;
    const inbox = this.inbox!;
    const id = inbox.selected;
    const c = id ? inbox.conversations.get(id) : undefined;
    if (!id) return html`<aside class="details" part="details"></aside>`;
    const row = (label: string, value: TemplateResult | string | null | undefined) =>
      html`<div><dt>${label}</dt><dd>${value || t.none}</dd></div>`;
    return html`
      <aside class="details" part="details" aria-label=${t.details}>
        <h3>${t.details}</h3>
        <dl>
          ${row(t.visitor, id)} ${row(t.identity, this.renderIdentity(c))}
          ${row(t.name, c?.name)} ${row(t.email, c?.email ? html`<a href=${'mailto:' + c.email}>${c.email}</a>` : null)}
          ${row(t.page, safeLink(c?.page))} ${row(t.referrer, safeLink(c?.referrer))}
          ${row(t.firstSeen, this.formatTime(c?.firstSeenAt, true))}
          ${row(t.lastSeen, c?.online ? t.visitorOnline : this.formatTime(c?.lastSeenAt, true))}
          ${c?.consentAt ? row(t.consent, this.formatTime(c.consentAt, true)) : nothing}
        </dl>
      </aside>
    `;
  }
}

/**
 * Enough of a visitor id to tell visitors apart in the list (the details column
 * shows it whole). Only for display: six of the 22 random characters of Kefu's
 * own ids; ids other software chose (`guest42`, a session id) as they are, cut when long.
 */
function shortId(id: string): string {
  if (/^v_[A-Za-z0-9_-]{22}$/.test(id)) return id.slice(2, 8);
  return id.length > 12 ? id.slice(0, 11) + '…' : id;
}

/** A link only for http(s) URLs: page and referrer come from the visitor's browser. */
function safeLink(url: string | null | undefined): TemplateResult | string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    if (u.protocol === 'http:' || u.protocol === 'https:') {
      return html`<a href=${u.href} target="_blank" rel="noopener noreferrer">${url}</a>`;
    }
  } catch {
    // not a URL: shown as text
  }
  return url;
}

declare global {
  interface HTMLElementTagNameMap {
    'kefu-admin': KefuAdmin;
  }
  interface GlobalEventHandlersEventMap {
    'kefu-visitor-message': CustomEvent<{ visitorId: string; message: ChatMessage }>;
    'kefu-select': CustomEvent<{ visitorId: string }>;
  }
}
