// A delivery cursor: "I have every message of my scope up to mid `high`,
// except the mids in `gaps` (rows that had not committed yet), and every event
// up to `event` except the ids in `eventGaps`". Opaque to clients, at most 512
// characters (PROTOCOL.md):
//
//   c1.<high>.<event>[.<runs>][.E<runs>][.S<d>][.T<d>]
//
// Numbers are base 36. Gaps travel as runs counted down from the high mark: `<d>`
// is the single gap high - d, `<d>-<n>` the n gaps high - d, high - d - 1, …,
// and `<d>-<n>-<s>` n gaps `s` apart (auto_increment_increment = s). An open
// multi-row INSERT of any size is one run. Runs are joined by `~`.
//
// When the gaps do not fit in 512 characters, the cursor never forgets one:
// `fitCursor` lowers `high` below the first gap it cannot carry, so those rows
// are delivered again rather than lost, and records the high it had in `seen`
// (`S`, as a distance below nothing: seen - high). Rows up to `seen` that a
// client gets again are ones it had; Delivery does not answer a poll early
// with only those (PROTOCOL.md guarantee 3: no busy loop).

export interface Cursor {
  high: number;
  event: number;
  gaps: number[];
  eventGaps?: number[];
  /** Set when `high` was lowered to fit: the client has most rows up to here. */
  seen?: number;
  /** The same for events. */
  seenEvent?: number;
}

export const MAX_CURSOR_LENGTH = 512;
/** Gap ids one cursor may stand for in all (bounds the work of decoding a hostile one). */
export const MAX_CURSOR_GAPS = 20_000;

export class CursorError extends Error {}

interface Run { first: number; n: number; step: number }

/** Gaps as runs, highest first. */
function runsOf(high: number, gaps: readonly number[]): Run[] {
  const sorted = [...new Set(gaps)].filter((g) => g < high && g > 0).sort((a, b) => b - a);
  const runs: Run[] = [];
  for (let i = 0; i < sorted.length; ) {
    const step = i + 1 < sorted.length ? sorted[i] - sorted[i + 1] : 1;
    let n = 1;
    while (i + n < sorted.length && sorted[i + n] === sorted[i] - n * step) n++;
    // A stride of two single gaps is no saving; keep strides for three or more.
    if (n === 2 && step > 1) n = 1;
    runs.push({ first: sorted[i], n, step: n === 1 ? 1 : step });
    i += n;
  }
  return runs;
}

function runText(high: number, r: Run): string {
  const d = (high - r.first).toString(36);
  if (r.n === 1) return d;
  if (r.step === 1) return `${d}-${r.n.toString(36)}`;
  return `${d}-${r.n.toString(36)}-${r.step.toString(36)}`;
}

function runsText(high: number, runs: readonly Run[]): string {
  return runs.map((r) => runText(high, r)).join('~');
}

function expand(runs: readonly Run[]): number[] {
  const out: number[] = [];
  for (const r of runs) for (let k = 0; k < r.n; k++) out.push(r.first - k * r.step);
  return out;
}

function render(high: number, event: number, runs: readonly Run[], eventRuns: readonly Run[], seen: number, seenEvent: number): string {
  let s = `c1.${high.toString(36)}.${event.toString(36)}`;
  if (runs.length) s += `.${runsText(high, runs)}`;
  if (eventRuns.length) s += `.E${runsText(event, eventRuns)}`;
  if (seen > high) s += `.S${(seen - high).toString(36)}`;
  if (seenEvent > event) s += `.T${(seenEvent - event).toString(36)}`;
  return s;
}

/**
 * The cursor as text of at most 512 characters, and the cursor that text
 * stands for: the same one, or (when its gaps do not fit) one whose high mark
 * was lowered below the first gap it could not carry. Nothing is ever dropped.
 */
export function fitCursor(c: Cursor): { text: string; cursor: Cursor; lowered: boolean } {
  let high = c.high;
  let event = c.event;
  let runs = runsOf(high, c.gaps);
  let eventRuns = runsOf(event, c.eventGaps ?? []);
  const seen = Math.max(c.seen ?? 0, c.high);
  const seenEvent = Math.max(c.seenEvent ?? 0, c.event);
  let text = render(high, event, runs, eventRuns, seen, seenEvent);
  let lowered = false;
  while (text.length > MAX_CURSOR_LENGTH) {
    lowered = true;
    // Give up the highest run of the longer list: everything from its lowest id up counts as not had.
    if (runs.length >= eventRuns.length) {
      const r = runs.shift()!;
      high = r.first - (r.n - 1) * r.step - 1;
      runs = runsOf(high, expand(runs));
    } else {
      const r = eventRuns.shift()!;
      event = r.first - (r.n - 1) * r.step - 1;
      eventRuns = runsOf(event, expand(eventRuns));
    }
    text = render(high, event, runs, eventRuns, seen, seenEvent);
  }
  const cursor: Cursor = { high, event, gaps: expand(runs), eventGaps: expand(eventRuns) };
  if (seen > high) cursor.seen = seen;
  if (seenEvent > event) cursor.seenEvent = seenEvent;
  return { text, cursor, lowered };
}

export function encodeCursor(c: Cursor): string {
  return fitCursor(c).text;
}

const NUM = /^[0-9a-z]{1,11}$/;

function num(s: string | undefined): number {
  if (s === undefined || !NUM.test(s)) throw new CursorError('cursor is not valid');
  const n = parseInt(s, 36);
  if (!Number.isSafeInteger(n)) throw new CursorError('cursor is not valid');
  return n;
}

function decodeRuns(high: number, text: string, budget: { left: number }): number[] {
  const gaps: number[] = [];
  for (const run of text.split('~')) {
    const [ds, ns, ss, extra] = run.split('-');
    if (extra !== undefined) throw new CursorError('cursor is not valid');
    const first = high - num(ds);
    const n = ns === undefined ? 1 : num(ns);
    const step = ss === undefined ? 1 : num(ss);
    if (n < 1 || step < 1 || first >= high || first - (n - 1) * step <= 0 || n > budget.left) throw new CursorError('cursor is not valid');
    budget.left -= n;
    for (let k = 0; k < n; k++) gaps.push(first - k * step);
  }
  return gaps;
}

export function decodeCursor(text: string): Cursor {
  if (text.length > MAX_CURSOR_LENGTH) throw new CursorError(`cursor is longer than ${MAX_CURSOR_LENGTH} characters`);
  const parts = text.split('.');
  if (parts[0] !== 'c1' || parts.length < 3 || parts.length > 7) throw new CursorError('cursor is not valid');
  const high = num(parts[1]);
  const event = num(parts[2]);
  const c: Cursor = { high, event, gaps: [] };
  const budget = { left: MAX_CURSOR_GAPS };
  // After the two numbers: the message runs (untagged, first if present), then tagged parts in order.
  let order = 0;
  for (let i = 3; i < parts.length; i++) {
    const p = parts[i];
    const tag = /^[A-Z]/.test(p) ? p[0] : '';
    const rank = { '': 1, E: 2, S: 3, T: 4 }[tag];
    if (rank === undefined || rank <= order || (tag === '' && i !== 3)) throw new CursorError('cursor is not valid');
    order = rank;
    const body = tag ? p.slice(1) : p;
    if (tag === '') c.gaps = decodeRuns(high, body, budget);
    else if (tag === 'E') c.eventGaps = decodeRuns(event, body, budget);
    else if (tag === 'S') c.seen = high + num(body);
    else c.seenEvent = event + num(body);
    if (!Number.isSafeInteger(c.seen ?? 0) || !Number.isSafeInteger(c.seenEvent ?? 0)) throw new CursorError('cursor is not valid');
  }
  return c;
}
