import { describe, expect, it, vi } from 'vitest';
import { InboxController, type InboxOptions } from '../../admin-panel/inbox-controller.js';
import { TokenSource } from '../../client/token-source.js';
import type { ChatMessage } from '../../client/types.js';
import { messageConversation, type Conversation, type ConversationCounts, type ConversationEvent, type ConversationStatus, type KefuEvent } from '../../protocol/wire.js';
import { expectResumeFromCursor, fakeHost, heldUntilAborted } from '../client/fake-host.js';

const V1 = 'v_AAAAAAAAAAAAAAAAAAAAAA';
const V2 = 'v_BBBBBBBBBBBBBBBBBBBBBB';
const b64url = (s: string) => Buffer.from(s).toString('base64url');
const token = `${b64url('{"alg":"HS256"}')}.${b64url(JSON.stringify({ sub: 'agent:1', name: 'Alice', typ: 'agent' }))}.sig`;
const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
const msg = (mid: number, from: string, to: string, minutesAgo = 0): ChatMessage => ({
  mid,
  from,
  to,
  conversation: messageConversation(from, to),
  content: `m${mid}`,
  createdAt: at(minutesAgo),
  read: false,
});

/** An inbox with no server behind it (a closed port): only its bookkeeping is under test. */
function inbox() {
  const onVisitorMessage = vi.fn();
  const host = fakeHost();
  const c = new InboxController(host, { base: 'http://127.0.0.1:9', tokens: new TokenSource(token), transport: 'long-poll', onVisitorMessage });
  c.viewing = true;
  return { c, host, onVisitorMessage };
}

/**
 * A connected inbox whose API answers from the test: the first poll (no
 * cursor: "from now") brings a visitor message and cursor c1; later polls are
 * held until aborted.
 */
function connectedInbox() {
  const { c, host } = inbox();
  vi.spyOn(c.api, 'conversations').mockResolvedValue({ conversations: [], counts: { open: 0, mine: 0, unassigned: 0, resolved: 0 } });
  vi.spyOn(c.api, 'presence').mockResolvedValue();
  const polls: { cursor: string | undefined; signal: AbortSignal }[] = [];
  vi.spyOn(c.api, 'poll').mockImplementation((cursor, _wait, signal) => {
    polls.push({ cursor, signal: signal! });
    if (cursor === undefined) return Promise.resolve({ cursor: 'c1', messages: [msg(1, V1, 'admin')], events: [], agentsOnline: 1 });
    return heldUntilAborted(signal!);
  });
  return { c, host, polls };
}

describe('InboxController', () => {
  it('files each message under its visitor, either direction', () => {
    const { c } = inbox();
    c.handleBatch({ messages: [msg(1, V1, 'admin'), msg(2, 'agent:3', V1), msg(3, 'admin', V2)], events: [] });
    expect([...c.conversations.keys()].sort()).toEqual([V1, V2]);
    expect(c.conversations.get(V1)!.lastMessage!.mid).toBe(2);
    expect(c.conversations.get(V2)!.lastMessage!.mid).toBe(3);
  });

  describe('a conversation whose id PHP chose (an adopted table)', () => {
    it('lists guest42 and 1007 under their own ids with their unread counts, and no phantom inbox', () => {
      const { c, onVisitorMessage } = inbox();
      c.handleBatch({ messages: [msg(1, 'guest42', 'admin'), msg(2, '1007', 'admin'), msg(3, 'guest42', 'admin')], events: [] });
      expect([...c.conversations.keys()].sort()).toEqual(['1007', 'guest42']);
      expect(c.conversations.get('guest42')).toMatchObject({ unread: 2, lastMessage: { mid: 3 } });
      expect(c.conversations.get('1007')).toMatchObject({ unread: 1, lastMessage: { mid: 2 } });
      expect(c.totalUnread).toBe(3);
      expect(onVisitorMessage.mock.calls.map(([conv]) => conv.visitorId)).toEqual(['guest42', '1007', 'guest42']);
      c.handleBatch({ messages: [msg(4, 'agent:2', 'guest42')], events: [] });
      expect(c.conversations.get('guest42')).toMatchObject({ unread: 2, lastMessage: { mid: 4 } });
    });

    it('marks guest42\'s own rows on an agent read, and the team\'s on a visitor read', () => {
      const { c } = inbox();
      c.openThread('guest42');
      c.handleBatch({ messages: [msg(1, 'guest42', 'admin'), msg(2, 'agent:2', 'guest42'), msg(3, 'guest42', 'admin')], events: [] });
      const readMids = () => c.threads.get('guest42')!.log.messages.filter((m) => m.read).map((m) => m.mid);
      c.handleBatch({ messages: [], events: [{ type: 'read', visitorId: 'guest42', upto: 3, by: 'agent' }] });
      expect(readMids()).toEqual([1, 3]);
      expect(c.conversations.get('guest42')!.unread).toBe(0);
      c.handleBatch({ messages: [], events: [{ type: 'read', visitorId: 'guest42', upto: 3, by: 'visitor' }] });
      expect(readMids()).toEqual([1, 2, 3]);
    });

    it('reads guest42\'s new message at once while the agent has it open, and replies to guest42', async () => {
      const { c, onVisitorMessage } = inbox();
      const history = vi.spyOn(c.api, 'history').mockResolvedValue([msg(1, 'guest42', 'admin')]);
      const read = vi.spyOn(c.api, 'read').mockResolvedValue();
      const send = vi.spyOn(c.api, 'send').mockImplementation(async (visitorId, content, clientId) => ({
        ...msg(5, 'agent:1', visitorId), content, clientId,
      }));
      c.handleBatch({ messages: [msg(1, 'guest42', 'admin')], events: [] });
      await c.select('guest42');
      expect(history).toHaveBeenCalledWith('guest42', undefined, expect.any(Number), undefined);
      expect(read).toHaveBeenLastCalledWith('guest42', 1);
      c.handleBatch({ messages: [msg(2, 'guest42', 'admin')], events: [] });
      await vi.waitFor(() => expect(read).toHaveBeenLastCalledWith('guest42', 2));
      expect(c.conversations.get('guest42')!.unread).toBe(0);
      expect(onVisitorMessage).toHaveBeenCalledTimes(2);
      expect(c.send('hello guest')).toBe(true);
      await vi.waitFor(() => expect(send).toHaveBeenCalledWith('guest42', 'hello guest', expect.any(String), undefined));
      await vi.waitFor(() => expect(c.threads.get('guest42')!.log.messages.map((m) => m.mid)).toEqual([1, 2, 5]));
    });

    it('sends uploaded files by id with a reply, with or without text, and again by id on a retry', async () => {
      const { c } = inbox();
      const file = { id: 'a_1', name: 'photo.png', size: 10, type: 'image/png', width: 1, height: 1, mid: null };
      const send = vi.spyOn(c.api, 'send').mockRejectedValueOnce(new Error('offline')).mockImplementation(async (visitorId, content, clientId) => ({
        ...msg(5, 'agent:1', visitorId), content, clientId, attachments: [{ ...file, mid: 5 }],
      }));
      vi.spyOn(c.api, 'history').mockResolvedValue([]);
      await c.select('guest42');
      expect(c.send('   ')).toBe(false);
      expect(c.send('', [file])).toBe(true);
      expect(c.pending).toMatchObject([{ content: '', attachments: [file] }]);
      await vi.waitFor(() => expect(c.pending[0]?.state).toBe('failed'));
      c.retry(c.pending[0]!.clientId);
      await vi.waitFor(() => expect(c.pending).toEqual([]));
      expect(send.mock.calls.map((call) => call.slice(1))).toEqual([
        ['', expect.any(String), ['a_1']],
        ['', send.mock.calls[0]![2], ['a_1']],
      ]);
    });

    it('leaves a row between two team members out of the list', () => {
      const { c, onVisitorMessage } = inbox();
      c.handleBatch({ messages: [msg(1, 'admin', 'agent:3'), msg(2, 'agent:3', 'admin')], events: [] });
      expect(c.conversations.size).toBe(0);
      expect(c.totalUnread).toBe(0);
      expect(onVisitorMessage).not.toHaveBeenCalled();
    });

    it('names a waiting guest42 among those waiting for an answer', () => {
      const { c } = inbox();
      c.handleBatch({ messages: [msg(1, 'guest42', 'admin', 2), msg(2, '1007', 'admin', 3), msg(3, 'agent:1', '1007', 2.5)], events: [] });
      expect(c.waiting(60_000).map((x) => x.visitorId)).toEqual(['guest42']);
    });
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
    expect(c.typing.get(V1)).toBeUndefined();
    c.handleBatch({ messages: [], events: [{ type: 'typing', visitorId: V1, from: V1, typing: true }] });
    expect(c.typing.get(V1)).toMatchObject({ from: V1 });
    c.typing.clear();
  });

  it('knows the signed-in agent from the token', () => {
    const { c } = inbox();
    expect(c.me).toBe('agent:1');
    expect(c.myName).toBe('Alice');
  });

  it('replaces a conversation\'s entry when it changes, so views can compare by identity', () => {
    const { c } = inbox();
    c.handleBatch({ messages: [msg(1, V1, 'admin')], events: [] });
    const before = c.conversations.get(V1);
    c.handleBatch({ messages: [], events: [{ type: 'read', visitorId: V1, upto: 1, by: 'agent' }] });
    expect(c.conversations.get(V1)).not.toBe(before);
    expect(before!.unread).toBe(1);
    expect(c.conversations.get(V1)!.unread).toBe(0);
  });

  describe('as a ReactiveController', () => {
    it('starts the feed when its host connects, and asks the host to render', async () => {
      const { c, host, polls } = connectedInbox();
      expect(polls).toEqual([]);
      host.connect();
      await vi.waitFor(() => expect(polls.map((p) => p.cursor)).toEqual([undefined, 'c1']));
      expect(c.conversations.get(V1)).toMatchObject({ unread: 1 });
      expect(host.requestUpdate).toHaveBeenCalled();
      host.disconnect();
    });

    it('stops on hostDisconnected: the held poll is aborted, no request follows, timers are gone', async () => {
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      try {
        const { host, polls } = connectedInbox();
        host.connect();
        await vi.waitFor(() => expect(polls).toHaveLength(2));
        host.disconnect();
        expect(polls[1].signal.aborted).toBe(true);
        expect(vi.getTimerCount()).toBe(0);
        // Nothing can be awaited for a request that must not happen: a short look.
        await new Promise((r) => setTimeout(r, 100));
        expect(polls).toHaveLength(2);
      } finally {
        vi.useRealTimers();
      }
    });

    it('resumes on hostConnected from the last cursor, with one feed', async () => {
      const { c, host, polls } = connectedInbox();
      host.connect();
      await expectResumeFromCursor(host, polls);
      expect(c.conversations.get(V1)).toMatchObject({ unread: 1 });
      host.disconnect();
    });
  });
});

describe('help desk state', () => {
  const counts = (open: number, mine: number, unassigned: number, resolved: number): ConversationCounts => ({ open, mine, unassigned, resolved });
  const entry = (visitorId: string, status: ConversationStatus, assignee: string | null, minutesAgo = 0): Conversation => ({
    visitorId,
    name: null,
    email: null,
    page: null,
    referrer: null,
    firstSeenAt: at(minutesAgo),
    lastSeenAt: at(minutesAgo),
    verified: false,
    consentAt: null,
    status,
    assignee,
    assigneeName: assignee,
    lastMessage: null,
    lastMessageAt: at(minutesAgo),
    unread: 0,
    online: true,
    blocked: false,
  });
  const change = (visitorId: string, status: ConversationStatus, assignee: string | null, by: string): ConversationEvent => ({
    type: 'conversation',
    visitorId,
    status,
    assignee,
    assigneeName: assignee && `name of ${assignee}`,
    by,
  });

  /** An inbox (agent:1) whose list, fetched by refreshList/setFilter, holds `entries` under every filter. */
  async function listed(entries: Conversation[], listCounts = counts(0, 0, 0, 0), opts: Partial<InboxOptions> = {}) {
    const host = fakeHost();
    const c = new InboxController(host, { base: 'http://127.0.0.1:9', tokens: new TokenSource(token), transport: 'long-poll', ...opts });
    const conversations = vi.spyOn(c.api, 'conversations').mockImplementation(async () => ({ conversations: entries, counts: listCounts }));
    await c.refreshList();
    return { c, host, conversations };
  }

  it('patches a conversation\'s status and owner from the feed, as a new entry', async () => {
    const { c } = await listed([entry(V1, 'open', null)]);
    const before = c.conversations.get(V1);
    c.handleBatch({ messages: [], events: [change(V1, 'pending', 'agent:2', 'agent:2')] });
    expect(c.conversations.get(V1)).not.toBe(before);
    expect(c.conversations.get(V1)).toMatchObject({ status: 'pending', assignee: 'agent:2', assigneeName: 'name of agent:2' });
    expect(before).toMatchObject({ status: 'open', assignee: null });
  });

  it('moves the tab counts with a change to a conversation the list knows', async () => {
    const { c } = await listed([entry(V1, 'open', null)]);
    c.counts = counts(3, 0, 2, 1);
    c.handleBatch({ messages: [], events: [change(V1, 'open', 'agent:1', 'agent:1')] });
    expect(c.counts).toEqual(counts(3, 1, 1, 1));
    c.handleBatch({ messages: [], events: [change(V1, 'resolved', 'agent:1', 'agent:1')] });
    expect(c.counts).toEqual(counts(2, 0, 1, 2));
  });

  it('changes nothing for a repeat of the state it already shows', async () => {
    const { c } = await listed([entry(V1, 'open', 'agent:2')]);
    c.counts = counts(3, 0, 2, 1);
    const before = c.conversations.get(V1);
    c.handleBatch({ messages: [], events: [change(V1, 'open', 'agent:2', 'agent:2')] });
    expect(c.conversations.get(V1)).toBe(before);
    expect(c.counts).toEqual(counts(3, 0, 2, 1));
  });

  it('leaves the counts to the server for a conversation the list did not know, fetching the list again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { c, conversations } = await listed([]);
      c.counts = counts(3, 0, 2, 1);
      c.handleBatch({ messages: [], events: [change(V2, 'open', 'agent:1', 'agent:2')] });
      expect(c.counts).toEqual(counts(3, 0, 2, 1));
      expect(c.conversations.get(V2)).toMatchObject({ status: 'open', assignee: 'agent:1' });
      expect(conversations).toHaveBeenCalledOnce();
      await vi.advanceTimersByTimeAsync(300);
      expect(conversations).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('tells onHandoff when a colleague gives this agent a conversation, once', async () => {
    const onHandoff = vi.fn();
    const { c } = await listed([entry(V1, 'open', 'agent:2')], counts(1, 0, 0, 0), { onHandoff });
    const ev = { ...change(V1, 'open', 'agent:1', 'agent:2'), note: 'over to you' };
    c.handleBatch({ messages: [], events: [ev] });
    expect(onHandoff).toHaveBeenCalledOnce();
    expect(onHandoff).toHaveBeenCalledWith(c.conversations.get(V1), ev);
    c.handleBatch({ messages: [], events: [ev] });
    expect(onHandoff).toHaveBeenCalledOnce();
  });

  it('tells onHandoff when auto-assignment gives this agent a conversation', async () => {
    const onHandoff = vi.fn();
    const { c } = await listed([entry(V1, 'open', null)], counts(1, 0, 1, 0), { onHandoff });
    c.handleBatch({ messages: [], events: [change(V1, 'open', 'agent:1', 'system')] });
    expect(onHandoff).toHaveBeenCalledOnce();
  });

  it('does not tell onHandoff about a conversation this agent claimed itself, or one already its own', async () => {
    const onHandoff = vi.fn();
    const { c } = await listed([entry(V1, 'open', null), entry(V2, 'open', 'agent:1')], counts(2, 1, 1, 0), { onHandoff });
    c.handleBatch({ messages: [], events: [change(V1, 'open', 'agent:1', 'agent:1')] });
    c.handleBatch({ messages: [], events: [change(V2, 'pending', 'agent:1', 'agent:2')] });
    c.handleBatch({ messages: [], events: [change(V2, 'open', 'agent:3', 'agent:2')] });
    expect(onHandoff).not.toHaveBeenCalled();
  });

  it('lists the current tab\'s conversations, keeping the open one listed after it left the tab', async () => {
    const { c, conversations } = await listed([entry(V1, 'open', 'agent:1', 3), entry(V2, 'open', null, 2), entry('v_CCCCCCCCCCCCCCCCCCCCCC', 'open', 'agent:1', 1)]);
    expect(c.filter).toBe('open');
    expect(c.visible.map((x) => x.visitorId)).toEqual(['v_CCCCCCCCCCCCCCCCCCCCCC', V2, V1]);
    await c.setFilter('mine');
    expect(conversations).toHaveBeenLastCalledWith('mine', undefined);
    expect(c.visible.map((x) => x.visitorId)).toEqual(['v_CCCCCCCCCCCCCCCCCCCCCC', V1]);
    c.selected = V2;
    expect(c.visible.map((x) => x.visitorId)).toEqual(['v_CCCCCCCCCCCCCCCCCCCCCC', V2, V1]);
    c.selected = undefined;
    c.handleBatch({ messages: [], events: [change(V1, 'resolved', 'agent:1', 'agent:1')] });
    expect(c.visible.map((x) => x.visitorId)).toEqual(['v_CCCCCCCCCCCCCCCCCCCCCC']);
  });

  it('fetches the list of the tab chosen, and not again for the tab already shown', async () => {
    const { c, conversations } = await listed([]);
    conversations.mockClear();
    await c.setFilter('resolved');
    expect(c.filter).toBe('resolved');
    expect(conversations).toHaveBeenCalledOnce();
    expect(conversations.mock.calls[0]![0]).toBe('resolved');
    await c.setFilter('resolved');
    expect(conversations).toHaveBeenCalledOnce();
  });

  it('marks a listed conversation blocked and unblocked from the feed, and adds none for a visitor it does not list', async () => {
    const { c } = await listed([entry(V1, 'open', null)]);
    const block = { id: 7, visitorId: V1, address: false, reason: 'spam', by: 'agent:2', byName: 'Bob', createdAt: at(0) };
    c.handleBatch({ messages: [], events: [{ type: 'block', block }, { type: 'block', block: { ...block, id: 8, visitorId: V2 } }] });
    expect(c.conversations.get(V1)!.blocked).toBe(true);
    expect(c.conversations.has(V2)).toBe(false);
    c.handleBatch({ messages: [], events: [{ type: 'unblock', id: 7, visitorId: V1 }] });
    expect(c.conversations.get(V1)!.blocked).toBe(false);
  });

  it('hands every batch\'s events to onEvents after applying them', async () => {
    const onEvents = vi.fn((events: readonly KefuEvent[]) => {
      expect(events).toHaveLength(2);
      expect(seen.c.conversations.get(V1)).toMatchObject({ assignee: 'agent:2' });
    });
    const seen = await listed([entry(V1, 'open', null)], counts(1, 0, 1, 0), { onEvents });
    const events: KefuEvent[] = [change(V1, 'open', 'agent:2', 'agent:2'), { type: 'viewing', visitorId: V1, agent: 'agent:2', viewing: true }];
    seen.c.handleBatch({ messages: [], events });
    expect(onEvents).toHaveBeenCalledOnce();
    expect(onEvents.mock.calls[0]![0]).toBe(events);
  });
});
