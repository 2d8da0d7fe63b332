import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, fitCursor, MAX_CURSOR_LENGTH } from '../../sidecar/core/cursor.js';

describe('cursor', () => {
  it('round-trips the high mark, the event id and open gaps', () => {
    const c = { high: 1_000_000, event: 42, gaps: [999_998, 999_990] };
    const text = encodeCursor(c);
    expect(decodeCursor(text)).toEqual(c);
  });

  it('carries the rows of open multi-row inserts as short runs, losing none', () => {
    // Four transactions of 60 rows each still open below the high mark.
    const gaps = [0, 1, 2, 3].flatMap((t) => Array.from({ length: 60 }, (_, i) => 9_000_000_000 - 1 - t * 70 - i));
    const text = encodeCursor({ high: 9_000_000_000, event: 9_000_000, gaps });
    expect(text.length).toBeLessThanOrEqual(60);
    expect(decodeCursor(text).gaps.sort()).toEqual([...gaps].sort());
  });

  it('carries the holes of auto_increment_increment = 2 as one strided run', () => {
    // Sixty rows went to another visitor while one row (high - 120) was still open: ids step by 2.
    const high = 1_000_001;
    const gaps = [high - 120];
    const text = encodeCursor({ high, event: 5, gaps, eventGaps: [] });
    expect(decodeCursor(text).gaps).toEqual(gaps);
    const every = Array.from({ length: 300 }, (_, i) => high - 2 - 2 * i);
    const strided = encodeCursor({ high, event: 5, gaps: every });
    expect(strided.length).toBeLessThan(30);
    expect(decodeCursor(strided).gaps.sort()).toEqual([...every].sort());
  });

  it('never forgets a gap that does not fit in 512 characters: the high mark goes below it instead', () => {
    // 500 scattered gaps (no run, no stride) cannot all be carried.
    const high = 9_000_000_000;
    const gaps = Array.from({ length: 500 }, (_, i) => high - 7 * i - (i % 3) - 1);
    const fit = fitCursor({ high, event: 9_000_000, gaps });
    expect(fit.lowered).toBe(true);
    expect(fit.text.length).toBeLessThanOrEqual(MAX_CURSOR_LENGTH);
    const back = decodeCursor(fit.text);
    expect(back.high).toBeLessThan(high);
    expect(back.seen).toBe(high);
    // Every gap is either still carried or above the new high mark (delivered again): none is lost.
    const carried = new Set(back.gaps);
    for (const g of gaps) expect(carried.has(g) || g > back.high).toBe(true);
    expect(fitCursor(back).text).toBe(fit.text);
  });

  it('carries event gaps and the seen marks beside the message gaps', () => {
    const c = { high: 5000, event: 700, gaps: [4990], eventGaps: [698, 650], seen: 5100, seenEvent: 720 };
    const text = encodeCursor(c);
    expect(text).toMatch(/^c1\.[0-9a-z]+\.[0-9a-z]+\.[0-9a-z~-]+\.E[0-9a-z~-]+\.S[0-9a-z]+\.T[0-9a-z]+$/);
    expect(decodeCursor(text)).toEqual(c);
    expect(decodeCursor(encodeCursor({ high: 10, event: 9, gaps: [], eventGaps: [3] }))).toEqual({ high: 10, event: 9, gaps: [], eventGaps: [3] });
  });

  it.each(['', 'c1', 'c2.1.1', 'c1.-1.0', 'c1.zz.zz.0', 'c1.10.0.a~b~', 'c1.1.1.1.1', 'x'.repeat(600), 'c1.a.0.k', 'c1.a.0.1-0', 'c1.a.0.1-a', 'c1.a.0.1-2-3-4', 'c1.a.0.1-2-0', 'c1.a.0.1-4-3', 'c1.zzzzzz.0.1-zzzz', 'c1.a.0.E1.1', 'c1.a.0.S1.E1', 'c1.a.0.X1', 'c1.a.0.E', 'c1.a.0.S', 'c1.a.0.S-1', 'c1.a.0.1.1'])(
    'rejects malformed cursor %j',
    (bad) => {
      expect(() => decodeCursor(bad)).toThrow();
    },
  );
});
