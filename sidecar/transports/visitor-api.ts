// The visitor's plain JSON routes: session, send, history, typing, stream ticket.
import type { Router } from '@koa/router';
import { badRequest, KefuError } from '../core/kefu-error.js';
import { requireVisitor, type VisitorState } from '../http/authenticate.js';
import { jsonBody, optionalBoolean, optionalString, optionalTimeZone, queryInt, requiredBoolean } from '../http/request-input.js';
import { summariseUserAgent } from '../http/user-agent.js';
import type { Runtime } from '../runtime.js';
import { limitSending, limitSignals } from '../http/limits.js';
import { TICKET_LIFE_S } from '../auth/tokens.js';
import type { SessionAnswer } from '../core/message.js';
import { mailLang } from '../mail/mail-strings.js';

export function visitorApiRoutes(router: Router, rt: Runtime): void {
  const auth = requireVisitor(rt.tokens);

  router.post('/api/visitor/session', async (ctx) => {
    const body = jsonBody(ctx);
    const profile = {
      name: optionalString(body, 'name', 191),
      email: optionalString(body, 'email', 191),
      page: optionalString(body, 'page', 2048),
      referrer: optionalString(body, 'referrer', 2048),
      consent: optionalBoolean(body, 'consent'),
      timeZone: optionalTimeZone(body, 'timeZone'),
      // The widget's language: mails to this visitor are in it (docs/email.md).
      lang: sessionLang(optionalString(body, 'lang', 35)),
      // The agents' details column; the header itself is not kept.
      ...summariseUserAgent(ctx.get('User-Agent')),
    };
    // Checked before anything is written: a forged or expired identity changes nothing.
    const user = body.identity === undefined || body.identity === null ? null : await rt.tokens.readIdentity(body.identity);
    let visitorId: string | null = null;
    if (ctx.get('Authorization')) {
      const who = await rt.tokens.identify(ctx.get('Authorization'));
      if (who.kind !== 'visitor') throw new KefuError('forbidden', 'this route is for visitors');
      visitorId = who.visitorId;
      limitSignals(rt, visitorId);
    }
    // A mail's link (`#kefu-resume=`): that conversation, whatever this browser had before (docs/email.md).
    if (body.resume !== undefined && body.resume !== null) {
      const target = await rt.tokens.readResume(body.resume);
      const known = await rt.store.getVisitor(target);
      if (!known) throw new KefuError('not_found', 'this conversation no longer exists');
      // A signed-in user's conversation opens for that user only (startSession finds it by the identity).
      if (known.verified && !user) throw new KefuError('forbidden', 'sign in to the site to continue this conversation');
      visitorId = target;
      limitSignals(rt, visitorId);
    }
    // A blocked address gets no new conversation (a blocked visitor may still read theirs).
    if (visitorId === null) rt.desk.assertAllowed(null, ctx.ip);
    if (visitorId === null) {
      // New visitors per address: generous (offices share one address), but bounded.
      const wait = rt.ipSendLimiter.take(`session:${ctx.ip}`);
      if (wait > 0) throw new KefuError('rate_limited', 'too many new conversations from this address; wait a moment', wait);
    }
    const { visitor } = await rt.chat.startSession(visitorId, profile, user);
    // Kept only as a keyed hash, for an agent who blocks this visitor's address.
    await rt.store.desk.setAddressHash(visitor.visitorId, rt.desk.addressHash(ctx.ip));
    const answer: SessionAnswer = {
      visitorId: visitor.visitorId,
      token: await rt.tokens.visitorToken(visitor.visitorId),
      cursor: rt.delivery.encode(rt.delivery.currentCursor()),
      agentsOnline: rt.availability.agentsOnlineForVisitors(),
      name: visitor.name,
      email: visitor.email,
      verified: visitor.verified,
      consentAt: visitor.consentAt,
      askRating: await rt.ratings.asked(visitor.visitorId),
    };
    ctx.body = answer;
  });

  router.post('/api/visitor/messages', auth, async (ctx) => {
    const { visitorId } = ctx.state as VisitorState;
    const body = jsonBody(ctx);
    limitSending(rt, ctx, visitorId);
    const { message, created } = await rt.chat.sendFromVisitor(visitorId, body.content, body.clientId, ctx.ip, body.attachments);
    ctx.status = created ? 201 : 200;
    ctx.body = { message };
  });

  router.get('/api/visitor/messages', auth, async (ctx) => {
    const { visitorId } = ctx.state as VisitorState;
    const before = queryInt(ctx, 'before', 1, Number.MAX_SAFE_INTEGER, null);
    const limit = queryInt(ctx, 'limit', 1, 100, 50)!;
    ctx.body = { messages: await rt.store.history({ kind: 'visitor', visitorId }, before, limit) };
  });

  router.post('/api/visitor/typing', auth, async (ctx) => {
    const { visitorId } = ctx.state as VisitorState;
    const typing = requiredBoolean(jsonBody(ctx), 'typing');
    limitSignals(rt, visitorId);
    await rt.chat.visitorTyping(visitorId, typing);
    ctx.status = 204;
  });

  router.post('/api/visitor/stream-ticket', auth, async (ctx) => {
    const { visitorId } = ctx.state as VisitorState;
    ctx.body = { ticket: await rt.tokens.ticket({ kind: 'visitor', visitorId }), expiresIn: TICKET_LIFE_S };
  });
}

/** `en` or `zh-CN` (other languages are English); absent: the stored one stays. */
function sessionLang(value: string | undefined): 'en' | 'zh-CN' | undefined {
  if (!value) return undefined;
  const lang = mailLang(value);
  if (!lang) throw badRequest('lang must be a language tag such as en or zh-CN');
  return lang;
}
