// Ratings over HTTP, against both stores: the visitor learns that their
// conversation is resolved (and nothing else about it), may rate it once per
// resolution and only then, bad input stores nothing, agents get the rating
// live and in the conversation, and the report counts per owner and ISO week.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { call, newVisitor, poll, send } from '../helpers/api.js';
import { isoWeek } from '../../sidecar/core/iso-week.js';

/** Polls as `scope` until an event matching `match` arrives; returns it and the cursor after it. */
async function eventOn(base: string, scope: 'visitor' | 'agent', token: string, cursor: string, match: (e: any) => boolean): Promise<{ event: any; cursor: string }> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const r = await poll(base, scope, token, cursor, 5);
    expect(r.status).toBe(200);
    cursor = r.body.cursor;
    const event = r.body.events.find(match);
    if (event) return { event, cursor };
  }
  throw new Error('no matching event within 10 s');
}

const DAY = 86_400_000;

for (const store of ['sqlite', 'mysql'] as const) {
  describe(`ratings (${store})`, () => {
    let sc: TestSidecar;
    let ann: string;
    let bob: string;

    beforeAll(async () => {
      sc = await startSidecar({ store });
      ann = await sc.agentToken(1, 'Ann');
      bob = await sc.agentToken(2, 'Bob');
      await call(sc.url, '/api/agent/presence', { token: ann, body: { status: 'online' } });
      await call(sc.url, '/api/agent/presence', { token: bob, body: { status: 'online' } });
    });
    afterAll(async () => {
      await sc?.stop();
    });

    const status = (visitorId: string, value: string, token = ann) =>
      call(sc.url, `/api/agent/conversations/${visitorId}/status`, { token, body: { status: value } });
    const rate = (token: string, body: unknown) => call(sc.url, '/api/visitor/rating', { token, body });
    const session = async (token: string) => (await call(sc.url, '/api/visitor/session', { token, body: {} })).body;
    const stored = (visitorId: string) => sc.rt.store.ratings.ofConversation(visitorId, 100);

    /** A visitor who wrote, answered and owned by Ann, with the visitor's cursor before anything else happened. */
    async function answered() {
      const v = await newVisitor(sc.url);
      await send(sc.url, v.token, 'where is my parcel?');
      await call(sc.url, `/api/agent/conversations/${v.visitorId}/assign`, { token: ann, body: { agent: 'agent:1' } });
      const reply = await call(sc.url, `/api/agent/conversations/${v.visitorId}/messages`, { token: ann, body: { content: 'It left today.' } });
      return { ...v, replyMid: reply.body.message.mid as number };
    }

    it('tells the visitor their conversation is resolved, without its owner, and asks for a rating in the session', async () => {
      const v = await answered();
      expect((await session(v.token)).askRating).toBe(false);
      const cursor = (await poll(sc.url, 'visitor', v.token, v.cursor, 0)).body.cursor;
      expect((await status(v.visitorId, 'resolved')).status).toBe(200);
      const { event, cursor: after } = await eventOn(sc.url, 'visitor', v.token, cursor, (e) => e.type === 'status');
      expect(event).toEqual({ type: 'status', visitorId: v.visitorId, status: 'resolved' });
      expect((await session(v.token)).askRating).toBe(true);
      // Pending withdraws the ask; resolved again asks again.
      await status(v.visitorId, 'pending');
      expect((await eventOn(sc.url, 'visitor', v.token, after, (e) => e.type === 'status')).event.status).toBe('pending');
      expect((await session(v.token)).askRating).toBe(false);
      // The visitor's poll never carries the agents' own conversation events (owner, notes).
      const r = await poll(sc.url, 'visitor', v.token, v.cursor, 0);
      expect(r.body.events.filter((e: any) => e.type === 'conversation' || e.type === 'note')).toEqual([]);
      expect(JSON.stringify(r.body.events)).not.toContain('agent:1');
    });

    it('refuses a rating while the conversation is not resolved: 409, nothing stored', async () => {
      const v = await answered();
      const r = await rate(v.token, { score: 'good' });
      expect(r.status).toBe(409);
      expect(r.headers.get('content-type')).toMatch(/application\/json/);
      expect(r.body).toEqual({ error: { code: 'conflict', message: expect.stringContaining('not resolved') } });
      expect(await stored(v.visitorId)).toEqual([]);
    });

    it('answers 400 to bad input and stores nothing', async () => {
      const v = await answered();
      await status(v.visitorId, 'resolved');
      for (const body of [
        {},
        { score: 'meh' },
        { score: 'GOOD' },
        { score: 1 },
        { score: 'good', comment: 42 },
        { score: 'bad', comment: 'x'.repeat(1001) },
        { score: 'bad', comment: 'nul \0 inside' },
        ['good'],
      ]) {
        const r = await rate(v.token, body);
        expect({ body, status: r.status, code: r.body.error?.code }).toEqual({ body, status: 400, code: 'bad_request' });
      }
      const raw = await call(sc.url, '/api/visitor/rating', { token: v.token, raw: '{"score":' });
      expect(raw.status).toBe(400);
      expect(await stored(v.visitorId)).toEqual([]);
      expect((await session(v.token)).askRating).toBe(true);
      // 1,000 characters (a 4-byte emoji is one) is allowed.
      const longest = '😀'.repeat(1000);
      expect((await rate(v.token, { score: 'bad', comment: longest })).status).toBe(201);
      expect((await stored(v.visitorId))[0].comment).toBe(longest);
    });

    it('rates once per resolution with the owner of the moment; agents get it live and in the conversation', async () => {
      const v = await answered();
      const agentCursor = (await poll(sc.url, 'agent', bob, null, 0)).body.cursor;
      await status(v.visitorId, 'resolved');
      const r = await rate(v.token, { score: 'bad', comment: '  Took two days to answer.  ' });
      expect(r.status).toBe(201);
      expect(r.body).toEqual({ rating: { id: expect.any(Number), score: 'bad', comment: 'Took two days to answer.', createdAt: expect.any(String) } });
      const second = await rate(v.token, { score: 'good' });
      expect(second.status).toBe(409);
      expect(second.body.error.code).toBe('conflict');
      const rows = await stored(v.visitorId);
      expect(rows).toEqual([{
        id: r.body.rating.id, visitorId: v.visitorId, agent: 'agent:1', score: 'bad', comment: 'Took two days to answer.',
        createdAt: r.body.rating.createdAt, afterMid: v.replyMid,
      }]);
      const { event } = await eventOn(sc.url, 'agent', bob, agentCursor, (e) => e.type === 'rating' && e.rating.visitorId === v.visitorId);
      expect(event.rating).toEqual(rows[0]);
      const listed = await call(sc.url, `/api/agent/conversations/${v.visitorId}/ratings`, { token: bob });
      expect(listed.status).toBe(200);
      expect(listed.body).toEqual({ ratings: rows });
      expect((await session(v.token)).askRating).toBe(false);
      // The visitor writes: the conversation opens again, the visitor is told, and there is nothing to rate.
      const vCursor = (await poll(sc.url, 'visitor', v.token, v.cursor, 0)).body.cursor;
      await send(sc.url, v.token, 'one more thing');
      expect((await eventOn(sc.url, 'visitor', v.token, vCursor, (e) => e.type === 'status')).event).toEqual({ type: 'status', visitorId: v.visitorId, status: 'open' });
      expect((await rate(v.token, { score: 'good' })).status).toBe(409);
      // Bob owns it now and resolves it: a new resolution, rated for Bob.
      await call(sc.url, `/api/agent/conversations/${v.visitorId}/assign`, { token: bob, body: { agent: 'agent:2' } });
      await status(v.visitorId, 'resolved', bob);
      expect((await session(v.token)).askRating).toBe(true);
      expect((await rate(v.token, { score: 'good' })).status).toBe(201);
      expect((await stored(v.visitorId)).map((x) => [x.agent, x.score, x.comment])).toEqual([['agent:1', 'bad', 'Took two days to answer.'], ['agent:2', 'good', null]]);
    });

    it('keeps the routes to their side: tokens, unknown conversations, blocked visitors', async () => {
      const v = await answered();
      await status(v.visitorId, 'resolved');
      expect((await call(sc.url, '/api/visitor/rating', { body: { score: 'good' } })).status).toBe(401);
      expect((await rate(ann, { score: 'good' })).status).toBe(403);
      expect((await call(sc.url, '/api/agent/ratings/report', { token: v.token })).status).toBe(403);
      expect((await call(sc.url, '/api/agent/ratings/report')).status).toBe(401);
      expect((await call(sc.url, `/api/agent/conversations/${v.visitorId}/ratings`, { token: v.token })).status).toBe(403);
      expect((await call(sc.url, '/api/agent/conversations/v_nobodyNOBODYnobody00000/ratings', { token: ann })).status).toBe(404);
      await call(sc.url, '/api/agent/blocks', { token: ann, body: { visitorId: v.visitorId, reason: 'spam' } });
      const blocked = await rate(v.token, { score: 'bad', comment: 'spam spam' });
      expect(blocked.status).toBe(403);
      expect(await stored(v.visitorId)).toEqual([]);
    });
  });

  describe(`the ratings report (${store})`, () => {
    let sc: TestSidecar;
    let ann: string;

    beforeAll(async () => {
      sc = await startSidecar({ store });
      ann = await sc.agentToken(1, 'Ann');
      const bob = await sc.agentToken(2, 'Bob');
      await call(sc.url, '/api/agent/presence', { token: ann, body: { status: 'online' } });
      await call(sc.url, '/api/agent/presence', { token: bob, body: { status: 'online' } });
    });
    afterAll(async () => {
      await sc?.stop();
    });

    /** One rating of a fresh conversation owned by `owner` (or nobody), given at `at`. */
    async function rated(owner: string | null, score: 'good' | 'bad', comment: string | null, at: Date) {
      const v = await newVisitor(sc.url);
      await send(sc.url, v.token, 'hello');
      if (owner) await call(sc.url, `/api/agent/conversations/${v.visitorId}/assign`, { token: ann, body: { agent: owner } });
      await call(sc.url, `/api/agent/conversations/${v.visitorId}/status`, { token: ann, body: { status: 'resolved' } });
      // Through the core with an explicit time: HTTP ratings are always "now".
      return sc.rt.ratings.rate(v.visitorId, score, comment, at);
    }

    it('counts good, bad and the good share per owner and UTC ISO week, owners with most ratings first', async () => {
      const now = new Date();
      const lastWeek = new Date(now.getTime() - 7 * DAY);
      const older = new Date(now.getTime() - 5 * 7 * DAY);
      await rated('agent:1', 'good', 'Ann was quick', lastWeek);
      await rated('agent:1', 'good', null, lastWeek);
      await rated('agent:1', 'bad', 'wrong answer', lastWeek);
      await rated('agent:2', 'bad', null, lastWeek);
      await rated('agent:1', 'good', null, now);
      await rated('agent:2', 'good', 'Bob helped', now);
      await rated('agent:2', 'good', null, now);
      await rated(null, 'bad', 'nobody answered', now);
      await rated('agent:2', 'good', 'long ago', older);

      const r = await call(sc.url, '/api/agent/ratings/report?weeks=2', { token: ann });
      expect(r.status).toBe(200);
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.body.weeks).toEqual([isoWeek(lastWeek), isoWeek(now)]);
      expect(r.body.agents).toEqual([
        {
          agent: 'agent:1', name: 'Ann', total: { good: 3, bad: 1, shareGood: 0.75 },
          weeks: [{ good: 2, bad: 1, shareGood: 0.667 }, { good: 1, bad: 0, shareGood: 1 }],
        },
        {
          agent: 'agent:2', name: 'Bob', total: { good: 2, bad: 1, shareGood: 0.667 },
          weeks: [{ good: 0, bad: 1, shareGood: 0 }, { good: 2, bad: 0, shareGood: 1 }],
        },
        { agent: null, name: null, total: { good: 0, bad: 1, shareGood: 0 }, weeks: [{ good: 0, bad: 0, shareGood: null }, { good: 0, bad: 1, shareGood: 0 }] },
      ]);
      expect(r.body.comments.map((c: any) => c.comment)).toEqual(['nobody answered', 'Bob helped', 'wrong answer', 'Ann was quick']);
      expect(r.body.next).toBeNull();

      // Eight weeks by default: the older rating counts for Bob in its own week.
      const wide = (await call(sc.url, '/api/agent/ratings/report', { token: ann })).body;
      expect(wide.weeks).toHaveLength(8);
      expect(wide.weeks[7]).toEqual(isoWeek(now));
      const bob = wide.agents.find((a: any) => a.agent === 'agent:2');
      expect(bob.total).toEqual({ good: 3, bad: 1, shareGood: 0.75 });
      expect(bob.weeks[wide.weeks.findIndex((w: any) => w.week === isoWeek(older).week)]).toEqual({ good: 1, bad: 0, shareGood: 1 });
      expect(wide.comments.map((c: any) => c.comment)).toContain('long ago');
    });

    it('pages the comments with `next`, and refuses weeks and limits out of range', async () => {
      const first = await call(sc.url, '/api/agent/ratings/report?weeks=2&limit=2', { token: ann });
      expect(first.body.comments.map((c: any) => c.comment)).toEqual(['nobody answered', 'Bob helped']);
      expect(first.body.next).toBe(first.body.comments[1].id);
      const second = await call(sc.url, `/api/agent/ratings/report?weeks=2&limit=2&before=${first.body.next}`, { token: ann });
      expect(second.body.comments.map((c: any) => c.comment)).toEqual(['wrong answer', 'Ann was quick']);
      expect(second.body.next).toBeNull();
      expect((await call(sc.url, '/api/agent/ratings/report?weeks=52', { token: ann })).status).toBe(200);
      for (const q of ['weeks=0', 'weeks=53', 'weeks=two', 'limit=0', 'limit=51', 'before=-1', 'weeks=2&weeks=3']) {
        const r = await call(sc.url, `/api/agent/ratings/report?${q}`, { token: ann });
        expect({ q, status: r.status, code: r.body.error?.code }).toEqual({ q, status: 400, code: 'bad_request' });
      }
    });
  });
}
