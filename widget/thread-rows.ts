import type { ChatMessage } from '../client/types.js';

/** Messages closer than this, from the same sender on the same day, form one group. */
export const GROUP_MS = 5 * 60_000;

/** One message as the thread draws it. */
export interface ThreadRow {
  message: ChatMessage;
  /** The local day, when this message starts one: a date separator goes above it. */
  day?: Date;
  /** First of its group: the sender's name and face go above it. */
  head: boolean;
  /** Last of its group: its time (and, for the visitor's last message, the receipt) go below it. */
  tail: boolean;
}

/**
 * Groups a thread the way messengers do: one name above a run of messages
 * from one sender, one time below it, and a date line where the day changes.
 */
export function threadRows(messages: readonly ChatMessage[], groupMs = GROUP_MS): ThreadRow[] {
  const rows: ThreadRow[] = [];
  let last: ThreadRow | undefined;
  let lastAt = 0;
  for (const message of messages) {
    const at = new Date(message.createdAt ?? '').getTime() || 0;
    const newDay = !last || new Date(lastAt).toDateString() !== new Date(at).toDateString();
    const head = newDay || last!.message.from !== message.from || at - lastAt > groupMs;
    if (head && last) last.tail = true;
    rows.push((last = { message, day: newDay ? new Date(at) : undefined, head, tail: false }));
    lastAt = at;
  }
  if (last) last.tail = true;
  return rows;
}

/** `words` ("Today", "Yesterday" in the visitor's language) for those days, else a medium date ("Nov 20, 2026"). */
export function dayLabel(day: Date, locale: string, words: readonly string[], now = new Date()): string {
  const d = day.toDateString();
  if (d === now.toDateString()) return words[0];
  if (d === new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1).toDateString()) return words[1];
  return day.toLocaleDateString(locale, { dateStyle: 'medium' });
}

/** Up to two letters for a face without a picture: "Alice Chen" → "AC", "王小明" → "王". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (!words.length) return '?';
  // A Chinese name is one word: its first character reads as the name.
  const first = [...words[0]][0];
  return (words.length === 1 ? first : first + [...words[words.length - 1]][0]).toUpperCase();
}
