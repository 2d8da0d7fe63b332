// The wall clock jumps (NTP step, a VM resumed, an operator's mistake) while
// the sidecar runs. What must hold: cursors, held polls, rate limits and
// "online" windows do not depend on the wall clock going forwards; messages
// keep flowing in mid order. Only the wall clock (Date) is faked here: timers
// and performance.now() run on, as the monotonic clock does in real life.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { request } from '../helpers/http-probe.js';

let sc: TestSidecar;
let agent: string;
type V = { visitorId: string; token: string; cursor: string };

const HOUR = 3600_000;
const session = async () => (await request(sc.url, '/api/visitor/session', { json: {} })).json as V;
const send = (v: V, content: string) => request(sc.url, '/api/visitor/messages', { token: v.token, json: { content } });
const poll = (who: 'visitor' | 'agent', token: string, cursor: string, wait: number) =>
  request(sc.url, `/api/${who}/poll?cursor=${encodeURIComponent(cursor)}&wait=${wait}`, { token });

beforeAll(async () => {
  sc = await startSidecar({ env: { KEFU_VISITOR_SEND_BURST: '3', KEFU_VISITOR_SEND_PER_SECOND: '1' } });
  agent = await sc.agentToken(1, 'Ann');
});

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  await sc?.stop();
});

describe('wall-clock jumps', () => {
  it('a held poll waits its full time and no longer when the clock jumps back or forwards meanwhile', async () => {
    const v = await session();
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    for (const jump of [-HOUR, 24 * HOUR]) {
      const t0 = performance.now();
      const held = poll('visitor', v.token, v.cursor, 2);
      await new Promise((r) => setTimeout(r, 300));
      vi.setSystemTime(Date.now() + jump);
      const r = await held;
      const took = performance.now() - t0;
      expect(r.status).toBe(200);
      expect(took).toBeGreaterThan(1_900);
      expect(took).toBeLessThan(4_000);
    }
  });

  it('messages sent on either side of a backwards jump are all delivered once, in mid order', async () => {
    const v = await session();
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const agentCursor = ((await poll('agent', agent, v.cursor, 0)).json as { cursor: string }).cursor;
    const sent: number[] = [];
    for (const [i, jump] of [[0, 0], [1, -HOUR], [2, -HOUR], [3, 2 * HOUR]] as const) {
      vi.setSystemTime(Date.now() + jump);
      const r = await send(v, `line ${i}`);
      expect(r.status).toBe(201);
      sent.push((r.json as { message: { mid: number } }).message.mid);
      await new Promise((res) => setTimeout(res, 1_050)); // within the send limit
    }
    const got = (await poll('agent', agent, agentCursor, 5)).json as { messages: Array<{ mid: number; from: string }> };
    const mine = got.messages.filter((m) => m.from === v.visitorId).map((m) => m.mid);
    expect(mine).toEqual(sent);
    expect([...mine].sort((a, b) => a - b)).toEqual(mine);
    const history = (await request(sc.url, '/api/visitor/messages', { token: v.token })).json as { messages: Array<{ mid: number }> };
    expect(history.messages.map((m) => m.mid)).toEqual(sent);
  }, 20_000);

  it('rate limits neither refill on a forward jump nor lock a visitor out after a backward one', async () => {
    const v = await session();
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const burst = sc.rt.config.visitorSendBurst;
    for (let i = 0; i < burst; i++) expect((await send(v, `b${i}`)).status).toBe(201);
    expect((await send(v, 'over')).status).toBe(429);
    vi.setSystemTime(Date.now() + 24 * HOUR);
    expect((await send(v, 'after a day, by the wall clock')).status).toBe(429);
    vi.setSystemTime(Date.now() - 48 * HOUR);
    await new Promise((r) => setTimeout(r, 1_100)); // one token refills in one real second
    expect((await send(v, 'a second later, really')).status).toBe(201);
  });

  it('a visitor seen a moment ago is online after the clock jumps forwards an hour', async () => {
    const v = await session();
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    expect((await send(v, 'here')).status).toBe(201);
    expect((await poll('visitor', v.token, v.cursor, 0)).status).toBe(200);
    vi.setSystemTime(Date.now() + HOUR);
    const list = (await request(sc.url, '/api/agent/conversations', { token: await sc.agentToken(1, 'Ann') })).json as { conversations: Array<{ visitorId: string; online: boolean }> };
    expect(list.conversations.find((c) => c.visitorId === v.visitorId)?.online).toBe(true);
  });

  it('cursors carry no time: one taken before a jump keeps working after it', async () => {
    const v = await session();
    const before = v.cursor;
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    vi.setSystemTime(Date.now() - 7 * 24 * HOUR);
    const r = await request(sc.url, `/api/agent/conversations/${v.visitorId}/messages`, { method: 'POST', token: await sc.agentToken(1, 'Ann'), json: { content: 'from the past' } });
    expect(r.status).toBe(201);
    const got = (await poll('visitor', v.token, before, 5)).json as { messages: Array<{ content: string }> };
    expect(got.messages.map((m) => m.content)).toEqual(['from the past']);
  });
});
