import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { messageMeta } from '../client/ui/message-parts.js';
import type { Rating } from '../protocol/wire.js';
import { baseStyles } from './console-base.styles.js';

// Its words, both languages, come with it: a chunk of its own, loaded the
// first time a conversation with a rating is shown (the console's first load
// has a budget, and most threads have no rating).
const WORDS = {
  en: { good: 'Rated 👍 Good', bad: 'Rated 👎 Bad' },
  'zh-CN': { good: '评价 👍 满意', bad: '评价 👎 不满意' },
};

/**
 * A visitor's rating as a line of the conversation's thread, placed like a
 * note: the verdict, their words in quotes, and when they gave it.
 *
 * @cssproperty --kefu-background, --kefu-text, --kefu-muted, --kefu-line
 */
@customElement('kefu-rating-line')
export class KefuRatingLine extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        align-self: center;
        max-width: min(560px, 92%);
        margin: 8px 0 4px;
        padding: 4px 12px;
        border: 1px solid var(--_line);
        border-radius: 10px;
        background: var(--_bg);
        color: var(--_text);
        font-size: var(--_t1, 12px);
        text-align: center;
        overflow-wrap: anywhere;
      }
      .meta {
        display: flex;
        justify-content: center;
        gap: 6px;
        color: var(--_muted);
      }
    `,
  ];

  @property({ attribute: false }) rating?: Rating;
  /** `en` or `zh-CN`; else the browser's language. */
  @property() override lang = '';

  override render(): TemplateResult | typeof nothing {
    const r = this.rating;
    if (!r) return nothing;
    const w = (this.lang || navigator.language || 'en').toLowerCase().startsWith('zh') ? WORDS['zh-CN'] : WORDS.en;
    return html`<span>${r.score === 'good' ? w.good : w.bad}${r.comment ? html`: <q>${r.comment}</q>` : nothing}</span>${messageMeta(r.createdAt, this.lang)}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kefu-rating-line': KefuRatingLine;
  }
}
