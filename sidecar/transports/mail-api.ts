// The visitor's mail route: their conversation by mail, on request (docs/email.md).
import type { Router } from '@koa/router';
import { badRequest, KefuError } from '../core/kefu-error.js';
import { RateLimiter } from '../core/rate-limiter.js';
import { requireVisitor, type VisitorState } from '../http/authenticate.js';
import { jsonBody, optionalString } from '../http/request-input.js';
import { isEmailAddress, MAX_ADDRESS } from '../core/email-address.js';
import type { Runtime } from '../runtime.js';

export function mailRoutes(router: Router, rt: Runtime): void {
  // A transcript goes to any address the visitor types: a spammer's relay unless
  // held to a few an hour per visitor, and per client address across visitors.
  const perVisitor = new RateLimiter(3, 1 / 1200);
  const perAddress = new RateLimiter(10, 1 / 360);

  // Whether to offer the transcript at all: the widget asks before it shows the link.
  router.get('/api/visitor/transcript', requireVisitor(rt.tokens), (ctx) => {
    if (!rt.mail.enabled) throw new KefuError('not_found', 'this site does not send mail');
    ctx.body = { mail: true };
  });

  router.post('/api/visitor/transcript', requireVisitor(rt.tokens), async (ctx) => {
    const { visitorId } = ctx.state as VisitorState;
    const email = optionalString(jsonBody(ctx), 'email', MAX_ADDRESS) || undefined;
    if (!rt.mail.enabled) throw new KefuError('not_found', 'this site does not send mail');
    // Before the limits: a typo does not use up the visitor's allowance.
    if (email !== undefined && !isEmailAddress(email)) throw badRequest('email must be a mail address');
    for (const [limiter, key] of [[perVisitor, visitorId], [perAddress, ctx.ip]] as const) {
      const wait = limiter.take(key);
      if (wait > 0) throw new KefuError('rate_limited', 'too many transcripts asked for; wait a while', wait);
    }
    const queued = await rt.mail.transcript(visitorId, email);
    // 202: queued now; 200: the same transcript was already queued for this address.
    ctx.status = queued ? 202 : 200;
    ctx.body = { queued };
  });
}
