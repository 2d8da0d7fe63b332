import { describe, expect, it, vi } from 'vitest';
import { DeskController, mergeNotes, VIEWING_TTL_MS } from '../../admin-panel/desk-controller.js';
import { ApiError } from '../../client/api-error.js';
import type { AgentEntry, Block, CannedReply, ConversationState, Note, Rating } from '../../protocol/wire.js';
import { fakeHost } from '../client/fake-host.js';

const V1 = 'v_AAAAAAAAAAAAAAAAAAAAAA';
const V2 = 'v_BBBBBBBBBBBBBBBBBBBBBB';
const b64url = (s: string) => Buffer.from(s).toString('base64url');
const token = `${b64url('{"alg":"HS256"}')}.${b64url(JSON.stringify({ sub: 'agent:1', name: 'Alice', typ: 'agent' }))}.sig`;

const note = (id: number, afterMid: number, visitorId = V1, fields: Partial<Note> = {}): Note => ({
  id,
  visitorId,
  from: 'agent:2',
  fromName: 'Bob',
  content: `n${id}`,
  createdAt: '2024-05-01T10:00:00.000Z',
  afterMid,
  ...fields,
});
const canned = (id: number, owner: string | null): CannedReply => ({
  id,
  owner,
  shortcut: `s${id}`,
  title: `t${id}`,
  content: `c${id}`,
  updatedAt: '2024-05-01T10:00:00.000Z',
});
const block = (id: number, visitorId: string): Block => ({
  id,
  visitorId,
  address: false,
  reason: 'spam',
  by: 'agent:2',
  byName: 'Bob',
  createdAt: '2024-05-01T10:00:00.000Z',
});
const agent = (id: string, online = true): AgentEntry => ({ id, name: id, online });
const state = (visitorId: string, fields: Partial<ConversationState> = {}): ConversationState => ({
  visitorId,
  status: 'open',
  assignee: null,
  assigneeName: null,
  ...fields,
});

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * A desk with no server behind it (a closed port), signed in as agent:1, on a
 * clock the test moves. "Viewing" announcements are recorded; every other
 * call is answered by the test.
 */
function desk() {
  const host = fakeHost();
  const clock = { t: 1_000_000 };
  const c = new DeskController(host, { base: 'http://127.0.0.1:9', getToken: () => token, me: () => 'agent:1', withToken: (call) => call() }, () => clock.t);
  const viewing = vi.spyOn(c.api, 'viewing').mockResolvedValue();
  const ratings = vi.spyOn(c.api, 'ratings').mockResolvedValue([]);
  return { c, host, clock, viewing, ratings };
}

/** A desk whose first load (team, blocks, canned replies) answers from the test. */
function connectedDesk(answers: { agents?: AgentEntry[]; blocks?: Block[]; canned?: CannedReply[] } = {}) {
  const d = desk();
  const agents = vi.spyOn(d.c.api, 'agents').mockResolvedValue(answers.agents ?? []);
  const blocks = vi.spyOn(d.c.api, 'blocks').mockResolvedValue(answers.blocks ?? []);
  const cannedSpy = vi.spyOn(d.c.api, 'canned').mockResolvedValue(answers.canned ?? []);
  return { ...d, agents, blocks, canned: cannedSpy };
}

describe('DeskController', () => {
  describe('as a ReactiveController', () => {
    it('loads the team, the blocks and the canned replies when its host connects, and asks the host to render', async () => {
      const { c, host, agents, blocks, canned: cannedSpy } = connectedDesk({
        agents: [agent('agent:1'), agent('agent:2', false)],
        blocks: [block(4, V2)],
        canned: [canned(1, null)],
      });
      host.connect();
      await vi.waitFor(() => expect(host.requestUpdate).toHaveBeenCalled());
      expect(c.agents.map((a) => a.id)).toEqual(['agent:1', 'agent:2']);
      expect(c.blocks.map((b) => b.id)).toEqual([4]);
      expect(c.canned.map((x) => x.id)).toEqual([1]);
      // The loads are aborted when the host leaves.
      const signal = agents.mock.calls[0]![0]!;
      expect(blocks.mock.calls[0]![0]).toBe(signal);
      expect(cannedSpy.mock.calls[0]![0]).toBe(signal);
      expect(signal.aborted).toBe(false);
      host.disconnect();
      expect(signal.aborted).toBe(true);
    });

    it('keeps what loaded when one of the three loads fails', async () => {
      const { c, host, agents } = connectedDesk({ blocks: [block(4, V2)], canned: [canned(1, null)] });
      agents.mockRejectedValue(new ApiError(500, 'internal', 'boom'));
      host.connect();
      await vi.waitFor(() => expect(host.requestUpdate).toHaveBeenCalled());
      expect(c.agents).toEqual([]);
      expect(c.blocks.map((b) => b.id)).toEqual([4]);
      expect(c.canned.map((x) => x.id)).toEqual([1]);
      host.disconnect();
    });

    it('tells colleagues the open conversation is closed when the host leaves, and open again when it comes back', async () => {
      const { c, host, viewing } = connectedDesk();
      vi.spyOn(c.api, 'notes').mockResolvedValue([]);
      host.connect();
      await c.select(V1);
      expect(viewing.mock.calls).toEqual([[V1, true]]);
      host.disconnect();
      expect(viewing.mock.calls).toEqual([[V1, true], [V1, false]]);
      host.connect();
      expect(viewing.mock.calls).toEqual([[V1, true], [V1, false], [V1, true]]);
      host.disconnect();
    });

    it('announces nothing on connecting or leaving while no conversation is open', () => {
      const { host, viewing } = connectedDesk();
      host.connect();
      host.disconnect();
      expect(viewing).not.toHaveBeenCalled();
    });

    it('renews the open conversation every minute and stops doing so when the host leaves', async () => {
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      try {
        const { c, host, viewing } = connectedDesk();
        vi.spyOn(c.api, 'notes').mockResolvedValue([]);
        host.connect();
        await c.select(V1);
        vi.advanceTimersByTime(60_000);
        expect(viewing.mock.calls).toEqual([[V1, true], [V1, true]]);
        host.disconnect();
        expect(vi.getTimerCount()).toBe(0);
      } finally {
        vi.useRealTimers();
      }
    });
  });

  describe('canned replies', () => {
    it('offers the team\'s shared replies and the agent\'s own, not a colleague\'s', async () => {
      const { c, host } = connectedDesk({ canned: [canned(1, null), canned(2, 'agent:1'), canned(3, 'agent:2')] });
      host.connect();
      await vi.waitFor(() => expect(c.canned.map((x) => x.id)).toEqual([1, 2]));
      host.disconnect();
    });

    it('follows saved and removed replies from the feed', () => {
      const { c, host } = desk();
      c.handleEvents([
        { type: 'canned', id: 1, canned: canned(1, null) },
        { type: 'canned', id: 2, canned: canned(2, 'agent:1') },
      ]);
      expect(c.canned.map((x) => x.id)).toEqual([1, 2]);
      const edited = { ...canned(1, null), content: 'edited' };
      c.handleEvents([{ type: 'canned', id: 1, canned: edited }]);
      expect(c.canned.find((x) => x.id === 1)).toEqual(edited);
      expect(c.canned).toHaveLength(2);
      c.handleEvents([{ type: 'canned', id: 2, canned: null }]);
      expect(c.canned.map((x) => x.id)).toEqual([1]);
      expect(host.requestUpdate).toHaveBeenCalled();
    });

    it('adds a reply it saved itself to the list', async () => {
      const { c } = desk();
      const save = vi.spyOn(c.api, 'saveCanned').mockResolvedValue(canned(9, 'agent:1'));
      expect(await c.saveCanned(undefined, { shortcut: 's9', content: 'c9' })).toBe(true);
      expect(save).toHaveBeenCalledWith(undefined, { shortcut: 's9', content: 'c9' });
      expect(c.canned.map((x) => x.id)).toEqual([9]);
    });
  });

  describe('blocks', () => {
    it('follows blocks and unblocks from the feed', () => {
      const { c } = desk();
      c.handleEvents([{ type: 'block', block: block(1, V1) }, { type: 'block', block: block(2, V2) }]);
      expect(c.blocks.map((b) => b.id)).toEqual([1, 2]);
      const before = c.blocks;
      c.handleEvents([{ type: 'unblock', id: 1, visitorId: V1 }]);
      expect(c.blocks.map((b) => b.id)).toEqual([2]);
      expect(before.map((b) => b.id)).toEqual([1, 2]);
    });

    it('lists a block once when the same block comes twice', () => {
      const { c } = desk();
      c.handleEvents([{ type: 'block', block: block(1, V1) }, { type: 'block', block: block(1, V1) }]);
      expect(c.blocks.map((b) => b.id)).toEqual([1]);
    });

    it('drops a block it lifted itself from the list', async () => {
      const { c } = desk();
      c.handleEvents([{ type: 'block', block: block(1, V1) }]);
      const unblock = vi.spyOn(c.api, 'unblock').mockResolvedValue();
      expect(await c.unblock(1)).toBe(true);
      expect(unblock).toHaveBeenCalledWith(1);
      expect(c.blocks).toEqual([]);
    });
  });

  describe('selecting a conversation', () => {
    it('tells colleagues which conversation is open here, and that the previous one no longer is', async () => {
      const { c, viewing } = desk();
      vi.spyOn(c.api, 'notes').mockResolvedValue([]);
      await c.select(V1);
      expect(viewing.mock.calls).toEqual([[V1, true]]);
      await c.select(V2);
      expect(viewing.mock.calls).toEqual([[V1, true], [V1, false], [V2, true]]);
      await c.select(undefined);
      expect(viewing.mock.calls).toEqual([[V1, true], [V1, false], [V2, true], [V2, false]]);
    });

    it('says nothing again when the same conversation is selected again', async () => {
      const { c, viewing } = desk();
      vi.spyOn(c.api, 'notes').mockResolvedValue([]);
      await c.select(V1);
      await c.select(V1);
      expect(viewing).toHaveBeenCalledOnce();
    });

    it('fetches a conversation\'s notes the first time it is opened, not again', async () => {
      const { c, host } = desk();
      const notes = vi.spyOn(c.api, 'notes').mockImplementation(async (visitorId) => [note(1, 3, visitorId)]);
      await c.select(V1);
      await c.select(V2);
      await c.select(V1);
      expect(notes.mock.calls.map(([v]) => v)).toEqual([V1, V2]);
      expect(c.notes.get(V1)).toEqual([note(1, 3, V1)]);
      expect(c.notes.get(V2)).toEqual([note(1, 3, V2)]);
      expect(host.requestUpdate).toHaveBeenCalled();
    });

    it('fetches the notes again on the next opening when they failed to load', async () => {
      const { c } = desk();
      const notes = vi.spyOn(c.api, 'notes').mockRejectedValueOnce(new ApiError(0, 'network', 'offline')).mockResolvedValue([note(1, 3)]);
      await c.select(V1);
      expect(c.notes.get(V1) ?? []).toEqual([]);
      await c.select(V2);
      await c.select(V1);
      expect(notes.mock.calls.map(([v]) => v)).toEqual([V1, V2, V1]);
      expect(c.notes.get(V1)).toEqual([note(1, 3)]);
    });
  });

  describe('colleagues viewing', () => {
    const viewingEv = (agentId: string, viewing: boolean, visitorId = V1) => ({ type: 'viewing' as const, visitorId, agent: agentId, name: `name of ${agentId}`, viewing });

    it('shows a colleague who opened a conversation, only on that conversation', () => {
      const { c, host } = desk();
      c.handleEvents([viewingEv('agent:2', true)]);
      expect(c.viewersOf(V1)).toEqual([{ agent: 'agent:2', name: 'name of agent:2' }]);
      expect(c.viewersOf(V2)).toEqual([]);
      expect(host.requestUpdate).toHaveBeenCalled();
    });

    it('ignores its own viewing events (this agent in another tab)', () => {
      const { c } = desk();
      c.handleEvents([viewingEv('agent:1', true)]);
      expect(c.viewersOf(V1)).toEqual([]);
    });

    it('forgets a colleague who closed the conversation', () => {
      const { c } = desk();
      c.handleEvents([viewingEv('agent:2', true), viewingEv('agent:3', true)]);
      c.handleEvents([viewingEv('agent:2', false)]);
      expect(c.viewersOf(V1).map((v) => v.agent)).toEqual(['agent:3']);
    });

    it('forgets a colleague who stopped renewing after VIEWING_TTL_MS, and keeps one who renewed', () => {
      const { c, clock } = desk();
      c.handleEvents([viewingEv('agent:2', true), viewingEv('agent:3', true)]);
      clock.t += 60_000;
      c.handleEvents([viewingEv('agent:3', true)]);
      clock.t += VIEWING_TTL_MS - 60_000 - 1;
      expect(c.viewersOf(V1).map((v) => v.agent)).toEqual(['agent:2', 'agent:3']);
      clock.t += 1;
      expect(c.viewersOf(V1).map((v) => v.agent)).toEqual(['agent:3']);
      clock.t += 60_000;
      expect(c.viewersOf(V1)).toEqual([]);
    });
  });

  describe('ratings', () => {
    const rating = (id: number, afterMid: number, visitorId = V1): Rating => ({
      id, visitorId, agent: 'agent:1', score: 'bad', comment: `r${id}`, createdAt: '2024-05-01T10:00:00.000Z', afterMid,
    });

    it('fetches a conversation\'s ratings with its notes the first time it is opened, and again after a failure', async () => {
      const { c, ratings } = desk();
      vi.spyOn(c.api, 'notes').mockResolvedValue([note(1, 3)]);
      ratings.mockRejectedValueOnce(new ApiError(0, 'network', 'offline')).mockResolvedValue([rating(4, 3)]);
      await c.select(V1);
      expect(c.ratings.get(V1)).toEqual([]);
      await c.select(V2);
      await c.select(V1);
      await c.select(V2);
      await c.select(V1);
      expect(ratings.mock.calls.map(([v]) => v)).toEqual([V1, V2, V1]);
      expect(c.ratings.get(V1)).toEqual([rating(4, 3)]);
      expect(c.notes.get(V1)).toEqual([note(1, 3)]);
    });

    it('adds a rating from the feed to a conversation opened here, once, and keeps none for others', async () => {
      const { c, host } = desk();
      vi.spyOn(c.api, 'notes').mockResolvedValue([]);
      await c.select(V1);
      const before = c.ratings.get(V1);
      host.requestUpdate.mockClear();
      c.handleEvents([{ type: 'rating', rating: rating(7, 9) }, { type: 'rating', rating: rating(7, 9) }]);
      expect(c.ratings.get(V1)).toEqual([rating(7, 9)]);
      expect(c.ratings.get(V1)).not.toBe(before);
      expect(host.requestUpdate).toHaveBeenCalled();
      c.handleEvents([{ type: 'rating', rating: rating(8, 1, V2) }]);
      expect(c.ratings.has(V2)).toBe(false);
    });
  });

  describe('notes', () => {
    /** A desk with V1 open and its notes (one by a colleague) loaded. */
    async function withNotesOpen() {
      const d = desk();
      vi.spyOn(d.c.api, 'notes').mockResolvedValue([note(1, 3)]);
      await d.c.select(V1);
      return d;
    }

    it('adds a note from the feed to a conversation whose notes are loaded, once however often it comes', async () => {
      const { c } = await withNotesOpen();
      const before = c.notes.get(V1);
      c.handleEvents([{ type: 'note', note: note(2, 5) }]);
      c.handleEvents([{ type: 'note', note: note(2, 5) }]);
      expect(c.notes.get(V1)!.map((n) => n.id)).toEqual([1, 2]);
      expect(c.notes.get(V1)).not.toBe(before);
    });

    it('keeps no notes from the feed for a conversation never opened here', async () => {
      const { c } = await withNotesOpen();
      c.handleEvents([{ type: 'note', note: note(5, 1, V2) }]);
      expect(c.notes.has(V2)).toBe(false);
    });

    it('shows an own note as pending at once, and in the notes once the server answers', async () => {
      const { c } = await withNotesOpen();
      const answer = deferred<Note>();
      const addNote = vi.spyOn(c.api, 'addNote').mockReturnValue(answer.promise);
      c.addNote(V1, '  check the refund  ');
      expect(c.pendingNotes).toEqual([{ visitorId: V1, content: 'check the refund', clientId: expect.any(String), state: 'sending' }]);
      const clientId = c.pendingNotes[0]!.clientId;
      expect(addNote).toHaveBeenCalledWith(V1, 'check the refund', clientId);
      answer.resolve(note(2, 3, V1, { from: 'agent:1', content: 'check the refund', clientId }));
      await vi.waitFor(() => expect(c.pendingNotes).toEqual([]));
      expect(c.notes.get(V1)!.map((n) => n.id)).toEqual([1, 2]);
    });

    it('sends no blank note', async () => {
      const { c } = await withNotesOpen();
      const addNote = vi.spyOn(c.api, 'addNote');
      c.addNote(V1, '  \n ');
      expect(addNote).not.toHaveBeenCalled();
      expect(c.pendingNotes).toEqual([]);
    });

    it('settles a pending note when it comes through the feed first, and lists it once when the answer follows', async () => {
      const { c } = await withNotesOpen();
      const answer = deferred<Note>();
      vi.spyOn(c.api, 'addNote').mockReturnValue(answer.promise);
      c.addNote(V1, 'hi');
      const clientId = c.pendingNotes[0]!.clientId;
      const saved = note(2, 3, V1, { from: 'agent:1', content: 'hi', clientId });
      c.handleEvents([{ type: 'note', note: saved }]);
      expect(c.pendingNotes).toEqual([]);
      expect(c.notes.get(V1)!.map((n) => n.id)).toEqual([1, 2]);
      answer.resolve(saved);
      // The answer's handling runs in the microtasks after it: one macrotask later it is done.
      await new Promise((r) => setTimeout(r, 0));
      expect(c.notes.get(V1)!.map((n) => n.id)).toEqual([1, 2]);
      expect(c.pendingNotes).toEqual([]);
    });

    it('keeps a note that failed as failed, and sends it again with the same clientId on retry', async () => {
      const { c } = await withNotesOpen();
      const addNote = vi.spyOn(c.api, 'addNote').mockRejectedValueOnce(new ApiError(0, 'network', 'offline'));
      c.addNote(V1, 'hi');
      const clientId = c.pendingNotes[0]!.clientId;
      await vi.waitFor(() => expect(c.pendingNotes).toMatchObject([{ clientId, state: 'failed', content: 'hi' }]));
      expect(c.notes.get(V1)!.map((n) => n.id)).toEqual([1]);
      addNote.mockResolvedValueOnce(note(2, 3, V1, { from: 'agent:1', content: 'hi', clientId }));
      c.retryNote(clientId);
      expect(c.pendingNotes).toMatchObject([{ clientId, state: 'sending' }]);
      await vi.waitFor(() => expect(c.pendingNotes).toEqual([]));
      expect(addNote.mock.calls).toEqual([
        [V1, 'hi', clientId],
        [V1, 'hi', clientId],
      ]);
      expect(c.notes.get(V1)!.map((n) => n.id)).toEqual([1, 2]);
    });

    // An own note delivered meanwhile puts an entry in `notes`: that must not pass for "fetched".
    it('still fetches the notes on the next opening after a note was added while they had failed to load', async () => {
      const { c } = desk();
      const notes = vi.spyOn(c.api, 'notes').mockRejectedValueOnce(new ApiError(0, 'network', 'offline')).mockResolvedValue([note(1, 3)]);
      await c.select(V1);
      vi.spyOn(c.api, 'addNote').mockImplementation(async (visitorId, content, clientId) => note(2, 3, visitorId, { from: 'agent:1', content, clientId }));
      c.addNote(V1, 'mine');
      await vi.waitFor(() => expect(c.pendingNotes).toEqual([]));
      await c.select(V2);
      await c.select(V1);
      expect(notes.mock.calls.map(([v]) => v)).toEqual([V1, V2, V1]);
      expect(c.notes.get(V1)!.map((n) => n.id)).toEqual([1, 2]);
    });

    // The server may have read the notes before this one was written: the event is all there is of it.
    it('keeps a colleague\'s note that arrives while the open conversation\'s notes are being fetched', async () => {
      const { c } = desk();
      const fetched = deferred<Note[]>();
      vi.spyOn(c.api, 'notes').mockReturnValue(fetched.promise);
      const selecting = c.select(V1);
      c.handleEvents([{ type: 'note', note: note(2, 5) }]);
      fetched.resolve([note(1, 3)]);
      await selecting;
      expect(c.notes.get(V1)!.map((n) => n.id)).toEqual([1, 2]);
    });
  });

  describe('actions', () => {
    it('is busy while an action is in flight and returns the server\'s conversation state', async () => {
      const { c, host } = desk();
      const answer = deferred<ConversationState>();
      const setStatus = vi.spyOn(c.api, 'setStatus').mockReturnValue(answer.promise);
      const done = c.setStatus(V1, 'resolved');
      expect(c.busy).toBe(true);
      expect(setStatus).toHaveBeenCalledWith(V1, 'resolved');
      const resolved = state(V1, { status: 'resolved' });
      answer.resolve(resolved);
      expect(await done).toBe(resolved);
      expect(c.busy).toBe(false);
      expect(c.error).toBe('');
      expect(host.requestUpdate).toHaveBeenCalled();
    });

    it('assigns with the receiver and the note, and returns the new state', async () => {
      const { c } = desk();
      const mine = state(V1, { assignee: 'agent:2', assigneeName: 'Bob' });
      const assign = vi.spyOn(c.api, 'assign').mockResolvedValue(mine);
      expect(await c.assign(V1, 'agent:2', 'over to you')).toBe(mine);
      expect(assign).toHaveBeenCalledWith(V1, 'agent:2', 'over to you');
    });

    it('returns nothing and keeps the server\'s message as the error when the server refuses', async () => {
      const { c } = desk();
      vi.spyOn(c.api, 'assign').mockRejectedValue(new ApiError(404, 'not_found', 'no such agent'));
      expect(await c.assign(V1, 'agent:9')).toBeUndefined();
      expect(c.error).toBe('no such agent');
      expect(c.busy).toBe(false);
    });

    it('reports a network failure as "network"', async () => {
      const { c } = desk();
      const setStatus = vi.spyOn(c.api, 'setStatus').mockRejectedValue(new ApiError(0, 'network', 'Failed to fetch'));
      expect(await c.setStatus(V1, 'pending')).toBeUndefined();
      expect(c.error).toBe('network');
      setStatus.mockRejectedValue(new TypeError('fetch failed'));
      expect(await c.setStatus(V1, 'pending')).toBeUndefined();
      expect(c.error).toBe('network');
    });

    it('clears the last error when the next action starts, and on clearError', async () => {
      const { c } = desk();
      const setStatus = vi.spyOn(c.api, 'setStatus').mockRejectedValueOnce(new ApiError(409, 'conflict', 'already resolved'));
      await c.setStatus(V1, 'resolved');
      expect(c.error).toBe('already resolved');
      setStatus.mockResolvedValueOnce(state(V1));
      await c.setStatus(V1, 'open');
      expect(c.error).toBe('');
      setStatus.mockRejectedValueOnce(new ApiError(409, 'conflict', 'already resolved'));
      await c.setStatus(V1, 'resolved');
      c.clearError();
      expect(c.error).toBe('');
    });

    it('ignores a second action while one is in flight', async () => {
      const { c } = desk();
      const answer = deferred<ConversationState>();
      vi.spyOn(c.api, 'setStatus').mockReturnValue(answer.promise);
      const assign = vi.spyOn(c.api, 'assign').mockResolvedValue(state(V1));
      const first = c.setStatus(V1, 'resolved');
      expect(await c.assign(V1, 'agent:2')).toBeUndefined();
      expect(assign).not.toHaveBeenCalled();
      answer.resolve(state(V1, { status: 'resolved' }));
      await first;
      expect(await c.assign(V1, 'agent:2')).toEqual(state(V1));
      expect(assign).toHaveBeenCalledOnce();
    });
  });

  it('fetches the team again when someone comes online or leaves', async () => {
    const { c } = desk();
    const agents = vi.spyOn(c.api, 'agents').mockResolvedValue([agent('agent:2')]);
    c.handleEvents([{ type: 'presence', agentsOnline: 2 }]);
    await vi.waitFor(() => expect(c.agents.map((a) => a.id)).toEqual(['agent:2']));
    expect(agents).toHaveBeenCalledOnce();
  });

  it('asks for no render for events that do not concern the desk', () => {
    const { c, host } = desk();
    c.handleEvents([{ type: 'typing', visitorId: V1, from: V1, typing: true }, { type: 'read', visitorId: V1, upto: 3, by: 'visitor' }]);
    expect(host.requestUpdate).not.toHaveBeenCalled();
  });
});

describe('mergeNotes', () => {
  it('orders notes by the message they follow, then by id', () => {
    const merged = mergeNotes([note(5, 2), note(1, 7)], [note(3, 2), note(2, 1)]);
    expect(merged.map((n) => [n.afterMid, n.id])).toEqual([
      [1, 2],
      [2, 3],
      [2, 5],
      [7, 1],
    ]);
  });

  it('keeps one of each id, the later copy', () => {
    const edited = note(1, 2, V1, { content: 'later' });
    expect(mergeNotes([note(1, 2), note(2, 2)], [edited])).toEqual([edited, note(2, 2)]);
  });

  it('leaves the lists given untouched', () => {
    const known = [note(2, 2)];
    const more = [note(1, 1)];
    mergeNotes(known, more);
    expect(known).toEqual([note(2, 2)]);
    expect(more).toEqual([note(1, 1)]);
  });
});
