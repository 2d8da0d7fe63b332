import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MinuteClock } from '../../admin-panel/minute-clock.js';
import { fakeHost } from '../client/fake-host.js';

describe('MinuteClock', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2024-05-01T10:00:45.000Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('renders on every minute boundary while connected, and not at all once the host left', async () => {
    const host = fakeHost();
    const clock = new MinuteClock(host);
    host.connect();
    expect(host.requestUpdate).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(14_999);
    expect(host.requestUpdate).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(host.requestUpdate).toHaveBeenCalledTimes(2);
    expect(clock.now.toISOString()).toBe('2024-05-01T10:01:00.000Z');
    await vi.advanceTimersByTimeAsync(120_000);
    expect(host.requestUpdate).toHaveBeenCalledTimes(4);
    host.disconnect();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(host.requestUpdate).toHaveBeenCalledTimes(4);
    // Back in the document: the time is current at once, and the ticking resumes.
    host.connect();
    expect(clock.now.toISOString()).toBe('2024-05-01T10:13:00.000Z');
    expect(vi.getTimerCount()).toBe(1);
  });
});
