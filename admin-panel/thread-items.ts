import type { ChatMessage } from '../client/types.js';
import type { Note, Rating } from '../protocol/wire.js';

/** One line of a conversation's thread as the console shows it: a message, a team note or the visitor's rating. */
export type ThreadItem =
  | { kind: 'message'; key: string; message: ChatMessage }
  | { kind: 'note'; key: string; note: Note }
  | { kind: 'rating'; key: string; rating: Rating };

type Line = Exclude<ThreadItem, { kind: 'message' }>;
const placed = (l: Line) => (l.kind === 'note' ? l.note : l.rating);

/**
 * Messages, notes and ratings in one thread. A note or a rating sits after
 * the message that was the newest when it was written (`afterMid`), after any
 * earlier lines there. While older history is still to load (`complete`
 * false), a line older than the first loaded message is held back: at the top
 * it would seem to come before messages it followed. Every list comes in
 * oldest first.
 */
export function threadItems(messages: readonly ChatMessage[], notes: readonly Note[], complete: boolean, ratings: readonly Rating[] = []): ThreadItem[] {
  const items: ThreadItem[] = [];
  const lines: Line[] = notes.map(noteItem);
  if (ratings.length) {
    lines.push(...ratings.map((rating): Line => ({ kind: 'rating', key: `r${rating.id}`, rating })));
    // Where both sit after one message, in the order they were written.
    lines.sort((a, b) => placed(a).afterMid - placed(b).afterMid || Date.parse(placed(a).createdAt) - Date.parse(placed(b).createdAt));
  }
  const first = messages[0]?.mid ?? Number.POSITIVE_INFINITY;
  let n = 0;
  // Lines from before the first loaded message.
  while (n < lines.length && placed(lines[n]!).afterMid < first) {
    if (complete) items.push(lines[n]!);
    n++;
  }
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    items.push({ kind: 'message', key: `m${m.mid}`, message: m });
    const next = messages[i + 1]?.mid ?? Number.POSITIVE_INFINITY;
    while (n < lines.length && placed(lines[n]!).afterMid < next) items.push(lines[n++]!);
  }
  return items;
}

function noteItem(note: Note): Line {
  return { kind: 'note', key: `n${note.id}`, note };
}
