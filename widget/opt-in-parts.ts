import { css, html, nothing, type TemplateResult } from 'lit';
import type { Strings } from './i18n/en.js';
import type { Locale } from './i18n/pick-strings.js';

// The parts of the panel only some sites turn on (`prechat`, `consent`): a
// chunk of their own, with their own words in both languages, so the panel
// and the strings everyone loads stay within the widget's budget.

const WORDS = {
  en: { prechatIntro: 'Please introduce yourself before we start.', prechatSubmit: 'Start chat', nameRequired: 'Name', emailRequired: 'Email', consentNeeded: 'Please tick the box above before you send a message.', privacyPolicy: 'Privacy policy' },
  'zh-CN': { prechatIntro: '开始对话前，请留下您的称呼。', prechatSubmit: '开始对话', nameRequired: '称呼', emailRequired: '邮箱', consentNeeded: '发送消息前，请先勾选上方的同意框。', privacyPolicy: '隐私政策' },
};

export type OptInWords = (typeof WORDS)['en'];

export const words = (locale: Locale): OptInWords => WORDS[locale];

/** The pre-chat form; `required` lists the fields that must be filled ('name', 'email'). */
export function prechatForm(t: Strings & OptInWords, required: string | undefined, submit: (e: SubmitEvent) => void): TemplateResult {
  const [name, email] = ['name', 'email'].map((f) => (required ?? '').toLowerCase().split(/[\s,]+/).includes(f));
  return html`
    <form class="form" part="form" @submit=${submit}>
      <p>${t.prechatIntro}</p>
      <label>${name ? t.nameRequired : t.nameLabel}<input name="name" autocomplete="name" maxlength="100" ?required=${name} /></label>
      <label>${email ? t.emailRequired : t.emailLabel}<input name="email" type="email" autocomplete="email" maxlength="200" ?required=${email} /></label>
      <button class="primary" type="submit">${t.prechatSubmit}</button>
    </form>
  `;
}

/** The consent checkbox, with the site's text and, when it is a web address, its privacy policy. */
export function consentBox(t: OptInWords, text: string, privacyUrl: string | undefined): TemplateResult {
  // Only a web address becomes a link: the attribute is the site's, but never a script URL.
  const policy = /^https?:\/\//i.test(privacyUrl ?? '') ? html` <a href=${privacyUrl!} target="_blank" rel="noopener">${t.privacyPolicy}</a>` : nothing;
  return html`<label class="consent" part="consent"><input type="checkbox" name="consent" /> <span>${text}${policy}</span></label>`;
}

/** Added to the panel's adopted sheets when this chunk loads (never a <style>: strict CSPs block those). */
export const optInStyles = css`
  .consent {
    flex-basis: 100%;
    display: flex;
    flex-direction: row;
    gap: 8px;
    align-items: flex-start;
    font-size: 13px;
    line-height: 18px;
    color: var(--_text);
  }
  .consent input[type='checkbox'] {
    flex: none;
    padding: 0;
    margin: 2px 0 0;
    accent-color: var(--_accent);
  }
  .consent a {
    color: inherit;
  }
`;
