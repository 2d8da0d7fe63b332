// GET /kefu/api/agent/search?q=&before=&limit=: agents search all history
// (message text, visitors' names and emails), newest first (core/search.ts).
import type { Router } from '@koa/router';
import { badRequest } from '../core/kefu-error.js';
import { requireAgent } from '../http/authenticate.js';
import { queryInt, queryString } from '../http/request-input.js';
import { SEARCH_MAX_CHARS, SEARCH_MAX_LIMIT } from '../core/search.js';
import type { Runtime } from '../runtime.js';

export function searchRoutes(router: Router, rt: Runtime): void {
  router.get('/api/agent/search', requireAgent(rt.tokens), async (ctx) => {
    // Length is checked in characters below; the raw bound only stops a huge parameter early.
    const raw = queryString(ctx, 'q', SEARCH_MAX_CHARS * 4);
    const q = raw?.trim() ?? '';
    if (!q) throw badRequest(`q is required: 1 to ${SEARCH_MAX_CHARS} characters to search for`);
    if (!q.isWellFormed() || q.includes('\0')) throw badRequest('q must be valid text');
    if ([...q].length > SEARCH_MAX_CHARS) throw badRequest(`q must be at most ${SEARCH_MAX_CHARS} characters`);
    const before = queryInt(ctx, 'before', 1, Number.MAX_SAFE_INTEGER, null);
    const limit = queryInt(ctx, 'limit', 1, SEARCH_MAX_LIMIT, 20)!;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await rt.search.search(q, before, limit);
  });
}
