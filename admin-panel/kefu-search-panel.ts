import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { ApiError } from '../client/api-error.js';
import { formatTime } from '../client/chat-session.js';
import { emit } from '../client/ui/emit.js';
import { isTeam, type SearchHit } from '../protocol/wire.js';
import { pickAdminStrings } from './i18n/pick-admin-strings.js';
import { searchPanelStyles } from './kefu-search-panel.styles.js';
import { SearchController, excerpt, matchParts, type SearchFn } from './search-controller.js';
import { shortId } from './visitor-labels.js';

const noSearch: SearchFn = () => Promise.reject(new ApiError(503, 'unavailable', 'no search function'));

/**
 * Search over every conversation: a search box and the hits, newest first,
 * each a button that opens its conversation at that message. Content only:
 * the shell puts it in a dialog and calls `focusInput()` when it opens.
 * Arrow Up and Down move between the box and the hits; Enter opens one.
 *
 * @event kefu-search-open - detail `{visitorId, mid}`: the agent picked a hit
 *
 * @csspart input - the search box
 * @csspart hit - each hit's button
 *
 * @cssproperty --kefu-accent, --kefu-on-accent, --kefu-background, --kefu-text, --kefu-muted, --kefu-line, --kefu-surface
 */
@customElement('kefu-search-panel')
export class KefuSearchPanel extends LitElement {
  static override styles = searchPanelStyles;

  /** DeskApi.search: `(q, before, limit, signal) => deskApi.search(q, before, limit, signal)`. */
  @property({ attribute: false }) search?: SearchFn;
  @property() override lang = '';

  // Read at call time, so a search function set later is the one used.
  private readonly searching = new SearchController(this, (q, before, limit, signal) => (this.search ?? noSearch)(q, before, limit, signal));
  /** After "Load more": the first new hit takes the focus when it arrives. */
  private focusHitAt: number | undefined;

  @query('input') private input?: HTMLInputElement;

  private get t() {
    return pickAdminStrings(this.lang);
  }

  /** Puts the caret in the search box, its text selected to type over. */
  async focusInput(): Promise<void> {
    await this.updateComplete;
    this.input?.focus();
    this.input?.select();
  }

  protected override willUpdate(): void {
    this.searching.strings = this.t;
  }

  protected override updated(): void {
    const at = this.focusHitAt;
    if (at === undefined || this.searching.loading) return;
    this.focusHitAt = undefined;
    this.renderRoot.querySelectorAll<HTMLButtonElement>('button.hit')[at]?.focus();
  }

  private handleInput(e: Event): void {
    this.searching.setQuery((e.target as HTMLInputElement).value);
  }

  private handleMore(): void {
    this.focusHitAt = this.searching.hits.length;
    void this.searching.more();
  }

  private handleKeydown(e: KeyboardEvent): void {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const stops = [this.input, ...this.renderRoot.querySelectorAll<HTMLElement>('button.hit, button.more')].filter((el) => !!el);
    const from = stops.indexOf(e.target as HTMLElement);
    const to = from + (e.key === 'ArrowDown' ? 1 : -1);
    // Up from the box is the caret's; past the last stop there is nowhere to go.
    if (from < 0 || to < 0 || to >= stops.length) return;
    e.preventDefault();
    stops[to].focus();
  }

  override render(): TemplateResult {
    const t = this.t;
    const s = this.searching;
    return html`
      <h2>${t.searchHeading}</h2>
      <div class="body" @keydown=${this.handleKeydown}>
        <form role="search" @submit=${(e: Event) => e.preventDefault()}>
          <label for="q">${t.searchLabel}</label>
          <input
            id="q"
            part="input"
            type="search"
            maxlength="100"
            autocomplete="off"
            enterkeyhint="search"
            placeholder=${t.searchPlaceholder}
            .value=${s.query}
            @input=${this.handleInput}
          />
        </form>
        <p class="sr-only" role="status">${this.statusText()}</p>
        ${this.renderState()}
        ${s.hits.length
          ? html`<ul class="hits" aria-label=${t.searchResults} aria-busy=${String(s.loading)}>
              ${repeat(s.hits, (h) => h.mid, (h) => this.renderHit(h))}
            </ul>`
          : nothing}
        ${s.next !== null && s.term && !s.error
          ? html`<button type="button" class="link-button more" ?disabled=${s.loading} @click=${this.handleMore}>${s.loading ? t.searchSearching : t.searchMore}</button>`
          : nothing}
      </div>
    `;
  }

  /** What the live region says: the count once results are in, and nothing while typing. */
  private statusText(): string {
    const t = this.t;
    const s = this.searching;
    if (s.loading) return t.searchSearching;
    if (s.tooShort) return t.searchTooShort;
    if (!s.term) return '';
    return s.hits.length ? t.searchCount(s.hits.length, s.next !== null) : t.searchNone(s.term);
  }

  private renderState(): TemplateResult | typeof nothing {
    const t = this.t;
    const s = this.searching;
    if (s.error) {
      return html`<div class="error" role="alert">
        <span>${s.error}</span>
        <button type="button" class="link-button" @click=${() => void s.retry()}>${t.searchRetry}</button>
      </div>`;
    }
    if (s.tooShort) return html`<p class="hint">${t.searchTooShort}</p>`;
    if (s.loading && !s.hits.length) return html`<p class="hint" aria-hidden="true">${t.searchSearching}</p>`;
    if (!s.query.trim()) return html`<p class="empty">${t.searchIntro}</p>`;
    if (s.term && !s.hits.length && !s.loading) return html`<p class="empty">${t.searchNone(s.term)}</p>`;
    return nothing;
  }

  private renderHit(h: SearchHit): TemplateResult {
    const t = this.t;
    const term = this.searching.term;
    const who = h.name || h.email || t.anonymous(shortId(h.visitorId));
    // Matched on the email while a name is shown: the email too, so the match is in view.
    const alsoEmail = h.match === 'visitor' && h.name && h.email ? h.email : '';
    return html`<li>
      <button
        type="button"
        class="hit"
        part="hit"
        data-mid=${h.mid}
        data-visitor=${h.visitorId}
        @click=${() => emit(this, 'kefu-search-open', { visitorId: h.visitorId, mid: h.mid })}
      >
        <span class="who">${marked(who, term)}${alsoEmail ? html` <span class="email">${marked(alsoEmail, term)}</span>` : nothing}</span>
        <span class="when">${formatTime(h.createdAt, this.lang, { withDate: true })}</span>
        ${h.match === 'visitor' ? html`<span class="note">${t.searchMatchesVisitor}</span>` : nothing}
        <span class="text"><span class="side ${isTeam(h.from) ? 'team' : ''}">${isTeam(h.from) ? t.searchFromTeam : t.searchFromVisitor}</span> ${marked(excerpt(h.content, term), term)}</span>
      </button>
    </li>`;
  }
}

/** Text with every match of `term` in <mark>, built from parts (never parsed as HTML). */
function marked(text: string, term: string): TemplateResult[] {
  return matchParts(text, term).map((p) => (p.match ? html`<mark>${p.text}</mark>` : html`${p.text}`));
}

declare global {
  interface HTMLElementTagNameMap {
    'kefu-search-panel': KefuSearchPanel;
  }
  interface GlobalEventHandlersEventMap {
    'kefu-search-open': CustomEvent<{ visitorId: string; mid: number }>;
  }
}
