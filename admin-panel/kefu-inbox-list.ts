import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { formatTime } from '../client/chat-session.js';
import { emit } from '../client/ui/emit.js';
import { pickAdminStrings } from './i18n/pick-admin-strings.js';
import type { InboxConversation } from './inbox-controller.js';
import { listStyles } from './kefu-inbox-list.styles.js';
import { displayName } from './visitor-labels.js';

/**
 * The console's conversation list with its filter box: one button per
 * conversation (name, time, last message, unread count, online dot, page).
 * The filter searches names, emails, pages and messages; it is this
 * component's own state.
 *
 * @event kefu-select - detail `{visitorId}`: the agent picked a conversation
 *
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
  @property() override lang = '';

  @state() private filter = '';

  private get t() {
    return pickAdminStrings(this.lang);
  }

  private shows(c: InboxConversation): boolean {
    const q = this.filter.trim().toLowerCase();
    if (!q) return true;
    return [c.visitorId, c.name, c.email, c.page, c.lastMessage?.content].some((v) => v && v.toLowerCase().includes(q));
  }

  private handleFilter(e: Event): void {
    this.filter = (e.target as HTMLInputElement).value;
  }

  override render(): TemplateResult {
    const t = this.t;
    const all = this.conversations;
    const shown = all.filter((c) => this.shows(c));
    return html`
      <aside class="list" aria-label=${t.conversations}>
        <input
          class="filter"
          part="filter"
          type="search"
          aria-label=${t.filter}
          placeholder=${t.filterPlaceholder}
          .value=${this.filter}
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

  private renderEntry(c: InboxConversation): TemplateResult {
    const t = this.t;
    return html`<li>
      <button
        type="button"
        class="conv ${c.unread ? 'has-unread' : ''}"
        data-visitor=${c.visitorId}
        aria-current=${String(c.visitorId === this.selected)}
        @click=${() => emit(this, 'kefu-select', { visitorId: c.visitorId })}
      >
        <span class="dot ${c.online ? 'on' : ''}" title=${c.online ? t.visitorOnline : t.visitorOffline}></span>
        <span class="who">${displayName(c, c.visitorId, t)}</span>
        <span class="when">${formatTime(c.lastMessage?.createdAt ?? c.lastMessageAt, this.lang)}</span>
        <span class="last">${c.lastMessage?.content ?? ''}</span>
        ${c.unread ? html`<span class="count" aria-label=${t.unread(c.unread)}>${c.unread}</span>` : nothing}
        ${c.page ? html`<span class="page">${c.page}</span>` : nothing}
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
  }
}
