// "Usually replies in …" from plain rows: which messages start a wait, which
// end it, and the median over the answered ones.
import { describe, expect, it } from 'vitest';
import { MIN_WAITS, median, replySeconds, replyWaits } from '../../../sidecar/core/reply-time.js';
import type { Exchange } from '../../../sidecar/store/team-store.js';

const A = 'v_AAAAAAAAAAAAAAAAAAAAAA';
const B = 'v_BBBBBBBBBBBBBBBBBBBBBB';

/** Rows in the order given, `at` in seconds. */
function rows(...list: Array<[from: string, to: string, at: number]>): Exchange[] {
  return list.map(([from, to, at], i) => ({ mid: i + 1, from, to, at: at * 1000 }));
}

describe('replyWaits', () => {
  it('measures from the first visitor message of a wait to the next team message', () => {
    expect(replyWaits(rows(
      [A, 'admin', 0], [A, 'admin', 20], // still the same wait
      ['agent:1', A, 60], // answered after 60 s
      ['agent:1', A, 70], // nobody was waiting
      [A, 'admin', 100], ['agent:2', A, 130], // a new wait after the agent's message: 30 s
    ))).toEqual([60, 30]);
  });

  it('keeps conversations apart, and counts a reply classic PHP wrote as admin', () => {
    expect(replyWaits(rows(
      [A, 'admin', 0], [B, 'admin', 10],
      ['agent:1', B, 15], // B waited 5 s
      ['admin', A, 40], // A waited 40 s
    ))).toEqual([5, 40]);
  });

  it('counts a conversation the team opened from the visitor\'s first answer', () => {
    expect(replyWaits(rows(['agent:1', A, 0], [A, 'admin', 10], ['agent:1', A, 25]))).toEqual([15]);
  });

  it('leaves out waits still unanswered, rows between team ids, and negative times', () => {
    expect(replyWaits(rows(
      ['admin', 'agent:3', 0], ['agent:3', 'admin', 1], // a note between team ids
      [B, 'admin', 50], ['agent:1', B, 45], // clocks that disagree
      [A, 'admin', 60], // nobody answered yet
    ))).toEqual([]);
  });

  it('follows mid order whatever order the rows come in', () => {
    const list = rows([A, 'admin', 0], ['agent:1', A, 9]);
    expect(replyWaits([...list].reverse())).toEqual([9]);
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    expect(median([])).toBeNull();
    expect(median([7])).toBe(7);
    expect(median([30, 10, 20])).toBe(20);
    expect(median([40, 10, 30, 20])).toBe(25);
  });
});

describe('replySeconds', () => {
  /** n conversations, each waiting `secs[i]` seconds for its answer. */
  const waits = (...secs: number[]) =>
    secs.flatMap((s, i) => {
      const v = `v_${String(i).padStart(22, 'x')}`;
      return [[v, 'admin', i * 1000], ['agent:1', v, i * 1000 + s]] as Array<[string, string, number]>;
    });

  it(`is null with fewer than ${MIN_WAITS} answered waits`, () => {
    expect(replySeconds(rows(...waits(10, 20, 30, 40)))).toBeNull();
    expect(replySeconds(rows(...waits(10, 20, 30, 40), [A, 'admin', 9e6]))).toBeNull();
  });

  it('is the median in whole seconds from then on, unmoved by one very slow answer', () => {
    expect(replySeconds(rows(...waits(10, 20, 30, 40, 50)))).toBe(30);
    expect(replySeconds(rows(...waits(10, 20, 30, 40, 50, 86_400)))).toBe(35);
    expect(replySeconds(rows(...waits(1.2, 1.4, 1.6, 1.8, 2.9)))).toBe(2);
  });
});
