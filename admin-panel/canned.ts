import type { CannedReply } from '../protocol/wire.js';

// Canned replies in the composer, without DOM: when the picker opens, which
// replies it offers, and what inserting one does to the text.

// A `/` at the start or after whitespace (ASCII or the ideographic space of
// CJK input), then the query up to the caret. The query stops at a second
// `/`, so a path ("/usr/bin") or "//" does not open the picker, and "a/b",
// "and/or" or "http://x" never do: the slash must start a word.
const TOKEN = /(?:^|\s)\/([^\s/]*)$/u;
const TOKEN_CHAR = /[^\s/]/u;

/** Where the `/query` token before the caret starts, and its query; null when the picker should stay closed. */
export function cannedQuery(text: string, caret: number): { start: number; query: string } | null {
  const m = TOKEN.exec(text.slice(0, caret));
  if (!m) return null;
  const query = m[1]!;
  return { start: caret - query.length - 1, query };
}

/** Shortcuts compare case-blind, then as typed, so the order never depends on the browser's locale data. */
export function byShortcut(a: CannedReply, b: CannedReply): number {
  const x = a.shortcut.toLowerCase();
  const y = b.shortcut.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a.shortcut < b.shortcut ? -1 : a.shortcut > b.shortcut ? 1 : 0;
}

/**
 * The replies the picker offers for `query`, best first: shortcut starts
 * with it, shortcut contains it, title contains it, text contains it; within
 * each, the agent's own before the team's (an own reply is usually the more
 * specific one), then by shortcut. An empty query offers every reply by
 * shortcut. At most `limit`.
 */
export function matchCanned(list: readonly CannedReply[], query: string, limit = 8): CannedReply[] {
  const q = query.toLowerCase();
  if (!q) return [...list].sort((a, b) => byShortcut(a, b) || Number(a.owner === null) - Number(b.owner === null)).slice(0, limit);
  const rank = (c: CannedReply): number => {
    const shortcut = c.shortcut.toLowerCase();
    if (shortcut.startsWith(q)) return 0;
    if (shortcut.includes(q)) return 1;
    if (c.title.toLowerCase().includes(q)) return 2;
    if (c.content.toLowerCase().includes(q)) return 3;
    return -1;
  };
  return list
    .map((c) => ({ c, rank: rank(c) }))
    .filter((r) => r.rank >= 0)
    .sort((a, b) => a.rank - b.rank || Number(a.c.owner === null) - Number(b.c.owner === null) || byShortcut(a.c, b.c))
    .slice(0, limit)
    .map((r) => r.c);
}

export interface PlaceholderValues {
  visitorName?: string | null;
  visitorEmail?: string | null;
  agentName?: string | null;
}

/** What a name placeholder becomes when the name is unknown ("Hi there", not "Hi "). */
export interface PlaceholderFallback {
  visitorName: string;
  agentName: string;
}

const PLACEHOLDER = /\{\s*(visitor|agent)\s*\.\s*(name|email)\s*\}/giu;

/**
 * Fills `{visitor.name}`, `{visitor.email}` and `{agent.name}` (PROTOCOL.md,
 * "Help desk"), forgiving spaces inside the braces and letter case. An
 * unknown email becomes nothing; an unknown name becomes the fallback. Any
 * other `{…}` stays as typed, and values are never read as placeholders
 * themselves (one pass), so a visitor called "{agent.name}" stays that.
 */
export function fillPlaceholders(content: string, values: PlaceholderValues, fallback: PlaceholderFallback): string {
  return content.replace(PLACEHOLDER, (whole, who: string, what: string) => {
    const key = `${who.toLowerCase()}.${what.toLowerCase()}`;
    if (key === 'visitor.name') return values.visitorName?.trim() || fallback.visitorName;
    if (key === 'visitor.email') return values.visitorEmail?.trim() || '';
    if (key === 'agent.name') return values.agentName?.trim() || fallback.agentName;
    return whole;
  });
}

/**
 * Puts `content` where the `/query` token was. The token runs from `start`
 * through the caret and on to the end of the word, so picking with the caret
 * inside "/ref|und" leaves no "und" behind. The caret lands after the content.
 */
export function insertCanned(text: string, at: { start: number; caret: number }, content: string): { text: string; caret: number } {
  let end = at.caret;
  while (end < text.length && TOKEN_CHAR.test(text[end]!)) end++;
  return { text: text.slice(0, at.start) + content + text.slice(end), caret: at.start + content.length };
}

/** A reply's text on one line, for lists: runs of whitespace become one space, long text is cut with "…". */
export function cannedPreview(content: string, max = 120): string {
  const line = content.replace(/\s+/gu, ' ').trim();
  const chars = Array.from(line);
  return chars.length > max ? chars.slice(0, max).join('') + '…' : line;
}
