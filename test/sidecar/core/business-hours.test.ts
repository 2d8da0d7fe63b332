// Business hours at the boundary minutes, over weekends, holidays and summer
// time changes. Instants are written with their UTC offset, worked out by
// hand, so the test does not lean on the code it checks.
import { describe, expect, it } from 'vitest';
import { BusinessHours, parseHolidays, parseWeek } from '../../../sidecar/core/business-hours.js';

const at = (iso: string) => new Date(iso);
const iso = (d: Date | null) => d?.toISOString() ?? null;
const hours = (schedule: string, timeZone: string, holidays = '') => BusinessHours.parse(schedule, timeZone, holidays);

describe('a weekday in Berlin, mon-fri 09:00-17:30', () => {
  const h = hours('mon-fri 09:00-17:30', 'Europe/Berlin');

  it('is closed at 08:59:59 and open from 09:00 (winter, UTC+1)', () => {
    expect(h.isOpen(at('2026-01-14T08:59:59+01:00'))).toBe(false);
    expect(h.isOpen(at('2026-01-14T08:59:59.999+01:00'))).toBe(false);
    expect(h.isOpen(at('2026-01-14T09:00:00+01:00'))).toBe(true);
  });

  it('is open at 17:29:59 and closed from 17:30 (winter, UTC+1)', () => {
    expect(h.isOpen(at('2026-01-14T17:29:59+01:00'))).toBe(true);
    expect(h.isOpen(at('2026-01-14T17:30:00+01:00'))).toBe(false);
  });

  it('keeps the same wall-clock minutes in summer (UTC+2)', () => {
    expect(h.isOpen(at('2026-07-15T08:59:59+02:00'))).toBe(false);
    expect(h.isOpen(at('2026-07-15T09:00:00+02:00'))).toBe(true);
    expect(h.isOpen(at('2026-07-15T17:29:59+02:00'))).toBe(true);
    expect(h.isOpen(at('2026-07-15T17:30:00+02:00'))).toBe(false);
  });

  it('opens next at 09:00 the same morning, and is its own next opening while open', () => {
    expect(iso(h.nextOpening(at('2026-01-14T08:59:59+01:00')))).toBe('2026-01-14T08:00:00.000Z');
    expect(iso(h.nextOpening(at('2026-01-14T12:00:00+01:00')))).toBe('2026-01-14T11:00:00.000Z');
  });

  it('closes at 17:30, and changes next at the closing or the opening', () => {
    expect(iso(h.nextClosing(at('2026-01-14T09:00:00+01:00')))).toBe('2026-01-14T16:30:00.000Z');
    expect(iso(h.nextChange(at('2026-01-14T09:00:00+01:00')))).toBe('2026-01-14T16:30:00.000Z');
    expect(iso(h.nextChange(at('2026-01-14T17:30:00+01:00')))).toBe('2026-01-15T08:00:00.000Z');
  });

  it('opens next on Monday at 09:00 from Friday at 17:30, over the weekend', () => {
    expect(iso(h.nextOpening(at('2026-01-16T17:30:00+01:00')))).toBe('2026-01-19T08:00:00.000Z');
    expect(h.isOpen(at('2026-01-17T12:00:00+01:00'))).toBe(false);
    expect(h.isOpen(at('2026-01-18T12:00:00+01:00'))).toBe(false);
  });

  it('opens next on Monday in summer time after the clocks went forward on the last Sunday of March', () => {
    // Friday 27 March 2026 is UTC+1; Monday 30 March is UTC+2 (the change: Sunday 29 March, 01:00 UTC).
    expect(iso(h.nextOpening(at('2026-03-27T17:30:00+01:00')))).toBe('2026-03-30T07:00:00.000Z');
    expect(h.isOpen(at('2026-03-30T08:59:59+02:00'))).toBe(false);
    expect(h.isOpen(at('2026-03-30T09:00:00+02:00'))).toBe(true);
  });
});

describe('holidays', () => {
  it('closes a weekday all day, and the next opening skips it and the weekend after', () => {
    const h = hours('mon-fri 09:00-17:30', 'Europe/Berlin', '2026-12-25');
    for (const time of ['00:00:00', '09:00:00', '12:00:00', '17:29:59']) expect(h.isOpen(at(`2026-12-25T${time}+01:00`)), time).toBe(false);
    expect(h.isOpen(at('2026-12-24T12:00:00+01:00'))).toBe(true);
    // Thursday 24 December at closing time: Friday is the holiday, then the weekend.
    expect(iso(h.nextOpening(at('2026-12-24T17:30:00+01:00')))).toBe('2026-12-28T08:00:00.000Z');
  });

  it('takes runs of dates, and holidays are local dates of the schedule zone', () => {
    const h = hours('mon-fri 09:00-17:00', 'Asia/Shanghai', '2026-10-01..2026-10-07, 2026-12-31');
    // 2 October 2026, a Friday, 10:00 in Shanghai (UTC+8) is still 1 October in UTC.
    expect(h.isOpen(at('2026-10-02T10:00:00+08:00'))).toBe(false);
    expect(iso(h.nextOpening(at('2026-09-30T17:00:00+08:00')))).toBe('2026-10-08T01:00:00.000Z');
    expect(h.isOpen(at('2026-12-31T10:00:00+08:00'))).toBe(false);
    expect(h.isOpen(at('2026-12-30T10:00:00+08:00'))).toBe(true);
  });

  it('ends a day-and-night schedule at the holiday, and never otherwise', () => {
    expect(hours('mon-sun 00:00-24:00', 'UTC').nextClosing(at('2026-05-01T10:00:00Z'))).toBeNull();
    const h = hours('mon-sun 00:00-24:00', 'Europe/Berlin', '2026-12-25');
    expect(iso(h.nextClosing(at('2026-12-20T10:00:00+01:00')))).toBe('2026-12-24T23:00:00.000Z');
    expect(iso(h.nextOpening(at('2026-12-25T10:00:00+01:00')))).toBe('2026-12-25T23:00:00.000Z');
  });
});

describe('New York in November', () => {
  const h = hours('mon-fri 09:00-17:00', 'America/New_York');

  it('opens next on Monday at 09:00 in standard time after the clocks went back on Sunday', () => {
    // Friday 30 October 2026 is UTC-4; Monday 2 November is UTC-5 (the change: Sunday 1 November, 06:00 UTC).
    expect(iso(h.nextOpening(at('2026-10-30T17:00:00-04:00')))).toBe('2026-11-02T14:00:00.000Z');
    expect(h.isOpen(at('2026-11-02T08:59:59-05:00'))).toBe(false);
    expect(h.isOpen(at('2026-11-02T09:00:00-05:00'))).toBe(true);
    expect(h.isOpen(at('2026-11-02T16:59:59-05:00'))).toBe(true);
    expect(h.isOpen(at('2026-11-02T17:00:00-05:00'))).toBe(false);
  });

  it('counts a wall time the clocks repeat the first time', () => {
    const night = hours('sun 01:00-01:30', 'America/New_York');
    expect(night.isOpen(at('2026-11-01T01:15:00-04:00'))).toBe(true);
    expect(iso(night.nextClosing(at('2026-11-01T01:15:00-04:00')))).toBe('2026-11-01T05:30:00.000Z');
    // The second 01:15, an hour later in standard time.
    expect(night.isOpen(at('2026-11-01T01:15:00-05:00'))).toBe(false);
  });
});

describe('a wall time the clocks skip', () => {
  it('opens a range that starts in the gap when the gap ends', () => {
    // Berlin, 29 March 2026: 02:00 CET becomes 03:00 CEST at 01:00 UTC.
    const h = hours('sun 02:30-04:00', 'Europe/Berlin');
    expect(iso(h.nextOpening(at('2026-03-29T00:00:00+01:00')))).toBe('2026-03-29T01:00:00.000Z');
    expect(iso(h.nextClosing(at('2026-03-29T03:00:00+02:00')))).toBe('2026-03-29T02:00:00.000Z');
    // A week earlier it is the plain hour and a half.
    expect(iso(h.nextOpening(at('2026-03-22T00:00:00+01:00')))).toBe('2026-03-22T01:30:00.000Z');
  });

  it('drops a range wholly inside the gap that day', () => {
    const h = hours('sun 02:00-02:45', 'Europe/Berlin');
    expect(iso(h.nextOpening(at('2026-03-28T12:00:00+01:00')))).toBe('2026-04-05T00:00:00.000Z');
  });
});

describe('schedules', () => {
  it('takes several ranges a day and opens again after the break', () => {
    const h = hours('mon-fri 09:00-12:00, 13:00-17:30; sat 10:00-14:00', 'UTC');
    expect(h.isOpen(at('2026-01-14T12:30:00Z'))).toBe(false);
    expect(iso(h.nextOpening(at('2026-01-14T12:00:00Z')))).toBe('2026-01-14T13:00:00.000Z');
    expect(iso(h.nextOpening(at('2026-01-16T17:30:00Z')))).toBe('2026-01-17T10:00:00.000Z');
    expect(iso(h.nextOpening(at('2026-01-17T14:00:00Z')))).toBe('2026-01-19T09:00:00.000Z');
  });

  it('joins ranges that touch, across midnight too', () => {
    const h = hours('fri 22:00-24:00; sat 00:00-02:00; mon 09:00-12:00, 12:00-17:00', 'UTC');
    expect(iso(h.nextClosing(at('2026-01-16T23:00:00Z')))).toBe('2026-01-17T02:00:00.000Z');
    expect(h.isOpen(at('2026-01-17T00:00:00Z'))).toBe(true);
    expect(iso(h.nextClosing(at('2026-01-19T10:00:00Z')))).toBe('2026-01-19T17:00:00.000Z');
  });

  it('never opens when closed, and says so with null', () => {
    const h = hours('closed', 'Europe/Berlin', '2026-12-25');
    expect(h.isOpen(at('2026-01-14T12:00:00Z'))).toBe(false);
    expect(h.nextOpening(at('2026-01-14T12:00:00Z'))).toBeNull();
    expect(h.nextChange(at('2026-01-14T12:00:00Z'))).toBeNull();
  });

  it('reads day names in full, in any case, and runs of days that wrap over the weekend', () => {
    expect(parseWeek('Friday-MON 10:00-11:00').map((d) => d.length)).toEqual([1, 1, 0, 0, 0, 1, 1]);
    expect(parseWeek('sat,sun 10:00-11:00\nwed 08:00-09:00').map((d) => d.length)).toEqual([1, 0, 0, 1, 0, 0, 1]);
    expect(parseWeek('mon 09:00-11:00, 10:00-12:00')[1]).toEqual([{ from: 540, to: 720 }]);
  });
});

describe('bad input', () => {
  it('names the part it cannot read', () => {
    expect(() => parseWeek('mon-fri 9-17')).toThrow('"9-17" is not a time range like 09:00-17:30');
    expect(() => parseWeek('mnday 09:00-10:00')).toThrow('"mnday" is not a day');
    expect(() => parseWeek('fri 22:00-02:00')).toThrow('"22:00-02:00" does not end after it starts: a range may not cross midnight');
    expect(() => parseWeek('mon 09:00-09:00')).toThrow('"09:00-09:00" does not end after it starts');
    expect(() => parseWeek('mon 25:00-26:00')).toThrow('"25:00-26:00" is not a time of day');
    expect(() => parseWeek('mon 09:00-24:30')).toThrow('"09:00-24:30" is not a time of day');
    expect(() => parseWeek('09:00-17:00')).toThrow('"09:00-17:00" is not days then times');
    expect(() => parseWeek(' ; ')).toThrow('is empty');
    expect(() => parseHolidays('2026-02-30')).toThrow('"2026-02-30" is not a date like 2026-12-25');
    expect(() => parseHolidays('25/12/2026')).toThrow('"25/12/2026" is not a date or a run of dates');
    expect(() => parseHolidays('2026-12-31..2026-12-24')).toThrow('"2026-12-31..2026-12-24" ends before it starts');
    expect(() => hours('mon 09:00-10:00', 'Mars/Olympus_Mons')).toThrow('"Mars/Olympus_Mons" is not a time zone');
  });
});
