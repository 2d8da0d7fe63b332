// What makes the standalone console (/kefu/console) an app: its service worker
// (/kefu/console-sw.js, which shows Web Push notifications and opens their
// conversation), the web app manifest (installable, so phones get it from the
// home screen, which iOS requires for Web Push), and the manifest's icons.
// The worker and the icons are built beside the bundles (rollup.config.mjs).
import type { Router } from '@koa/router';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const THEME_COLOR = '#2563eb';

/** Relative addresses: they resolve against the manifest's own, wherever a proxy mounts /kefu. */
const MANIFEST = JSON.stringify({
  id: 'console',
  name: 'Kefu console',
  short_name: 'Kefu',
  start_url: 'console',
  scope: './',
  display: 'standalone',
  background_color: '#ffffff',
  theme_color: THEME_COLOR,
  icons: [
    { src: 'console-icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: 'console-icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
    // The bubble sits inside the middle 80%: launchers may cut the rest to their own shape.
    { src: 'console-icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
  ],
});

const FILES: Record<string, string> = {
  '/console-sw.js': 'text/javascript; charset=utf-8',
  '/console-icon-192.png': 'image/png',
  '/console-icon-512.png': 'image/png',
};

export function consoleAppRoutes(router: Router, publicDir: string): void {
  const cache = new Map<string, Promise<Buffer | null>>();

  router.get('/console.webmanifest', async (ctx) => {
    ctx.set('Content-Type', 'application/manifest+json; charset=utf-8');
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.body = MANIFEST;
  });

  for (const [path, type] of Object.entries(FILES)) {
    router.get(path, async (ctx, next) => {
      let file = cache.get(path);
      if (!file) {
        file = readFile(join(publicDir, path.slice(1))).catch(() => null);
        cache.set(path, file);
      }
      const body = await file;
      if (!body) {
        cache.delete(path);
        return next();
      }
      ctx.set('Content-Type', type);
      ctx.set('X-Content-Type-Options', 'nosniff');
      // A worker is checked for updates on every registration and navigation; the icons change with releases only.
      ctx.set('Cache-Control', type.startsWith('text/javascript') ? 'no-cache' : 'public, max-age=86400');
      ctx.body = body;
    });
  }
}
