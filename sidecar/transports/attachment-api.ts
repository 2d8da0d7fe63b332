// Files: upload (the request body is the file, streamed), a signed address,
// and the download itself, with the headers that keep a file from acting as
// a page of this origin. Every address names a file by its id, never a name.
import type { Context } from 'koa';
import type { Router } from '@koa/router';
import { KefuError, badRequest } from '../core/kefu-error.js';
import { requireAgent, requireVisitor, type AgentState, type VisitorState } from '../http/authenticate.js';
import { conversationParam, queryString } from '../http/request-input.js';
import { parseRange } from '../http/byte-range.js';
import { RateLimiter } from '../core/rate-limiter.js';
import { kindByMime } from '../core/attachment-types.js';
import type { Reader } from '../core/attachments.js';
import type { UploadAnswer } from '../core/message.js';
import type { Runtime } from '../runtime.js';

const VISITOR_UPLOAD = '/kefu/api/visitor/attachments';
const AGENT_UPLOAD = /^\/kefu\/api\/agent\/conversations\/[^/]+\/attachments$/;

/** The routes whose body is a file: no JSON parsing, no 16 KiB cap, Node's longer request timeout (server.ts). */
export function isUploadPath(path: string): boolean {
  return path === VISITOR_UPLOAD || AGENT_UPLOAD.test(path);
}

/**
 * What a file answer says besides its bytes: no sniffing, and a sandbox that
 * keeps a document opened from here from running script or reaching this
 * origin (RFC 9110 Content-Disposition; CSP `sandbox`).
 */
const FILE_CSP = "default-src 'none'; sandbox";

export function attachmentRoutes(router: Router, rt: Runtime): void {
  const visitorAuth = requireVisitor(rt.tokens);
  const agentAuth = requireAgent(rt.tokens);
  const perMinute = rt.config.attachments.uploadsPerMinute;
  const visitorUploads = new RateLimiter(perMinute, perMinute / 60);
  const addressUploads = new RateLimiter(6 * perMinute, (6 * perMinute) / 60);

  async function upload(ctx: Context, owner: string, visitorId: string): Promise<void> {
    const declared = ctx.get('Content-Length');
    try {
      const { attachment, created } = await rt.attachments.upload({
        owner,
        visitorId,
        name: queryString(ctx, 'name', 1024),
        clientId: queryString(ctx, 'clientId', 64),
        length: /^\d{1,16}$/.test(declared) ? Number(declared) : null,
        body: ctx.req,
      });
      const answer: UploadAnswer = { attachment };
      ctx.status = created ? 201 : 200;
      ctx.body = answer;
    } catch (err) {
      if (!(err instanceof KefuError) && (err as { code?: string }).code === 'ECONNRESET') throw badRequest('the upload was cut off before its end');
      throw err;
    } finally {
      // A body not read to its end (refused, or a retry answered from the first upload) is not read further.
      if (!ctx.req.complete) ctx.set('Connection', 'close');
    }
  }

  router.get('/api/attachments/limits', async (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=60');
    ctx.body = rt.attachments.limits();
  });

  router.post('/api/visitor/attachments', visitorAuth, async (ctx) => {
    const { visitorId } = ctx.state as VisitorState;
    rt.desk.assertAllowed(visitorId, ctx.ip);
    for (const [limiter, key] of [[visitorUploads, visitorId], [addressUploads, ctx.ip]] as const) {
      const wait = limiter.take(key);
      if (wait > 0) {
        if (!ctx.req.complete) ctx.set('Connection', 'close');
        throw new KefuError('rate_limited', 'sending files too fast; wait a moment', wait);
      }
    }
    await upload(ctx, visitorId, visitorId);
  });

  router.post('/api/agent/conversations/:visitorId/attachments', agentAuth, async (ctx) => {
    const visitorId = conversationParam(ctx.params.visitorId);
    const { agent } = ctx.state as AgentState;
    await rt.chat.requireVisitor(visitorId);
    rt.presence.agentSeen(agent);
    await upload(ctx, agent.id, visitorId);
  });

  /** A signed address (`sig`) or a visitor's or agent's bearer token. */
  async function readerOf(ctx: Context, id: string): Promise<Reader> {
    const sig = queryString(ctx, 'sig', 1024);
    if (sig !== undefined) {
      if ((await rt.tokens.readFileToken(sig)) !== id) throw new KefuError('forbidden', 'this link is for another file');
      return { kind: 'link' };
    }
    const who = await rt.tokens.identify(ctx.get('Authorization'));
    return who.kind === 'visitor' ? { kind: 'visitor', visitorId: who.visitorId } : { kind: 'agent' };
  }

  router.get('/api/attachments/:id/link', async (ctx) => {
    const id = ctx.params.id;
    const who = await rt.tokens.identify(ctx.get('Authorization'));
    ctx.body = await rt.attachments.link(id, who.kind === 'visitor' ? { kind: 'visitor', visitorId: who.visitorId } : { kind: 'agent' });
  });

  router.get('/api/attachments/:id', async (ctx) => {
    const id = ctx.params.id;
    const reader = await readerOf(ctx, id);
    const file = await rt.attachments.readable(id, reader);
    const etag = `"${file.id}"`;
    // A file never changes under its id: If-Range can only fail for a validator from elsewhere.
    const ifRange = ctx.get('If-Range');
    const asked = ifRange && ifRange !== etag ? { kind: 'whole' as const } : parseRange(ctx.get('Range'), file.size);
    ctx.set('Accept-Ranges', 'bytes');
    ctx.set('ETag', etag);
    if (asked.kind === 'unsatisfiable') {
      ctx.set('Content-Range', `bytes */${file.size}`);
      throw new KefuError('range_not_satisfiable', `the file has ${file.size} bytes`);
    }
    const range = asked.kind === 'part' ? asked.range : undefined;
    const stream = await rt.attachments.bytes(file, range);
    // Only a re-encoded image is shown in place; anything else is saved, never rendered by this origin.
    const inline = kindByMime(file.type)?.image === true;
    ctx.attachment(file.name, { type: inline ? 'inline' : 'attachment' });
    ctx.type = file.type === 'text/plain' ? 'text/plain; charset=utf-8' : file.type;
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Content-Security-Policy', FILE_CSP);
    // A signed address is the browser's to cache for its life; with a bearer token, nothing is kept.
    ctx.set('Cache-Control', reader.kind === 'link' ? `private, max-age=${rt.config.attachments.linkSeconds}` : 'private, no-store');
    ctx.body = stream;
    if (range) {
      ctx.status = 206;
      ctx.set('Content-Range', `bytes ${range.start}-${range.end}/${file.size}`);
      ctx.length = range.end - range.start + 1;
    } else {
      ctx.status = 200;
      ctx.length = file.size;
    }
  });
}
