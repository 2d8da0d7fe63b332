import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, MAX_CURSOR_LENGTH } from '../../sidecar/core/cursor.js';

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

  it('stays within 512 characters however scattered the gaps', () => {
    const gaps = Array.from({ length: 500 }, (_, i) => 9_000_000_000 - 2 * i - 1);
    const text = encodeCursor({ high: 9_000_000_000, event: 9_000_000, gaps });
    expect(text.length).toBeLessThanOrEqual(MAX_CURSOR_LENGTH);
    expect(decodeCursor(text).gaps.length).toBeGreaterThan(20);
  });

  it.each(['', 'c1', 'c2.1.1', 'c1.-1.0', 'c1.zz.zz.0', 'c1.10.0.a~b~', 'c1.1.1.1.1', 'x'.repeat(600), 'c1.a.0.k', 'c1.a.0.1-0', 'c1.a.0.1-a', 'c1.a.0.1-2-3', 'c1.zzzzzz.0.1-zzzz'])(
    'rejects malformed cursor %j',
    (bad) => {
      expect(() => decodeCursor(bad)).toThrow();
    },
  );
});
