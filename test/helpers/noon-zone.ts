// Business hours built around the present moment, for tests of the real
// sidecar and browser (they read their own clocks): in a zone where it is
// now about noon, ranges like "09:00 to a minute ago" stay on today's date
// whatever the hour in UTC. Etc/GMT zones have no summer time.

export interface NoonZone {
  /** `Etc/GMT-8` is UTC+8: the sign of these names is reversed. */
  zone: string;
  /** Hours the zone is ahead of UTC (-11 to +12). */
  offset: number;
  /** The zone's wall clock `deltaMinutes` from now, as `HH:MM` (seconds dropped). */
  hhmm(deltaMinutes?: number): string;
  /** The instant the zone's clocks show `hh:mm`, `days` after today there. */
  at(days: number, hh: number, mm?: number): Date;
}

/** The Etc zone `offset` hours ahead of UTC (-12 to +14). */
export function etcZone(offset: number): string {
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

export function noonZone(now = new Date()): NoonZone {
  const offset = 12 - now.getUTCHours();
  const zone = etcZone(offset);
  const wall = (ms: number) => new Date(ms + offset * 3600_000);
  const today = wall(now.getTime());
  return {
    zone,
    offset,
    hhmm: (deltaMinutes = 0) => wall(now.getTime() + deltaMinutes * 60_000).toISOString().slice(11, 16),
    at: (days, hh, mm = 0) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + days, hh, mm) - offset * 3600_000),
  };
}
