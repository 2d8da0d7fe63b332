import { en, type AdminStrings } from './en.js';

/** The Chinese strings, once loaded: a chunk of their own, so an English console never downloads them. */
let zhCN: AdminStrings | undefined;

const wantsChinese = (lang?: string | null) => (lang || navigator.language || 'en').toLowerCase().startsWith('zh');

/** Loads the strings `pickAdminStrings(lang)` should give; resolves at once when they are English or already here. */
export async function loadAdminStrings(lang?: string | null): Promise<void> {
  if (wantsChinese(lang) && !zhCN) zhCN = (await import('./zh-CN.js')).zhCN;
}

/** The console's strings for a `lang` attribute, else for the browser's language (English until loadAdminStrings is done). */
export function pickAdminStrings(lang?: string | null): AdminStrings {
  return wantsChinese(lang) && zhCN ? zhCN : en;
}
