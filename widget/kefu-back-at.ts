import { backAt } from './back-at.js';
import { pickLocale } from './i18n/pick-strings.js';

/**
 * `<kefu-back-at at="ISO" lang="…">`: the panel's line on the leave-a-message
 * form (`lang` as the panel's: empty follows the browser), drawn as one strong
 * line. A plain element, so this chunk needs no Lit and the panel only names it.
 */
export class KefuBackAt extends HTMLElement {
  static readonly observedAttributes = ['at', 'lang'];

  connectedCallback(): void {
    this.attributeChangedCallback();
  }

  attributeChangedCallback(): void {
    const text = backAt(this.getAttribute('at') ?? '', pickLocale(this.lang));
    const line = document.createElement('strong');
    line.textContent = text;
    this.replaceChildren(line);
    // Past its time (the next team answer says more) it takes no room in the form.
    this.hidden = !text;
  }
}

if (!customElements.get('kefu-back-at')) customElements.define('kefu-back-at', KefuBackAt);

declare global {
  interface HTMLElementTagNameMap {
    'kefu-back-at': KefuBackAt;
  }
}
