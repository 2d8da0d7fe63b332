// The headers every answer starts with, CORS included, for requests Koa
// serves and for the polls answered before Koa (transports/long-poll.ts).
// One function writes them for both, so the two paths cannot drift apart.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Middleware } from 'koa';

const API_PREFIX = '/kefu/api/';

/** The request's Origin when it is a listed site; other sites get no CORS headers, so browsers refuse them. */
function listedOrigin(allowedOrigins: readonly string[], req: IncomingMessage): string | null {
  const origin = req.headers.origin;
  return origin && allowedOrigins.includes(origin) ? origin : null;
}

/** Adds Origin to Vary: answers differ by Origin, so shared caches must keep them apart. */
function varyOnOrigin(res: ServerResponse): void {
  const prior = String(res.getHeader('Vary') ?? '').split(',').map((v) => v.trim()).filter(Boolean);
  if (prior.some((v) => v === '*' || v.toLowerCase() === 'origin')) return;
  res.setHeader('Vary', [...prior, 'Origin'].join(', '));
}

/**
 * Writes the common headers for `req`, whose URL path (as routes see it) is
 * `path`. Returns true when the request is a CORS preflight from a listed
 * site, now fully answered but for its 204 status.
 */
export function writeCommonHeaders(allowedOrigins: readonly string[], req: IncomingMessage, res: ServerResponse, path: string): boolean {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (path.startsWith(API_PREFIX)) {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
  }
  varyOnOrigin(res);
  const origin = listedOrigin(allowedOrigins, req);
  if (!origin) return false;
  res.setHeader('Access-Control-Allow-Origin', origin);
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
    // PUT and DELETE: the console edits canned replies and lifts blocks.
    res.setHeader('Access-Control-Allow-Methods', 'GET,POST,PUT,DELETE,OPTIONS');
    // Range: a file fetched in parts (transports/attachment-api.ts).
    res.setHeader('Access-Control-Allow-Headers', 'Authorization,Content-Type,Range');
    res.setHeader('Access-Control-Max-Age', '600');
    return true;
  }
  // Clients read Retry-After of a 429 to know when to try again, and a file's name and range.
  res.setHeader('Access-Control-Expose-Headers', 'Retry-After,Content-Disposition,Content-Range');
  return false;
}

/** The same headers for everything Koa serves; a listed site's preflight ends here with 204. */
export function commonHeaders(allowedOrigins: readonly string[]): Middleware {
  return async (ctx, next) => {
    if (writeCommonHeaders(allowedOrigins, ctx.req, ctx.res, ctx.path)) {
      ctx.status = 204;
      return;
    }
    await next();
  };
}
