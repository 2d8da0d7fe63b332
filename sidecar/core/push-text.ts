// What a push notification says, in the language of the console that
// subscribed (en, zh-CN), and the JSON the service worker receives
// (admin-panel/console-sw.ts). Kept small: a push message carries at most
// about 4 KB, and the text travels encrypted to the agent's device only.
import { FILE_MARK } from './attachment-text.js';

export type PushKind = 'new-conversation' | 'message' | 'escalate';

/** The payload, as JSON, of every notification (docs/PROTOCOL.md, "Web Push"). */
export interface PushPayload {
  title: string;
  body: string;
  /** The conversation: also the notification's tag, so a newer one replaces it. */
  visitorId: string;
  /** The console page with `#conversation=<visitorId>`; null: the service worker's own console. */
  url: string | null;
}

export const BODY_CHARS = 120;

const STRINGS = {
  en: {
    visitor: (short: string) => `Visitor ${short}`,
    'new-conversation': (name: string) => `New conversation: ${name}`,
    message: (name: string) => name,
    escalate: (name: string, minutes: number) => `${name} has waited ${minutes} min for an answer`,
    file: 'Sent a file',
  },
  'zh-CN': {
    visitor: (short: string) => `访客 ${short}`,
    'new-conversation': (name: string) => `新对话：${name}`,
    message: (name: string) => name,
    escalate: (name: string, minutes: number) => `${name} 已等待回复 ${minutes} 分钟`,
    file: '发送了文件',
  },
} as const;

/** As the console's list shows a visitor without a name (admin-panel/visitor-labels.ts). */
function shortId(id: string): string {
  if (/^v_[A-Za-z0-9_-]{22}$/.test(id)) return id.slice(2, 8);
  return id.length > 12 ? id.slice(0, 11) + '…' : id;
}

/**
 * The message as one line of at most BODY_CHARS characters. A file line
 * (core/attachment-text.ts) keeps its name only: its address is of no use on
 * a lock screen.
 */
export function pushBody(content: string, lang: 'en' | 'zh-CN'): string {
  const text = content
    .split('\n')
    .map((line) => (line.startsWith(FILE_MARK) ? line.replace(/ \([^()]*\): \/kefu\/api\/attachments\/\S+$/, '') : line))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...(text || STRINGS[lang].file)];
  return chars.length <= BODY_CHARS ? chars.join('') : chars.slice(0, BODY_CHARS - 1).join('') + '…';
}

export interface PushFacts {
  kind: PushKind;
  visitorId: string;
  /** The visitor's name or email, if known. */
  name: string | null;
  content: string;
  /** For `escalate`: how long the visitor has waited. */
  minutes?: number;
}

export function pushPayload(facts: PushFacts, lang: 'en' | 'zh-CN', page: string | null): PushPayload {
  const s = STRINGS[lang];
  const name = facts.name || s.visitor(shortId(facts.visitorId));
  const title = facts.kind === 'escalate' ? s.escalate(name, facts.minutes ?? 0) : s[facts.kind](name);
  return {
    title,
    body: pushBody(facts.content, lang),
    visitorId: facts.visitorId,
    url: page ? `${page}#conversation=${encodeURIComponent(facts.visitorId)}` : null,
  };
}
