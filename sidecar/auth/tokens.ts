// HS256 JWTs (RFC 7519) with the shared secret: visitor tokens (issued here),
// agent and identity tokens (issued by the CMS) and stream tickets (issued here,
// 60 s, single use). Every kind carries the `site` it belongs to (absent: 1), so
// that on a WordPress network one site's tokens open nothing on another's sidecar.
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { KefuError } from '../core/kefu-error.js';
import { AGENT_ID, VISITOR_ID } from '../core/message.js';
import type { Agent } from '../core/chat.js';
import { avatarUrl } from './avatar-url.js';

export const AGENT_TOKEN_MAX_LIFE_S = 12 * 3600;
export const TICKET_LIFE_S = 60;
/** A ticket names its agent and their picture: a 191-character CJK name and a 512-character avatar fit. */
export const TICKET_MAX_CHARS = 2048;
/** Identity tokens prove a logged-in user at the moment a session starts: short-lived by design. */
export const IDENTITY_MAX_LIFE_S = 3600;
export const USER_REF = /^user:[A-Za-z0-9_.@-]{1,59}$/;
/** A mail's link back into a conversation (docs/email.md): long enough for a reply read days later. */
export const RESUME_LIFE_S = 7 * 24 * 3600;
const CACHE_TTL_MS = 10 * 60_000;
const CACHE_MAX = 50_000;

/** An agent's identity ends with its token (`until`, ms): a stream opened with it ends there too. */
export type Identity = { kind: 'visitor'; visitorId: string } | { kind: 'agent'; agent: Agent; until?: number };

/** A CMS user the site vouches for: what a valid identity token says. */
export interface VerifiedUser {
  /** `user:<CMS user id>`. */
  ref: string;
  name: string;
  email: string;
}

export interface Ticket {
  jti: string;
  who: Identity;
  expiresAt: Date;
}

const unauthorized = (message = 'missing or invalid token') => new KefuError('unauthorized', message);
const text = (v: unknown, max: number) => (typeof v === 'string' ? v.trim().slice(0, max) : '');

export class Tokens {
  // A KeyObject, not the raw bytes: given bytes, jose imports a WebCrypto key on
  // every sign and verify, which cost 2.5x the CPU of a verify with a ready key
  // (docs/benchmarks.md: every poll and send verifies a token).
  private readonly key: KeyObject;

  /** Claims this process adds to what it signs: the site, past the first (older tokens stay valid). */
  private readonly siteClaim: { site?: number };

  constructor(secret: string, private readonly siteId = 1) {
    this.key = createSecretKey(new TextEncoder().encode(secret));
    this.siteClaim = siteId === 1 ? {} : { site: siteId };
  }

  private async verify(token: string, clockTolerance = 5) {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], clockTolerance }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw unauthorized('token expired');
      throw unauthorized();
    }
    // Signed with the network's one secret, but for another site's sidecar: good, and not here.
    const site = payload.site ?? 1;
    if (site !== this.siteId) throw new KefuError('forbidden', 'this token belongs to another site');
    return payload;
  }

  visitorToken(visitorId: string): Promise<string> {
    return new SignJWT({ typ: 'visitor', ...this.siteClaim }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(visitorId).setIssuedAt().sign(this.key);
  }

  /** What a CMS signs for a logged-in user (for tests; the plugin and PHP hosts sign their own). */
  identityToken(user: VerifiedUser, lifeSeconds = 600): Promise<string> {
    if (!USER_REF.test(user.ref)) throw new Error('user must look like user:<id>');
    return new SignJWT({ typ: 'identity', name: user.name, email: user.email, ...this.siteClaim })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.ref)
      .setIssuedAt()
      .setExpirationTime(`${Math.min(lifeSeconds, IDENTITY_MAX_LIFE_S)}s`)
      .sign(this.key);
  }

  /**
   * Checks an identity token (PROTOCOL: visitor session, `identity`). Only this
   * kind passes: an agent or visitor token is not a statement about a user.
   */
  async readIdentity(token: unknown): Promise<VerifiedUser> {
    if (typeof token !== 'string' || token.length > 4096 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) {
      throw new KefuError('bad_request', 'identity must be a token signed by the site');
    }
    const p = await this.verify(token).catch((err: unknown) => {
      if (err instanceof KefuError && err.code === 'unauthorized') {
        throw unauthorized(err.message === 'token expired' ? 'identity token expired' : 'invalid identity token');
      }
      throw err;
    });
    if (p.typ !== 'identity' || typeof p.sub !== 'string' || !USER_REF.test(p.sub)) throw unauthorized('invalid identity token');
    if (typeof p.iat !== 'number' || typeof p.exp !== 'number') throw unauthorized('identity token needs iat and exp');
    if (p.exp - p.iat > IDENTITY_MAX_LIFE_S) throw unauthorized('identity token lives longer than an hour');
    return { ref: p.sub, name: text(p.name, 191), email: text(p.email, 191) };
  }

  /**
   * For hosts without the CMS plugin (`kefu token`) and for tests. `avatar` is
   * signed as given: reading the token is what checks it (tests sign bad ones).
   */
  agentToken(id: string, name: string, lifeSeconds = 8 * 3600, manage = false, avatar?: string): Promise<string> {
    if (!AGENT_ID.test(id)) throw new Error('agent id must look like agent:<id>');
    const life = Math.min(lifeSeconds, AGENT_TOKEN_MAX_LIFE_S);
    return new SignJWT({ typ: 'agent', name, ...(manage ? { manage: true } : {}), ...(avatar !== undefined ? { avatar } : {}), ...this.siteClaim })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(id)
      .setIssuedAt()
      .setExpirationTime(`${life}s`)
      .sign(this.key);
  }

  /**
   * Tokens verified lately, so that a client polling every few seconds costs one
   * map look-up, not an HMAC each time. Only good tokens are kept, each until
   * its `exp` (visitor tokens, which have none, for CACHE_TTL_MS).
   */
  private readonly verified = new Map<string, { who: Identity; until: number }>();

  /** Reads `Authorization: Bearer …`; 401 for anything missing, malformed, forged or expired. */
  async identify(authorization: string | undefined): Promise<Identity> {
    const m = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(authorization ?? '');
    if (!m) throw unauthorized();
    const hit = this.verified.get(m[1]);
    if (hit && Date.now() < hit.until) return hit.who;
    if (hit) this.verified.delete(m[1]);
    const { who, exp } = await this.check(m[1]);
    if (this.verified.size >= CACHE_MAX) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(m[1], { who, until: Math.min(Date.now() + CACHE_TTL_MS, exp === undefined ? Infinity : exp * 1000) });
    return who;
  }

  private async check(token: string): Promise<{ who: Identity; exp?: number }> {
    const p = await this.verify(token);
    if (p.typ === 'visitor') {
      if (typeof p.sub !== 'string' || !VISITOR_ID.test(p.sub) || typeof p.iat !== 'number') throw unauthorized();
      return { who: { kind: 'visitor', visitorId: p.sub }, exp: p.exp };
    }
    if (p.typ === 'agent') {
      if (typeof p.sub !== 'string' || !AGENT_ID.test(p.sub)) throw unauthorized();
      if (typeof p.iat !== 'number' || typeof p.exp !== 'number') throw unauthorized('agent token needs iat and exp');
      if (p.exp - p.iat > AGENT_TOKEN_MAX_LIFE_S) throw unauthorized('agent token lives longer than 12 hours');
      const name = typeof p.name === 'string' ? p.name.slice(0, 191) : '';
      const agent: Agent = p.manage === true ? { id: p.sub, name, manage: true } : { id: p.sub, name };
      // A bad picture address is dropped, not refused: the token is good for everything else.
      const avatar = avatarUrl(p.avatar);
      if (avatar) agent.avatar = avatar;
      return { who: { kind: 'agent', agent, until: p.exp * 1000 }, exp: p.exp };
    }
    throw unauthorized();
  }

  /** A stream ticket for an iframe, which cannot send headers. */
  ticket(who: Identity): Promise<string> {
    const sub = who.kind === 'agent' ? who.agent.id : who.visitorId;
    // An agent's ticket remembers when the token behind it ends, so its stream ends there too.
    const claims = who.kind === 'agent'
      ? {
        typ: 'ticket', name: who.agent.name, ...(who.agent.avatar ? { avatar: who.agent.avatar } : {}),
        ...(who.until ? { until: Math.floor(who.until / 1000) } : {}), ...this.siteClaim,
      }
      : { typ: 'ticket', ...this.siteClaim };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(sub)
      .setJti(randomBytes(12).toString('base64url'))
      .setIssuedAt()
      .setExpirationTime(`${TICKET_LIFE_S}s`)
      .sign(this.key);
  }

  /**
   * A signed address for one attachment (`?sig=`): an `<img>` or a download
   * link cannot send a header. It names the file and ends at `exp`; it is
   * never a bearer token (identify() refuses its `typ`).
   */
  fileToken(attachmentId: string, lifeSeconds: number): Promise<string> {
    return new SignJWT({ typ: 'file', ...this.siteClaim })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(attachmentId)
      .setIssuedAt()
      .setExpirationTime(`${lifeSeconds}s`)
      .sign(this.key);
  }

  /** The attachment a signed address opens; 401 when forged or expired (no grace: it is renewed by asking again). */
  async readFileToken(token: string): Promise<string> {
    if (token.length > 1024 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) throw unauthorized('invalid link');
    const p = await this.verify(token, 0).catch((err: unknown) => {
      if (err instanceof KefuError && err.code === 'unauthorized') throw unauthorized(err.message === 'token expired' ? 'link expired' : 'invalid link');
      throw err;
    });
    if (p.typ !== 'file' || typeof p.sub !== 'string' || typeof p.exp !== 'number') throw unauthorized('invalid link');
    return p.sub;
  }

  /**
   * A link's way back into a visitor's conversation (`#kefu-resume=` in a
   * mail): exchanged once the widget loads, for a visitor token of that
   * conversation (`resume` of a session). Never a bearer token itself.
   */
  resumeToken(visitorId: string): Promise<string> {
    return new SignJWT({ typ: 'resume', ...this.siteClaim })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(visitorId)
      .setIssuedAt()
      .setExpirationTime(`${RESUME_LIFE_S}s`)
      .sign(this.key);
  }

  /** The visitor a resume token names; 400 when it is not a token at all, 401 when forged or expired. */
  async readResume(token: unknown): Promise<string> {
    if (typeof token !== 'string' || token.length > 1024 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) {
      throw new KefuError('bad_request', 'resume must be the token of a link');
    }
    const p = await this.verify(token).catch((err: unknown) => {
      if (err instanceof KefuError && err.code === 'unauthorized') throw unauthorized(err.message === 'token expired' ? 'link expired' : 'invalid link');
      throw err;
    });
    if (p.typ !== 'resume' || typeof p.sub !== 'string' || !VISITOR_ID.test(p.sub)) throw unauthorized('invalid link');
    // Whoever signs one (the sidecar, or a CMS with the secret) keeps to the one life.
    if (typeof p.iat !== 'number' || typeof p.exp !== 'number' || p.exp - p.iat > RESUME_LIFE_S) throw unauthorized('invalid link');
    return p.sub;
  }

  /** Checks signature and age; single use is enforced by the caller's store. */
  async readTicket(ticket: string): Promise<Ticket> {
    if (ticket.length > TICKET_MAX_CHARS || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(ticket)) throw unauthorized('invalid ticket');
    const p = await this.verify(ticket, 0).catch(() => { throw unauthorized('invalid or expired ticket'); });
    if (p.typ !== 'ticket' || typeof p.jti !== 'string' || typeof p.sub !== 'string' || typeof p.exp !== 'number') throw unauthorized('invalid ticket');
    let who: Identity;
    if (VISITOR_ID.test(p.sub)) who = { kind: 'visitor', visitorId: p.sub };
    else if (AGENT_ID.test(p.sub)) {
      // The stream marks its agent as seen: the picture rides along, or the agents table would lose it.
      const avatar = avatarUrl(p.avatar);
      const agent: Agent = { id: p.sub, name: typeof p.name === 'string' ? p.name : '', ...(avatar ? { avatar } : {}) };
      who = { kind: 'agent', agent, ...(typeof p.until === 'number' ? { until: p.until * 1000 } : {}) };
    }
    else throw unauthorized('invalid ticket');
    return { jti: p.jti, who, expiresAt: new Date(p.exp * 1000) };
  }
}
