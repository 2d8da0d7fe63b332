// The per-sender and per-address limits, as 429 errors with Retry-After.
import type { Context } from 'koa';
import { KefuError } from '../core/kefu-error.js';
import type { Runtime } from '../runtime.js';

/** Typing notices and session resumes, per sender. */
export function limitSignals(rt: Runtime, key: string): void {
  const wait = rt.signalLimiter.take(key);
  if (wait > 0) throw new KefuError('rate_limited', 'too many requests; wait a moment', wait);
}

/** Applies the per-visitor and per-IP send limits; 429 with Retry-After when over. */
export function limitSending(rt: Runtime, ctx: Context, visitorId: string): void {
  // The sender's own limit first: attempts it refuses must not use up the
  // allowance of everyone else behind the same address (an office, a NAT).
  const own = rt.visitorSendLimiter.take(visitorId);
  if (own > 0) throw new KefuError('rate_limited', 'sending too fast; wait a moment', own);
  const shared = rt.ipSendLimiter.take(ctx.ip);
  if (shared > 0) throw new KefuError('rate_limited', 'sending too fast; wait a moment', shared);
}
