import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { formatTime } from '../client/chat-session.js';
import { emit } from '../client/ui/emit.js';
import type { RelatedConversation } from '../protocol/wire.js';
import type { AdminStrings } from './i18n/en.js';
import { pickAdminStrings } from './i18n/pick-admin-strings.js';
import type { InboxConversation } from './inbox-controller.js';
import { detailsStyles } from './kefu-visitor-details.styles.js';
import { MinuteClock } from './minute-clock.js';
import { RelatedController, type RelatedFn } from './related-controller.js';
import { browserLabel, displayName, identityBadge, localTime, safeLink } from './visitor-labels.js';

/**
 * The details column of the open conversation: name, email, whether the
 * site vouched for them, current page, where they came from, browser and
 * device, their local time (renewed each minute), first and last seen, when
 * they gave consent, the visitor's id (for support), and last the person's
 * past conversations (same verified user or email), fetched when a
 * conversation is shown. Page and referrer come from the visitor's browser,
 * so only http(s) addresses become links.
 *
 * @event kefu-select - detail `{visitorId}`: the agent picked a past conversation
 *
 * @cssproperty --kefu-accent, --kefu-text, --kefu-muted, --kefu-line
 */
@customElement('kefu-visitor-details')
export class KefuVisitorDetails extends LitElement {
  static override styles = detailsStyles;

  /** The open conversation's visitor; none leaves the column empty. */
  @property() visitorId?: string;
  @property({ attribute: false }) conversation?: InboxConversation;
  /** Where past conversations come from (AgentApi.related); without it none are shown. */
  @property({ attribute: false }) related?: RelatedFn;
  @property() override lang = '';

  private readonly clock = new MinuteClock(this);
  private readonly past = new RelatedController(this, (id, signal) => this.related?.(id, signal) ?? Promise.resolve([]));
  /**
   * The past conversation last picked here. Its name, email and identity stand in
   * until the inbox knows that conversation (a resolved one is not in the open
   * tab's list), rather than "unverified" and dashes.
   */
  private picked: RelatedConversation | undefined;

  private get shown(): InboxConversation | undefined {
    const p = this.picked;
    if (this.conversation || !p || p.visitorId !== this.visitorId) return this.conversation;
    return { visitorId: p.visitorId, unread: 0, name: p.name, email: p.email, verified: p.verified, status: p.status };
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('visitorId') || changed.has('conversation') || changed.has('related')) {
      this.past.show(this.related ? this.visitorId : undefined, this.shown?.email);
    }
  }

  private pick(r: RelatedConversation): void {
    this.picked = r;
    emit(this, 'kefu-select', { visitorId: r.visitorId });
  }

  override render(): TemplateResult {
    const t = pickAdminStrings(this.lang);
    const id = this.visitorId;
    const c = this.shown;
    if (!id) return html`<aside></aside>`;
    const when = (iso: string | null | undefined) => formatTime(iso, this.lang, { withDate: true });
    const row = (label: string, value: TemplateResult | string | null | undefined, cls = '') =>
      html`<div class=${cls}><dt>${label}</dt><dd>${value || t.none}</dd></div>`;
    const time = c?.timeZone ? localTime(c.timeZone, this.clock.now, this.lang) : null;
    const browser = browserLabel(c, t);
    return html`
      <aside aria-label=${t.details}>
        <h3>${t.details}</h3>
        <dl>
          ${row(t.name, c?.name)} ${row(t.email, c?.email ? html`<a href=${'mailto:' + c.email}>${c.email}</a>` : null)}
          ${row(t.identity, identityBadge(c, t))}
          ${row(t.page, safeLink(c?.page))} ${row(t.referrer, safeLink(c?.referrer))}
          ${browser ? row(t.browser, browser, 'browser') : nothing}
          ${c?.device ? row(t.device, t.deviceLabel[c.device], 'device') : nothing}
          ${time && c?.timeZone ? row(t.localTime, t.localTimeIn(time, c.timeZone), 'local-time') : nothing}
          ${row(t.firstSeen, when(c?.firstSeenAt))}
          ${row(t.lastSeen, c?.online ? t.visitorOnline : when(c?.lastSeenAt))}
          ${c?.consentAt ? row(t.consent, when(c.consentAt)) : nothing}
          ${row(t.visitor, id, 'id')}
        </dl>
        ${this.renderPast(t)}
      </aside>
    `;
  }

  /** Nothing at all, heading included, when the person has no other conversation. */
  private renderPast(t: AdminStrings): TemplateResult | typeof nothing {
    const items = this.past.items;
    if (!items.length) return nothing;
    const entry = (r: RelatedConversation) => html`<li>
      <button type="button" class="past" data-visitor=${r.visitorId} @click=${() => this.pick(r)}>
        <span class="what">${r.preview || displayName(r, r.visitorId, t)}</span>
        <span class="meta">${formatTime(r.lastAt, this.lang, { withDate: true })} · <span data-status=${r.status}>${t.statusLabel[r.status]}</span></span>
      </button>
    </li>`;
    return html`<section class="past-list" aria-labelledby="past-heading">
      <h4 id="past-heading">${t.pastConversations}</h4>
      <ul>
        ${repeat(items, (r) => r.visitorId, entry)}
      </ul>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kefu-visitor-details': KefuVisitorDetails;
  }
}
