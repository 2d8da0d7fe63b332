import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../client/api-error.js';
import { zhCN } from '../../admin-panel/i18n/zh-CN.js';
import { SearchController, excerpt, matchParts, searchable, type SearchFn } from '../../admin-panel/search-controller.js';
import type { SearchHit, SearchPage } from '../../protocol/wire.js';
import { fakeHost, heldUntilAborted } from '../client/fake-host.js';

const hit = (mid: number, content = `m${mid}`): SearchHit => ({
  mid,
  visitorId: 'v_AAAAAAAAAAAAAAAAAAAAAA',
  from: 'v_AAAAAAAAAAAAAAAAAAAAAA',
  content,
  createdAt: '2024-05-01T10:00:00.000Z',
  name: null,
  email: null,
  match: 'content',
});

interface Call {
  q: string;
  before: number | null;
  signal: AbortSignal;
  answer(page: SearchPage): void;
  fail(err: unknown): void;
}

/** A search whose every call waits for the test to answer it. */
function scripted() {
  const calls: Call[] = [];
  const search = vi.fn<SearchFn>(
    (q, before, _limit, signal) =>
      new Promise<SearchPage>((answer, fail) => {
        calls.push({ q, before, signal, answer, fail });
      }),
  );
  const host = fakeHost();
  const c = new SearchController(host, search);
  host.connect();
  return { c, host, search, calls };
}

/** Lets an answered call's continuation run. */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe('SearchController', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('searches once, 250 ms after the last keystroke, for the trimmed query', async () => {
    const { c, calls } = scripted();
    c.setQuery('re');
    await vi.advanceTimersByTimeAsync(200);
    c.setQuery('ref');
    c.setQuery('refund ');
    await vi.advanceTimersByTimeAsync(249);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((x) => [x.q, x.before])).toEqual([['refund', null]]);
    expect(c.loading).toBe(true);
    calls[0].answer({ hits: [hit(9), hit(7)], next: 7 });
    await settle();
    expect(c).toMatchObject({ term: 'refund', next: 7, loading: false, error: '' });
    expect(c.hits.map((h) => h.mid)).toEqual([9, 7]);
  });

  it('waits for a second Latin character, but searches one Han character', async () => {
    const { c, calls } = scripted();
    c.setQuery(' r ');
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(0);
    expect(c.tooShort).toBe(true);
    c.setQuery('退');
    await vi.advanceTimersByTimeAsync(250);
    expect(calls.map((x) => x.q)).toEqual(['退']);
    expect(c.tooShort).toBe(false);
  });

  it('clears the hits and sends nothing when the query is emptied', async () => {
    const { c, calls } = scripted();
    c.setQuery('refund');
    await vi.advanceTimersByTimeAsync(250);
    calls[0].answer({ hits: [hit(9)], next: null });
    await settle();
    c.setQuery('  ');
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(1);
    expect(c).toMatchObject({ term: '', hits: [], next: null, loading: false });
  });

  it('aborts the request still running when the query changes, and ignores its late answer', async () => {
    const { c, calls } = scripted();
    c.setQuery('refund');
    await vi.advanceTimersByTimeAsync(250);
    c.setQuery('refunds');
    expect(calls[0].signal.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(250);
    expect(calls.map((x) => x.q)).toEqual(['refund', 'refunds']);
    calls[1].answer({ hits: [hit(5)], next: null });
    await settle();
    // The stale request's server answered anyway, after the newer one: dropped.
    calls[0].answer({ hits: [hit(9), hit(8)], next: 8 });
    await settle();
    expect(c).toMatchObject({ term: 'refunds', next: null, error: '', loading: false });
    expect(c.hits.map((h) => h.mid)).toEqual([5]);
  });

  it('drops an answer for a query the agent has since emptied', async () => {
    const { c, calls } = scripted();
    c.setQuery('refund');
    await vi.advanceTimersByTimeAsync(250);
    c.setQuery('');
    calls[0].answer({ hits: [hit(9)], next: null });
    await settle();
    expect(c.hits).toEqual([]);
    expect(c.term).toBe('');
  });

  it('appends the next page, asking from the last `next`, without repeating a hit', async () => {
    const { c, calls } = scripted();
    c.setQuery('refund');
    await vi.advanceTimersByTimeAsync(250);
    calls[0].answer({ hits: [hit(30), hit(20)], next: 20 });
    await settle();
    const more = c.more();
    void c.more(); // a second press while the page loads asks nothing more
    expect(calls.map((x) => [x.q, x.before])).toEqual([
      ['refund', null],
      ['refund', 20],
    ]);
    calls[1].answer({ hits: [hit(20), hit(12), hit(4)], next: null });
    await more;
    expect(c.hits.map((h) => h.mid)).toEqual([30, 20, 12, 4]);
    expect(c.next).toBeNull();
    await c.more();
    expect(calls).toHaveLength(2);
  });

  it('a new query drops a page still loading for the old one', async () => {
    const { c, calls } = scripted();
    c.setQuery('refund');
    await vi.advanceTimersByTimeAsync(250);
    calls[0].answer({ hits: [hit(30)], next: 30 });
    await settle();
    void c.more();
    c.setQuery('invoice');
    expect(calls[1].signal.aborted).toBe(true);
    calls[1].answer({ hits: [hit(3)], next: null });
    await vi.advanceTimersByTimeAsync(250);
    calls[2].answer({ hits: [hit(40)], next: null });
    await settle();
    expect(c.term).toBe('invoice');
    expect(c.hits.map((h) => h.mid)).toEqual([40]);
  });

  it('aborts the request and the debounce on disconnect, and searches again on return', async () => {
    const { c, host, search } = scripted();
    const signals: AbortSignal[] = [];
    search.mockImplementation((_q, _b, _l, signal) => {
      signals.push(signal);
      return heldUntilAborted(signal);
    });
    c.setQuery('refund');
    await vi.advanceTimersByTimeAsync(250);
    host.disconnect();
    expect(signals[0].aborted).toBe(true);
    expect(c.loading).toBe(false);
    expect(c.error).toBe('');

    c.setQuery('refunds');
    host.connect();
    expect(signals).toHaveLength(2);
    host.disconnect();
    c.setQuery('invoice');
    host.disconnect();
    await vi.advanceTimersByTimeAsync(1000);
    expect(signals).toHaveLength(2);
    expect(signals.every((s) => s.aborted)).toBe(true);
    host.connect();
    expect(search).toHaveBeenLastCalledWith('invoice', null, 20, expect.any(AbortSignal));
  });

  it('turns a failure into a short message in the view\'s language, and retries', async () => {
    const { c, calls } = scripted();
    c.setQuery('refund');
    await vi.advanceTimersByTimeAsync(250);
    calls[0].fail(new ApiError(0, 'network', 'Failed to fetch'));
    await settle();
    expect(c.error).toBe('Can’t reach the server. Check your connection and try again.');
    expect(c).toMatchObject({ loading: false, hits: [], term: '' });
    c.strings = zhCN;
    expect(c.error).toBe(zhCN.searchOffline);

    void c.retry();
    expect(c.error).toBe('');
    calls[1].fail(new ApiError(429, 'rate_limited', 'slow down'));
    await settle();
    expect(c.error).toBe(zhCN.searchBusy);

    // The same query typed again is a retry too.
    c.setQuery('refund ');
    await vi.advanceTimersByTimeAsync(250);
    calls[2].fail(new TypeError('not an ApiError'));
    await settle();
    expect(c.error).toBe(zhCN.searchOffline);
  });

  it('keeps the hits when a next page fails, and retries that page', async () => {
    const { c, calls } = scripted();
    c.setQuery('refund');
    await vi.advanceTimersByTimeAsync(250);
    calls[0].answer({ hits: [hit(30)], next: 30 });
    await settle();
    void c.more();
    calls[1].fail(new ApiError(503, 'unavailable', 'db down'));
    await settle();
    expect(c.error).toBe('Search is not available right now. Try again later.');
    expect(c.hits.map((h) => h.mid)).toEqual([30]);
    void c.retry();
    expect(calls[2]).toMatchObject({ q: 'refund', before: 30 });
  });

  it('asks the host to render when its state changes', async () => {
    const { c, host, calls } = scripted();
    c.setQuery('refund');
    const before = host.requestUpdate.mock.calls.length;
    await vi.advanceTimersByTimeAsync(250);
    calls[0].answer({ hits: [hit(1)], next: null });
    await settle();
    expect(host.requestUpdate.mock.calls.length).toBeGreaterThan(before + 1);
  });
});

describe('searchable', () => {
  it('needs two characters, or one of Chinese, Japanese or Korean text', () => {
    expect(['', 'a', '1', '👍'].map(searchable)).toEqual([false, false, false, false]);
    expect(['ab', '退', 'カ', '한'].map(searchable)).toEqual([true, true, true, true]);
  });
});

describe('matchParts', () => {
  it('marks every match, whatever its case, and keeps the text between', () => {
    expect(matchParts('Refund? The refund REFUND', 'refund')).toEqual([
      { text: 'Refund', match: true },
      { text: '? The ', match: false },
      { text: 'refund', match: true },
      { text: ' ', match: false },
      { text: 'REFUND', match: true },
    ]);
  });

  it('treats the query as text, not as a pattern', () => {
    expect(matchParts('a.b axb (c+)', 'a.b')).toEqual([
      { text: 'a.b', match: true },
      { text: ' axb (c+)', match: false },
    ]);
    expect(matchParts('(c+)', '(c+')).toEqual([
      { text: '(c+', match: true },
      { text: ')', match: false },
    ]);
  });

  it('finds Chinese terms and leaves markup as text', () => {
    expect(matchParts('<b>我要退款</b>', '退款')).toEqual([
      { text: '<b>我要', match: false },
      { text: '退款', match: true },
      { text: '</b>', match: false },
    ]);
  });
});

describe('excerpt', () => {
  it('keeps short text whole and cuts long text around its first match', () => {
    expect(excerpt('short refund', 'refund')).toBe('short refund');
    const long = 'x'.repeat(300) + ' refund ' + 'y'.repeat(300);
    const cut = excerpt(long, 'refund', 100);
    expect(cut).toContain('refund');
    expect(cut.startsWith('…')).toBe(true);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('never cuts an emoji in half', () => {
    const cut = excerpt('😀'.repeat(200), 'x', 51);
    expect(cut.replace('…', '').isWellFormed()).toBe(true);
  });
});
