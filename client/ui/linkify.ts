import { html, type TemplateResult } from 'lit';

// Web and mail addresses in a message become links; everything else stays
// text (Lit binds it as text, never as HTML). Only http(s) and mailto: no
// javascript:, data: or other schemes can be made clickable. Punctuation that
// ends a sentence after an address is not part of it.
const ADDRESS = /\b(?:https?:\/\/|mailto:)[^\s<>"']+/gi;
const TRAILING = /[.,;:!?)\]}'"’”。，；：！？）】]+$/;

/** The text with its addresses as links (new tab, no referrer, no SEO credit). */
export function linkify(text: string): Array<string | TemplateResult> {
  const parts: Array<string | TemplateResult> = [];
  let at = 0;
  for (const m of text.matchAll(ADDRESS)) {
    const href = m[0].replace(TRAILING, '');
    parts.push(text.slice(at, m.index), html`<a href=${href} target="_blank" rel="noopener noreferrer nofollow">${href}</a>`);
    at = m.index! + href.length;
  }
  parts.push(text.slice(at));
  return parts;
}
