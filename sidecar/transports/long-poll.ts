// HTTP long-polling for visitors and agents: `wait` 0 (plain interval polling)
// to 30 seconds. The request parks in the hub; the client going away removes it.
// Once checked, a poll leaves Koa (ctx.respond = false) and waits on its own:
// a held poll then keeps one waiter alive, not the whole suspended middleware
// chain, which halves the memory of each (docs/benchmarks.md).
import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { requireAgent, requireVisitor, type AgentState, type VisitorState } from '../http/authenticate.js';
import { requestSignal, type HeldConnections } from '../http/held-connections.js';
import { queryCursor, queryWaitMs } from '../http/request-input.js';
import { describeError, endJson } from '../http/error-handler.js';
import type { Scope } from '../core/message.js';
import type { Cursor } from '../core/cursor.js';
import type { Runtime } from '../runtime.js';

export function longPollRoutes(router: Router, rt: Runtime, held: HeldConnections): void {
  async function poll(ctx: Context, scope: Scope, before?: (c: Cursor) => Promise<void>) {
    let given = true;
    const cursor = queryCursor(ctx, () => { given = false; return rt.delivery.currentCursor(); });
    const waitMs = queryWaitMs(ctx);
    // Only a cursor the client sent says what it has received.
    if (before && given) await before(cursor);
    const release = waitMs > 0 ? held.hold(ctx.ip) : () => {};
    const { signal, dispose } = requestSignal(ctx, rt.shutdown);
    const { res, path } = ctx;
    ctx.set('Cache-Control', 'no-store');
    ctx.respond = false;
    rt.delivery.waitFor(scope, cursor, waitMs, signal, rt.presence.agentsOnline).then(
      (batch) =>
        endJson(res, 200, {
          messages: batch.messages,
          cursor: rt.delivery.encode(batch.next),
          agentsOnline: rt.presence.agentsOnline,
          events: batch.events,
        }),
      (err) => {
        const answer = describeError(err, path, rt.log);
        endJson(res, answer.status, answer.body, answer.retryAfter);
      },
    ).finally(() => {
      dispose();
      release();
    });
  }

  router.get('/api/visitor/poll', requireVisitor(rt.tokens), async (ctx) => {
    const { visitorId } = ctx.state as VisitorState;
    rt.presence.visitorSeen(visitorId);
    await poll(ctx, { kind: 'visitor', visitorId }, (c) => rt.chat.visitorReceived(visitorId, c));
  });

  router.get('/api/agent/poll', requireAgent(rt.tokens), async (ctx) => {
    const { agent } = ctx.state as AgentState;
    rt.presence.agentSeen(agent.id, agent.name);
    await poll(ctx, { kind: 'agents' });
  });
}
