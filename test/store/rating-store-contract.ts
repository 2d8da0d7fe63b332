// The ratings part of the store contract (store-contract.ts runs it against
// the embedded SQLite store and MySQL/MariaDB): one rating per resolution,
// the owner of the moment, counts per owner and UTC day, comments paged.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../sidecar/store/store.js';

const RV1 = 'v_RRRRRRRRRRRRRRRRRRRRR1';
const RV2 = 'v_RRRRRRRRRRRRRRRRRRRRR2';
const RV3 = 'v_RRRRRRRRRRRRRRRRRRRRR3';
const RV4 = 'v_RRRRRRRRRRRRRRRRRRRRR4';

export function ratingStoreContract(store: () => Store): void {
  describe('ratings', () => {
    const resolve = (visitorId: string) => store().desk.changeState(visitorId, { status: 'resolved' });
    const reopen = (visitorId: string) => store().desk.changeState(visitorId, { status: 'open' });
    const rate = (visitorId: string, score: 'good' | 'bad', comment: string | null = null, at = new Date()) =>
      store().ratings.insert({ visitorId, score, comment, afterMid: 42, at });

    it('rates a resolved conversation once per resolution, and never one that is not resolved', async () => {
      const s = store();
      expect(await rate(RV1, 'good')).toBe('not_resolved');
      await s.upsertVisitor({ visitorId: RV1 }, new Date());
      expect(await s.ratings.asked(RV1)).toBe(false);
      expect(await rate(RV1, 'good')).toBe('not_resolved');
      await resolve(RV1);
      expect(await s.ratings.asked(RV1)).toBe(true);
      const first = await rate(RV1, 'good', '很好 👍');
      expect(first).toMatchObject({ visitorId: RV1, agent: null, score: 'good', comment: '很好 👍', afterMid: 42 });
      expect(await s.ratings.asked(RV1)).toBe(false);
      expect(await rate(RV1, 'bad')).toBe('rated');
      // Reopened: nothing to rate. Resolved again, at once: a new resolution, a new rating.
      await reopen(RV1);
      expect(await s.ratings.asked(RV1)).toBe(false);
      expect(await rate(RV1, 'bad')).toBe('not_resolved');
      await resolve(RV1);
      expect(await s.ratings.asked(RV1)).toBe(true);
      const second = await rate(RV1, 'bad');
      expect(second).toMatchObject({ score: 'bad', comment: null });
      // Resolving what is resolved already is no new resolution.
      await resolve(RV1);
      expect(await rate(RV1, 'good')).toBe('rated');
      const all = await s.ratings.ofConversation(RV1, 10);
      expect(all.map((r) => [r.score, r.comment])).toEqual([['good', '很好 👍'], ['bad', null]]);
      expect(all[0]).toEqual(first);
      expect(all[0].createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });

    it('records the owner at the time of the rating, and keeps each conversation to its own', async () => {
      const s = store();
      await s.upsertVisitor({ visitorId: RV2 }, new Date());
      await s.desk.changeState(RV2, { assignee: { id: 'agent:71', name: 'Ann' } });
      await resolve(RV2);
      expect(await rate(RV2, 'bad', 'slow')).toMatchObject({ agent: 'agent:71' });
      await s.desk.changeState(RV2, { assignee: { id: 'agent:72', name: 'Bob' } });
      expect((await s.ratings.ofConversation(RV2, 10)).map((r) => r.agent)).toEqual(['agent:71']);
      expect(await s.ratings.ofConversation('v_RRRRRRRRRRRRRRRRRRRRR9', 10)).toEqual([]);
    });

    it('counts good and bad per owner and UTC day since a time, and pages the comments newest first', async () => {
      const s = store();
      const at = (iso: string) => new Date(iso);
      // Ratings placed in the past: resolve, rate with an explicit time, reopen; again.
      const place = async (visitorId: string, agent: string | null, score: 'good' | 'bad', comment: string | null, when: string) => {
        await s.desk.changeState(visitorId, { assignee: agent ? { id: agent, name: null } : null });
        await resolve(visitorId);
        const r = await rate(visitorId, score, comment, at(when));
        expect(r).toMatchObject({ score, createdAt: new Date(when).toISOString() });
        await reopen(visitorId);
        return r as Exclude<typeof r, string>;
      };
      await s.upsertVisitor({ visitorId: RV3 }, new Date());
      await s.upsertVisitor({ visitorId: RV4 }, new Date());
      const before = await place(RV3, 'agent:81', 'good', 'too early', '2001-02-28T23:59:59.999Z');
      const a = await place(RV3, 'agent:81', 'good', 'quick', '2001-03-01T00:00:00.000Z');
      await place(RV3, 'agent:81', 'bad', null, '2001-03-01T23:59:59.000Z');
      const b = await place(RV4, 'agent:82', 'good', 'kind', '2001-03-05T10:00:00.000Z');
      const c = await place(RV4, null, 'bad', 'nobody came', '2001-03-06T10:00:00.000Z');
      const mine = <T extends { agent: string | null }>(rows: T[]) => rows.filter((r) => [null, 'agent:81', 'agent:82'].includes(r.agent));
      const counts = mine(await s.ratings.dailyCounts(at('2001-03-01T00:00:00.000Z')))
        .filter((r) => r.day.startsWith('2001-'))
        .sort((x, y) => x.day.localeCompare(y.day) || String(x.agent).localeCompare(String(y.agent)));
      expect(counts).toEqual([
        { agent: 'agent:81', day: '2001-03-01', good: 1, bad: 1 },
        { agent: 'agent:82', day: '2001-03-05', good: 1, bad: 0 },
        { agent: null, day: '2001-03-06', good: 0, bad: 1 },
      ]);
      const since = at('2001-03-01T00:00:00.000Z');
      const ours = (rows: Array<{ id: number }>) => rows.filter((r) => [before.id, a.id, b.id, c.id].includes(r.id)).map((r) => r.id);
      // Newest first, only those with a comment, none before `since`; then the page below an id.
      expect(ours(await s.ratings.comments(since, null, 100))).toEqual([c.id, b.id, a.id]);
      expect(ours(await s.ratings.comments(since, c.id, 100))).toEqual([b.id, a.id]);
      expect((await s.ratings.comments(since, c.id, 1)).map((r) => r.id)).toEqual([b.id]);
      expect((await s.ratings.comments(since, null, 100)).every((r) => r.comment !== null)).toBe(true);
    });
  });
}
