import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { formatTime } from '../client/chat-session.js';
import { emit } from '../client/ui/emit.js';
import { isTeam, type ConversationCounts, type ConversationFilter } from '../protocol/wire.js';
import { previewText } from './attachment-rules.js';
import { TABS } from './conversation-filter.js';
import { pickAdminStrings } from './i18n/pick-admin-strings.js';
import type { InboxConversation } from './inbox-controller.js';
import { listStyles } from './kefu-inbox-list.styles.js';
import { displayName, pageLabel } from './visitor-labels.js';

/**
 * The console's conversation list: tabs (mine, unassigned, all open,
 * resolved) with their counts, a filter box, and one button per conversation
 * (name, time, last message with "You:" when the agent had the last word,
 * owner, status, unread count, online dot, page). The filter searches names,
 * emails, pages and messages; it is this component's own state.
 *
 * @event kefu-select - detail `{visitorId}`: the agent picked a conversation
 * @event kefu-filter - detail `{filter}`: the agent picked a tab
 *
 * @csspart tabs - the row of tabs
 * @csspart filter - the search box
 *
 * @cssproperty --kefu-accent, --kefu-on-accent, --kefu-background, --kefu-text, --kefu-muted, --kefu-line, --kefu-surface
 */
@customElement('kefu-inbox-list')
export class KefuInboxList extends LitElement {
  static override styles = listStyles;

  /** The conversations in display order (latest activity first). */
  @property({ attribute: false }) conversations: readonly InboxConversation[] = [];
  /** The open conversation's visitor id. */
  @property() selected?: string;
  /** The list has been fetched once: an empty one means "no conversations yet". */
  @property({ type: Boolean }) loaded = false;
  /** The tab shown; `conversations` already holds only its entries. */
  @property() filter: ConversationFilter = 'open';
  @property({ attribute: false }) counts?: ConversationCounts;
  /** `agent:<id>` of the signed-in agent. */
  @property() me?: string;
  @property() override lang = '';

  @state() private query = '';

  private get t() {
    return pickAdminStrings(this.lang);
  }

  private shows(c: InboxConversation): boolean {
    const q = this.query.trim().toLowerCase();
    if (!q) return true;
    return [c.visitorId, c.name, c.email, c.page, c.lastMessage && previewText(c.lastMessage, this.t.filesPreview)].some((v) => v && v.toLowerCase().includes(q));
  }

  private handleFilter(e: Event): void {
    this.query = (e.target as HTMLInputElement).value;
  }

  override render(): TemplateResult {
    const t = this.t;
    const all = this.conversations;
    const shown = all.filter((c) => this.shows(c));
    return html`
      <aside class="list" aria-label=${t.conversations}>
        ${this.renderTabs()}
        <input
          class="filter"
          part="filter"
          type="search"
          aria-label=${t.filter}
          placeholder=${t.filterPlaceholder}
          .value=${this.query}
          @input=${this.handleFilter}
        />
        ${!all.length && this.loaded ? html`<p class="empty">${t.noConversations}</p>` : nothing}
        ${all.length && !shown.length ? html`<p class="empty">${t.noMatch}</p>` : nothing}
        <ul>
          ${repeat(shown, (c) => c.visitorId, (c) => this.renderEntry(c))}
        </ul>
      </aside>
    `;
  }

  private renderTabs(): TemplateResult {
    const t = this.t;
    const label = { mine: t.tabMine, unassigned: t.tabUnassigned, open: t.tabOpen, resolved: t.tabResolved };
    return html`<div class="tabs" part="tabs" role="group" aria-label=${t.listTabs}>
      ${TABS.map((f) => {
        const n = this.counts?.[f];
        return html`<button type="button" data-filter=${f} aria-pressed=${String(this.filter === f)} @click=${() => emit(this, 'kefu-filter', { filter: f })}>
          ${label[f]}${n === undefined ? nothing : html` <span class="tab-count">${n}</span>`}
        </button>`;
      })}
    </div>`;
  }

  private owner(c: InboxConversation): string {
    const t = this.t;
    if (!c.assignee) return t.ownerNobody;
    return c.assignee === this.me ? t.ownerYou : c.assigneeName || c.assignee;
  }

  private renderEntry(c: InboxConversation): TemplateResult {
    const t = this.t;
    const last = c.lastMessage;
    const status = c.status ?? 'open';
    // The visitor had the last word in a conversation still being worked on: someone owes them an answer.
    const waiting = Boolean(last && !isTeam(last.from)) && status !== 'resolved';
    return html`<li>
      <button
        type="button"
        class="conv ${c.unread ? 'has-unread' : ''} ${waiting ? 'awaiting' : ''}"
        data-visitor=${c.visitorId}
        aria-current=${String(c.visitorId === this.selected)}
        @click=${() => emit(this, 'kefu-select', { visitorId: c.visitorId })}
      >
        <span class="dot ${c.online ? 'on' : ''}" title=${c.online ? t.visitorOnline : t.visitorOffline}></span>
        <span class="who">${displayName(c, c.visitorId, t)}</span>
        <span class="when">${formatTime(c.lastMessage?.createdAt ?? c.lastMessageAt, this.lang)}</span>
        <span class="last">${last && isTeam(last.from) && last.from === this.me ? t.youPrefix : ''}${last ? previewText(last, t.filesPreview) : ''}</span>
        ${c.unread ? html`<span class="count" aria-label=${t.unread(c.unread)}>${c.unread}</span>` : nothing}
        <span class="owner" data-owner=${c.assignee ?? ''}
          >${this.owner(c)}${status === 'open' ? '' : html` · <span class="status" data-status=${status}>${t.statusLabel[status]}</span>`}${waiting
            ? html` · <span class="waiting">${t.awaitingReply}</span>`
            : nothing}</span
        >
        ${c.page ? html`<span class="page" title=${c.page}>${pageLabel(c.page)}</span>` : nothing}
      </button>
    </li>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kefu-inbox-list': KefuInboxList;
  }
  interface GlobalEventHandlersEventMap {
    'kefu-select': CustomEvent<{ visitorId: string }>;
    'kefu-filter': CustomEvent<{ filter: ConversationFilter }>;
  }
}
