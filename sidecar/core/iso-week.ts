// ISO 8601 weeks, counted in UTC: Monday to Sunday, and week 1 is the one that
// holds the year's first Thursday (so 2027-01-01, a Friday, is in 2026-W53).
// The ratings report groups by them; UTC because agents of one site may sit in
// several zones, and a week must be the same rows for all of them.

export interface IsoWeek {
  /** `2026-W09`: the ISO year (that of the week's Thursday) and the week. */
  week: string;
  /** The week's Monday, `YYYY-MM-DD`. */
  start: string;
}

const DAY_MS = 86_400_000;

/** The ISO week of an instant, in UTC. */
export function isoWeek(at: Date): IsoWeek {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  const monday = day - ((new Date(day).getUTCDay() + 6) % 7) * DAY_MS;
  const thursday = new Date(monday + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS));
  return { week: `${year}-W${String(week).padStart(2, '0')}`, start: new Date(monday).toISOString().slice(0, 10) };
}

/** The `count` weeks up to and including the one holding `now`, oldest first. */
export function lastWeeks(now: Date, count: number): IsoWeek[] {
  const monday = Date.parse(`${isoWeek(now).start}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => isoWeek(new Date(monday - (count - 1 - i) * 7 * DAY_MS)));
}
