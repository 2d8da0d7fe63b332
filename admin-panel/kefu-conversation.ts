import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Typer } from '../client/chat-session.js';
import type { ChatMessage } from '../client/types.js';
import { clearComposer, composerInput, composerKeydown, MAX_LENGTH } from '../client/ui/composer.js';
import { emit } from '../client/ui/emit.js';
import { messageMeta, pendingMessage, type PendingView } from '../client/ui/message-parts.js';
import { ADMIN, isTeam } from '../protocol/wire.js';
import { pickAdminStrings } from './i18n/pick-admin-strings.js';
import type { InboxConversation } from './inbox-controller.js';
import { conversationStyles } from './kefu-conversation.styles.js';
import { displayName, identityBadge } from './visitor-labels.js';

/**
 * One open conversation in the console: its head (name, identity, online,
 * page), the thread with paging back as the agent scrolls up, who is typing,
 * and the reply box (Enter sends, Shift+Enter is a new line). It holds no
 * network state: everything comes in as properties, every wish goes out as
 * an event. It keeps the thread at the bottom while the agent is there, and
 * in place while older pages load above.
 *
 * @event kefu-send - detail `{content}`: the agent sent a reply (trimmed, at most 4,000 characters)
 * @event kefu-retry - detail `{clientId}`: resend a failed reply
 * @event kefu-typing - detail `{typing}`: the agent is typing (on every keystroke) or stopped (left the box)
 * @event kefu-load-older - the agent scrolled to the top and there is more history
 * @event kefu-back - the agent went back to the list (narrow layouts)
 *
 * @csspart messages - the scrolling thread
 * @csspart message, bubble, meta - one message, its text and its time/state line
 * @csspart composer, input, send - the reply box
 *
 * @cssproperty --kefu-accent, --kefu-on-accent, --kefu-background, --kefu-text, --kefu-muted, --kefu-line, --kefu-surface
 */
@customElement('kefu-conversation')
export class KefuConversation extends LitElement {
  static override styles = conversationStyles;

  /** The open conversation's visitor; none shows a hint to pick one. */
  @property() visitorId?: string;
  @property({ attribute: false }) conversation?: InboxConversation;
  @property({ attribute: false }) messages: readonly ChatMessage[] = [];
  /** Own replies not yet confirmed by the server. */
  @property({ attribute: false }) pending: readonly PendingView[] = [];
  @property({ attribute: false }) typer?: Typer;
  /** Highest team message mid the visitor has read (shown as "Seen"). */
  @property({ type: Number }) readUpto = 0;
  /** `agent:<id>` of the signed-in agent: their replies say "You". */
  @property() me?: string;
  @property({ type: Boolean }) hasMore = false;
  @property({ type: Boolean }) loadingOlder = false;
  @property() override lang = '';

  @state() private notice = '';

  @query('.messages') private messagesEl?: HTMLElement;
  @query('.composer textarea') private input?: HTMLTextAreaElement;

  private nearBottom = true;
  private anchor?: { height: number; top: number };

  private get t() {
    return pickAdminStrings(this.lang);
  }

  /** Puts the caret in the reply box (after the agent picked a conversation). */
  async focusComposer(): Promise<void> {
    await this.updateComplete;
    this.input?.focus({ preventScroll: true });
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const el = this.messagesEl;
    if (el && !this.anchor) this.nearBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
    if (changed.has('visitorId')) {
      this.nearBottom = true;
      this.notice = '';
    }
  }

  protected override updated(): void {
    const el = this.messagesEl;
    if (!el) return;
    if (this.anchor) {
      // Older messages went in above: keep what the agent was reading where it was.
      el.scrollTop = el.scrollHeight - this.anchor.height + this.anchor.top;
      if (!this.loadingOlder) this.anchor = undefined;
    } else if (this.nearBottom) el.scrollTop = el.scrollHeight;
  }

  private readonly handleScroll = (): void => {
    const el = this.messagesEl;
    if (!el || !this.hasMore || this.loadingOlder || el.scrollTop > 40) return;
    this.anchor = { height: el.scrollHeight, top: el.scrollTop };
    emit(this, 'kefu-load-older');
  };

  private handleKeydown(e: KeyboardEvent): void {
    composerKeydown(e, () => this.submit());
  }

  private handleInput(e: Event): void {
    const ta = e.target as HTMLTextAreaElement;
    this.notice = composerInput(ta, 160) ? this.t.tooLong : '';
    if (ta.value.trim()) emit(this, 'kefu-typing', { typing: true });
  }

  private submit(e?: Event): void {
    e?.preventDefault();
    const ta = this.input;
    const content = ta?.value.trim();
    if (!ta || !content) return;
    if (content.length > MAX_LENGTH) {
      this.notice = this.t.tooLong;
      return;
    }
    this.notice = '';
    emit(this, 'kefu-send', { content });
    clearComposer(ta);
    this.nearBottom = true;
  }

  override render(): TemplateResult {
    const t = this.t;
    const id = this.visitorId;
    if (!id) return html`<main><p class="empty">${t.pick}</p></main>`;
    const c = this.conversation;
    const typer = this.typer;
    let previous = '';
    return html`
      <main>
        <div class="conv-head">
          <button class="link-button back" type="button" @click=${() => emit(this, 'kefu-back')}>${t.back}</button>
          <span class="dot ${c?.online ? 'on' : ''}"></span>
          <div>
            <h2>${displayName(c, id, t)} ${identityBadge(c, t)}</h2>
            <div class="sub">${c?.online ? t.visitorOnline : t.visitorOffline}${c?.page ? html` · ${c.page}` : nothing}</div>
          </div>
        </div>
        <div class="messages" part="messages" tabindex="0" aria-label=${t.conversations} @scroll=${this.handleScroll}>
          ${this.loadingOlder ? html`<p class="note">${t.loadingOlder}</p>` : nothing}
          ${repeat(
            this.messages,
            (m) => m.mid,
            (m) => {
              const showName = m.from !== previous;
              previous = m.from;
              return this.renderMessage(m, showName);
            },
          )}
          ${repeat(this.pending, (p) => p.clientId, (p) => pendingMessage(p, 'agent', t, (clientId) => emit(this, 'kefu-retry', { clientId })))}
        </div>
        ${typer ? html`<div class="typing">${t.typing(typer.name || (isTeam(typer.from) ? t.team : displayName(c, id, t)))}</div>` : nothing}
        ${this.notice ? html`<p class="note" role="alert">${this.notice}</p>` : nothing}
        <form class="composer" part="composer" @submit=${this.submit}>
          <textarea
            part="input"
            rows="1"
            aria-label=${t.messageLabel}
            placeholder=${t.placeholder}
            @keydown=${this.handleKeydown}
            @input=${this.handleInput}
            @blur=${() => emit(this, 'kefu-typing', { typing: false })}
          ></textarea>
          <button class="send" part="send" type="submit">${t.send}</button>
        </form>
      </main>
    `;
  }

  private renderMessage(m: ChatMessage, showName: boolean): TemplateResult {
    const t = this.t;
    const fromVisitor = !isTeam(m.from);
    const mine = m.from === this.me;
    const name = fromVisitor ? displayName(this.conversation, this.visitorId!, t) : mine ? t.you : m.fromName || (m.from === ADMIN ? t.team : m.from);
    const seen = !fromVisitor && (m.read || m.mid <= this.readUpto);
    return html`
      <div class="msg ${fromVisitor ? 'visitor' : 'agent'} ${!fromVisitor && !mine ? 'colleague' : ''}" part="message" data-mid=${m.mid}>
        ${showName ? html`<div class="name">${name}</div>` : nothing}
        <div class="bubble" part="bubble">${m.content}</div>
        ${messageMeta(m.createdAt, this.lang, fromVisitor ? undefined : seen ? ['seen', t.seen] : ['sent', t.sent])}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kefu-conversation': KefuConversation;
  }
  interface GlobalEventHandlersEventMap {
    'kefu-send': CustomEvent<{ content: string }>;
    'kefu-retry': CustomEvent<{ clientId: string }>;
    'kefu-typing': CustomEvent<{ typing: boolean }>;
    'kefu-load-older': CustomEvent<undefined>;
    'kefu-back': CustomEvent<undefined>;
  }
}
