import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { linkify } from '../client/ui/linkify.js';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Typer } from '../client/chat-session.js';
import type { ChatMessage } from '../client/types.js';
import { emit } from '../client/ui/emit.js';
import { messageMeta, pendingMessage, type PendingView } from '../client/ui/message-parts.js';
import { ADMIN, isTeam, type Attachment, type Note, type Rating } from '../protocol/wire.js';
import type { LinkFn } from './attachment-controller.js';
import { loadAttachmentUi } from './attachment-rules.js';
import type { PendingNote, Viewer } from './desk-controller.js';
import { pickAdminStrings } from './i18n/pick-admin-strings.js';
import type { InboxConversation } from './inbox-controller.js';
import { conversationStyles } from './kefu-conversation.styles.js';
import { threadItems } from './thread-items.js';
import { displayName, identityBadge, pageLabel } from './visitor-labels.js';

/**
 * One open conversation in the console: its head (name, identity, online,
 * page, and the slotted actions), the thread of messages, team notes and the
 * visitor's ratings with
 * paging back as the agent scrolls up, which colleagues are looking or
 * typing, and the slotted composer. It holds no network state: everything
 * comes in as properties, every wish goes out as an event. It keeps the
 * thread at the bottom while the agent is there, and in place while older
 * pages load above. A message's files show under its text
 * (`<kefu-attachment-list>`: images as thumbnails that open large, other
 * files as cards with a download link), and files dragged onto the
 * conversation are asked for as attachments of the reply.
 *
 * @slot actions - the conversation's toolbar, beside its name
 * @slot composer - the reply box, under the thread
 *
 * @event kefu-retry - detail `{clientId}`: resend a failed reply
 * @event kefu-retry-note - detail `{clientId}`: resend a failed note
 * @event kefu-load-older - the agent scrolled to the top and there is more history
 * @event kefu-back - the agent went back to the list (narrow layouts)
 * @event kefu-attach - detail `{files}`: files dropped on the conversation (with `acceptFiles`)
 *
 * @csspart messages - the scrolling thread
 * @csspart message, bubble, meta - one message, its text and its time/state line
 * @csspart note - a team note in the thread
 * @csspart rating - the visitor's rating of a resolution, in the thread
 * @csspart files - a message's files
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
  @property({ attribute: false }) pending: readonly PendingReplyView[] = [];
  @property({ attribute: false }) typer?: Typer;
  /** Team notes, oldest first, and own ones on their way. */
  @property({ attribute: false }) notes: readonly Note[] = [];
  @property({ attribute: false }) pendingNotes: readonly PendingNote[] = [];
  /** The visitor's ratings, oldest first: each sits in the thread where it was given. */
  @property({ attribute: false }) ratings: readonly Rating[] = [];
  /** Colleagues with this conversation open. */
  @property({ attribute: false }) viewers: readonly Viewer[] = [];
  /** The mid to show and mark (a search result); the thread must already hold it. */
  @property({ type: Number }) highlight = 0;
  /** Highest team message mid the visitor has read (shown as "Seen"). */
  @property({ type: Number }) readUpto = 0;
  /** `agent:<id>` of the signed-in agent: their replies say "You". */
  @property() me?: string;
  @property({ type: Boolean }) hasMore = false;
  @property({ type: Boolean }) loadingOlder = false;
  /** Files dropped here become attachments of the reply. */
  @property({ type: Boolean }) acceptFiles = false;
  /** Gives a file's signed address, for the thread's images and downloads. */
  @property({ attribute: false }) link?: LinkFn;
  @property() override lang = '';

  /** Files are being dragged over the conversation. */
  @state() private dropping = false;

  @query('.messages') private messagesEl?: HTMLElement;

  private nearBottom = true;
  private anchor?: { height: number; top: number };

  private get t() {
    return pickAdminStrings(this.lang);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('messages') && this.messages.some((m) => m.attachments?.length)) || (changed.has('pending') && this.pending.some((p) => p.attachments?.length))) {
      // Its cards and thumbnails draw once the chunk has arrived, below where the thread was scrolled to.
      void loadAttachmentUi().then(() => this.nearBottom && this.stickToBottom());
    }
    if (changed.has('ratings') && this.ratings.length) void import('./kefu-rating-line.js');
    const el = this.messagesEl;
    if (el && !this.anchor) this.nearBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
    if (changed.has('visitorId')) this.nearBottom = true;
  }

  protected override updated(changed: PropertyValues<this>): void {
    const el = this.messagesEl;
    if (!el) return;
    if (this.anchor) {
      // Older messages went in above: keep what the agent was reading where it was.
      el.scrollTop = el.scrollHeight - this.anchor.height + this.anchor.top;
      if (!this.loadingOlder) this.anchor = undefined;
    } else if (changed.has('highlight') && this.highlight) {
      el.querySelector(`[data-mid="${this.highlight}"]`)?.scrollIntoView({ block: 'center' });
      this.nearBottom = false;
    } else if (this.nearBottom) this.stickToBottom();
  }

  /** To the end now, and again once the rows' own elements (file lists) have drawn, in their own updates. */
  private stickToBottom(): void {
    const toEnd = () => this.messagesEl && (this.messagesEl.scrollTop = this.messagesEl.scrollHeight);
    toEnd();
    requestAnimationFrame(toEnd);
  }

  private readonly handleScroll = (): void => {
    const el = this.messagesEl;
    if (!el || !this.hasMore || this.loadingOlder || el.scrollTop > 40) return;
    this.anchor = { height: el.scrollHeight, top: el.scrollTop };
    emit(this, 'kefu-load-older');
  };

  /** A drag that carries files (not text or a link from the page). */
  private readonly handleDragOver = (e: DragEvent): void => {
    if (!this.acceptFiles || !e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    this.dropping = true;
  };

  private readonly handleDrop = (e: DragEvent): void => {
    this.dropping = false;
    if (!this.acceptFiles || !e.dataTransfer?.files.length) return;
    // Else the browser would open the file in place of the console.
    e.preventDefault();
    emit(this, 'kefu-attach', { files: [...e.dataTransfer.files] });
  };

  override render(): TemplateResult {
    const t = this.t;
    const id = this.visitorId;
    if (!id) return html`<main><p class="empty">${t.pick}</p></main>`;
    const c = this.conversation;
    let previous = '';
    return html`
      <main @dragenter=${this.handleDragOver} @dragover=${this.handleDragOver} @drop=${this.handleDrop}>
        ${this.dropping
          ? html`<div class="drop-zone" @dragleave=${() => (this.dropping = false)}><p>${t.dropFiles}</p></div>`
          : nothing}
        <div class="conv-head">
          <button class="link-button back" type="button" @click=${() => emit(this, 'kefu-back')}>${t.back}</button>
          <span class="dot ${c?.online ? 'on' : ''}"></span>
          <div>
            <h2>${displayName(c, id, t)} ${identityBadge(c, t)}</h2>
            <div class="sub">${c?.online ? t.visitorOnline : t.visitorOffline}${c?.page ? html` · <span title=${c.page}>${pageLabel(c.page)}</span>` : nothing}</div>
          </div>
          <slot name="actions"></slot>
        </div>
        <div class="messages" part="messages" role="log" aria-live="off" tabindex="0" aria-label=${displayName(c, id, t)} @scroll=${this.handleScroll}>
          ${this.loadingOlder ? html`<p class="loading">${t.loadingOlder}</p>` : nothing}
          ${repeat(
            threadItems(this.messages, this.notes, !this.hasMore, this.ratings),
            (item) => item.key,
            (item) => {
              if (item.kind !== 'message') {
                previous = '';
                return item.kind === 'note' ? this.renderNote(item.note) : this.renderRating(item.rating);
              }
              const m = item.message;
              const showName = m.from !== previous;
              previous = m.from;
              return this.renderMessage(m, showName);
            },
          )}
          ${repeat(this.pending, (p) => p.clientId, (p) => pendingMessage(p, 'agent', t, (clientId) => emit(this, 'kefu-retry', { clientId }), this.renderFiles(p.attachments)))}
          ${repeat(this.pendingNotes, (p) => p.clientId, (p) => this.renderNote(p))}
        </div>
        ${this.renderPresence()}
        ${c?.blocked ? html`<p class="blocked" role="status">${t.blockedBanner}</p>` : nothing}
        <slot name="composer"></slot>
      </main>
    `;
  }

  /** Who else is here: a colleague typing, or the visitor typing, and colleagues looking. */
  private renderPresence(): TemplateResult | typeof nothing {
    const t = this.t;
    const typer = this.typer;
    const c = this.conversation;
    const names = this.viewers.filter((v) => v.agent !== typer?.from).map((v) => v.name || v.agent);
    if (!typer && !names.length) return nothing;
    return html`<div class="presence-line" role="status">
      ${typer ? html`<span class="typing">${t.typing(typer.name || (isTeam(typer.from) ? t.team : displayName(c, this.visitorId!, t)))}</span>` : nothing}
      ${names.length ? html`<span class="viewers">${t.alsoViewing(names.join(', '))}</span>` : nothing}
    </div>`;
  }

  private renderFiles(files: readonly Attachment[] | undefined): TemplateResult | typeof nothing {
    if (!files?.length) return nothing;
    return html`<kefu-attachment-list part="files" lang=${this.lang} .attachments=${files} .link=${this.link}></kefu-attachment-list>`;
  }

  private renderNote(n: Note | PendingNote): TemplateResult {
    const t = this.t;
    const sent = 'id' in n;
    const name = !sent || n.from === this.me ? t.you : n.fromName || n.from;
    return html`
      <div class="team-note ${sent ? '' : n.state}" part="note" data-note=${sent ? n.id : n.clientId}>
        <div class="note-head">${t.noteBy(name)}</div>
        <div class="note-body">${linkify(n.content)}</div>
        ${sent
          ? messageMeta(n.createdAt, this.lang)
          : n.state === 'failed'
            ? html`<div class="meta"><span class="state" data-state="failed">${t.failed}</span>
                <button class="retry" type="button" @click=${() => emit(this, 'kefu-retry-note', { clientId: n.clientId })}>${t.retry}</button></div>`
            : html`<div class="meta"><span class="state" data-state="sending">${t.sending}</span></div>`}
      </div>
    `;
  }

  /** The verdict and the visitor's words (`<kefu-rating-line>`, a chunk loaded with the first rating shown). */
  private renderRating(r: Rating): TemplateResult {
    return html`<kefu-rating-line part="rating" data-rating=${r.id} data-score=${r.score} lang=${this.lang} .rating=${r}></kefu-rating-line>`;
  }

  private renderMessage(m: ChatMessage, showName: boolean): TemplateResult {
    const t = this.t;
    const fromVisitor = !isTeam(m.from);
    const mine = m.from === this.me;
    const name = fromVisitor ? displayName(this.conversation, this.visitorId!, t) : mine ? t.you : m.fromName || (m.from === ADMIN ? t.team : m.from);
    const seen = !fromVisitor && (m.read || m.mid <= this.readUpto);
    return html`
      <div class="msg ${fromVisitor ? 'visitor' : 'agent'} ${!fromVisitor && !mine ? 'colleague' : ''} ${m.mid === this.highlight ? 'found' : ''}" part="message" data-mid=${m.mid}>
        ${showName ? html`<div class="name">${name}</div>` : nothing}
        ${m.content || !m.attachments?.length ? html`<div class="bubble" part="bubble">${linkify(m.content)}</div>` : nothing}
        ${this.renderFiles(m.attachments)}
        ${messageMeta(m.createdAt, this.lang, fromVisitor ? undefined : seen ? ['seen', t.seen] : ['sent', t.sent])}
      </div>
    `;
  }
}

/** A reply on its way, with the files it carries. */
export type PendingReplyView = PendingView & { attachments?: readonly Attachment[] };

declare global {
  interface HTMLElementTagNameMap {
    'kefu-conversation': KefuConversation;
  }
  interface GlobalEventHandlersEventMap {
    'kefu-retry': CustomEvent<{ clientId: string }>;
    'kefu-retry-note': CustomEvent<{ clientId: string }>;
    'kefu-load-older': CustomEvent<undefined>;
    'kefu-back': CustomEvent<undefined>;
  }
}
