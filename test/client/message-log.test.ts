import { describe, expect, it } from 'vitest';
import { MessageLog } from '../../client/message-log.js';
import type { ChatMessage } from '../../client/types.js';

const msg = (mid: number, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  mid,
  from: 'v_AAAAAAAAAAAAAAAAAAAAAA',
  to: 'admin',
  conversation: 'v_AAAAAAAAAAAAAAAAAAAAAA',
  content: `m${mid}`,
  createdAt: new Date(1_700_000_000_000 + mid * 1000).toISOString(),
  read: false,
  ...extra,
});

describe('MessageLog', () => {
  it('keeps each mid once however often it arrives', () => {
    const log = new MessageLog();
    log.add([msg(1), msg(2)]);
    log.add([msg(2), msg(1), msg(2)]);
    expect(log.messages.map((m) => m.mid)).toEqual([1, 2]);
  });

  it('orders by mid even when rows arrive out of order (a late commit)', () => {
    const log = new MessageLog();
    log.add([msg(11)]);
    log.add([msg(9), msg(12)]);
    log.add([msg(10)]);
    expect(log.messages.map((m) => m.mid)).toEqual([9, 10, 11, 12]);
    expect(log.oldestMid).toBe(9);
    expect(log.newestMid).toBe(12);
  });

  it('returns only what was new, in mid order', () => {
    const log = new MessageLog();
    log.add([msg(3)]);
    expect(log.add([msg(5), msg(3), msg(4)]).map((m) => m.mid)).toEqual([4, 5]);
  });

  it('keeps the first copy of a mid but learns that it was read', () => {
    const log = new MessageLog();
    log.add([msg(1, { content: 'first' })]);
    log.add([msg(1, { content: 'second', read: true })]);
    expect(log.messages[0]).toMatchObject({ content: 'first', read: true });
  });

  it('marks only the selected messages up to a mid as read', () => {
    const log = new MessageLog();
    log.add([msg(1), msg(2, { from: 'agent:1', to: 'v_AAAAAAAAAAAAAAAAAAAAAA' }), msg(3), msg(4)]);
    expect(log.markRead(3, (m) => m.from.startsWith('v_'))).toBe(true);
    expect(log.messages.map((m) => m.read)).toEqual([true, false, true, false]);
    expect(log.markRead(3, (m) => m.from.startsWith('v_'))).toBe(false);
  });

  it('ignores entries without a numeric mid', () => {
    const log = new MessageLog();
    log.add([{ ...msg(1), mid: '1' as unknown as number }, null as unknown as ChatMessage]);
    expect(log.size).toBe(0);
  });
});
