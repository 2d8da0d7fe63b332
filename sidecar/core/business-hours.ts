// The team's weekly schedule in one IANA time zone, with holidays: whether it
// is open at an instant and when it opens or closes next. No I/O and no clock:
// every question names its instant. Zone offsets come from the platform's
// Intl (the zone database Node ships), so summer time needs no dependency.
//
// A range is wall-clock time on its day: `mon-fri 09:00-17:30` opens when
// clocks in the zone show 09:00. A wall time that a spring-forward skips
// counts from the end of the gap (a range from 02:30 opens at 03:00 on that
// day, when clocks first show a later time); one that a fall-back repeats
// counts the first time, so every range stays one unbroken stretch of time.

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** Minutes after local midnight; `to` may be 1440 (24:00, the end of the day). */
export interface DayRange {
  readonly from: number;
  readonly to: number;
}

/** An inclusive run of local dates, as days since 1970-01-01. */
type DayRun = readonly [first: number, last: number];

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const FULL_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
/** Monday first, as people write `mon-fri`; `fri-mon` wraps over the weekend. */
const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0];

function dayIndex(word: string): number {
  const w = word.toLowerCase();
  const i = DAY_NAMES.indexOf(w as (typeof DAY_NAMES)[number]);
  if (i >= 0) return i;
  const j = FULL_NAMES.indexOf(w);
  if (j >= 0) return j;
  throw new Error(`"${word}" is not a day: use mon, tue, wed, thu, fri, sat or sun`);
}

/** `mon`, `mon-fri`, `sat,sun`, `fri-mon` → weekday indexes (0 Sunday). */
function parseDays(text: string): number[] {
  const days = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^\s*([A-Za-z]+)\s*(?:-\s*([A-Za-z]+)\s*)?$/.exec(part);
    if (!m) throw new Error(`"${part.trim()}" is not a day or a run of days like mon-fri`);
    const first = WEEK_ORDER.indexOf(dayIndex(m[1]));
    const last = m[2] === undefined ? first : WEEK_ORDER.indexOf(dayIndex(m[2]));
    for (let i = first; ; i = (i + 1) % 7) {
      days.add(WEEK_ORDER[i]);
      if (i === last) break;
    }
  }
  return [...days];
}

function parseRange(text: string): DayRange {
  const m = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(text);
  if (!m) throw new Error(`"${text.trim()}" is not a time range like 09:00-17:30`);
  const [h1, m1, h2, m2] = m.slice(1).map(Number);
  if (h1 > 23 || m1 > 59 || h2 > 24 || m2 > 59 || (h2 === 24 && m2 > 0)) throw new Error(`"${text.trim()}" is not a time of day (00:00 to 23:59; 24:00 may end a range)`);
  const range = { from: h1 * 60 + m1, to: h2 * 60 + m2 };
  if (range.to <= range.from) {
    throw new Error(`"${text.trim()}" does not end after it starts: a range may not cross midnight (write fri 22:00-24:00; sat 00:00-02:00)`);
  }
  return range;
}

/** Sorted, with overlapping and touching ranges joined. */
function merge(ranges: DayRange[]): DayRange[] {
  const out: DayRange[] = [];
  for (const r of [...ranges].sort((a, b) => a.from - b.from)) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to) out[out.length - 1] = { from: last.from, to: Math.max(last.to, r.to) };
    else out.push(r);
  }
  return out;
}

/**
 * `mon-fri 09:00-17:30; sat 10:00-14:00`: rules split by `;` or new lines,
 * each days then ranges (`mon-fri 09:00-12:00, 13:00-17:30`). `closed` is a
 * schedule that never opens. Index 0 of the answer is Sunday.
 */
export function parseWeek(text: string): DayRange[][] {
  const week: DayRange[][] = [[], [], [], [], [], [], []];
  if (text.trim().toLowerCase() === 'closed') return week;
  const rules = text.split(/[;\n]/).map((r) => r.trim()).filter(Boolean);
  if (!rules.length) throw new Error('is empty: write days and times like "mon-fri 09:00-17:30", or "closed"');
  for (const rule of rules) {
    const m = /^([A-Za-z][A-Za-z,\s-]*?)\s+(\d.*)$/.exec(rule);
    if (!m) throw new Error(`"${rule}" is not days then times, like "mon-fri 09:00-17:30"`);
    const ranges = m[2].split(',').map(parseRange);
    for (const day of parseDays(m[1])) week[day].push(...ranges);
  }
  return week.map(merge);
}

function parseDate(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const ms = m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) : NaN;
  // Date.UTC rolls 2026-02-30 over into March: a real date reads back the same.
  if (!m || new Date(ms).toISOString().slice(0, 10) !== text) throw new Error(`"${text}" is not a date like 2026-12-25`);
  return ms / DAY_MS;
}

/** `2026-12-25, 2026-12-31..2027-01-01`: dates and inclusive runs, by commas or spaces. */
export function parseHolidays(text: string): DayRun[] {
  const runs: DayRun[] = [];
  for (const item of text.split(/[\s,]+/).filter(Boolean)) {
    const [a, b, extra] = item.split(/\.\.|\//);
    if (extra !== undefined) throw new Error(`"${item}" is not a date or a run of dates like 2026-12-24..2026-12-26`);
    const first = parseDate(a);
    const last = b === undefined ? first : parseDate(b);
    if (last < first) throw new Error(`"${item}" ends before it starts`);
    runs.push([first, last]);
  }
  return runs;
}

/** Throws a RangeError naming the zone when Intl does not know it. */
function zoneFormat(timeZone: string): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new RangeError(`"${timeZone}" is not a time zone: use an IANA name such as Europe/Berlin or Asia/Shanghai`);
  }
}

export interface BusinessHoursOptions {
  /** Index 0 is Sunday (parseWeek). */
  week: readonly (readonly DayRange[])[];
  holidays?: readonly DayRun[];
  /** IANA name; the ranges are wall-clock time there. */
  timeZone: string;
}

export class BusinessHours {
  readonly timeZone: string;
  private readonly week: readonly (readonly DayRange[])[];
  private readonly holidays: readonly DayRun[];
  private readonly format: Intl.DateTimeFormat;
  /** Past this local day nothing differs from one week to the next. */
  private readonly lastHoliday: number;
  private readonly neverOpen: boolean;

  constructor(opts: BusinessHoursOptions) {
    this.format = zoneFormat(opts.timeZone);
    this.timeZone = this.format.resolvedOptions().timeZone;
    this.week = opts.week;
    this.holidays = opts.holidays ?? [];
    this.lastHoliday = Math.max(-Infinity, ...this.holidays.map((r) => r[1]));
    this.neverOpen = this.week.every((d) => d.length === 0);
  }

  /** Parses the three settings at once; each error names the part it could not read. */
  static parse(schedule: string, timeZone: string, holidays = ''): BusinessHours {
    return new BusinessHours({ week: parseWeek(schedule), holidays: parseHolidays(holidays), timeZone });
  }

  isOpen(at: Date): boolean {
    return this.containing(at.getTime()) !== undefined;
  }

  /** `at` itself when open; else the first instant after it that is; null when none ever is. */
  nextOpening(at: Date): Date | null {
    const t = at.getTime();
    if (this.containing(t)) return new Date(t);
    if (this.neverOpen) return null;
    const today = this.localDay(t);
    for (let day = today - 1; day <= this.horizon(today); day++) {
      for (const [start] of this.stretches(day)) if (start > t) return new Date(start);
    }
    // Not reached: a week past the last holiday has every weekday's hours.
    return null;
  }

  /** `at` itself when closed; else when this stretch of opening ends (touching ranges join); null when it never does. */
  nextClosing(at: Date): Date | null {
    const t = at.getTime();
    const open = this.containing(t);
    if (!open) return new Date(t);
    let end = open[1];
    const today = this.localDay(t);
    const horizon = this.horizon(today);
    for (let day = today - 1; day <= horizon; day++) {
      for (const [start, stop] of this.stretches(day)) if (start <= end && stop > end) end = stop;
    }
    // Still open at the horizon: a full week open without holidays, open for good.
    return end >= this.instant(horizon, 0) ? null : new Date(end);
  }

  /** The next instant after `at` at which open turns closed or closed turns open; null when none will. */
  nextChange(at: Date): Date | null {
    return this.isOpen(at) ? this.nextClosing(at) : this.nextOpening(at);
  }

  private horizon(today: number): number {
    return Math.max(today, this.lastHoliday) + 8;
  }

  private containing(t: number): readonly [number, number] | undefined {
    const today = this.localDay(t);
    for (let day = today - 1; day <= today + 1; day++) {
      for (const s of this.stretches(day)) if (s[0] <= t && t < s[1]) return s;
    }
    return undefined;
  }

  /** The instants a local day is open, in order. */
  private stretches(day: number): [number, number][] {
    if (this.holidays.some(([first, last]) => day >= first && day <= last)) return [];
    // 1970-01-01, day 0, was a Thursday.
    const weekday = (((day + 4) % 7) + 7) % 7;
    // A range wholly inside a spring-forward gap never happens that day.
    return this.week[weekday].map((r): [number, number] => [this.instant(day, r.from), this.instant(day, r.to)]).filter(([a, b]) => b > a);
  }

  /** The zone's wall clock at `t`, written as if it were UTC. */
  private wall(t: number): number {
    const p: Record<string, number> = {};
    for (const { type, value } of this.format.formatToParts(t)) p[type] = Number(value);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second) + (((t % 1000) + 1000) % 1000);
  }

  private offset(t: number): number {
    return this.wall(t) - t;
  }

  private localDay(t: number): number {
    return Math.floor(this.wall(t) / DAY_MS);
  }

  /**
   * The instant the zone's clocks show `minutes` after the start of local
   * `day`. Offsets a day either side hold the one before and the one after a
   * change (changes are months apart); a time the change repeats takes the
   * earlier instant, one it skips the end of the gap.
   */
  private instant(day: number, minutes: number): number {
    const wall = day * DAY_MS + minutes * MINUTE_MS;
    const before = this.offset(wall - DAY_MS);
    const after = this.offset(wall + DAY_MS);
    const early = wall - before;
    const late = wall - after;
    const earlyFits = this.offset(early) === before;
    const lateFits = this.offset(late) === after;
    if (earlyFits && lateFits) return Math.min(early, late);
    if (lateFits) return late;
    if (earlyFits) return early;
    // Skipped: clocks jump from before `wall` (at `late`) to past it (at `early`); find the jump to the second.
    let lo = late;
    let hi = early;
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (this.wall(mid) >= wall) hi = mid;
      else lo = mid;
    }
    return hi;
  }
}
