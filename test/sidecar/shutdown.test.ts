import { describe, expect, it } from 'vitest';
import { Shutdown } from '../../sidecar/shutdown.js';

describe('Shutdown', () => {
  it('calls each watcher once, never one that stopped watching, and a late one at once', () => {
    const s = new Shutdown();
    const calls: string[] = [];
    s.watch(() => calls.push('a'));
    const stop = s.watch(() => calls.push('b'));
    stop();
    expect(s.watching).toBe(1);
    s.begin();
    s.begin();
    expect(calls).toEqual(['a']);
    expect(s.aborted).toBe(true);
    s.watch(() => calls.push('late'));
    expect(calls).toEqual(['a', 'late']);
    expect(s.watching).toBe(0);
  });

  it('forgets every one of ten thousand watchers that stop watching', () => {
    const s = new Shutdown();
    const stops = Array.from({ length: 10_000 }, () => s.watch(() => {}));
    expect(s.watching).toBe(10_000);
    for (const stop of stops) stop();
    expect(s.watching).toBe(0);
  });
});
