import { html, type TemplateResult } from 'lit';
import type { AdminStrings } from './i18n/en.js';
import type { InboxConversation } from './inbox-controller.js';

// How the console names and labels a visitor, the same in the list, the
// conversation's head and the details column.

/** The visitor's name, else email, else "Visitor" and a short id. */
export function displayName(c: Pick<InboxConversation, 'name' | 'email'> | undefined, visitorId: string, t: AdminStrings): string {
  return c?.name || c?.email || t.anonymous(shortId(visitorId));
}

/**
 * Enough of a visitor id to tell visitors apart in the list (the details column
 * shows it whole). Only for display: six of the 22 random characters of Kefu's
 * own ids; ids other software chose (`guest42`, a session id) as they are, cut when long.
 */
export function shortId(id: string): string {
  if (/^v_[A-Za-z0-9_-]{22}$/.test(id)) return id.slice(2, 8);
  return id.length > 12 ? id.slice(0, 11) + '…' : id;
}

/** Whether the site vouched for this visitor: typed names and emails can be anyone's. */
export function identityBadge(c: InboxConversation | undefined, t: AdminStrings): TemplateResult {
  return c?.verified
    ? html`<span class="identity verified" data-verified="true" title=${t.verifiedHint}>${t.verified}</span>`
    : html`<span class="identity" data-verified="false" title=${t.unverifiedHint}>${t.unverified}</span>`;
}

/** "Chrome 131 on Windows 10", either half alone, or null when neither is known. */
export function browserLabel(c: InboxConversation | undefined, t: AdminStrings): string | null {
  if (c?.browser && c.os) return t.browserOn(c.browser, c.os);
  return c?.browser || c?.os || null;
}

/**
 * The visitor's wall clock at `now`, "14:32", with the weekday when their
 * date is not the agent's; null for a zone this browser's Intl does not know.
 */
export function localTime(zone: string, now: Date, lang: string): string | null {
  const locale = lang || undefined;
  try {
    const day = (timeZone?: string) => new Intl.DateTimeFormat('en-CA', { timeZone, dateStyle: 'short' }).format(now);
    const otherDay = day(zone) !== day();
    return new Intl.DateTimeFormat(locale, { timeZone: zone, hour: '2-digit', minute: '2-digit', ...(otherDay ? { weekday: 'short' } : {}) }).format(now);
  } catch {
    return null;
  }
}

/** A link only for http(s) URLs: page and referrer come from the visitor's browser. */
/** `example.com/shop/item?id=3`: host and path without the scheme, `www.` or a lone trailing slash. */
export function shortUrl(u: URL): string {
  const path = u.pathname === '/' ? '' : u.pathname;
  return u.host.replace(/^www\./, '') + path + u.search;
}

/** A page address for a one-line label: shortUrl of it, or the text as it came when it is no URL. */
export function pageLabel(url: string): string {
  try {
    return shortUrl(new URL(url));
  } catch {
    return url;
  }
}

export function safeLink(url: string | null | undefined): TemplateResult | string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    if (u.protocol === 'http:' || u.protocol === 'https:') {
      // The address without its scheme, on one line cut with "…" (the whole of it in the tooltip and the link):
      // a long URL broken over several lines mid-word reads as noise.
      return html`<a class="url" href=${u.href} title=${u.href} target="_blank" rel="noopener noreferrer">${shortUrl(u)}</a>`;
    }
  } catch {
    // not a URL: shown as text
  }
  return url;
}
