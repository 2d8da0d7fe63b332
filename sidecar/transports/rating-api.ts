// Ratings over HTTP (docs/PROTOCOL.md, "Ratings"): the visitor rates their
// resolved conversation; agents read a conversation's ratings and the report
// per owner and week. The rules live in core/ratings.ts.
import type { Router } from '@koa/router';
import { requireAgent, requireVisitor, type AgentState, type VisitorState } from '../http/authenticate.js';
import { conversationParam, jsonBody, queryInt } from '../http/request-input.js';
import { limitSignals } from '../http/limits.js';
import { COMMENTS_PAGE, MAX_COMMENTS_PAGE, MAX_REPORT_WEEKS, REPORT_WEEKS } from '../core/ratings.js';
import type { Runtime } from '../runtime.js';

export function ratingRoutes(router: Router, rt: Runtime): void {
  const agentAuth = requireAgent(rt.tokens);

  router.post('/api/visitor/rating', requireVisitor(rt.tokens), async (ctx) => {
    const { visitorId } = ctx.state as VisitorState;
    const body = jsonBody(ctx);
    // A blocked visitor's words are refused here as their messages are.
    rt.desk.assertAllowed(visitorId, ctx.ip);
    limitSignals(rt, visitorId);
    const { id, score, comment, createdAt } = await rt.ratings.rate(visitorId, body.score, body.comment);
    // The visitor gets their own words back, not who owned the conversation.
    ctx.status = 201;
    ctx.body = { rating: { id, score, comment, createdAt } };
  });

  router.get('/api/agent/conversations/:visitorId/ratings', agentAuth, async (ctx) => {
    const visitorId = conversationParam(ctx.params.visitorId);
    rt.presence.agentSeen((ctx.state as AgentState).agent);
    await rt.chat.requireVisitor(visitorId);
    ctx.body = { ratings: await rt.ratings.ofConversation(visitorId) };
  });

  router.get('/api/agent/ratings/report', agentAuth, async (ctx) => {
    rt.presence.agentSeen((ctx.state as AgentState).agent);
    const weeks = queryInt(ctx, 'weeks', 1, MAX_REPORT_WEEKS, REPORT_WEEKS)!;
    const before = queryInt(ctx, 'before', 1, Number.MAX_SAFE_INTEGER, null);
    const limit = queryInt(ctx, 'limit', 1, MAX_COMMENTS_PAGE, COMMENTS_PAGE)!;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await rt.ratings.report(weeks, before, limit);
  });
}
