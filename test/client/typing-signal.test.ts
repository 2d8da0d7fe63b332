import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TypingSignal } from '../../client/typing-signal.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

/** A signal that records what it sent, as [typing, to]. */
function recorder<To = void>(result: () => Promise<unknown> = () => Promise.resolve()) {
  const sent: [boolean, To][] = [];
  const signal = new TypingSignal<To>((typing, to) => {
    sent.push([typing, to]);
    return result();
  });
  return { signal, sent };
}

describe('TypingSignal', () => {
  it('says "typing" on the first keystroke and at most every 3 s while the keys keep going', () => {
    const { signal, sent } = recorder();
    signal.note();
    for (let i = 0; i < 12; i++) {
      vi.advanceTimersByTime(500);
      signal.note();
    }
    // Keystrokes at 0, 0.5 … 6 s: true at 0, then the first keystroke more than 3 s later (3.5 s).
    expect(sent).toEqual([
      [true, undefined],
      [true, undefined],
    ]);
  });

  it('says "stopped" after 4 s without a keystroke, once', () => {
    const { signal, sent } = recorder();
    signal.note();
    vi.advanceTimersByTime(3999);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([
      [true, undefined],
      [false, undefined],
    ]);
    vi.advanceTimersByTime(10_000);
    expect(sent).toHaveLength(2);
  });

  it('says "stopped" at once on stop (a message sent), and "typing" again on the next keystroke', () => {
    const { signal, sent } = recorder();
    signal.note();
    signal.stop();
    signal.note();
    expect(sent.map(([typing]) => typing)).toEqual([true, false, true]);
  });

  it('stays quiet on stop when nothing said "typing"', () => {
    const { signal, sent } = recorder();
    signal.stop();
    signal.note();
    signal.stop();
    signal.stop();
    vi.advanceTimersByTime(5000);
    expect(sent.map(([typing]) => typing)).toEqual([true, false]);
  });

  it('tells a new recipient at once and sends "stopped" to the one it told', () => {
    const { signal, sent } = recorder<string>();
    signal.note('v_a');
    signal.note('v_b');
    expect(signal.recipient).toBe('v_b');
    signal.stop();
    expect(signal.recipient).toBeUndefined();
    expect(sent).toEqual([
      [true, 'v_a'],
      [true, 'v_b'],
      [false, 'v_b'],
    ]);
  });

  it('sends nothing more after cancel', () => {
    const { signal, sent } = recorder();
    signal.note();
    signal.cancel();
    vi.advanceTimersByTime(10_000);
    expect(sent).toHaveLength(1);
  });

  it('swallows a failed signal', async () => {
    vi.useRealTimers();
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const { signal, sent } = recorder(() => Promise.reject(new Error('offline')));
      signal.note();
      signal.stop();
      // Rejections count as unhandled once the microtasks have run: look one turn later.
      await new Promise((resolve) => setImmediate(resolve));
      expect(sent).toHaveLength(2);
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});
