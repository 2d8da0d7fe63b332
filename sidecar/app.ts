// createApp(runtime) builds the Koa application and never listens (server.ts does).
import Koa from 'koa';
import { Router } from '@koa/router';
import bodyParser from 'koa-bodyparser';
import cors from '@koa/cors';
import { fileURLToPath } from 'node:url';
import { errorHandler, errorBody } from './http/error-handler.js';
import { HeldConnections } from './http/held-connections.js';
import { KefuError } from './core/kefu-error.js';
import { visitorApiRoutes } from './transports/visitor-api.js';
import { agentApiRoutes } from './transports/agent-api.js';
import { iframeStreamRoutes } from './transports/iframe-stream.js';
import { assetRoutes } from './transports/assets.js';
import { pageRoutes } from './transports/pages.js';
import type { Runtime } from './runtime.js';

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
  const app = new Koa({ proxy: rt.config.trustProxy });
  app.silent = true;
  const held = new HeldConnections(rt.config.maxHeldPerIp);
  const router = new Router({ prefix: '/kefu' });

  router.get('/health', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    try {
      await rt.store.ping();
      ctx.body = { ok: true };
    } catch {
      ctx.status = 503;
      ctx.body = { ok: false, ...errorBody('unavailable', 'the database is not reachable') };
    }
  });
  visitorApiRoutes(router, rt);
  agentApiRoutes(router, rt);
  iframeStreamRoutes(router, rt, held);
  pageRoutes(router, rt);
  assetRoutes(router, opts.publicDir ?? DEFAULT_PUBLIC_DIR);

  app.use(errorHandler(rt.log));
  app.use(async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    if (ctx.path.startsWith('/kefu/api/')) {
      ctx.set('Cache-Control', 'no-store');
      ctx.set('Referrer-Policy', 'no-referrer');
    }
    await next();
  });
  app.use(
    cors({
      // Only listed origins (and the sidecar's own, which needs no CORS) may call the API from a browser.
      origin: (ctx) => (rt.config.allowedOrigins.includes(ctx.get('Origin')) ? ctx.get('Origin') : ''),
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type'],
      exposeHeaders: ['Retry-After'],
      maxAge: 600,
    }),
  );
  app.use(async (ctx, next) => {
    const length = Number(ctx.get('Content-Length') || 0);
    if (length > MAX_BODY_BYTES) throw new KefuError('too_large', 'request body is larger than 16 KiB');
    await next();
  });
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: '16kb', strict: true }));
  app.use(router.routes());
  return Object.assign(app, { held });
}
