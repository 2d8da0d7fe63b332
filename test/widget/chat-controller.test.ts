import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatController } from '../../widget/chat-controller.js';
import type { ChatMessage } from '../../client/types.js';
import type { Attachment, AttachmentLimits } from '../../protocol/wire.js';
import { expectResumeFromCursor, fakeHost, heldUntilAborted } from '../client/fake-host.js';

const ME = 'v_AAAAAAAAAAAAAAAAAAAAAA';
const msg = (mid: number, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  mid,
  from: ME,
  to: 'admin',
  conversation: ME,
  content: `m${mid}`,
  createdAt: new Date().toISOString(),
  read: false,
  ...extra,
});

const file = (id: string, mid: number | null = null): Attachment => ({ id, name: `${id}.pdf`, size: 10, type: 'application/pdf', mid });
const LIMITS: AttachmentLimits = { maxBytes: 1000, maxPerMessage: 5, types: ['application/pdf'], accept: '.pdf,application/pdf' };

/** A controller that has "started" without a network: the tests feed it batches. */
function controller(onIncoming?: (m: ChatMessage[]) => void) {
  const c = new ChatController(fakeHost(), { base: 'http://127.0.0.1:9', transport: 'long-poll', onIncoming });
  c.visitorId = ME;
  c.started = true;
  return c;
}

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/**
 * A controller on a fake host whose API answers from the test: the session
 * gives cursor c0; the first poll answers one agent message and cursor c1;
 * every later poll is held until it is aborted.
 */
function connectedController() {
  vi.stubGlobal('location', { href: 'http://site.test/page', origin: 'http://site.test' });
  vi.stubGlobal('document', { referrer: '' });
  const host = fakeHost();
  const c = new ChatController(host, { base: 'http://127.0.0.1:9', transport: 'long-poll' });
  const session = vi.spyOn(c.api, 'session').mockResolvedValue({
    token: 't', visitorId: ME, cursor: 'c0', agentsOnline: 1, verified: false, name: null, email: null, consentAt: null, askRating: false,
  });
  const history = vi.spyOn(c.api, 'history').mockResolvedValue([]);
  const polls: { cursor: string | undefined; signal: AbortSignal }[] = [];
  vi.spyOn(c.api, 'poll').mockImplementation((cursor, _wait, signal) => {
    polls.push({ cursor, signal: signal! });
    if (cursor === 'c0') return Promise.resolve({ cursor: 'c1', messages: [msg(1, { from: 'agent:1', to: ME })], events: [], agentsOnline: 1 });
    return heldUntilAborted(signal!);
  });
  return { c, host, session, history, polls };
}

describe('ChatController', () => {
  it('replaces a pending message by the stored one carrying its clientId, whichever path brings it', () => {
    const c = controller();
    c.pending = [{ clientId: 'abc', content: 'hi', state: 'failed', createdAt: new Date().toISOString() }];
    c.handleBatch({ messages: [msg(5, { content: 'hi', clientId: 'abc' })], events: [] }, true);
    expect(c.pending).toEqual([]);
    expect(c.messages.map((m) => m.mid)).toEqual([5]);
  });

  it('moves own messages from sent to read on the agents\' read receipt, and only up to it', () => {
    const c = controller();
    c.handleBatch({ messages: [msg(1), msg(2), msg(3)], events: [] }, true);
    expect(c.messages.map((m) => c.stateOf(m))).toEqual(['sent', 'sent', 'sent']);
    c.handleBatch({ messages: [], events: [{ type: 'read', visitorId: ME, upto: 2, by: 'agent' }] }, true);
    expect(c.messages.map((m) => c.stateOf(m))).toEqual(['read', 'read', 'sent']);
  });

  it('ignores read receipts written by the visitor side', () => {
    const c = controller();
    c.handleBatch({ messages: [msg(1)], events: [{ type: 'read', visitorId: ME, upto: 1, by: 'visitor' }] }, true);
    expect(c.stateOf(c.messages[0])).toBe('sent');
  });

  it('tells about team messages that arrive live, not about its own or history', () => {
    const incoming = vi.fn();
    const c = controller(incoming);
    c.handleBatch({ messages: [msg(1), msg(2, { from: 'agent:1', to: ME, fromName: 'Alice' })], events: [] }, true);
    c.handleBatch({ messages: [msg(3, { from: 'admin', to: ME })], events: [] }, false);
    c.handleBatch({ messages: [msg(2, { from: 'agent:1', to: ME })], events: [] }, true);
    expect(incoming).toHaveBeenCalledOnce();
    expect(incoming.mock.calls[0][0].map((m: ChatMessage) => m.mid)).toEqual([2]);
  });

  it('shows an agent typing until they stop, send, or 6 s pass', () => {
    vi.useFakeTimers();
    const c = controller();
    const typing = { type: 'typing' as const, visitorId: ME, from: 'agent:1', name: 'Alice', typing: true };
    c.handleBatch({ messages: [], events: [typing] }, true);
    expect(c.typing).toMatchObject({ name: 'Alice' });
    c.handleBatch({ messages: [msg(7, { from: 'agent:1', to: ME })], events: [] }, true);
    expect(c.typing).toBeUndefined();
    c.handleBatch({ messages: [], events: [typing] }, true);
    vi.advanceTimersByTime(5900);
    expect(c.typing).toBeDefined();
    vi.advanceTimersByTime(200);
    expect(c.typing).toBeUndefined();
  });

  it('follows agentsOnline from answers and presence events', () => {
    const c = controller();
    c.handleBatch({ messages: [], events: [], agentsOnline: 2 }, true);
    expect(c.agentsOnline).toBe(2);
    c.handleBatch({ messages: [], events: [{ type: 'presence', agentsOnline: 0 }] }, true);
    expect(c.agentsOnline).toBe(0);
  });

  it('asks for a rating while the conversation is resolved, from the session and from status events', async () => {
    const { c, host, session } = connectedController();
    session.mockResolvedValue({ token: 't', visitorId: ME, cursor: 'c0', agentsOnline: 1, verified: false, name: null, email: null, consentAt: null, askRating: true });
    host.connect();
    await c.start();
    expect(c.askRating).toBe(true);
    for (const [status, asked] of [['open', false], ['resolved', true], ['pending', false], ['resolved', true]] as const) {
      c.handleBatch({ messages: [], events: [{ type: 'status', visitorId: ME, status }] }, true);
      expect({ status, asked: c.askRating }).toEqual({ status, asked });
    }
    host.disconnect();
  });

  it('refuses empty and over-long messages', () => {
    const c = controller();
    expect(c.send('   \n ')).toBe(false);
    expect(c.send('x'.repeat(4001))).toBe(false);
    expect(c.send('x'.repeat(4001), [file('a_1')])).toBe(false);
    expect(c.pending).toEqual([]);
  });

  it('sends files with no text, and names the same files under the same clientId when a failed send is retried', async () => {
    const c = controller();
    const calls: Parameters<typeof c.api.send>[] = [];
    const stored = msg(9, { content: '', attachments: [file('a_1', 9), file('a_2', 9)] });
    vi.spyOn(c.api, 'send').mockImplementation((...args) => {
      calls.push(args);
      return calls.length === 1 ? Promise.reject(new Error('offline')) : Promise.resolve({ ...stored, clientId: args[1] });
    });
    expect(c.send('  ', [file('a_1'), file('a_2')])).toBe(true);
    await vi.waitFor(() => expect(c.pending[0]?.state).toBe('failed'));
    expect(c.pending[0]).toMatchObject({ content: '', attachments: [{ id: 'a_1' }, { id: 'a_2' }] });
    c.retry(c.pending[0].clientId);
    await vi.waitFor(() => expect(c.pending).toEqual([]));
    expect(calls.map(([content, clientId, ids]) => [content, clientId, ids])).toEqual([
      ['', calls[0][1], ['a_1', 'a_2']],
      ['', calls[0][1], ['a_1', 'a_2']],
    ]);
    expect(c.messages.map((m) => m.attachments?.map((a) => a.id))).toEqual([['a_1', 'a_2']]);
  });

  it('sends a line without files as before: no attachments on the wire', async () => {
    const c = controller();
    const send = vi.spyOn(c.api, 'send').mockImplementation((content, clientId) => Promise.resolve(msg(3, { content, clientId })));
    c.send('hello');
    await vi.waitFor(() => expect(c.pending).toEqual([]));
    expect(send.mock.calls[0][2]).toBeUndefined();
  });

  describe('as a ReactiveController', () => {
    it('does no network work until asked to start, even when connected', async () => {
      const { c, host, session, polls } = connectedController();
      host.connect();
      await Promise.resolve();
      expect(session).not.toHaveBeenCalled();
      expect(polls).toEqual([]);
      expect(c.started).toBe(false);
    });

    it('asks its host to render on changes, not through a counter', async () => {
      const { c, host, polls } = connectedController();
      host.connect();
      await c.start();
      await vi.waitFor(() => expect(polls).toHaveLength(2));
      expect(c.messages.map((m) => m.mid)).toEqual([1]);
      expect(host.requestUpdate).toHaveBeenCalled();
      host.requestUpdate.mockClear();
      c.handleBatch({ messages: [], events: [{ type: 'presence', agentsOnline: 0 }] }, true);
      expect(host.requestUpdate).toHaveBeenCalledOnce();
      host.disconnect();
    });

    it('stops on hostDisconnected: the held poll is aborted and no request follows', async () => {
      const { c, host, polls } = connectedController();
      host.connect();
      await c.start();
      await vi.waitFor(() => expect(polls).toHaveLength(2));
      host.disconnect();
      expect(polls[1].signal.aborted).toBe(true);
      // Nothing can be awaited for a request that must not happen: a short look.
      await new Promise((r) => setTimeout(r, 100));
      expect(polls).toHaveLength(2);
    });

    it('resumes on hostConnected from the last cursor, without a new session or history page', async () => {
      const { c, host, session, history, polls } = connectedController();
      host.connect();
      await c.start();
      await expectResumeFromCursor(host, polls);
      expect(session).toHaveBeenCalledOnce();
      expect(history).toHaveBeenCalledOnce();
      host.disconnect();
    });

    it('asks once what files the server takes, and again only when leaving the page cut the question off', async () => {
      const { c, host } = connectedController();
      const limits = vi.spyOn(c.api, 'limits').mockImplementationOnce((signal) => heldUntilAborted(signal!));
      c.loadLimits();
      expect(limits).not.toHaveBeenCalled();
      host.connect();
      c.loadLimits();
      c.loadLimits();
      expect(limits).toHaveBeenCalledOnce();
      host.disconnect();
      limits.mockRejectedValueOnce(new Error('down')).mockResolvedValue(LIMITS);
      host.connect();
      // Once the aborted question has settled, the next call asks again.
      await vi.waitFor(() => {
        c.loadLimits();
        expect(limits).toHaveBeenCalledTimes(2);
      });
      // The controller's own handler was attached first, so it has run once this settles.
      await (limits.mock.results[1].value as Promise<unknown>).catch(() => undefined);
      // A server that failed to say is not asked on every render: files stay off on this page.
      c.loadLimits();
      expect(limits).toHaveBeenCalledTimes(2);
      expect(c.limits).toBeUndefined();
      host.disconnect();
    });

    it('keeps what the server said about files and asks its host to draw it', async () => {
      const { c, host } = connectedController();
      vi.spyOn(c.api, 'limits').mockResolvedValue(LIMITS);
      host.connect();
      c.loadLimits();
      await vi.waitFor(() => expect(c.limits).toEqual(LIMITS));
      expect(host.requestUpdate).toHaveBeenCalled();
      host.disconnect();
    });

    it('starts again on hostConnected when it was taken away while starting', async () => {
      const { c, host, session, polls } = connectedController();
      const first = session.getMockImplementation()!;
      // The first session answer never comes: the host leaves while it is asked for.
      session.mockImplementationOnce((_body, signal) => heldUntilAborted(signal!));
      host.connect();
      const starting = c.start();
      host.disconnect();
      await starting;
      expect(c.started).toBe(false);
      session.mockImplementation(first);
      host.connect();
      await vi.waitFor(() => expect(polls.map((p) => p.cursor)).toEqual(['c0', 'c1']));
      expect(c.started).toBe(true);
      host.disconnect();
    });
  });
});
