// A delivery cursor: "I have every message of my scope up to mid `high`,
// except the mids in `gaps` (rows that had not committed yet), and every event
// up to `event`". Opaque to clients: `c1.<high>.<event>[.<run>~<run>…]`, numbers
// in base 36. Gaps travel as runs of consecutive mids (a multi-row INSERT still
// open leaves one run however many rows it has): `<d>` is the single gap
// high - d, `<d>-<n>` the n gaps high - d, high - d - 1, …

export interface Cursor {
  high: number;
  event: number;
  gaps: number[];
}

export const MAX_CURSOR_LENGTH = 512;
/** Runs of gaps one cursor carries; more open at once only arise from a broken auto-increment setup. */
export const MAX_CURSOR_RUNS = 40;
/** Gap mids one cursor may stand for in all. */
export const MAX_CURSOR_GAPS = 20_000;

export class CursorError extends Error {}

export function encodeCursor(c: Cursor): string {
  const gaps = [...new Set(c.gaps)].filter((g) => g < c.high && g > 0).sort((a, b) => b - a);
  const runs: string[] = [];
  let total = 0;
  for (let i = 0; i < gaps.length && runs.length < MAX_CURSOR_RUNS; ) {
    let n = 1;
    while (i + n < gaps.length && gaps[i + n] === gaps[i] - n && total + n < MAX_CURSOR_GAPS) n++;
    if (total + n > MAX_CURSOR_GAPS) break;
    const d = (c.high - gaps[i]).toString(36);
    runs.push(n === 1 ? d : `${d}-${n.toString(36)}`);
    total += n;
    i += n;
  }
  const parts = ['c1', c.high.toString(36), c.event.toString(36)];
  if (runs.length) parts.push(runs.join('~'));
  return parts.join('.');
}

const NUM = /^[0-9a-z]{1,11}$/;

function num(s: string): number {
  if (!NUM.test(s)) throw new CursorError('cursor is not valid');
  const n = parseInt(s, 36);
  if (!Number.isSafeInteger(n)) throw new CursorError('cursor is not valid');
  return n;
}

export function decodeCursor(text: string): Cursor {
  if (text.length > MAX_CURSOR_LENGTH) throw new CursorError(`cursor is longer than ${MAX_CURSOR_LENGTH} characters`);
  const parts = text.split('.');
  if (parts[0] !== 'c1' || parts.length < 3 || parts.length > 4) throw new CursorError('cursor is not valid');
  const high = num(parts[1]);
  const event = num(parts[2]);
  const gaps: number[] = [];
  if (parts.length === 4) {
    const runs = parts[3].split('~');
    if (runs.length > MAX_CURSOR_RUNS) throw new CursorError('cursor is not valid');
    for (const run of runs) {
      const [ds, ns, extra] = run.split('-');
      if (extra !== undefined) throw new CursorError('cursor is not valid');
      const first = high - num(ds);
      const n = ns === undefined ? 1 : num(ns);
      if (n < 1 || first >= high || first - n + 1 <= 0 || gaps.length + n > MAX_CURSOR_GAPS) throw new CursorError('cursor is not valid');
      for (let k = 0; k < n; k++) gaps.push(first - k);
    }
  }
  return { high, event, gaps };
}
