// A visitor never sees another visitor's messages, typing or existence,
// through any route or through the timing of replies; ids are unguessable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { expectError, request } from '../helpers/http-probe.js';
import { newVisitorId } from '../../sidecar/core/chat.js';

let sc: TestSidecar;
let agent: string;
type V = { visitorId: string; token: string; cursor: string };
let alice: V;
let bob: V;
const ALICE_TEXT = 'alice private words 7f3a';
const aliceMids: number[] = [];
let bobStart: string;

const session = async (json: object = {}) => (await request(sc.url, '/api/visitor/session', { json })).json as V;
const poll = async (v: V, cursor: string, wait = 0) =>
  request(sc.url, `/api/visitor/poll?cursor=${encodeURIComponent(cursor)}&wait=${wait}`, { token: v.token });

function assertNoAlice(text: string): void {
  expect(text).not.toContain(alice.visitorId);
  expect(text).not.toContain(ALICE_TEXT);
  expect(text).not.toContain('Alice Example');
}

beforeAll(async () => {
  sc = await startSidecar({ store: 'mysql' });
  agent = await sc.agentToken(1, 'Ann');
  alice = await session({ name: 'Alice Example', email: 'alice@example.com' });
  bob = await session({ name: 'Bob' });
  bobStart = bob.cursor;
  // Alice's conversation: her messages, a reply, typing both ways, read receipts.
  for (let i = 0; i < 3; i++) {
    const r = await request(sc.url, '/api/visitor/messages', { token: alice.token, json: { content: `${ALICE_TEXT} ${i}`, clientId: `shared-id-${i}` } });
    aliceMids.push((r.json as { message: { mid: number } }).message.mid);
  }
  const reply = await request(sc.url, `/api/agent/conversations/${alice.visitorId}/messages`, { token: agent, json: { content: `${ALICE_TEXT} reply` } });
  aliceMids.push((reply.json as { message: { mid: number } }).message.mid);
  await request(sc.url, '/api/visitor/typing', { token: alice.token, json: { typing: true } });
  await request(sc.url, '/api/agent/typing', { token: agent, json: { visitorId: alice.visitorId, typing: true } });
  await request(sc.url, `/api/agent/conversations/${alice.visitorId}/read`, { token: agent, json: { upto: aliceMids[2] } });
});

afterAll(async () => {
  await sc?.stop();
});

describe('another visitor\'s conversation', () => {
  it('never shows up in poll, history, session or stream answers', async () => {
    const p = await poll(bob, bobStart);
    expect(p.status).toBe(200);
    assertNoAlice(p.text);
    // Crafted cursors: Alice's mids as gaps, or below all of them.
    for (const cursor of [`c1.${(aliceMids[3] + 1).toString(36)}.0.${aliceMids.map((m) => (aliceMids[3] + 1 - m).toString(36)).join('~')}`, 'c1.0.0', 'c1.1.0']) {
      const r = await poll(bob, cursor);
      expect(r.status).toBe(200);
      assertNoAlice(r.text);
    }
    for (const q of ['', `?before=${aliceMids[3] + 1}`, '?limit=100', `?before=${aliceMids[0] + 1}&limit=1`]) {
      const h = await request(sc.url, `/api/visitor/messages${q}`, { token: bob.token });
      expect(h.status).toBe(200);
      expect((h.json as { messages: unknown[] }).messages).toEqual([]);
    }
    const resumed = await request(sc.url, '/api/visitor/session', { token: bob.token, json: {} });
    assertNoAlice(resumed.text);
    // Bob's stream, from the very first event and message.
    const t = (await request(sc.url, '/api/visitor/stream-ticket', { method: 'POST', token: bob.token, json: {} })).json as { ticket: string };
    const ac = new AbortController();
    const res = await fetch(`${sc.url}/visitor/stream?ticket=${t.ticket}&cursor=c1.0.0&origin=${encodeURIComponent(sc.origin)}`, { signal: ac.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let html = '';
    const until = performance.now() + 1_500;
    while (performance.now() < until) {
      const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), until - performance.now()))]);
      if (!chunk || chunk.done) break;
      html += new TextDecoder().decode(chunk.value);
    }
    ac.abort();
    expect(html).toContain('kefu stream');
    assertNoAlice(html);
  });

  it('a clientId Alice used makes Bob a message of his own, never hands him hers', async () => {
    const r = await request(sc.url, '/api/visitor/messages', { token: bob.token, json: { content: 'bob here', clientId: 'shared-id-0' } });
    expect(r.status).toBe(201);
    expect((r.json as { message: { from: string; content: string } }).message).toMatchObject({ from: bob.visitorId, content: 'bob here' });
    assertNoAlice(r.text);
  });

  it('agent routes answer a visitor token with the same 403 whether the conversation exists or not', async () => {
    const real = await request(sc.url, `/api/agent/conversations/${alice.visitorId}/messages`, { token: bob.token });
    const none = await request(sc.url, `/api/agent/conversations/${newVisitorId()}/messages`, { token: bob.token });
    expectError(real, 403);
    expectError(none, 403);
    expect(real.text).toBe(none.text);
  });

  it('activity in Alice\'s conversation does not wake or shorten Bob\'s held poll', async () => {
    const first = await poll(bob, bobStart);
    const cursor = (first.json as { cursor: string }).cursor;
    const t0 = performance.now();
    const held = poll(bob, cursor, 2);
    // Meanwhile: messages, typing and reads in Alice's conversation.
    for (let i = 0; i < 3; i++) {
      await request(sc.url, '/api/visitor/messages', { token: alice.token, json: { content: `${ALICE_TEXT} during ${i}` } });
      await request(sc.url, `/api/agent/conversations/${alice.visitorId}/messages`, { token: agent, json: { content: `${ALICE_TEXT} answer ${i}` } });
      await request(sc.url, '/api/agent/typing', { token: agent, json: { visitorId: alice.visitorId, typing: i % 2 === 0 } });
    }
    const r = await held;
    const took = performance.now() - t0;
    expect(r.status).toBe(200);
    expect((r.json as { messages: unknown[] }).messages).toEqual([]);
    expect((r.json as { events: Array<{ type: string }> }).events.filter((e) => e.type !== 'presence')).toEqual([]);
    assertNoAlice(r.text);
    expect(took).toBeGreaterThan(1_950);
    expect(took).toBeLessThan(4_000);
  });
});

describe('ids', () => {
  it('visitor ids are 128 random bits: distinct, well-formed and evenly spread', () => {
    const n = 20_000;
    const ids = Array.from({ length: n }, () => newVisitorId());
    expect(new Set(ids).size).toBe(n);
    for (const id of ids) expect(id).toMatch(/^v_[A-Za-z0-9_-]{22}$/);
    // Chi-square over the first 21 characters (126 full bits): 64 symbols, 63 degrees of freedom.
    const counts = new Array(64).fill(0);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (const id of ids) for (const ch of id.slice(2, 23)) counts[alphabet.indexOf(ch)]++;
    const expected = (n * 21) / 64;
    const chi = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi).toBeLessThan(130); // p < 1e-6 for a fair source
  });

  it('visitor ids handed out by the server share no prefix or order', async () => {
    const ids = [alice.visitorId, bob.visitorId, ...(await Promise.all(Array.from({ length: 8 }, () => session()))).map((v) => v.visitorId)];
    expect(new Set(ids.map((id) => id.slice(0, 6))).size).toBe(ids.length);
    const sorted = [...ids].sort();
    expect(sorted).not.toEqual(ids);
  });
});
