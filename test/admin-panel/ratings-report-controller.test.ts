// The ratings report without DOM: the first page on connect, another span of
// weeks replacing it (a late answer for the old span dropped), comments paged
// and appended, a failure retried, and nothing kept from a request the host
// left behind.
import { describe, expect, it } from 'vitest';
import { DEFAULT_WEEKS, RatingsReportController, type ReportFn } from '../../admin-panel/ratings-report-controller.js';
import type { Rating, RatingsReport } from '../../protocol/wire.js';
import { fakeHost } from '../client/fake-host.js';

const comment = (id: number): Rating => ({
  id, visitorId: 'v_AAAAAAAAAAAAAAAAAAAAAA', agent: 'agent:1', score: 'good', comment: `c${id}`, createdAt: '2026-03-02T10:00:00.000Z', afterMid: 1,
});
const report = (weeks: number, comments: Rating[], next: number | null): RatingsReport => ({
  weeks: Array.from({ length: weeks }, (_, i) => ({ week: `2026-W${String(i + 1).padStart(2, '0')}`, start: '2026-01-05' })),
  agents: [{ agent: 'agent:1', name: 'Ann', total: { good: 1, bad: 0, shareGood: 1 }, weeks: Array.from({ length: weeks }, () => ({ good: 0, bad: 0, shareGood: null })) }],
  comments,
  next,
});

interface Call {
  weeks: number;
  before: number | null;
  answer(r: RatingsReport): Promise<void>;
  fail(): Promise<void>;
}

/** A report whose every request waits for the test to answer it. */
function scripted() {
  const calls: Call[] = [];
  const fetch: ReportFn = (weeks, before) =>
    new Promise<RatingsReport>((resolve, reject) => {
      const settle = async () => {
        await new Promise((r) => setTimeout(r, 0));
      };
      calls.push({
        weeks, before,
        answer: async (r) => { resolve(r); await settle(); },
        fail: async () => { reject(new Error('offline')); await settle(); },
      });
    });
  const host = fakeHost();
  const c = new RatingsReportController(host, fetch);
  return { c, host, calls };
}

describe('RatingsReportController', () => {
  it('asks for nothing until connected, then for the default span with its first page of comments', async () => {
    const { c, host, calls } = scripted();
    expect(calls).toHaveLength(0);
    host.connect();
    expect(calls.map((x) => [x.weeks, x.before])).toEqual([[DEFAULT_WEEKS, null]]);
    expect(c.loading).toBe(true);
    await calls[0].answer(report(8, [comment(9), comment(7)], 7));
    expect(c.loading).toBe(false);
    expect(c.report?.weeks).toHaveLength(8);
    expect(c.comments.map((x) => x.id)).toEqual([9, 7]);
    expect(c.next).toBe(7);
    expect(host.requestUpdate).toHaveBeenCalled();
  });

  it('appends the next page of comments, and asks no further once there is none', async () => {
    const { c, host, calls } = scripted();
    host.connect();
    await calls[0].answer(report(8, [comment(9), comment(7)], 7));
    void c.more();
    void c.more(); // one at a time
    expect(calls.map((x) => [x.weeks, x.before])).toEqual([[8, null], [8, 7]]);
    await calls[1].answer(report(8, [comment(4)], null));
    expect(c.comments.map((x) => x.id)).toEqual([9, 7, 4]);
    expect(c.report?.comments.map((x) => x.id)).toEqual([9, 7]);
    await c.more();
    expect(calls).toHaveLength(2);
  });

  it('replaces the table for another span, dropping a late answer for the old one', async () => {
    const { c, host, calls } = scripted();
    host.connect();
    void c.load(4);
    expect(calls.map((x) => x.weeks)).toEqual([8, 4]);
    await calls[1].answer(report(4, [comment(3)], null));
    await calls[0].answer(report(8, [comment(9)], 9));
    expect(c.weeks).toBe(4);
    expect(c.report?.weeks).toHaveLength(4);
    expect(c.comments.map((x) => x.id)).toEqual([3]);
    expect(c.next).toBeNull();
  });

  it('says a request failed and makes the same one again on retry', async () => {
    const { c, host, calls } = scripted();
    host.connect();
    await calls[0].fail();
    expect([c.failed, c.loading, c.report]).toEqual([true, false, undefined]);
    void c.retry();
    expect(calls.map((x) => [x.weeks, x.before])).toEqual([[8, null], [8, null]]);
    await calls[1].answer(report(8, [comment(5)], 5));
    expect(c.failed).toBe(false);
    void c.more();
    await calls[2].fail();
    void c.retry();
    expect(calls.map((x) => x.before)).toEqual([null, null, 5, 5]);
  });

  it('keeps nothing of a request the host left behind, and asks again when put back', async () => {
    const { c, host, calls } = scripted();
    host.connect();
    host.disconnect();
    await calls[0].answer(report(8, [comment(9)], null));
    expect(c.report).toBeUndefined();
    expect(c.loading).toBe(false);
    host.connect();
    expect(calls).toHaveLength(2);
    await calls[1].answer(report(8, [comment(9)], null));
    expect(c.comments.map((x) => x.id)).toEqual([9]);
  });
});
