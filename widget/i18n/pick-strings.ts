import type { Strings } from './en.js';

export type Locale = 'en' | 'zh-CN';

/** The language for a `lang` attribute, else the browser's; English by default. */
export function pickLocale(lang?: string | null): Locale {
  const wanted = (lang || (typeof navigator !== 'undefined' ? navigator.language : '') || 'en').toLowerCase();
  return wanted.startsWith('zh') ? 'zh-CN' : 'en';
}

/** The launcher's own words, both languages: it shows them before any chunk loads. */
const LAUNCHER = {
  en: { openChat: 'Open chat', closeChat: 'Close chat', dismiss: 'Dismiss', unread: (n: number) => (n === 1 ? '1 unread message' : `${n} unread messages`) },
  'zh-CN': { openChat: '打开对话', closeChat: '关闭对话', dismiss: '关闭提示', unread: (n: number) => `${n} 条未读消息` },
};

export function launcherStrings(lang?: string | null): (typeof LAUNCHER)['en'] {
  return LAUNCHER[pickLocale(lang)];
}

/** The panel's strings, one chunk per language. */
export function loadStrings(locale: Locale): Promise<Strings> {
  return locale === 'zh-CN' ? import('./zh-CN.js').then((m) => m.zhCN) : import('./en.js').then((m) => m.en);
}
