import type { Context } from 'koa';

/** The origin this request reached (Koa 3's ctx.origin is the Origin header instead). */
export function selfOrigin(ctx: Context): string {
  return `${ctx.protocol}://${ctx.host}`;
}
