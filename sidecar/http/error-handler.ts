// One place that turns errors into the protocol's JSON shape. Anything
// unexpected becomes a plain 500, logged once, with no detail for the client.
import type { Middleware } from 'koa';
import type { ServerResponse } from 'node:http';
import { KefuError, type ErrorCode } from '../core/kefu-error.js';
import { StoreUnavailableError } from '../store/store.js';
import type { Logger } from '../logger.js';

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 413: 'too_large', 429: 'rate_limited', 503: 'unavailable',
};

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

export interface ErrorAnswer {
  status: number;
  body: ReturnType<typeof errorBody>;
  retryAfter?: number;
}

/** The protocol's answer for an error; logs what was not expected. */
export function describeError(err: unknown, path: string, log: Logger): ErrorAnswer {
  if (err instanceof KefuError) return { status: err.status, body: errorBody(err.code, err.message), retryAfter: err.retryAfter };
  if (err instanceof StoreUnavailableError) {
    return { status: 503, body: errorBody('unavailable', 'the database is not reachable; try again shortly'), retryAfter: 2 };
  }
  // Errors raised by body parsing (koa-bodyparser / raw-body) carry a status.
  const e = err as { status?: number; type?: string };
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    const status = e.status === 413 ? 413 : e.status === 415 ? 400 : BY_STATUS[e.status] ? e.status : 400;
    const message =
      status === 413 ? 'request body is larger than 16 KiB'
      : e.type === 'entity.parse.failed' || /json/i.test(String((err as Error).message)) ? 'request body is not valid JSON'
      : 'bad request';
    return { status, body: errorBody(BY_STATUS[status], message) };
  }
  // Name, code and frames only: a driver's message may quote SQL or user text.
  const e2 = err as Error & { code?: string };
  log.error('unexpected error', { path, error: e2?.name, code: e2?.code, at: e2?.stack?.split('\n').slice(1, 4).map((l) => l.trim()) });
  return { status: 500, body: errorBody('internal', 'internal error') };
}

/** Ends a response that left Koa (a detached long poll) with JSON. */
export function endJson(res: ServerResponse, status: number, body: unknown, retryAfter?: number): void {
  if (res.writableEnded || res.destroyed) return;
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
  res.end(text);
}

export function errorHandler(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined && ctx.respond !== false) {
        ctx.status = 404;
        ctx.body = errorBody('not_found', 'no such route');
      }
    } catch (err) {
      if (ctx.headerSent || ctx.respond === false) {
        log.warn('error after the response started', { path: ctx.path, error: (err as Error)?.name });
        return;
      }
      const answer = describeError(err, ctx.path, log);
      if (answer.retryAfter !== undefined) ctx.set('Retry-After', String(answer.retryAfter));
      ctx.status = answer.status;
      ctx.body = answer.body;
    }
  };
}
