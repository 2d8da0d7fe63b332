// HTTP long-polling for visitors and agents: `wait` 0 (plain interval polling)
// to 30 seconds. The request parks in the hub; the client going away removes it.
//
// Served straight from Node's request listener, before Koa: a held poll is the
// one kind of request that lives long and comes by the thousand, and through
// Koa each would keep its context objects and middleware closures alive for
// the whole wait (about 15 KB a poll against 9.5 for bare node:http,
// docs/benchmarks.md). Everything else still goes through Koa.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { KefuError } from '../core/kefu-error.js';
import { describeError, endJson } from '../http/error-handler.js';
import { requestSignal, type HeldConnections } from '../http/held-connections.js';
import { clientAddress } from '../http/client-address.js';
import { writeCommonHeaders } from '../http/common-headers.js';
import { queryCursor, queryWaitMs } from '../http/request-input.js';
import type { PollAnswer, Scope } from '../core/message.js';
import type { Runtime } from '../runtime.js';

/**
 * A woken agents' poll waits this long before it answers, so the rows that
 * follow go in the same answer. Every message wakes every agent's poll: with
 * 20 agents at ~130 messages/s that was 2,600 answers and re-polls a second,
 * most of the sidecar's CPU in the soak. Visitors' polls answer at once.
 */
const AGENT_GATHER_MS = 15;

const ROUTES: Record<string, 'visitor' | 'agent'> = {
  '/kefu/api/visitor/poll': 'visitor',
  '/kefu/api/agent/poll': 'agent',
};

/** Returns a request listener that answers the two poll routes and says whether it took the request. */
export function longPollHandler(rt: Runtime, held: HeldConnections): (req: IncomingMessage, res: ServerResponse) => boolean {
  async function serve(req: IncomingMessage, res: ServerResponse, kind: 'visitor' | 'agent', search: string): Promise<void> {
    const who = await rt.tokens.identify(req.headers.authorization);
    if (who.kind !== kind) throw new KefuError('forbidden', `this route is for ${kind}s`);
    const q = { query: parseQuery(search) };
    let given = true;
    const cursor = queryCursor(q, () => { given = false; return rt.delivery.currentCursor(); });
    // An agent's poll waits no longer than its token lives (see iframe-stream.ts).
    const waitMs = who.kind === 'agent' && who.until ? Math.max(0, Math.min(queryWaitMs(q), who.until - Date.now())) : queryWaitMs(q);
    let scope: Scope;
    if (who.kind === 'visitor') {
      scope = { kind: 'visitor', visitorId: who.visitorId };
      rt.presence.visitorSeen(who.visitorId);
      // Only a cursor the client sent says what it has received. Recorded, not
      // awaited: the poll collects and answers first (receipts.ts).
      if (given) rt.chat.visitorReceived(who.visitorId, cursor);
    } else {
      scope = { kind: 'agents' };
      rt.presence.agentSeen(who.agent);
    }
    const release = waitMs > 0 ? held.hold(clientAddress(req, rt.config)) : () => {};
    const { signal, dispose } = requestSignal(res, rt.shutdown);
    try {
      const batch = await rt.delivery.waitFor(scope, cursor, waitMs, signal, rt.delivery.agentsOnlineFor(scope), scope.kind === 'agents' ? AGENT_GATHER_MS : 0);
      const answer: PollAnswer = {
        messages: batch.messages,
        cursor: rt.delivery.encode(batch.next),
        agentsOnline: rt.delivery.agentsOnlineFor(scope),
        events: batch.events,
      };
      endJson(res, 200, answer);
    } finally {
      dispose();
      release();
    }
  }

  return (req, res) => {
    if (req.method !== 'GET' || !req.url) return false;
    const q = req.url.indexOf('?');
    const kind = ROUTES[q < 0 ? req.url : req.url.slice(0, q)];
    if (!kind) return false;
    // The same headers and CORS as everything Koa serves.
    writeCommonHeaders(rt.config.allowedOrigins, req, res, q < 0 ? req.url : req.url.slice(0, q));
    serve(req, res, kind, q < 0 ? '' : req.url.slice(q + 1)).catch((err) => {
      const answer = describeError(err, req.url!.split('?')[0], rt.log);
      endJson(res, answer.status, answer.body, answer.retryAfter);
    });
    return true;
  };
}
