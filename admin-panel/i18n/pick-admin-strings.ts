import { en, type AdminStrings } from './en.js';
import { zhCN } from './zh-CN.js';

/** The console's strings for a `lang` attribute, else for the browser's language. */
export function pickAdminStrings(lang?: string | null): AdminStrings {
  const wanted = (lang || navigator.language || 'en').toLowerCase();
  return wanted.startsWith('zh') ? zhCN : en;
}
