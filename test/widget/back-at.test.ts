// The line on the leave-a-message form outside business hours, in the
// visitor's language and clock (this process runs in UTC; the browser test
// test/ui/business-hours.test.ts runs it in other zones).
import { describe, expect, it } from 'vitest';
import { backAt } from '../../widget/back-at.js';

const now = new Date('2026-12-09T20:15:00Z'); // a Wednesday evening

describe('backAt', () => {
  it('says today, tomorrow, a weekday within the week, else a weekday and date', () => {
    expect(backAt('2026-12-09T21:00:00Z', 'en', now)).toBe("We're back today at 09:00 PM.");
    expect(backAt('2026-12-10T09:00:00Z', 'en', now)).toBe("We're back tomorrow at 09:00 AM.");
    expect(backAt('2026-12-14T09:00:00Z', 'en', now)).toBe("We're back Monday at 09:00 AM.");
    expect(backAt('2026-12-15T09:30:00Z', 'en', now)).toBe("We're back Tuesday at 09:30 AM.");
    // A week or more ahead, the weekday alone would be ambiguous.
    expect(backAt('2026-12-16T09:00:00Z', 'en', now)).toBe("We're back Wednesday, Dec 16 at 09:00 AM.");
    expect(backAt('2026-12-28T09:00:00Z', 'en', now)).toBe("We're back Monday, Dec 28 at 09:00 AM.");
  });

  it('speaks Chinese', () => {
    expect(backAt('2026-12-09T21:00:00Z', 'zh-CN', now)).toBe('我们将于今天 21:00 回来。');
    expect(backAt('2026-12-10T09:00:00Z', 'zh-CN', now)).toBe('我们将于明天 09:00 回来。');
    expect(backAt('2026-12-14T09:00:00Z', 'zh-CN', now)).toBe('我们将于星期一 09:00 回来。');
    expect(backAt('2026-12-28T09:00:00Z', 'zh-CN', now)).toBe('我们将于12月28日星期一 09:00 回来。');
  });

  it('says nothing once the time has come, or for no time at all', () => {
    expect(backAt('2026-12-09T20:15:00Z', 'en', now)).toBe('');
    expect(backAt('2026-12-09T08:00:00Z', 'en', now)).toBe('');
    expect(backAt('', 'en', now)).toBe('');
  });
});
