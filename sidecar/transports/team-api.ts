// GET /kefu/api/visitor/team: who answers, for the widget's header (no token:
// it shows before any conversation starts). Public by design: agents' names
// and pictures, as on their messages; never an email or anything of a token.
import type { Router } from '@koa/router';
import type { Runtime } from '../runtime.js';

export function teamRoutes(router: Router, rt: Runtime): void {
  router.get('/api/visitor/team', async (ctx) => {
    // Outside business hours: nobody online, and when the team is back (core/availability.ts).
    ctx.body = rt.availability.forVisitors(await rt.team.answer());
    // The same for every visitor, and already five seconds fresh at best: browsers and
    // shared caches may keep it that long (Vary: Origin keeps each site's CORS apart),
    // or only until the hours open or close, so nobody keeps hearing the old state.
    ctx.set('Cache-Control', `public, max-age=${rt.availability.freshSeconds(5)}`);
  });
}
