import { describe, expect, it } from 'vitest';
import { dayLabel, initials, threadRows } from '../../widget/thread-rows.js';
import type { ChatMessage } from '../../client/types.js';
import { en } from '../../widget/i18n/en.js';
import { zhCN } from '../../widget/i18n/zh-CN.js';

let mid = 0;
const msg = (from: string, at: string): ChatMessage => ({ mid: ++mid, from, to: 'x', content: 'hi', createdAt: new Date(at).toISOString() }) as ChatMessage;

describe('threadRows', () => {
  it('groups one sender’s run: name on the first, time on the last', () => {
    const rows = threadRows([
      msg('v1', '2026-12-06T10:00:00'),
      msg('v1', '2026-12-06T10:01:00'),
      msg('v1', '2026-12-06T10:02:00'),
      msg('agent:1', '2026-12-06T10:03:00'),
    ]);
    expect(rows.map((r) => [r.head, r.tail])).toEqual([
      [true, false],
      [false, false],
      [false, true],
      [true, true],
    ]);
  });

  it('starts a new group after a pause, and a date line where the day changes', () => {
    const rows = threadRows([
      msg('v1', '2026-12-05T23:58:00'),
      msg('v1', '2026-12-06T00:01:00'),
      msg('v1', '2026-12-06T00:30:00'),
    ]);
    expect(rows.map((r) => !!r.day)).toEqual([true, true, false]);
    expect(rows.map((r) => r.head)).toEqual([true, true, true]);
    expect(rows.every((r) => r.tail)).toBe(true);
  });

  it('is empty for an empty thread', () => {
    expect(threadRows([])).toEqual([]);
  });
});

describe('dayLabel', () => {
  const now = new Date('2026-12-06T15:00:00');
  it('says today and yesterday in the visitor’s language', () => {
    expect(dayLabel(new Date('2026-12-06T01:00:00'), 'en', en.days, now)).toBe('Today');
    expect(dayLabel(new Date('2026-12-05T23:00:00'), 'en', en.days, now)).toBe('Yesterday');
    expect(dayLabel(new Date('2026-12-06T01:00:00'), 'zh-CN', zhCN.days, now)).toBe('今天');
    // Across a month boundary too.
    expect(dayLabel(new Date('2026-11-30T09:00:00'), 'en', en.days, new Date('2026-12-01T08:00:00'))).toBe('Yesterday');
  });
  it('gives a date otherwise', () => {
    expect(dayLabel(new Date('2026-11-20T10:00:00'), 'en', en.days, now)).toBe('Nov 20, 2026');
    expect(dayLabel(new Date('2025-11-20T10:00:00'), 'zh-CN', zhCN.days, now)).toBe('2025年11月20日');
  });
});

describe('initials', () => {
  it('takes first and last word, or one character of a Chinese name', () => {
    expect(initials('Alice Chen')).toBe('AC');
    expect(initials('bob')).toBe('B');
    expect(initials('王小明')).toBe('王');
    expect(initials('  ')).toBe('?');
  });
});
