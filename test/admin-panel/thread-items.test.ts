import { describe, expect, it } from 'vitest';
import { threadItems, type ThreadItem } from '../../admin-panel/thread-items.js';
import type { ChatMessage } from '../../client/types.js';
import { messageConversation, type Note, type Rating } from '../../protocol/wire.js';

const V1 = 'v_AAAAAAAAAAAAAAAAAAAAAA';
const msg = (mid: number): ChatMessage => ({
  mid,
  from: V1,
  to: 'admin',
  conversation: messageConversation(V1, 'admin'),
  content: `m${mid}`,
  createdAt: '2024-05-01T10:00:00.000Z',
  read: false,
});
const note = (id: number, afterMid: number): Note => ({
  id,
  visitorId: V1,
  from: 'agent:2',
  fromName: 'Bob',
  content: `n${id}`,
  createdAt: '2024-05-01T10:00:00.000Z',
  afterMid,
});

/** The thread as keys, e.g. ['m1', 'n7', 'm2']: what is shown, in order. */
const keys = (items: ThreadItem[]) => items.map((x) => x.key);

describe('threadItems', () => {
  it('places a note right after the message it followed', () => {
    expect(keys(threadItems([msg(1), msg(2), msg(3)], [note(7, 2)], true))).toEqual(['m1', 'm2', 'n7', 'm3']);
  });

  it('places a note whose message is not loaded (deleted, not visible) after the last loaded message before it', () => {
    // afterMid 5 lies between the loaded mids 4 and 9.
    expect(keys(threadItems([msg(4), msg(9)], [note(1, 5)], false))).toEqual(['m4', 'n1', 'm9']);
  });

  it('keeps several notes after the same message in the order given', () => {
    const notes = [note(3, 1), note(4, 1), note(8, 1)];
    expect(keys(threadItems([msg(1), msg(2)], notes, true))).toEqual(['m1', 'n3', 'n4', 'n8', 'm2']);
  });

  it('holds back a note older than the first loaded message while older history is still to load', () => {
    const items = threadItems([msg(10), msg(11)], [note(1, 3), note(2, 10)], false);
    expect(keys(items)).toEqual(['m10', 'n2', 'm11']);
  });

  it('shows a note older than the first loaded message at the top once the history is complete', () => {
    const items = threadItems([msg(10), msg(11)], [note(1, 3), note(2, 10)], true);
    expect(keys(items)).toEqual(['n1', 'm10', 'n2', 'm11']);
  });

  it('puts notes newer than the last message at the end', () => {
    expect(keys(threadItems([msg(1), msg(2)], [note(5, 2), note(6, 40)], false))).toEqual(['m1', 'm2', 'n5', 'n6']);
  });

  it('shows the notes of a conversation without messages only when its history is complete', () => {
    expect(threadItems([], [note(1, 0), note(2, 0)], false)).toEqual([]);
    expect(keys(threadItems([], [note(1, 0), note(2, 0)], true))).toEqual(['n1', 'n2']);
  });

  it('lists only the messages when there are no notes', () => {
    expect(keys(threadItems([msg(1), msg(2)], [], false))).toEqual(['m1', 'm2']);
  });

  it('tells messages and notes apart and carries each one through unchanged', () => {
    const m = msg(1);
    const n = note(1, 1);
    expect(threadItems([m], [n], true)).toEqual([
      { kind: 'message', key: 'm1', message: m },
      { kind: 'note', key: 'n1', note: n },
    ]);
  });

  it('gives every line a unique key, even a message and a note with the same number', () => {
    const items = threadItems([msg(1), msg(2), msg(3)], [note(1, 0), note(2, 1), note(3, 3)], true);
    expect(keys(items)).toEqual(['n1', 'm1', 'n2', 'm2', 'm3', 'n3']);
    expect(new Set(keys(items)).size).toBe(items.length);
  });

  describe('with ratings', () => {
    const rating = (id: number, afterMid: number, createdAt = '2024-05-01T10:00:00.000Z'): Rating => ({
      id, visitorId: V1, agent: 'agent:2', score: 'good', comment: null, createdAt, afterMid,
    });

    it('places a rating after the message it followed, and a note and a rating there in the order they were written', () => {
      const early = '2024-05-01T09:00:00.000Z';
      const late = '2024-05-01T11:00:00.000Z';
      const items = threadItems([msg(1), msg(2)], [note(1, 1), note(2, 2)], true, [rating(1, 1, early), rating(2, 2, late), rating(3, 9)]);
      // Notes are written at 10:00: the early rating goes first, the late one after the note.
      expect(keys(items)).toEqual(['m1', 'r1', 'n1', 'm2', 'n2', 'r2', 'r3']);
      expect(items[1]).toEqual({ kind: 'rating', key: 'r1', rating: rating(1, 1, early) });
    });

    it('holds back a rating older than the loaded page until the history is complete', () => {
      expect(keys(threadItems([msg(5)], [], false, [rating(1, 2)]))).toEqual(['m5']);
      expect(keys(threadItems([msg(5)], [], true, [rating(1, 2)]))).toEqual(['r1', 'm5']);
    });
  });
});
