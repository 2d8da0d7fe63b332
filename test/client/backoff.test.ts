import { describe, expect, it } from 'vitest';
import { Backoff } from '../../client/backoff.js';

describe('Backoff', () => {
  it('doubles the ceiling of the wait after each failure, up to the maximum', () => {
    const b = new Backoff({ baseMs: 100, maxMs: 1000, minMs: 0, random: () => 1 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('spreads waits over the whole window (full jitter), never below the minimum', () => {
    const lows = new Backoff({ baseMs: 1000, maxMs: 60_000, minMs: 50, random: () => 0 });
    expect(lows.next()).toBe(50);
    const values = [0.1, 0.5, 0.9].map((r) => new Backoff({ baseMs: 1000, minMs: 0, random: () => r }).next());
    expect(values).toEqual([100, 500, 900]);
  });

  it('varies between clients that failed at the same moment', () => {
    const waits = new Set(Array.from({ length: 20 }, () => new Backoff({ baseMs: 5000 }).next()));
    expect(waits.size).toBeGreaterThan(10);
  });

  it('honours a Retry-After longer than its own wait', () => {
    const b = new Backoff({ baseMs: 100, random: () => 0.5 });
    expect(b.next(3000)).toBe(3000);
  });

  it('starts again from the base after a success', () => {
    const b = new Backoff({ baseMs: 100, maxMs: 10_000, minMs: 0, random: () => 1 });
    b.next();
    b.next();
    b.next();
    expect(b.failures).toBe(3);
    b.reset();
    expect(b.failures).toBe(0);
    expect(b.next()).toBe(100);
  });
});
