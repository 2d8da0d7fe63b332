import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { formatTime } from '../client/chat-session.js';
import { pickAdminStrings } from './i18n/pick-admin-strings.js';
import type { InboxConversation } from './inbox-controller.js';
import { detailsStyles } from './kefu-visitor-details.styles.js';
import { identityBadge, safeLink } from './visitor-labels.js';

/**
 * The details column of the open conversation: name, email, whether the
 * site vouched for them, current page, where they came from, first and last
 * seen, when they gave consent, and last the visitor's id (for support). Page and referrer come
 * from the visitor's browser, so only http(s) addresses become links.
 *
 * @cssproperty --kefu-accent, --kefu-text, --kefu-muted, --kefu-line
 */
@customElement('kefu-visitor-details')
export class KefuVisitorDetails extends LitElement {
  static override styles = detailsStyles;

  /** The open conversation's visitor; none leaves the column empty. */
  @property() visitorId?: string;
  @property({ attribute: false }) conversation?: InboxConversation;
  @property() override lang = '';

  override render(): TemplateResult {
    const t = pickAdminStrings(this.lang);
    const id = this.visitorId;
    const c = this.conversation;
    if (!id) return html`<aside></aside>`;
    const when = (iso: string | null | undefined) => formatTime(iso, this.lang, { withDate: true });
    const row = (label: string, value: TemplateResult | string | null | undefined, cls = '') =>
      html`<div class=${cls}><dt>${label}</dt><dd>${value || t.none}</dd></div>`;
    return html`
      <aside aria-label=${t.details}>
        <h3>${t.details}</h3>
        <dl>
          ${row(t.name, c?.name)} ${row(t.email, c?.email ? html`<a href=${'mailto:' + c.email}>${c.email}</a>` : null)}
          ${row(t.identity, identityBadge(c, t))}
          ${row(t.page, safeLink(c?.page))} ${row(t.referrer, safeLink(c?.referrer))}
          ${row(t.firstSeen, when(c?.firstSeenAt))}
          ${row(t.lastSeen, c?.online ? t.visitorOnline : when(c?.lastSeenAt))}
          ${c?.consentAt ? row(t.consent, when(c.consentAt)) : nothing}
          ${row(t.visitor, id, 'id')}
        </dl>
      </aside>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kefu-visitor-details': KefuVisitorDetails;
  }
}
