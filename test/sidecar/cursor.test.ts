import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, MAX_CURSOR_LENGTH } from '../../sidecar/core/cursor.js';

describe('cursor', () => {
  it('round-trips the high mark, the event id and open gaps', () => {
    const c = { high: 1_000_000, event: 42, gaps: [999_998, 999_990] };
    const text = encodeCursor(c);
    expect(decodeCursor(text)).toEqual(c);
  });

  it('stays short with many gaps', () => {
    const gaps = Array.from({ length: 100 }, (_, i) => 9_000_000_000 - i - 1);
    const text = encodeCursor({ high: 9_000_000_000, event: 9_000_000, gaps });
    expect(text.length).toBeLessThanOrEqual(MAX_CURSOR_LENGTH);
    expect(decodeCursor(text).gaps.length).toBeGreaterThan(0);
  });

  it.each(['', 'c1', 'c2.1.1', 'c1.-1.0', 'c1.zz.zz.0', 'c1.10.0.a~b~', 'c1.1.1.1.1', 'x'.repeat(600), 'c1.a.0.k'])(
    'rejects malformed cursor %j',
    (bad) => {
      expect(() => decodeCursor(bad)).toThrow();
    },
  );
});
