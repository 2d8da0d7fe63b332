// The agents' help-desk routes: status, assignment, notes, viewing, blocks,
// and the team list (docs/PROTOCOL.md, "Help desk"). Each change is answered
// here and announced to every console as an event by core/help-desk.ts.
import type { Router } from '@koa/router';
import { KefuError } from '../core/kefu-error.js';
import { requireAgent, type AgentState } from '../http/authenticate.js';
import { conversationParam, jsonBody, requiredBoolean } from '../http/request-input.js';
import { AGENT_ONLINE_WINDOW_MS } from '../core/presence.js';
import { limitSignals } from '../http/limits.js';
import type { Runtime } from '../runtime.js';

function idParam(value: string | undefined, what: string): number {
  const id = Number(value);
  if (!/^\d{1,15}$/.test(value ?? '') || id < 1) throw new KefuError('bad_request', `${what} id must be a positive whole number`);
  return id;
}

export function helpDeskRoutes(router: Router, rt: Runtime): void {
  const auth = requireAgent(rt.tokens);
  const agentOf = (state: unknown) => {
    const { agent } = state as AgentState;
    rt.presence.agentSeen(agent);
    return agent;
  };

  router.post('/api/agent/conversations/:visitorId/status', auth, async (ctx) => {
    const visitorId = conversationParam(ctx.params.visitorId);
    const agent = agentOf(ctx.state);
    await rt.chat.requireVisitor(visitorId);
    ctx.body = { conversation: await rt.desk.setStatus(agent, visitorId, jsonBody(ctx).status) };
  });

  router.post('/api/agent/conversations/:visitorId/assign', auth, async (ctx) => {
    const visitorId = conversationParam(ctx.params.visitorId);
    const agent = agentOf(ctx.state);
    const body = jsonBody(ctx);
    if (!('agent' in body)) throw new KefuError('bad_request', 'agent is required ("agent:<id>", or null for nobody)');
    await rt.chat.requireVisitor(visitorId);
    ctx.body = { conversation: await rt.desk.assign(agent, visitorId, body.agent, body.note) };
  });

  router.get('/api/agent/conversations/:visitorId/notes', auth, async (ctx) => {
    const visitorId = conversationParam(ctx.params.visitorId);
    agentOf(ctx.state);
    await rt.chat.requireVisitor(visitorId);
    ctx.body = { notes: await rt.desk.notes(visitorId) };
  });

  router.post('/api/agent/conversations/:visitorId/notes', auth, async (ctx) => {
    const visitorId = conversationParam(ctx.params.visitorId);
    const agent = agentOf(ctx.state);
    const body = jsonBody(ctx);
    await rt.chat.requireVisitor(visitorId);
    const { note, created } = await rt.desk.addNote(agent, visitorId, body.content, body.clientId);
    ctx.status = created ? 201 : 200;
    ctx.body = { note };
  });

  router.post('/api/agent/viewing', auth, async (ctx) => {
    const agent = agentOf(ctx.state);
    const body = jsonBody(ctx);
    if (typeof body.visitorId !== 'string') throw new KefuError('bad_request', 'visitorId must be a string');
    const visitorId = conversationParam(body.visitorId);
    limitSignals(rt, agent.id);
    await rt.chat.requireVisitor(visitorId);
    await rt.desk.viewing(agent, visitorId, requiredBoolean(body, 'viewing'));
    ctx.status = 204;
  });

  router.get('/api/agent/blocks', auth, async (ctx) => {
    agentOf(ctx.state);
    ctx.body = { blocks: await rt.desk.blocks() };
  });

  router.post('/api/agent/blocks', auth, async (ctx) => {
    const agent = agentOf(ctx.state);
    const body = jsonBody(ctx);
    if (typeof body.visitorId !== 'string') throw new KefuError('bad_request', 'visitorId must be a string');
    const visitorId = conversationParam(body.visitorId);
    await rt.chat.requireVisitor(visitorId);
    ctx.status = 201;
    ctx.body = { block: await rt.desk.block(agent, visitorId, body.reason, body.address) };
  });

  router.delete('/api/agent/blocks/:id', auth, async (ctx) => {
    agentOf(ctx.state);
    await rt.desk.unblock(idParam(ctx.params.id, 'block'));
    ctx.status = 204;
  });

  router.get('/api/agent/canned', auth, async (ctx) => {
    ctx.body = { canned: await rt.canned.list(agentOf(ctx.state)) };
  });

  router.post('/api/agent/canned', auth, async (ctx) => {
    const agent = agentOf(ctx.state);
    ctx.status = 201;
    ctx.body = { canned: await rt.canned.create(agent, jsonBody(ctx)) };
  });

  router.put('/api/agent/canned/:id', auth, async (ctx) => {
    const agent = agentOf(ctx.state);
    ctx.body = { canned: await rt.canned.update(agent, idParam(ctx.params.id, 'canned reply'), jsonBody(ctx)) };
  });

  router.delete('/api/agent/canned/:id', auth, async (ctx) => {
    await rt.canned.remove(agentOf(ctx.state), idParam(ctx.params.id, 'canned reply'));
    ctx.status = 204;
  });

  router.get('/api/agent/agents', auth, async (ctx) => {
    agentOf(ctx.state);
    ctx.body = { agents: await rt.store.desk.agents(new Date(Date.now() - AGENT_ONLINE_WINDOW_MS)) };
  });
}
