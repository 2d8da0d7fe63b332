import type { ChatMessage } from '../client/types.js';
import type { Note } from '../protocol/wire.js';

/** One line of a conversation's thread as the console shows it: a message or a team note. */
export type ThreadItem = { kind: 'message'; key: string; message: ChatMessage } | { kind: 'note'; key: string; note: Note };

/**
 * Messages and notes in one thread. A note sits after the message that was
 * the newest when it was written (`afterMid`), after any earlier notes there.
 * While older history is still to load (`complete` false), a note older than
 * the first loaded message is held back: at the top it would seem to come
 * before messages it followed. Both lists come in oldest first.
 */
export function threadItems(messages: readonly ChatMessage[], notes: readonly Note[], complete: boolean): ThreadItem[] {
  const items: ThreadItem[] = [];
  const first = messages[0]?.mid ?? Number.POSITIVE_INFINITY;
  let n = 0;
  // Notes from before the first loaded message.
  while (n < notes.length && notes[n]!.afterMid < first) {
    if (complete) items.push(noteItem(notes[n]!));
    n++;
  }
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    items.push({ kind: 'message', key: `m${m.mid}`, message: m });
    const next = messages[i + 1]?.mid ?? Number.POSITIVE_INFINITY;
    while (n < notes.length && notes[n]!.afterMid < next) items.push(noteItem(notes[n++]!));
  }
  return items;
}

function noteItem(note: Note): ThreadItem {
  return { kind: 'note', key: `n${note.id}`, note };
}
