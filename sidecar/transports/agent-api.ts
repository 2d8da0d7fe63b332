// The agents' plain JSON routes: conversations (and a person's other ones), history, reply, read, typing,
// presence, stream ticket.
import type { Router } from '@koa/router';
import { KefuError } from '../core/kefu-error.js';
import { requireAgent, type AgentState } from '../http/authenticate.js';
import { bodyMid, conversationParam, jsonBody, queryInt, requiredBoolean } from '../http/request-input.js';
import { VISITOR_ONLINE_WINDOW_MS } from '../core/presence.js';
import type { Runtime } from '../runtime.js';
import { limitSignals } from '../http/limits.js';
import { TICKET_LIFE_S } from '../auth/tokens.js';
import type { RelatedAnswer } from '../core/message.js';

export function agentApiRoutes(router: Router, rt: Runtime): void {
  const auth = requireAgent(rt.tokens);
  const seen = (a: AgentState['agent']) => rt.presence.agentSeen(a);

  router.get('/api/agent/conversations', auth, async (ctx) => {
    const { agent } = ctx.state as AgentState;
    seen(agent);
    const filter = rt.desk.parseFilter(ctx.query.filter);
    // One after the other: the list first writes this process's pending activity, which the counts must see too.
    const rows = await rt.chat.conversations(200, filter, agent.id);
    const counts = await rt.desk.counts(agent.id);
    const now = Date.now();
    ctx.body = {
      counts,
      conversations: rows.map((c) => ({
        ...c,
        online:
          rt.hub.hasVisitor(c.visitorId) ||
          rt.presence.visitorRecentlySeen(c.visitorId) ||
          (c.lastSeenAt !== null && now - Date.parse(c.lastSeenAt) < VISITOR_ONLINE_WINDOW_MS),
      })),
    };
  });

  router.get('/api/agent/conversations/:visitorId/messages', auth, async (ctx) => {
    const visitorId = conversationParam(ctx.params.visitorId);
    const before = queryInt(ctx, 'before', 1, Number.MAX_SAFE_INTEGER, null);
    const limit = queryInt(ctx, 'limit', 1, 100, 50)!;
    await rt.chat.requireVisitor(visitorId);
    ctx.body = { messages: await rt.store.history({ kind: 'visitor', visitorId }, before, limit) };
  });

  router.get('/api/agent/conversations/:visitorId/related', auth, async (ctx) => {
    const visitorId = conversationParam(ctx.params.visitorId);
    seen((ctx.state as AgentState).agent);
    const answer: RelatedAnswer = { conversations: await rt.chat.related(visitorId) };
    ctx.body = answer;
  });

  router.post('/api/agent/conversations/:visitorId/messages', auth, async (ctx) => {
    const visitorId = conversationParam(ctx.params.visitorId);
    const body = jsonBody(ctx);
    const { message, created } = await rt.chat.sendFromAgent((ctx.state as AgentState).agent, visitorId, body.content, body.clientId, body.attachments);
    ctx.status = created ? 201 : 200;
    ctx.body = { message };
  });

  router.post('/api/agent/conversations/:visitorId/read', auth, async (ctx) => {
    const visitorId = conversationParam(ctx.params.visitorId);
    const upto = bodyMid(jsonBody(ctx), 'upto');
    await rt.chat.agentRead((ctx.state as AgentState).agent, visitorId, upto);
    ctx.status = 204;
  });

  router.post('/api/agent/typing', auth, async (ctx) => {
    const body = jsonBody(ctx);
    if (typeof body.visitorId !== 'string') throw new KefuError('bad_request', 'visitorId must be a string');
    const visitorId = conversationParam(body.visitorId);
    limitSignals(rt, (ctx.state as AgentState).agent.id);
    await rt.chat.agentTyping((ctx.state as AgentState).agent, visitorId, requiredBoolean(body, 'typing'));
    ctx.status = 204;
  });

  router.post('/api/agent/presence', auth, async (ctx) => {
    const status = jsonBody(ctx).status;
    if (status !== 'online' && status !== 'away') throw new KefuError('bad_request', 'status must be "online" or "away"');
    const { agent } = ctx.state as AgentState;
    await rt.presence.setStatus(agent, status);
    ctx.status = 204;
  });

  router.post('/api/agent/stream-ticket', auth, async (ctx) => {
    const { agent, until } = ctx.state as AgentState;
    seen(agent);
    ctx.body = { ticket: await rt.tokens.ticket({ kind: 'agent', agent, until }), expiresIn: TICKET_LIFE_S };
  });
}
