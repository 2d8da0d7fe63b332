// createApp(runtime) builds the Koa application and never listens (server.ts does).
import Koa from 'koa';
import { Router } from '@koa/router';
import bodyParser from 'koa-bodyparser';
import { fileURLToPath } from 'node:url';
import { errorHandler, errorBody } from './http/error-handler.js';
import { HeldConnections } from './http/held-connections.js';
import { clientAddress, koaProxyOptions } from './http/client-address.js';
import { commonHeaders } from './http/common-headers.js';
import { KefuError } from './core/kefu-error.js';
import { visitorApiRoutes } from './transports/visitor-api.js';
import { mailRoutes } from './transports/mail-api.js';
import { agentApiRoutes } from './transports/agent-api.js';
import { helpDeskRoutes } from './transports/help-desk-api.js';
import { ratingRoutes } from './transports/rating-api.js';
import { searchRoutes } from './transports/search-api.js';
import { teamRoutes } from './transports/team-api.js';
import { iframeStreamRoutes } from './transports/iframe-stream.js';
import { assetRoutes } from './transports/assets.js';
import { pageRoutes } from './transports/pages.js';
import { pushRoutes } from './transports/push-api.js';
import { consoleAppRoutes } from './transports/console-app.js';
import { attachmentRoutes, isUploadPath } from './transports/attachment-api.js';
import type { Runtime } from './runtime.js';
import { errorCode } from './core/kefu-error.js';

export const MAX_BODY_BYTES = 16 * 1024;
// From dist/sidecar/app.js the bundles are at dist/public; from sidecar/app.ts (tests) too.
export const DEFAULT_PUBLIC_DIR = fileURLToPath(
  new URL(import.meta.url.includes('/dist/sidecar/') ? '../public/' : '../dist/public/', import.meta.url),
);

export interface AppOptions {
  /** Where the built widget.js / admin.js live. */
  publicDir?: string;
}

export function createApp(rt: Runtime, opts: AppOptions = {}): Koa & { held: HeldConnections } {
  const app = new Koa(koaProxyOptions(rt.config));
  app.silent = true;
  const held = new HeldConnections(rt.config.maxHeldPerIp);
  const router = new Router({ prefix: '/kefu' });

  router.get('/health', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    try {
      await rt.store.ping();
      ctx.body = { ok: true };
    } catch (err) {
      // The answer says so; the log says why (the monitor asking is often the first to know).
      rt.log.warn('health check: the database is not reachable', { code: errorCode(err) });
      ctx.status = 503;
      ctx.body = { ok: false, ...errorBody('unavailable', 'the database is not reachable') };
    }
  });
  visitorApiRoutes(router, rt);
  mailRoutes(router, rt);
  agentApiRoutes(router, rt);
  helpDeskRoutes(router, rt);
  ratingRoutes(router, rt);
  searchRoutes(router, rt);
  teamRoutes(router, rt);
  attachmentRoutes(router, rt);
  iframeStreamRoutes(router, rt, held);
  pageRoutes(router, rt);
  pushRoutes(router, rt);
  consoleAppRoutes(router, opts.publicDir ?? DEFAULT_PUBLIC_DIR);
  assetRoutes(router, opts.publicDir ?? DEFAULT_PUBLIC_DIR, rt.availability);

  app.use(errorHandler(rt.log));
  app.use(async (ctx, next) => {
    // The polls served before Koa read the address with the same function; one reading for every limit.
    ctx.request.ip = clientAddress(ctx.req, rt.config);
    await next();
  });
  // Only listed origins (and the sidecar's own, which needs no CORS) may call the API from a browser.
  app.use(commonHeaders(rt.config.allowedOrigins));
  app.use(async (ctx, next) => {
    const length = Number(ctx.get('Content-Length') || 0);
    // An upload's body is the file: its own limit applies, as it streams (core/attachments.ts).
    if (length > MAX_BODY_BYTES && !isUploadPath(ctx.path)) throw new KefuError('too_large', 'request body is larger than 16 KiB');
    await next();
  });
  const parseJson = bodyParser({ enableTypes: ['json'], jsonLimit: '16kb', strict: true });
  app.use((ctx, next) => (isUploadPath(ctx.path) ? next() : parseJson(ctx, next)));
  app.use(router.routes());
  return Object.assign(app, { held });
}
