// One place that turns errors into the protocol's JSON shape. Anything
// unexpected becomes a plain 500, logged once, with no detail for the client.
import type { Middleware } from 'koa';
import { KefuError, type ErrorCode } from '../core/kefu-error.js';
import { StoreUnavailableError } from '../store/store.js';
import type { Logger } from '../logger.js';

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 413: 'too_large', 429: 'rate_limited', 503: 'unavailable',
};

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
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
      let status = 500;
      let code = 'internal';
      let message = 'internal error';
      if (err instanceof KefuError) {
        ({ status, code, message } = err);
        if (err.retryAfter !== undefined) ctx.set('Retry-After', String(err.retryAfter));
      } else if (err instanceof StoreUnavailableError) {
        status = 503;
        code = 'unavailable';
        message = 'the database is not reachable; try again shortly';
        ctx.set('Retry-After', '2');
      } else {
        // Errors raised by body parsing (koa-bodyparser / raw-body) carry a status.
        const e = err as { status?: number; type?: string; expose?: boolean };
        if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
          status = e.status === 413 ? 413 : e.status === 415 ? 400 : BY_STATUS[e.status] ? e.status : 400;
          code = BY_STATUS[status];
          message =
            status === 413 ? 'request body is larger than 16 KiB'
            : e.type === 'entity.parse.failed' || /json/i.test(String((err as Error).message)) ? 'request body is not valid JSON'
            : 'bad request';
        } else {
          // Name, code and frames only: a driver's message may quote SQL or user text.
          const e2 = err as Error & { code?: string };
          log.error('unexpected error', { path: ctx.path, error: e2?.name, code: e2?.code, at: e2?.stack?.split('\n').slice(1, 4).map((l) => l.trim()) });
        }
      }
      ctx.status = status;
      ctx.body = errorBody(code, message);
    }
  };
}
