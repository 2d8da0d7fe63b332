// ISO 8601 weeks in UTC, as the ratings report counts them: the year of the
// week's Thursday, Monday its first day, and the span of the last N weeks.
import { describe, expect, it } from 'vitest';
import { isoWeek, lastWeeks } from '../../../sidecar/core/iso-week.js';

describe('isoWeek', () => {
  it.each([
    ['2026-01-01T12:00:00Z', '2026-W01', '2025-12-29'], // a Thursday: week 1 holds it
    ['2027-01-01T00:00:00Z', '2026-W53', '2026-12-28'], // a Friday: still the old year's last week
    ['2024-12-30T08:00:00Z', '2025-W01', '2024-12-30'], // a Monday in December: already the new year's first
    ['2021-01-03T23:59:59Z', '2020-W53', '2020-12-28'], // a Sunday: the end of a 53-week year
    ['2026-03-08T23:59:59.999Z', '2026-W10', '2026-03-02'], // Sunday night, UTC
    ['2026-03-09T00:00:00Z', '2026-W11', '2026-03-09'], // Monday midnight, UTC
  ])('puts %s in %s, starting %s', (at, week, start) => {
    expect(isoWeek(new Date(at))).toEqual({ week, start });
  });

  it('counts in UTC whatever the hour elsewhere: Monday 07:00 in Shanghai is still Sunday in UTC', () => {
    expect(isoWeek(new Date('2026-03-09T07:00:00+08:00')).week).toBe('2026-W10');
  });
});

describe('lastWeeks', () => {
  it('lists the weeks up to the current one, oldest first, across a year end', () => {
    expect(lastWeeks(new Date('2026-01-02T10:00:00Z'), 3)).toEqual([
      { week: '2025-W51', start: '2025-12-15' },
      { week: '2025-W52', start: '2025-12-22' },
      { week: '2026-W01', start: '2025-12-29' },
    ]);
    expect(lastWeeks(new Date('2026-01-02T10:00:00Z'), 1)).toEqual([{ week: '2026-W01', start: '2025-12-29' }]);
  });
});
