// A delivery cursor: "I have every message of my scope up to mid `high`,
// except the mids in `gaps` (rows that had not committed yet), and every event
// up to `event`". Opaque to clients: `c1.<high>.<event>[.<gap>~<gap>…]`, numbers
// in base 36, gaps as distances below `high` so the text stays short.

export interface Cursor {
  high: number;
  event: number;
  gaps: number[];
}

export const MAX_CURSOR_LENGTH = 512;
/** Gaps carried in one cursor; more open at once would only arise from a broken auto-increment setup. */
export const MAX_CURSOR_GAPS = 48;

export class CursorError extends Error {}

export function encodeCursor(c: Cursor): string {
  const gaps = [...new Set(c.gaps)].filter((g) => g < c.high && g > 0).sort((a, b) => b - a).slice(0, MAX_CURSOR_GAPS);
  const parts = ['c1', c.high.toString(36), c.event.toString(36)];
  if (gaps.length) parts.push(gaps.map((g) => (c.high - g).toString(36)).join('~'));
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
    const items = parts[3].split('~');
    if (items.length > MAX_CURSOR_GAPS) throw new CursorError('cursor is not valid');
    for (const d of items) {
      const g = high - num(d);
      if (g <= 0 || g >= high) throw new CursorError('cursor is not valid');
      gaps.push(g);
    }
  }
  return { high, event, gaps };
}
