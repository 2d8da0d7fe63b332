// Serves the browser bundles built by rollup (dist/public/*.js) at /kefu/<name>.js,
// gzipped once in memory. Module scripts load cross-origin only with CORS, so
// the bundles are readable from any site (they hold no secrets).
import type { Router } from '@koa/router';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';

interface Asset { raw: Buffer; gz: Buffer; etag: string; hidden?: Asset }

const NAME = /^[A-Za-z0-9_.-]+\.js$/;

/**
 * Declared at the top of widget.js while business hours hide the launcher:
 * widget/kefu-chat.ts then draws nothing for a visitor without a conversation.
 * The file every page loads anyway carries the one bit, so the launcher makes
 * no request of its own before the first click.
 */
const HIDE_LAUNCHER = Buffer.from('const KEFU_HIDE_LAUNCHER=1;\n');

/** Business hours as the launcher needs them (core/availability.ts). */
export interface LauncherHours {
  /** KEFU_OUTSIDE_HOURS=hide with a schedule: widget.js depends on the hours. */
  readonly hides: boolean;
  launcherHidden(): boolean;
  /** Whole seconds the present answer stays true, at most `cap`. */
  freshSeconds(cap: number): number;
}

function makeAsset(raw: Buffer): Asset {
  return { raw, gz: gzipSync(raw, { level: 9 }), etag: `"${createHash('sha1').update(raw).digest('base64url').slice(0, 16)}"` };
}

export function assetRoutes(router: Router, publicDir: string, hours?: LauncherHours): void {
  const cache = new Map<string, Promise<Asset | null>>();

  async function load(name: string): Promise<Asset | null> {
    const files = await readdir(publicDir).catch(() => [] as string[]);
    if (!files.includes(name)) return null;
    return makeAsset(await readFile(join(publicDir, name)));
  }

  router.get('/:name', async (ctx, next) => {
    const name = ctx.params.name;
    if (!NAME.test(name)) return next();
    let asset = cache.get(name);
    if (!asset) {
      asset = load(name);
      cache.set(name, asset);
    }
    let a = await asset;
    if (!a) {
      cache.delete(name);
      return next();
    }
    const entry = name === 'widget.js' || name === 'admin.js';
    let maxAge = entry ? 300 : 0;
    if (name === 'widget.js' && hours?.hides) {
      if (hours.launcherHidden()) a = a.hidden ??= makeAsset(Buffer.concat([HIDE_LAUNCHER, a.raw]));
      // Kept no longer than the hours stay as they are: the next page after a change gets the other copy.
      maxAge = hours.freshSeconds(maxAge);
    }
    ctx.set('Content-Type', 'text/javascript; charset=utf-8');
    ctx.set('Access-Control-Allow-Origin', '*');
    ctx.set('Cross-Origin-Resource-Policy', 'cross-origin');
    ctx.set('X-Content-Type-Options', 'nosniff');
    // Entry points keep their names across releases; chunks are content-hashed.
    ctx.set('Cache-Control', entry ? `public, max-age=${maxAge}` : 'public, max-age=31536000, immutable');
    ctx.set('ETag', a.etag);
    ctx.vary('Accept-Encoding');
    if (ctx.get('If-None-Match') === a.etag) {
      ctx.status = 304;
      return;
    }
    if (ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
      ctx.set('Content-Encoding', 'gzip');
      ctx.body = a.gz;
    } else {
      ctx.body = a.raw;
    }
  });
}
