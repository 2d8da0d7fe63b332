// The help desk over HTTP, against both stores and across two processes on one
// MySQL: status and its filters and counts, claiming by answering, transfer
// with a note, a visitor reopening a resolved conversation, notes that never
// reach the visitor (not on the wire, not in the msg table), viewing, blocks,
// and every change arriving as an event on the other process's agent poll.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RowDataPacket } from 'mysql2';
import { startSidecar, useTwoProcesses, type TestSidecar } from '../helpers/sidecar.js';
import { call, newVisitor, poll, send } from '../helpers/api.js';
import { connectTestDb } from '../helpers/mysql.js';

type Conv = { visitorId: string; status: string; assignee: string | null; assigneeName: string | null; blocked: boolean };
type List = { conversations: Conv[]; counts: { open: number; mine: number; unassigned: number; resolved: number } };

/** Polls as an agent until an event matching `match` arrives; returns it and the cursor after it. */
async function eventOn(base: string, token: string, cursor: string, match: (e: any) => boolean): Promise<{ event: any; cursor: string }> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const r = await poll(base, 'agent', token, cursor, 5);
    expect(r.status).toBe(200);
    cursor = r.body.cursor;
    const event = r.body.events.find(match);
    if (event) return { event, cursor };
  }
  throw new Error('no matching event within 10 s');
}

for (const store of ['sqlite', 'mysql'] as const) {
  describe(`the help desk (${store})`, () => {
    let sc: TestSidecar;
    let ann: string;
    let bob: string;

    beforeAll(async () => {
      sc = await startSidecar({ store });
      ann = await sc.agentToken(1, 'Ann');
      bob = await sc.agentToken(2, 'Bob');
      // Both agents have been seen, so each can be chosen for a transfer.
      await call(sc.url, '/api/agent/presence', { token: ann, body: { status: 'online' } });
      await call(sc.url, '/api/agent/presence', { token: bob, body: { status: 'online' } });
    });
    afterAll(async () => {
      await sc?.stop();
    });

    const list = async (token: string, filter?: string) =>
      (await call<List>(sc.url, `/api/agent/conversations${filter ? `?filter=${filter}` : ''}`, { token })).body;

    it('claims an unowned conversation for the agent who answers, and not again for a second', async () => {
      const v = await newVisitor(sc.url);
      await send(sc.url, v.token, 'hello?');
      expect((await list(ann)).conversations.find((c) => c.visitorId === v.visitorId)).toMatchObject({ status: 'open', assignee: null });
      await call(sc.url, `/api/agent/conversations/${v.visitorId}/messages`, { token: ann, body: { content: 'Ann here' } });
      await expect.poll(async () => (await list(ann)).conversations.find((c) => c.visitorId === v.visitorId)?.assignee).toBe('agent:1');
      await call(sc.url, `/api/agent/conversations/${v.visitorId}/messages`, { token: bob, body: { content: 'Bob too' } });
      await new Promise((r) => setTimeout(r, 200));
      const c = (await list(bob)).conversations.find((x) => x.visitorId === v.visitorId)!;
      expect([c.assignee, c.assigneeName]).toEqual(['agent:1', 'Ann']);
      expect((await list(ann, 'mine')).conversations.map((x) => x.visitorId)).toContain(v.visitorId);
      expect((await list(bob, 'mine')).conversations.map((x) => x.visitorId)).not.toContain(v.visitorId);
    });

    it('transfers with a note the receiver sees as an event, and filters and counts follow', async () => {
      const v = await newVisitor(sc.url);
      await send(sc.url, v.token, 'I need billing');
      const start = (await poll(sc.url, 'agent', bob, null, 0)).body.cursor;
      const before = (await list(bob)).counts;
      const r = await call(sc.url, `/api/agent/conversations/${v.visitorId}/assign`, { token: ann, body: { agent: 'agent:2', note: 'Billing question, over to you' } });
      expect(r.status).toBe(200);
      expect(r.body.conversation).toMatchObject({ visitorId: v.visitorId, assignee: 'agent:2', assigneeName: 'Bob' });
      const { event } = await eventOn(sc.url, bob, start, (e) => e.type === 'conversation' && e.visitorId === v.visitorId);
      expect(event).toMatchObject({ assignee: 'agent:2', by: 'agent:1', byName: 'Ann', note: 'Billing question, over to you' });
      const after = (await list(bob)).counts;
      expect(after.mine).toBe(before.mine + 1);
      expect(after.unassigned).toBe(before.unassigned - 1);
      expect((await list(bob, 'unassigned')).conversations.map((x) => x.visitorId)).not.toContain(v.visitorId);
      // The note stays in the thread as a note from Ann, for whoever opens it later.
      const notes = (await call(sc.url, `/api/agent/conversations/${v.visitorId}/notes`, { token: bob })).body.notes;
      expect(notes).toEqual([expect.objectContaining({ from: 'agent:1', fromName: 'Ann', content: 'Billing question, over to you' })]);
      // Back to nobody.
      const back = await call(sc.url, `/api/agent/conversations/${v.visitorId}/assign`, { token: bob, body: { agent: null } });
      expect(back.body.conversation.assignee).toBeNull();
    });

    it('resolves, and a visitor\'s message opens it again', async () => {
      const v = await newVisitor(sc.url);
      await send(sc.url, v.token, 'thanks, that is all');
      const resolved = await call(sc.url, `/api/agent/conversations/${v.visitorId}/status`, { token: ann, body: { status: 'resolved' } });
      expect(resolved.body.conversation.status).toBe('resolved');
      expect((await list(ann, 'resolved')).conversations.map((x) => x.visitorId)).toContain(v.visitorId);
      expect((await list(ann, 'open')).conversations.map((x) => x.visitorId)).not.toContain(v.visitorId);
      const cursor = (await poll(sc.url, 'agent', ann, null, 0)).body.cursor;
      await send(sc.url, v.token, 'one more thing');
      const { event } = await eventOn(sc.url, ann, cursor, (e) => e.type === 'conversation' && e.visitorId === v.visitorId);
      expect(event).toMatchObject({ status: 'open', by: 'system' });
    });

    it('keeps notes away from the visitor: not in their poll, history or the msg table', async () => {
      const v = await newVisitor(sc.url);
      await send(sc.url, v.token, 'my order is late');
      const vCursor = (await poll(sc.url, 'visitor', v.token, null, 0)).body.cursor;
      const aCursor = (await poll(sc.url, 'agent', bob, null, 0)).body.cursor;
      const made = await call(sc.url, `/api/agent/conversations/${v.visitorId}/notes`, { token: ann, body: { content: 'VIP customer, refund allowed', clientId: 'n1' } });
      expect(made.status).toBe(201);
      const again = await call(sc.url, `/api/agent/conversations/${v.visitorId}/notes`, { token: ann, body: { content: 'VIP customer, refund allowed', clientId: 'n1' } });
      expect([again.status, again.body.note.id]).toEqual([200, made.body.note.id]);
      expect(made.body.note).toMatchObject({ visitorId: v.visitorId, from: 'agent:1', fromName: 'Ann', content: 'VIP customer, refund allowed' });
      expect(made.body.note.afterMid).toBeGreaterThan(0);

      const { event } = await eventOn(sc.url, bob, aCursor, (e) => e.type === 'note');
      expect(event.note.id).toBe(made.body.note.id);
      const seen = await poll(sc.url, 'visitor', v.token, vCursor, 1);
      expect(JSON.stringify(seen.body)).not.toContain('refund allowed');
      const history = await call(sc.url, '/api/visitor/messages', { token: v.token });
      expect(JSON.stringify(history.body)).not.toContain('refund allowed');
      expect((await call(sc.url, `/api/agent/conversations/${v.visitorId}/notes`, { token: bob })).body.notes.map((n: any) => n.content)).toEqual(['VIP customer, refund allowed']);
      const rows = await sc.rt.store.history({ kind: 'agents' }, null, 100);
      expect(rows.some((m) => m.content.includes('refund allowed'))).toBe(false);
      // A visitor token is not an agent's: no notes for it.
      expect((await call(sc.url, `/api/agent/conversations/${v.visitorId}/notes`, { token: v.token })).status).toBe(403);
    });

    it('shows who is viewing a conversation', async () => {
      const v = await newVisitor(sc.url);
      await send(sc.url, v.token, 'anyone?');
      const cursor = (await poll(sc.url, 'agent', bob, null, 0)).body.cursor;
      expect((await call(sc.url, '/api/agent/viewing', { token: ann, body: { visitorId: v.visitorId, viewing: true } })).status).toBe(204);
      const { event } = await eventOn(sc.url, bob, cursor, (e) => e.type === 'viewing');
      expect(event).toMatchObject({ visitorId: v.visitorId, agent: 'agent:1', name: 'Ann', viewing: true });
    });

    it('blocks a visitor with a reason: a polite 403, no new row; unblocks', async () => {
      const v = await newVisitor(sc.url);
      await send(sc.url, v.token, 'spam spam');
      const made = await call(sc.url, '/api/agent/blocks', { token: ann, body: { visitorId: v.visitorId, reason: 'Spam' } });
      expect(made.status).toBe(201);
      expect(made.body.block).toMatchObject({ visitorId: v.visitorId, reason: 'Spam', by: 'agent:1', address: false });
      expect(JSON.stringify(made.body)).not.toMatch(/address_?hash/i);
      const refused = await send(sc.url, v.token, 'more spam');
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({ code: 'forbidden', message: 'This chat is not available to you.' });
      const rows = await sc.rt.store.history({ kind: 'visitor', visitorId: v.visitorId }, null, 100);
      expect(rows.map((m) => m.content)).toEqual(['spam spam']);
      expect((await list(ann)).conversations.find((c) => c.visitorId === v.visitorId)?.blocked).toBe(true);
      expect((await call(sc.url, '/api/agent/blocks', { token: bob })).body.blocks.map((b: any) => b.id)).toContain(made.body.block.id);
      expect((await call(sc.url, `/api/agent/blocks/${made.body.block.id}`, { method: 'DELETE', token: bob })).status).toBe(204);
      expect((await send(sc.url, v.token, 'sorry')).status).toBe(201);
      expect((await call(sc.url, `/api/agent/blocks/${made.body.block.id}`, { method: 'DELETE', token: bob })).status).toBe(404);
    });

    it('blocks an address: no new conversation from it', async () => {
      const v = await newVisitor(sc.url);
      await send(sc.url, v.token, 'abuse');
      const made = await call(sc.url, '/api/agent/blocks', { token: ann, body: { visitorId: v.visitorId, reason: 'Abuse', address: true } });
      expect(made.body.block.address).toBe(true);
      // Every test visitor comes from 127.0.0.1: a new one is refused.
      const fresh = await call(sc.url, '/api/visitor/session', { body: {} });
      expect(fresh.status).toBe(403);
      await call(sc.url, `/api/agent/blocks/${made.body.block.id}`, { method: 'DELETE', token: ann });
      expect((await call(sc.url, '/api/visitor/session', { body: {} })).status).toBe(200);
    });

    it('refuses bad input with clear errors and changes nothing', async () => {
      const v = await newVisitor(sc.url);
      await send(sc.url, v.token, 'hi');
      const cases: Array<[string, unknown, number]> = [
        [`/api/agent/conversations/${v.visitorId}/status`, { status: 'done' }, 400],
        [`/api/agent/conversations/${v.visitorId}/assign`, {}, 400],
        [`/api/agent/conversations/${v.visitorId}/assign`, { agent: 'bob' }, 400],
        [`/api/agent/conversations/${v.visitorId}/assign`, { agent: 'agent:999' }, 404],
        [`/api/agent/conversations/${v.visitorId}/assign`, { agent: 'agent:2', note: 'x'.repeat(501) }, 400],
        [`/api/agent/conversations/${v.visitorId}/notes`, { content: '   ' }, 400],
        ['/api/agent/conversations/v_nobodyNobodyNobody12345/status', { status: 'resolved' }, 404],
        ['/api/agent/blocks', { visitorId: v.visitorId }, 400],
        ['/api/agent/blocks', { visitorId: v.visitorId, reason: 'x', address: 'yes' }, 400],
      ];
      for (const [path, body, status] of cases) {
        const r = await call(sc.url, path, { token: ann, body });
        expect(r.status, `${path} ${JSON.stringify(body)}`).toBe(status);
        expect(typeof r.body.error.message).toBe('string');
      }
      expect((await call(sc.url, '/api/agent/conversations?filter=everything', { token: ann })).status).toBe(400);
      const c = (await list(ann)).conversations.find((x) => x.visitorId === v.visitorId)!;
      expect(c).toMatchObject({ status: 'open', assignee: null, blocked: false });
    });

    it('gives an absent owner\'s open conversations back to the team', async () => {
      const v = await newVisitor(sc.url);
      await send(sc.url, v.token, 'still there?');
      const carl = await sc.agentToken(3, 'Carl');
      await call(sc.url, `/api/agent/conversations/${v.visitorId}/messages`, { token: carl, body: { content: 'Carl here' } });
      await expect.poll(async () => (await list(ann)).conversations.find((c) => c.visitorId === v.visitorId)?.assignee).toBe('agent:3');
      await sc.rt.presence.flush();
      // Carl closed his console an hour ago.
      await sc.rt.store.setAgentPresence({ id: 'agent:3', name: 'Carl' }, null, new Date(Date.now() - 3600_000));
      const cursor = (await poll(sc.url, 'agent', ann, null, 0)).body.cursor;
      expect(await sc.rt.desk.returnAbsentOwners()).toBeGreaterThanOrEqual(1);
      // Carl's claim may still be on its way to this cursor (MySQL events are tailed), so wait for the system's change.
      const { event } = await eventOn(sc.url, ann, cursor, (e) => e.type === 'conversation' && e.visitorId === v.visitorId && e.by === 'system');
      expect(event).toMatchObject({ assignee: null });
      // Ann, seen just now, keeps hers.
      expect((await list(ann, 'mine')).counts.mine).toBeGreaterThan(0);
    });

    it('lists the team for transfers', async () => {
      const { agents } = (await call(sc.url, '/api/agent/agents', { token: ann })).body;
      expect(agents).toEqual(expect.arrayContaining([{ id: 'agent:1', name: 'Ann', online: true }, { id: 'agent:2', name: 'Bob', online: true }]));
    });
  });
}

describe('the help desk across two processes on one MySQL', () => {
  const pair = useTwoProcesses();

  it('announces a change made on one process to consoles on the other, and a block made on one holds on both', async () => {
    const ann = await pair.a.agentToken(1, 'Ann');
    const bob = await pair.b.agentToken(2, 'Bob');
    await call(pair.a.url, '/api/agent/presence', { token: ann, body: { status: 'online' } });
    const v = await newVisitor(pair.a.url);
    await send(pair.a.url, v.token, 'hello from process A');
    const cursor = (await poll(pair.b.url, 'agent', bob, null, 0)).body.cursor;
    await call(pair.a.url, `/api/agent/conversations/${v.visitorId}/status`, { token: ann, body: { status: 'pending' } });
    const { event } = await eventOn(pair.b.url, bob, cursor, (e) => e.type === 'conversation' && e.visitorId === v.visitorId);
    expect(event).toMatchObject({ status: 'pending', by: 'agent:1' });

    await call(pair.a.url, '/api/agent/blocks', { token: ann, body: { visitorId: v.visitorId, reason: 'Spam' } });
    // Process B learns of the block from the event table within about a tail interval (100 ms here).
    const blockedAt = Date.now();
    await expect.poll(() => pair.b.rt.desk.isBlocked(v.visitorId), { timeout: 5_000, interval: 10 }).toBe(true);
    expect(Date.now() - blockedAt).toBeLessThan(2_000);
    expect((await send(pair.b.url, v.token, 'via B')).status).toBe(403);
    const db = await connectTestDb();
    const [rows] = await db.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${pair.a.prefix}kefu_msg\` WHERE content = 'via B'`);
    await db.end();
    expect(Number(rows[0].n)).toBe(0);
  });
});

describe('canned replies', () => {
  let sc: TestSidecar;
  let manager: string;
  let ann: string;
  let bob: string;
  beforeAll(async () => {
    sc = await startSidecar({ store: 'mysql' });
    manager = await sc.rt.tokens.agentToken('agent:9', 'Mia Manager', 600, true);
    ann = await sc.agentToken(1, 'Ann');
    bob = await sc.agentToken(2, 'Bob');
  });
  afterAll(async () => {
    await sc?.stop();
  });

  it('lets a manager keep shared replies that every agent sees, and agents keep their own', async () => {
    const cursor = (await poll(sc.url, 'agent', bob, null, 0)).body.cursor;
    const shared = await call(sc.url, '/api/agent/canned', {
      token: manager,
      body: { shortcut: '/refund', title: 'Refund policy', content: 'Hi {visitor.name}, refunds take 5 days. {agent.name}', shared: true },
    });
    expect(shared.status).toBe(201);
    expect(shared.body.canned).toMatchObject({ owner: null, shortcut: 'refund', title: 'Refund policy' });
    const { event } = await eventOn(sc.url, bob, cursor, (e) => e.type === 'canned');
    expect(event.canned.id).toBe(shared.body.canned.id);

    expect((await call(sc.url, '/api/agent/canned', { token: ann, body: { shortcut: 'hi', content: 'Hello from Ann', shared: true } })).status).toBe(403);
    const mine = await call(sc.url, '/api/agent/canned', { token: ann, body: { shortcut: 'hi', content: 'Hello from Ann' } });
    expect(mine.body.canned.owner).toBe('agent:1');
    expect((await call(sc.url, '/api/agent/canned', { token: ann, body: { shortcut: 'hi', content: 'again' } })).status).toBe(400);

    const annList = (await call(sc.url, '/api/agent/canned', { token: ann })).body.canned.map((c: any) => c.shortcut);
    const bobList = (await call(sc.url, '/api/agent/canned', { token: bob })).body.canned.map((c: any) => c.shortcut);
    expect(annList).toEqual(['hi', 'refund']);
    expect(bobList).toEqual(['refund']);

    // Bob can neither change Ann's nor the shared one; Ann changes and deletes her own.
    expect((await call(sc.url, `/api/agent/canned/${mine.body.canned.id}`, { method: 'PUT', token: bob, body: { shortcut: 'x', content: 'y' } })).status).toBe(404);
    expect((await call(sc.url, `/api/agent/canned/${shared.body.canned.id}`, { method: 'DELETE', token: bob })).status).toBe(403);
    const edited = await call(sc.url, `/api/agent/canned/${mine.body.canned.id}`, { method: 'PUT', token: ann, body: { shortcut: 'hello', content: 'Hello!' } });
    expect(edited.body.canned).toMatchObject({ shortcut: 'hello', content: 'Hello!' });
    expect((await call(sc.url, `/api/agent/canned/${mine.body.canned.id}`, { method: 'DELETE', token: ann })).status).toBe(204);
    expect((await call(sc.url, `/api/agent/canned/${mine.body.canned.id}`, { method: 'DELETE', token: ann })).status).toBe(404);
    for (const bad of [{ shortcut: '', content: 'x' }, { shortcut: 'has space', content: 'x' }, { shortcut: 'ok', content: '' }, { shortcut: 'ok', content: 'x', title: 5 }]) {
      expect((await call(sc.url, '/api/agent/canned', { token: ann, body: bad })).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await call(sc.url, '/api/agent/canned/abc', { method: 'DELETE', token: ann })).status).toBe(400);
  });
});

describe('auto-assignment (KEFU_AUTO_ASSIGN)', () => {
  let sc: TestSidecar;
  beforeAll(async () => {
    sc = await startSidecar({ store: 'mysql', env: { KEFU_AUTO_ASSIGN: 'true' } });
  });
  afterAll(async () => {
    await sc?.stop();
  });

  it('gives each new conversation to the least busy agent online, and none to an agent away', async () => {
    const ann = await sc.agentToken(1, 'Ann');
    const bob = await sc.agentToken(2, 'Bob');
    const cleo = await sc.agentToken(3, 'Cleo');
    for (const t of [ann, bob, cleo]) await call(sc.url, '/api/agent/presence', { token: t, body: { status: 'online' } });
    await call(sc.url, '/api/agent/presence', { token: cleo, body: { status: 'away' } });
    const owners: string[] = [];
    for (let i = 0; i < 4; i++) {
      const v = await newVisitor(sc.url);
      await send(sc.url, v.token, `question ${i}`);
      const conv = sc.rt.store.desk;
      await expect.poll(async () => (await conv.state(v.visitorId))?.assignee, { timeout: 5_000 }).not.toBeNull();
      owners.push((await conv.state(v.visitorId))!.assignee!);
    }
    expect(owners.sort()).toEqual(['agent:1', 'agent:1', 'agent:2', 'agent:2']);
  });
});
