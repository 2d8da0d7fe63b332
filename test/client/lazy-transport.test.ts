import { describe, expect, it, vi } from 'vitest';
import { LazyTransport } from '../../client/lazy-transport.js';
import type { Transport } from '../../client/transport.js';

function fakeTransport(): Transport & { started: Array<string | undefined>; stopped: number; cursor: string | undefined } {
  const t = {
    started: [] as Array<string | undefined>,
    stopped: 0,
    cursor: undefined as string | undefined,
    start(c: string | undefined) {
      t.started.push(c);
      t.cursor = c;
    },
    stop() {
      t.stopped++;
    },
  };
  return t;
}

describe('LazyTransport', () => {
  it('starts the loaded transport from the cursor it was given', async () => {
    const inner = fakeTransport();
    const lazy = new LazyTransport(async () => inner, () => fakeTransport());
    lazy.start('c1');
    expect(lazy.cursor).toBe('c1');
    await vi.waitFor(() => expect(inner.started).toEqual(['c1']));
    inner.cursor = 'c9';
    expect(lazy.cursor).toBe('c9');
  });

  it('never starts a transport that loads after stop()', async () => {
    const inner = fakeTransport();
    let release!: (t: Transport) => void;
    const lazy = new LazyTransport(() => new Promise<Transport>((r) => (release = r)), () => fakeTransport());
    lazy.start('c1');
    lazy.stop();
    release(inner);
    await new Promise((r) => setTimeout(r, 10));
    expect(inner.started).toEqual([]);
  });

  it('keeps the cursor reached when stopped, for the next start', async () => {
    const inner = fakeTransport();
    const lazy = new LazyTransport(async () => inner, () => fakeTransport());
    lazy.start('c1');
    await vi.waitFor(() => expect(inner.started).toHaveLength(1));
    inner.cursor = 'c5';
    lazy.stop();
    expect(inner.stopped).toBe(1);
    expect(lazy.cursor).toBe('c5');
  });

  it('starts the fallback from the same cursor when the module cannot load', async () => {
    const fallback = fakeTransport();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const lazy = new LazyTransport(() => Promise.reject(new Error('chunk gone')), () => fallback);
    lazy.start('c3');
    await vi.waitFor(() => expect(fallback.started).toEqual(['c3']));
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
    lazy.stop();
    expect(fallback.stopped).toBe(1);
  });
});
