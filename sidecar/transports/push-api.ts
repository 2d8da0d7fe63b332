// The agents' Web Push routes (docs/PROTOCOL.md, "Web Push"): the VAPID public
// key a browser subscribes with, and an agent's subscriptions on this device.
// The token is checked on every request, like every agent route.
import type { Router } from '@koa/router';
import { KefuError } from '../core/kefu-error.js';
import { requireAgent, type AgentState } from '../http/authenticate.js';
import { jsonBody } from '../http/request-input.js';
import { summariseUserAgent } from '../http/user-agent.js';
import { parseEndpoint, parsePushSubscription } from '../core/push-subscription.js';
import type { PushSubscriptionRecord } from '../store/push-store.js';
import type { Runtime } from '../runtime.js';

/** What the console is told of a stored subscription: never its keys. */
function shown(s: PushSubscriptionRecord) {
  return { id: s.id, label: s.label, lang: s.lang, page: s.page, createdAt: s.createdAt, lastOkAt: s.lastOkAt };
}

export function pushRoutes(router: Router, rt: Runtime): void {
  const auth = requireAgent(rt.tokens);
  const rules = { allowHttpEndpoints: rt.config.push.allowHttpEndpoints };
  const agentOf = (state: unknown) => {
    const { agent } = state as AgentState;
    rt.presence.agentSeen(agent);
    return agent;
  };

  router.get('/api/agent/push/key', auth, async (ctx) => {
    agentOf(ctx.state);
    const publicKey = rt.push.publicKey;
    if (!publicKey) throw new KefuError('unavailable', 'push keys are not loaded yet');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { publicKey };
  });

  router.post('/api/agent/push/subscriptions', auth, async (ctx) => {
    const agent = agentOf(ctx.state);
    const { browser, os } = summariseUserAgent(ctx.get('User-Agent'));
    const label = [browser, os].filter(Boolean).join(', ') || null;
    const sub = parsePushSubscription(jsonBody(ctx), label, rules);
    const { subscription, created } = await rt.push.subscribe(agent.id, sub);
    ctx.status = created ? 201 : 200;
    ctx.body = { subscription: shown(subscription) };
  });

  router.delete('/api/agent/push/subscriptions', auth, async (ctx) => {
    const agent = agentOf(ctx.state);
    const endpoint = parseEndpoint(jsonBody(ctx), rules);
    // Idempotent: a console that lost the answer to its first DELETE sends it again.
    await rt.push.unsubscribe(agent.id, endpoint);
    ctx.status = 204;
  });
}
