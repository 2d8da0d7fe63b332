import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { call, newVisitor, poll, send } from '../helpers/api.js';
import { connectTestDb } from '../helpers/mysql.js';

describe('long-poll delivery on MySQL', () => {
  let s: TestSidecar;
  let db: mysql.Connection;
  let agent: string;
  let table: string;

  beforeAll(async () => {
    s = await startSidecar({ store: 'mysql' });
    db = await connectTestDb();
    agent = await s.agentToken(1, 'Alice');
    table = `${s.prefix}kefu_msg`;
  });
  afterAll(async () => {
    await db?.end();
    await s?.stop();
  });

  it('wakes a held agent poll within milliseconds of a visitor POST', async () => {
    const v = await newVisitor(s.url);
    const first = await poll(s.url, 'agent', agent, null, 0);
    const held = poll(s.url, 'agent', agent, first.body.cursor, 20);
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    const sent = await send(s.url, v.token, 'hello there');
    const answer = await held;
    const elapsed = performance.now() - t0;
    expect(sent.status).toBe(201);
    expect(answer.status).toBe(200);
    expect(answer.body.messages.map((m: any) => m.mid)).toContain(sent.body.message.mid);
    expect(elapsed).toBeLessThan(1000);
  });

  it('wakes the visitor with the agent reply, with the agent name', async () => {
    const v = await newVisitor(s.url, { name: 'Bo' });
    const held = poll(s.url, 'visitor', v.token, v.cursor, 20);
    await new Promise((r) => setTimeout(r, 50));
    const r = await call(s.url, `/api/agent/conversations/${v.visitorId}/messages`, { token: agent, body: { content: 'Hi Bo' } });
    expect(r.status).toBe(201);
    expect(r.body.message).toMatchObject({ from: 'agent:1', to: v.visitorId, content: 'Hi Bo', fromName: 'Alice', read: false });
    const answer = await held;
    expect(answer.body.messages).toHaveLength(1);
    expect(answer.body.messages[0]).toMatchObject({ mid: r.body.message.mid, content: 'Hi Bo' });
  });

  it('delivers a row that PHP inserts straight into the table', async () => {
    const v = await newVisitor(s.url);
    const held = poll(s.url, 'visitor', v.token, v.cursor, 20);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    await db.query(`INSERT INTO \`${table}\` (pos, rec, content, isread) VALUES ('admin', ?, 'from PHP 你好', 0)`, [v.visitorId]);
    const answer = await held;
    expect(performance.now() - t0).toBeLessThan(600);
    expect(answer.body.messages).toHaveLength(1);
    expect(answer.body.messages[0]).toMatchObject({ from: 'admin', to: v.visitorId, content: 'from PHP 你好' });
  });

  it('puts a conversation that PHP started on the agents\' list', async () => {
    const visitor = 'v_phpphpphpphpphpphpphp0';
    await db.query(`INSERT INTO \`${table}\` (pos, rec, content, isread) VALUES (?, 'admin', 'written by PHP', 0)`, [visitor]);
    await expect.poll(async () => {
      const list = await call(s.url, '/api/agent/conversations', { token: agent });
      return list.body.conversations.find((c: any) => c.visitorId === visitor)?.lastMessage?.content;
    }, { timeout: 3000 }).toBe('written by PHP');
  });

  it('delivers a row that commits after a later one (out of mid order)', async () => {
    const v = await newVisitor(s.url);
    const c1 = await connectTestDb();
    const c2 = await connectTestDb();
    try {
      let cursor = v.cursor;
      const got: number[] = [];
      await c1.beginTransaction();
      await c1.query(`INSERT INTO \`${table}\` (pos, rec, content, isread) VALUES ('admin', ?, 'first mid, late commit', 0)`, [v.visitorId]);
      const [[{ mid: early }]] = (await c1.query('SELECT LAST_INSERT_ID() AS mid')) as any;
      await c2.query(`INSERT INTO \`${table}\` (pos, rec, content, isread) VALUES ('admin', ?, 'second mid, early commit', 0)`, [v.visitorId]);
      const a = await poll(s.url, 'visitor', v.token, cursor, 10);
      got.push(...a.body.messages.map((m: any) => m.mid));
      cursor = a.body.cursor;
      expect(got).toEqual([Number(early) + 1]);
      // The cursor remembers the gap; the late commit is still delivered.
      const held = poll(s.url, 'visitor', v.token, cursor, 10);
      await new Promise((r) => setTimeout(r, 300));
      await c1.commit();
      const b = await held;
      got.push(...b.body.messages.map((m: any) => m.mid));
      expect(got).toEqual([Number(early) + 1, Number(early)]);
      // And nothing comes twice afterwards: the next poll waits.
      const t0 = performance.now();
      const c = await poll(s.url, 'visitor', v.token, b.body.cursor, 1);
      expect(c.body.messages).toEqual([]);
      expect(performance.now() - t0).toBeGreaterThan(900);
    } finally {
      await c1.end();
      await c2.end();
    }
  });

  it('stores one row for a repeated clientId and answers 200 with the same message', async () => {
    const v = await newVisitor(s.url);
    const a = await send(s.url, v.token, 'only once', 'retry-1');
    const b = await send(s.url, v.token, 'only once', 'retry-1');
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.body.message.mid).toBe(a.body.message.mid);
    const [rows] = (await db.query(`SELECT COUNT(*) AS n FROM \`${table}\` WHERE pos = ?`, [v.visitorId])) as any;
    expect(Number(rows[0].n)).toBe(1);
  });

  it('acknowledges only what the cursor covers: isread turns 1 after the next poll', async () => {
    const v = await newVisitor(s.url);
    const r = await call(s.url, `/api/agent/conversations/${v.visitorId}/messages`, { token: agent, body: { content: 'read me' } });
    const mid = r.body.message.mid;
    const isread = async () => Number(((await db.query(`SELECT isread FROM \`${table}\` WHERE mid = ?`, [mid])) as any)[0][0].isread);
    const got = await poll(s.url, 'visitor', v.token, v.cursor, 5);
    expect(got.body.messages.map((m: any) => m.mid)).toEqual([mid]);
    // Delivered, but not yet acknowledged: the client may not have received the answer.
    // (Two receipt intervals pass first, so a wrong mark would have been written.)
    await new Promise((r) => setTimeout(r, 600));
    expect(await isread()).toBe(0);
    await poll(s.url, 'visitor', v.token, got.body.cursor, 0);
    // Written behind delivery, within a tail interval or so.
    await expect.poll(isread, { timeout: 3000 }).toBe(1);
  });

  it('redelivers on the next poll when an answer never reached the client', async () => {
    const v = await newVisitor(s.url);
    await call(s.url, `/api/agent/conversations/${v.visitorId}/messages`, { token: agent, body: { content: 'lost answer' } });
    const a = await poll(s.url, 'visitor', v.token, v.cursor, 0);
    // The client lost `a` and polls again with its old cursor.
    const b = await poll(s.url, 'visitor', v.token, v.cursor, 0);
    expect(b.body.messages.map((m: any) => m.mid)).toEqual(a.body.messages.map((m: any) => m.mid));
  });

  it('waits instead of answering at once when nothing is new', async () => {
    const v = await newVisitor(s.url);
    const t0 = performance.now();
    const r = await poll(s.url, 'visitor', v.token, v.cursor, 1);
    expect(r.body.messages).toEqual([]);
    expect(performance.now() - t0).toBeGreaterThan(900);
    const t1 = performance.now();
    const z = await poll(s.url, 'visitor', v.token, r.body.cursor, 0);
    expect(z.body.messages).toEqual([]);
    expect(performance.now() - t1).toBeLessThan(500);
  });

  it('removes a waiter at once when its client goes away', async () => {
    const v = await newVisitor(s.url);
    const before = s.rt.hub.size;
    const ac = new AbortController();
    const held = call(s.url, `/api/visitor/poll?cursor=${encodeURIComponent(v.cursor)}&wait=25`, { token: v.token, signal: ac.signal }).catch(() => null);
    await expect.poll(() => s.rt.hub.size, { timeout: 2000 }).toBe(before + 1);
    ac.abort();
    await held;
    await expect.poll(() => s.rt.hub.size, { timeout: 2000 }).toBe(before);
  });

  it('pages history for visitors and agents', async () => {
    const v = await newVisitor(s.url);
    const mids: number[] = [];
    for (let i = 0; i < 5; i++) mids.push((await send(s.url, v.token, `m${i}`)).body.message.mid);
    const page = await call(s.url, `/api/visitor/messages?limit=2`, { token: v.token });
    expect(page.body.messages.map((m: any) => m.mid)).toEqual(mids.slice(3));
    const older = await call(s.url, `/api/agent/conversations/${v.visitorId}/messages?before=${mids[3]}&limit=2`, { token: agent });
    expect(older.body.messages.map((m: any) => m.mid)).toEqual(mids.slice(1, 3));
  });

  it('lists conversations latest first, with unread counts that agents clear by reading', async () => {
    const a = await newVisitor(s.url, { name: 'First', page: '/pricing' });
    const b = await newVisitor(s.url, { name: 'Second' });
    await send(s.url, a.token, 'a1');
    const last = await send(s.url, b.token, 'b1');
    await send(s.url, b.token, 'b2');
    let list = await call(s.url, '/api/agent/conversations', { token: agent });
    const ids = list.body.conversations.map((c: any) => c.visitorId);
    expect(ids.indexOf(b.visitorId)).toBeLessThan(ids.indexOf(a.visitorId));
    const eb = list.body.conversations.find((c: any) => c.visitorId === b.visitorId);
    expect(eb).toMatchObject({ name: 'Second', unread: 2, online: true, lastMessage: { content: 'b2' } });
    expect(list.body.conversations.find((c: any) => c.visitorId === a.visitorId)).toMatchObject({ page: '/pricing', unread: 1 });
    const now = await poll(s.url, 'visitor', b.token, b.cursor, 0);
    const held = poll(s.url, 'visitor', b.token, now.body.cursor, 10);
    await new Promise((r) => setTimeout(r, 50));
    const read = await call(s.url, `/api/agent/conversations/${b.visitorId}/read`, { token: agent, body: { upto: last.body.message.mid } });
    expect(read.status).toBe(204);
    const ev = await held;
    expect(ev.body.events).toContainEqual({ type: 'read', visitorId: b.visitorId, upto: last.body.message.mid, by: 'agent' });
    list = await call(s.url, '/api/agent/conversations', { token: agent });
    expect(list.body.conversations.find((c: any) => c.visitorId === b.visitorId).unread).toBe(1);
  });

  it('carries typing both ways as events', async () => {
    const v = await newVisitor(s.url);
    const agentStart = await poll(s.url, 'agent', agent, null, 0);
    const heldAgent = poll(s.url, 'agent', agent, agentStart.body.cursor, 10);
    await new Promise((r) => setTimeout(r, 50));
    expect((await call(s.url, '/api/visitor/typing', { token: v.token, body: { typing: true } })).status).toBe(204);
    const a = await heldAgent;
    expect(a.body.events).toContainEqual({ type: 'typing', visitorId: v.visitorId, from: v.visitorId, typing: true });
    const heldVisitor = poll(s.url, 'visitor', v.token, v.cursor, 10);
    await new Promise((r) => setTimeout(r, 50));
    expect((await call(s.url, '/api/agent/typing', { token: agent, body: { visitorId: v.visitorId, typing: true } })).status).toBe(204);
    const b = await heldVisitor;
    expect(b.body.events).toContainEqual({ type: 'typing', visitorId: v.visitorId, from: 'agent:1', name: 'Alice', typing: true });
  });

  it('wakes visitors when someone comes online, not for every further agent', async () => {
    const v = await newVisitor(s.url);
    const second = await s.agentToken(2, 'Bea');
    await call(s.url, '/api/agent/presence', { token: agent, body: { status: 'online' } });
    const first = await poll(s.url, 'visitor', v.token, v.cursor, 0);
    expect(first.body.agentsOnline).toBeGreaterThanOrEqual(1);
    const t0 = performance.now();
    const held = poll(s.url, 'visitor', v.token, first.body.cursor, 2);
    await new Promise((r) => setTimeout(r, 50));
    await call(s.url, '/api/agent/presence', { token: second, body: { status: 'online' } });
    const r = await held;
    // The count changed, but nobody's availability did: the poll ran its full time.
    expect(performance.now() - t0).toBeGreaterThan(1900);
    expect(r.body.events).toEqual([]);
    expect(r.body.agentsOnline).toBe(first.body.agentsOnline + 1);
    await call(s.url, '/api/agent/presence', { token: second, body: { status: 'away' } });
  });

  it('tells visitors how many agents are online and wakes them when it changes', async () => {
    const v = await newVisitor(s.url);
    await call(s.url, '/api/agent/presence', { token: agent, body: { status: 'away' } });
    const first = await poll(s.url, 'visitor', v.token, v.cursor, 0);
    expect(first.body.agentsOnline).toBe(0);
    const held = poll(s.url, 'visitor', v.token, first.body.cursor, 10);
    await new Promise((r) => setTimeout(r, 50));
    expect((await call(s.url, '/api/agent/presence', { token: agent, body: { status: 'online' } })).status).toBe(204);
    const r = await held;
    expect(r.body.agentsOnline).toBe(1);
    expect(r.body.events).toContainEqual({ type: 'presence', agentsOnline: 1 });
  });
});

describe('long-poll timeouts', () => {
  // A sidecar of its own: no agent comes or goes, so no presence event ends the wait early.
  let quiet: TestSidecar;
  beforeAll(async () => { quiet = await startSidecar({ store: 'sqlite' }); });
  afterAll(() => quiet?.stop());

  it('holds a 30-second poll to its end: no server timeout cuts it', async () => {
    const v = await newVisitor(quiet.url);
    const t0 = performance.now();
    const r = await poll(quiet.url, 'visitor', v.token, v.cursor, 30);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ messages: [], events: [] });
    expect(performance.now() - t0).toBeGreaterThan(29_500);
  }, 40_000);
});
