// Bearer-token checks on every API request. 401 for a bad token, 403 for a
// good token of the wrong kind.
import type { Context, Next } from 'koa';
import { KefuError } from '../core/kefu-error.js';
import type { Agent } from '../core/chat.js';
import type { Tokens } from '../auth/tokens.js';

export interface VisitorState { visitorId: string }
/** `until`: when the agent's token expires (ms), for what outlives the request (stream tickets). */
export interface AgentState { agent: Agent; until?: number }

export function requireVisitor(tokens: Tokens) {
  return async (ctx: Context, next: Next) => {
    const who = await tokens.identify(ctx.get('Authorization'));
    if (who.kind !== 'visitor') throw new KefuError('forbidden', 'this route is for visitors');
    (ctx.state as VisitorState).visitorId = who.visitorId;
    await next();
  };
}

export function requireAgent(tokens: Tokens) {
  return async (ctx: Context, next: Next) => {
    const who = await tokens.identify(ctx.get('Authorization'));
    if (who.kind !== 'agent') throw new KefuError('forbidden', 'this route is for agents');
    (ctx.state as AgentState).agent = who.agent;
    (ctx.state as AgentState).until = who.until;
    await next();
  };
}
