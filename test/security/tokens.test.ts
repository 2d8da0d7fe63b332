// Tokens and stream tickets an attacker can make: every one is refused with
// 401 (or 403 for a valid token of the wrong kind), in the protocol's error
// shape, and never answered with data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, base64url } from 'jose';
import { createHmac } from 'node:crypto';
import { startSidecar, TEST_SECRET, type TestSidecar } from '../helpers/sidecar.js';
import { expectError, request } from '../helpers/http-probe.js';

let sc: TestSidecar;
let visitor: { visitorId: string; token: string; cursor: string };
let agent: string;
const key = new TextEncoder().encode(TEST_SECRET);
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  sc = await startSidecar();
  visitor = (await request(sc.url, '/api/visitor/session', { json: {} })).json as typeof visitor;
  agent = await sc.agentToken(7, 'Ann');
  // A conversation with data, so a wrongly accepted token would have something to see.
  await request(sc.url, '/api/visitor/messages', { token: visitor.token, json: { content: 'secret words' } });
});

afterAll(async () => {
  await sc?.stop();
});

/** A JWT with any header, claims and signing key (HMAC of the chosen hash). */
function handMade(header: Record<string, unknown>, claims: Record<string, unknown>, secret: string | null = TEST_SECRET, hash = 'sha256'): string {
  const h = base64url.encode(JSON.stringify(header));
  const p = base64url.encode(JSON.stringify(claims));
  const sig = secret === null ? '' : createHmac(hash, secret).update(`${h}.${p}`).digest('base64url');
  return `${h}.${p}.${sig}`;
}

const agentClaims = () => ({ sub: 'agent:7', typ: 'agent', name: 'Ann', iat: now(), exp: now() + 3600 });
const visitorClaims = () => ({ sub: visitor.visitorId, typ: 'visitor', iat: now() });

const forgedAgentTokens: Array<[string, () => Promise<string> | string]> = [
  ['alg none, no signature', () => handMade({ alg: 'none', typ: 'JWT' }, agentClaims(), null)],
  ['alg none with a signature part', () => handMade({ alg: 'none', typ: 'JWT' }, agentClaims(), null) + 'AAAA'],
  ['RS256 header, HMAC of the secret (key confusion)', () => handMade({ alg: 'RS256', typ: 'JWT' }, agentClaims())],
  ['HS512 signed with the right secret', () => handMade({ alg: 'HS512', typ: 'JWT' }, agentClaims(), TEST_SECRET, 'sha512')],
  ['HS384 signed with the right secret', () => handMade({ alg: 'HS384', typ: 'JWT' }, agentClaims(), TEST_SECRET, 'sha384')],
  ['signed with another secret', () => handMade({ alg: 'HS256', typ: 'JWT' }, agentClaims(), 'another-secret-0123456789abcdef')],
  ['signed with an empty secret', () => handMade({ alg: 'HS256', typ: 'JWT' }, agentClaims(), '')],
  ['expired an hour ago', () => handMade({ alg: 'HS256' }, { ...agentClaims(), iat: now() - 7200, exp: now() - 3600 })],
  ['not valid yet (nbf in an hour)', () => handMade({ alg: 'HS256' }, { ...agentClaims(), nbf: now() + 3600 })],
  ['no exp', () => handMade({ alg: 'HS256' }, { ...agentClaims(), exp: undefined })],
  ['no iat', () => handMade({ alg: 'HS256' }, { ...agentClaims(), iat: undefined })],
  ['no sub', () => handMade({ alg: 'HS256' }, { ...agentClaims(), sub: undefined })],
  ['no typ', () => handMade({ alg: 'HS256' }, { ...agentClaims(), typ: undefined })],
  ['typ admin', () => handMade({ alg: 'HS256' }, { ...agentClaims(), typ: 'admin' })],
  ['lives 13 hours', () => handMade({ alg: 'HS256' }, { ...agentClaims(), exp: now() + 13 * 3600 })],
  ['sub "admin"', () => handMade({ alg: 'HS256' }, { ...agentClaims(), sub: 'admin' })],
  ['sub with SQL', () => handMade({ alg: 'HS256' }, { ...agentClaims(), sub: "agent:1' OR '1'='1" })],
  ['exp as a string', () => handMade({ alg: 'HS256' }, { ...agentClaims(), exp: String(now() + 3600) })],
  ['claims tampered after signing', async () => {
    const good = await sc.agentToken(7, 'Ann');
    const [h, , s] = good.split('.');
    return `${h}.${base64url.encode(JSON.stringify({ ...agentClaims(), sub: 'agent:1' }))}.${s}`;
  }],
  ['signature stripped', async () => (await sc.agentToken(7, 'Ann')).split('.').slice(0, 2).join('.') + '.'],
  ['a stream ticket used as a bearer token', async () =>
    ((await request(sc.url, '/api/agent/stream-ticket', { method: 'POST', token: agent, json: {} })).json as { ticket: string }).ticket],
  ['garbage', () => 'not-a-token'],
  ['three empty parts', () => '..'],
  ['a huge token', () => handMade({ alg: 'HS256' }, { ...agentClaims(), pad: 'x'.repeat(6_000) }, 'wrong-secret-0123456789')],
];

describe('forged and broken agent tokens', () => {
  it.each(forgedAgentTokens)('%s: 401 on every agent route', async (_label, make) => {
    const token = await make();
    for (const [method, path, json] of [
      ['GET', '/api/agent/conversations', undefined],
      ['GET', '/api/agent/poll?wait=0', undefined],
      ['GET', `/api/agent/conversations/${visitor.visitorId}/messages`, undefined],
      ['POST', `/api/agent/conversations/${visitor.visitorId}/messages`, { content: 'hijack' }],
      ['POST', '/api/agent/stream-ticket', {}],
    ] as const) {
      const a = await request(sc.url, path, { method, token, json });
      expectError(a, 401);
      expect(a.text).not.toContain('secret words');
    }
  });

  it('the same checks pass for the genuine token (the routes do answer)', async () => {
    const a = await request(sc.url, '/api/agent/conversations', { token: agent });
    expect(a.status).toBe(200);
  });
});

describe('forged visitor tokens', () => {
  const forged: Array<[string, () => Promise<string> | string]> = [
    ['alg none', () => handMade({ alg: 'none' }, visitorClaims(), null)],
    ['another secret', () => handMade({ alg: 'HS256' }, visitorClaims(), 'another-secret-0123456789abcdef')],
    ['HS512', () => handMade({ alg: 'HS512' }, visitorClaims(), TEST_SECRET, 'sha512')],
    ['no iat', () => handMade({ alg: 'HS256' }, { ...visitorClaims(), iat: undefined })],
    ['expired', () => handMade({ alg: 'HS256' }, { ...visitorClaims(), exp: now() - 60 })],
    ['not valid yet', () => handMade({ alg: 'HS256' }, { ...visitorClaims(), nbf: now() + 600 })],
    ['sub not a visitor id', () => handMade({ alg: 'HS256' }, { ...visitorClaims(), sub: 'admin' })],
    ['sub of an agent', () => handMade({ alg: 'HS256' }, { ...visitorClaims(), sub: 'agent:7' })],
  ];
  it.each(forged)('%s: 401 on visitor routes, and a session is not resumed', async (_label, make) => {
    const token = await make();
    expectError(await request(sc.url, '/api/visitor/poll?wait=0', { token }), 401);
    expectError(await request(sc.url, '/api/visitor/messages', { token }), 401);
    expectError(await request(sc.url, '/api/visitor/messages', { token, json: { content: 'x' } }), 401);
    const s = await request(sc.url, '/api/visitor/session', { token, json: {} });
    expectError(s, 401);
  });
});

describe('a valid token of the wrong kind', () => {
  it('a visitor token on every agent route: 403, no data', async () => {
    for (const [method, path, json] of [
      ['GET', '/api/agent/conversations', undefined],
      ['GET', '/api/agent/poll?wait=0', undefined],
      ['GET', `/api/agent/conversations/${visitor.visitorId}/messages`, undefined],
      ['POST', `/api/agent/conversations/${visitor.visitorId}/messages`, { content: 'as agent' }],
      ['POST', `/api/agent/conversations/${visitor.visitorId}/read`, { upto: 1 }],
      ['POST', '/api/agent/typing', { visitorId: visitor.visitorId, typing: true }],
      ['POST', '/api/agent/presence', { status: 'online' }],
      ['POST', '/api/agent/stream-ticket', {}],
    ] as const) {
      const a = await request(sc.url, path, { method, token: visitor.token, json });
      expectError(a, 403);
      expect(a.text).not.toContain('secret words');
    }
  });

  it('an agent token on visitor routes: 403', async () => {
    for (const [method, path, json] of [
      ['GET', '/api/visitor/poll?wait=0', undefined],
      ['GET', '/api/visitor/messages', undefined],
      ['POST', '/api/visitor/messages', { content: 'x' }],
      ['POST', '/api/visitor/typing', { typing: true }],
      ['POST', '/api/visitor/session', {}],
    ] as const) {
      expectError(await request(sc.url, path, { method, token: agent, json }), 403);
    }
  });
});

describe('stream tickets', () => {
  const stream = (kind: 'agent' | 'visitor', ticket: string) =>
    request(sc.url, `/${kind}/stream?ticket=${encodeURIComponent(ticket)}&origin=${encodeURIComponent(sc.origin)}`, { timeoutMs: 5_000 });
  const ticketFor = async (kind: 'agent' | 'visitor') =>
    ((await request(sc.url, `/api/${kind}/stream-ticket`, { method: 'POST', token: kind === 'agent' ? agent : visitor.token, json: {} })).json as { ticket: string; expiresIn: number });

  it('is single use: a replay is refused', async () => {
    const { ticket, expiresIn } = await ticketFor('agent');
    expect(expiresIn).toBe(60);
    // The first use opens a held stream; read its first chunk, then leave.
    const ac = new AbortController();
    const res = await fetch(`${sc.url}/agent/stream?ticket=${ticket}&origin=${encodeURIComponent(sc.origin)}`, { signal: ac.signal });
    expect(res.status).toBe(200);
    ac.abort();
    expectError(await stream('agent', ticket), 401);
  });

  it('is refused after 60 s, with a forged longer life, for the other kind, or as an agent token', async () => {
    const old = handMade({ alg: 'HS256' }, { sub: 'agent:7', typ: 'ticket', name: 'Ann', jti: 'old-ticket-jti', iat: now() - 61, exp: now() - 1 });
    expectError(await stream('agent', old), 401);
    const noJti = handMade({ alg: 'HS256' }, { sub: 'agent:7', typ: 'ticket', iat: now(), exp: now() + 60 });
    expectError(await stream('agent', noJti), 401);
    const otherSecret = handMade({ alg: 'HS256' }, { sub: 'agent:7', typ: 'ticket', jti: 'x1', iat: now(), exp: now() + 60 }, 'another-secret-0123456789abcdef');
    expectError(await stream('agent', otherSecret), 401);
    expectError(await stream('agent', agent), 401);
    expectError(await stream('agent', visitor.token), 401);
    const visitorTicket = (await ticketFor('visitor')).ticket;
    expectError(await stream('agent', visitorTicket), 403);
    expectError(await stream('agent', 'a.b.c'), 401);
    expectError(await request(sc.url, `/agent/stream?origin=${encodeURIComponent(sc.origin)}`), 401);
  });

  it('jose refuses a ticket signed by jose with another secret too (library path)', async () => {
    const t = await new SignJWT({ typ: 'ticket' }).setProtectedHeader({ alg: 'HS256' }).setSubject('agent:7').setJti('j')
      .setIssuedAt().setExpirationTime('60s').sign(new TextEncoder().encode('x'.repeat(32)));
    expectError(await stream('agent', t), 401);
    expect(key.length).toBeGreaterThan(16);
  });
});
