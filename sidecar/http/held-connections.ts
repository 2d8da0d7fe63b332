// Caps how many polls and streams one IP address may hold open at once, so a
// single client cannot exhaust the process.
import type { ServerResponse } from 'node:http';
import { KefuError } from '../core/kefu-error.js';
import type { Shutdown } from '../shutdown.js';

export class HeldConnections {
  private readonly byIp = new Map<string, number>();
  total = 0;

  constructor(private readonly maxPerIp: number) {}

  /** Counts one held request for the IP; the returned function releases it (once). */
  hold(ip: string): () => void {
    const n = this.byIp.get(ip) ?? 0;
    if (n >= this.maxPerIp) throw new KefuError('rate_limited', 'too many open connections from this address', 5);
    this.byIp.set(ip, n + 1);
    this.total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.byIp.get(ip) ?? 1) - 1;
      if (left <= 0) this.byIp.delete(ip);
      else this.byIp.set(ip, left);
    };
  }
}

/**
 * Aborts when the client goes away before the response is complete, or (when
 * given) the server shuts down. Hand-made rather than AbortSignal.any, which on
 * Node 20 keeps every dependent signal of a long-lived source alive
 * (nodejs/node#48951): thousands of polls would leak.
 */
export function requestSignal(res: ServerResponse, shutdown?: Shutdown): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const onClose = () => { if (!res.writableFinished) ac.abort(); };
  res.once('close', onClose);
  const unwatch = shutdown?.watch(() => ac.abort());
  return {
    signal: ac.signal,
    dispose() {
      res.off('close', onClose);
      unwatch?.();
    },
  };
}
