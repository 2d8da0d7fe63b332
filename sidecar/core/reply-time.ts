// "Usually replies in …": how long visitors wait for the team, measured from
// the message rows alone. Plain functions over plain arrays, so every rule
// below has a test that needs no database and no clock.
import { conversationOf, isTeam } from './message.js';
import type { Exchange } from '../store/team-store.js';

/** Fewer answered waits than this say too little about a team: no figure at all. */
export const MIN_WAITS = 5;

/**
 * Seconds each answered wait lasted, in the order the answers came. A wait
 * starts with a visitor's message when the conversation is not waiting already
 * (its first message, or the first after a team message) and ends with the
 * next team message in that conversation: an agent's, or one classic PHP wrote
 * as `admin`. A wait with no answer yet is not counted; rows are taken in `mid`
 * order, and a row between two team ids (no visitor in it) is not a reply.
 */
export function replyWaits(rows: readonly Exchange[]): number[] {
  const waitingSince = new Map<string, number>();
  const waits: number[] = [];
  for (const row of [...rows].sort((a, b) => a.mid - b.mid)) {
    const visitor = conversationOf(row.from, row.to);
    if (visitor === null) continue;
    if (!isTeam(row.from)) {
      if (!waitingSince.has(visitor)) waitingSince.set(visitor, row.at);
      continue;
    }
    const since = waitingSince.get(visitor);
    if (since === undefined) continue;
    waitingSince.delete(visitor);
    const seconds = (row.at - since) / 1000;
    // Rows written by processes whose clocks disagree can come out negative: no measure, not a zero.
    if (Number.isFinite(seconds) && seconds >= 0) waits.push(seconds);
  }
  return waits;
}

/** The middle value (the mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** TeamAnswer's `replySeconds`: the median wait in whole seconds, or null below MIN_WAITS answered waits. */
export function replySeconds(rows: readonly Exchange[], minWaits = MIN_WAITS): number | null {
  const waits = replyWaits(rows);
  return waits.length < minWaits ? null : Math.round(median(waits)!);
}
