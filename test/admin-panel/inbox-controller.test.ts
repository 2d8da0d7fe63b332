import { describe, expect, it, vi } from 'vitest';
import { InboxController, visitorOf } from '../../admin-panel/inbox-controller.js';
import { TokenSource } from '../../client/token-source.js';
import type { ChatMessage } from '../../client/types.js';

const V1 = 'v_AAAAAAAAAAAAAAAAAAAAAA';
const V2 = 'v_BBBBBBBBBBBBBBBBBBBBBB';
const b64url = (s: string) => Buffer.from(s).toString('base64url');
const token = `${b64url('{"alg":"HS256"}')}.${b64url(JSON.stringify({ sub: 'agent:1', name: 'Alice', typ: 'agent' }))}.sig`;
const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
const msg = (mid: number, from: string, to: string, minutesAgo = 0): ChatMessage => ({
  mid,
  from,
  to,
  content: `m${mid}`,
  createdAt: at(minutesAgo),
  read: false,
});

/** An inbox with no server behind it (a closed port): only its bookkeeping is under test. */
function inbox() {
  const onVisitorMessage = vi.fn();
  const c = new InboxController({ base: 'http://127.0.0.1:9', tokens: new TokenSource(token), transport: 'long-poll', onVisitorMessage });
  c.viewing = true;
  return { c, onVisitorMessage };
}

describe('InboxController', () => {
  it('files each message under its visitor, either direction', () => {
    expect(visitorOf(msg(1, V1, 'admin'))).toBe(V1);
    expect(visitorOf(msg(2, 'agent:3', V1))).toBe(V1);
    expect(visitorOf(msg(3, 'admin', V2))).toBe(V2);
  });

  it('counts a visitor message as unread once, however often it is delivered', () => {
    const { c, onVisitorMessage } = inbox();
    const m = msg(10, V1, 'admin');
    c.handleBatch({ messages: [m], events: [] });
    c.handleBatch({ messages: [m], events: [] });
    expect(c.conversations.get(V1)).toMatchObject({ unread: 1, lastMessage: m });
    expect(onVisitorMessage).toHaveBeenCalledOnce();
    expect(c.totalUnread).toBe(1);
  });

  it('does not count agent replies as unread, and a colleague reading clears the count', () => {
    const { c } = inbox();
    c.handleBatch({ messages: [msg(1, V1, 'admin'), msg(2, V1, 'admin'), msg(3, 'agent:2', V1)], events: [] });
    expect(c.conversations.get(V1)!.unread).toBe(2);
    c.handleBatch({ messages: [], events: [{ type: 'read', visitorId: V1, upto: 3, by: 'agent' }] });
    expect(c.conversations.get(V1)!.unread).toBe(0);
  });

  it('sorts conversations by latest activity', () => {
    const { c } = inbox();
    c.handleBatch({ messages: [msg(1, V1, 'admin', 5), msg(2, V2, 'admin', 1)], events: [] });
    expect(c.sorted.map((x) => x.visitorId)).toEqual([V2, V1]);
    c.handleBatch({ messages: [msg(3, V1, 'admin', 0)], events: [] });
    expect(c.sorted.map((x) => x.visitorId)).toEqual([V1, V2]);
  });

  it('knows who is waiting for an answer, for a while', () => {
    const { c } = inbox();
    c.handleBatch({
      messages: [msg(1, V1, 'admin', 2), msg(2, V2, 'admin', 3), msg(3, 'agent:1', V2, 2.5), msg(4, 'v_CCCCCCCCCCCCCCCCCCCCCC', 'admin', 90)],
      events: [],
    });
    expect(c.waiting(60_000).map((x) => x.visitorId)).toEqual([V1]);
  });

  it('ignores its own typing echoes and shows the visitor\'s', () => {
    const { c } = inbox();
    c.handleBatch({ messages: [], events: [{ type: 'typing', visitorId: V1, from: 'agent:1', typing: true }] });
    expect(c.typing.has(V1)).toBe(false);
    c.handleBatch({ messages: [], events: [{ type: 'typing', visitorId: V1, from: V1, typing: true }] });
    expect(c.typing.get(V1)).toMatchObject({ from: V1 });
    c.stop();
  });

  it('knows the signed-in agent from the token', () => {
    const { c } = inbox();
    expect(c.me).toBe('agent:1');
    expect(c.myName).toBe('Alice');
  });
});
