// What visitors are told of the team around business hours, on an injected
// clock: nobody online outside them, when the team is back, and a wake-up of
// the visitors' waits at each opening and closing, not before.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Availability, type OutsideHours } from '../../../sidecar/core/availability.js';
import { BusinessHours } from '../../../sidecar/core/business-hours.js';

const HOURS = BusinessHours.parse('mon-fri 09:00-17:30', 'Europe/Berlin', '2026-12-25');
const team = { agentsOnline: 2, agents: [{ id: 'agent:1', name: 'Ann', avatar: null, online: true }], replySeconds: 60 };

function setup(start: string, outside: OutsideHours = 'offline-form', hours: BusinessHours | null = HOURS) {
  let t = new Date(start).getTime();
  const onChange = vi.fn();
  const a = new Availability({ hours, outside, agentsOnline: () => 2, onChange, now: () => t });
  return { a, onChange, set: (iso: string) => (t = new Date(iso).getTime()) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Availability', () => {
  it('tells visitors the true count inside hours and none outside, at the boundary minutes', () => {
    const { a, set } = setup('2026-01-14T08:59:59+01:00');
    expect(a.agentsOnlineForVisitors()).toBe(0);
    set('2026-01-14T09:00:00+01:00');
    expect(a.agentsOnlineForVisitors()).toBe(2);
    set('2026-01-14T17:29:59+01:00');
    expect(a.agentsOnlineForVisitors()).toBe(2);
    set('2026-01-14T17:30:00+01:00');
    expect(a.agentsOnlineForVisitors()).toBe(0);
  });

  it('gives the team answer with the hours: closed, when back, and every face away', () => {
    const { a, set } = setup('2026-12-24T17:30:00+01:00');
    expect(a.forVisitors(team)).toEqual({
      agentsOnline: 0,
      agents: [{ id: 'agent:1', name: 'Ann', avatar: null, online: false }],
      replySeconds: 60,
      // Friday the 25th is a holiday, then the weekend.
      hours: { open: false, opensAt: '2026-12-28T08:00:00.000Z' },
    });
    set('2026-12-28T10:00:00+01:00');
    expect(a.forVisitors(team)).toEqual({ ...team, hours: { open: true, opensAt: null } });
  });

  it('changes nothing without business hours', () => {
    const { a } = setup('2026-12-25T03:00:00+01:00', 'hide', null);
    expect(a.forVisitors(team)).toBe(team);
    expect(a.hoursState()).toBeUndefined();
    expect(a.agentsOnlineForVisitors()).toBe(2);
    expect(a.hides).toBe(false);
    expect(a.launcherHidden()).toBe(false);
    expect(a.freshSeconds(300)).toBe(300);
  });

  it('hides the launcher only with `hide` and only outside hours', () => {
    const hide = setup('2026-01-14T08:00:00+01:00', 'hide');
    expect([hide.a.hides, hide.a.launcherHidden()]).toEqual([true, true]);
    hide.set('2026-01-14T09:00:00+01:00');
    expect(hide.a.launcherHidden()).toBe(false);
    const form = setup('2026-01-14T08:00:00+01:00');
    expect([form.a.hides, form.a.launcherHidden()]).toEqual([false, false]);
  });

  it('lets caches keep an answer only until the next opening or closing', () => {
    const { a, set } = setup('2026-01-14T08:59:58+01:00');
    expect(a.freshSeconds(5)).toBe(2);
    set('2026-01-14T08:59:59.500+01:00');
    expect(a.freshSeconds(5)).toBe(0);
    set('2026-01-14T09:00:00+01:00');
    expect(a.freshSeconds(300)).toBe(300);
    set('2026-01-14T17:28:00+01:00');
    expect(a.freshSeconds(300)).toBe(120);
  });

  it('wakes waiting visitors at the closing and the opening, once each', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-01-16T17:29:00+01:00'));
    const onChange = vi.fn();
    const a = new Availability({ hours: HOURS, outside: 'offline-form', agentsOnline: () => 1, onChange });
    a.start();
    vi.advanceTimersByTime(59_000);
    expect(onChange).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(a.agentsOnlineForVisitors()).toBe(0);
    // Friday evening to Monday 09:00: the long wait is re-armed every six hours, and says nothing until then.
    vi.advanceTimersByTime(new Date('2026-01-19T08:59:59+01:00').getTime() - Date.now());
    expect(onChange).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1_000);
    expect(onChange).toHaveBeenCalledTimes(2);
    expect(a.agentsOnlineForVisitors()).toBe(1);
    a.stop();
    vi.advanceTimersByTime(9 * 3600_000);
    expect(onChange).toHaveBeenCalledTimes(2);
  });
});
