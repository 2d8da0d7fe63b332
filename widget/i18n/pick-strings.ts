import { en, type Strings } from './en.js';
import { zhCN } from './zh-CN.js';

/** The strings for a `lang` attribute, else for the browser's language; English by default. */
export function pickStrings(lang?: string | null): Strings {
  const wanted = (lang || (typeof navigator !== 'undefined' ? navigator.language : '') || 'en').toLowerCase();
  return wanted.startsWith('zh') ? zhCN : en;
}

/** The BCP 47 tag matching pickStrings, for `lang=` and date formatting. */
export function pickLocale(lang?: string | null): 'en' | 'zh-CN' {
  return pickStrings(lang) === zhCN ? 'zh-CN' : 'en';
}
