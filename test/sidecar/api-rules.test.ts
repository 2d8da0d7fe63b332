import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { call, newVisitor, poll, send } from '../helpers/api.js';
import { connectTestDb } from '../helpers/mysql.js';

describe('API rules: bad input, tokens, isolation, limits', () => {
  let s: TestSidecar;
  let db: mysql.Connection;
  let agent: string;
  const rows = async () => Number(((await db.query(`SELECT COUNT(*) AS n FROM \`${s.prefix}kefu_msg\``)) as any)[0][0].n);

  beforeAll(async () => {
    s = await startSidecar({
      store: 'mysql',
      env: { KEFU_VISITOR_SEND_BURST: '3', KEFU_VISITOR_SEND_PER_SECOND: '1', KEFU_ALLOWED_ORIGINS: 'https://shop.example' },
    });
    db = await connectTestDb();
    agent = await s.agentToken(9, 'Dee');
  });
  afterAll(async () => {
    await db?.end();
    await s?.stop();
  });

  it.each([
    ['invalid JSON', { raw: '{"content":' }, 'request body is not valid JSON'],
    ['an array body', { raw: '["hi"]' }, 'request body must be a JSON object'],
    ['content of the wrong type', { body: { content: 42 } }, 'content must be a string'],
    ['empty content', { body: { content: '   \n ' } }, 'content must not be empty'],
    ['content over 4,000 characters', { body: { content: '字'.repeat(4001) } }, 'content must be at most 4000 characters'],
    ['a lone surrogate', { raw: '{"content":"a\\ud800b"}' }, 'content must be valid Unicode text'],
    ['a NUL character', { body: { content: 'a\u0000b' } }, 'content must not contain NUL characters'],
    ['a bad clientId', { body: { content: 'ok', clientId: 'x'.repeat(65) } }, 'clientId must be 1 to 64 letters, digits, - or _'],
  ])('answers 400 to %s and writes nothing', async (_label, req, message) => {
    const v = await newVisitor(s.url);
    const before = await rows();
    const r = await call(s.url, '/api/visitor/messages', { token: v.token, ...req });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.body).toEqual({ error: { code: 'bad_request', message } });
    expect(await rows()).toBe(before);
  });

  it('accepts exactly 4,000 characters (emoji count as one) and trims', async () => {
    const v = await newVisitor(s.url);
    const text = '😀'.repeat(4000);
    const r = await send(s.url, v.token, `  ${text}\n`);
    expect(r.status).toBe(201);
    expect(r.body.message.content).toBe(text);
  });

  it('answers 413 to a body over 16 KiB and writes nothing', async () => {
    const v = await newVisitor(s.url);
    const before = await rows();
    const r = await call(s.url, '/api/visitor/messages', { token: v.token, body: { content: 'x', pad: 'y'.repeat(17 * 1024) } });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('too_large');
    expect(await rows()).toBe(before);
  });

  it.each([
    ['cursor=nonsense', 'cursor is not valid'],
    ['wait=31', 'wait must be a number of seconds from 0 to 30'],
    ['wait=-1', 'wait must be a number of seconds from 0 to 30'],
    [`cursor=${'c'.repeat(513)}`, 'cursor is longer than 512 characters'],
  ])('answers 400 to a poll with %s', async (q, message) => {
    const v = await newVisitor(s.url);
    const r = await call(s.url, `/api/visitor/poll?${q}`, { token: v.token });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe(message);
  });

  it.each(['limit=0', 'limit=101', 'before=-3', 'before=abc'])('answers 400 to history with %s', async (q) => {
    const v = await newVisitor(s.url);
    expect((await call(s.url, `/api/visitor/messages?${q}`, { token: v.token })).status).toBe(400);
  });

  it('answers 401 without a token, with a forged or expired one', async () => {
    const { SignJWT } = await import('jose');
    const v = await newVisitor(s.url);
    const forged = v.token.slice(0, -4) + (v.token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const expired = await new SignJWT({ typ: 'agent', name: 'x' }).setProtectedHeader({ alg: 'HS256' }).setSubject('agent:1')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200).setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(s.secret));
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ typ: 'agent', sub: 'agent:1', iat: 1, exp: 9999999999 })).toString('base64url')}.`;
    for (const [path, token] of [
      ['/api/visitor/poll?wait=0', undefined],
      ['/api/visitor/poll?wait=0', forged],
      ['/api/agent/conversations', expired],
      ['/api/agent/conversations', none],
      ['/api/agent/conversations', 'not-a-jwt'],
    ] as const) {
      const r = await call(s.url, path, { token });
      expect(r.status, `${path} ${token}`).toBe(401);
      expect(r.body.error.code).toBe('unauthorized');
    }
  });

  it('refuses a token of the wrong kind with 403 and no data', async () => {
    const v = await newVisitor(s.url);
    const r = await call(s.url, '/api/agent/conversations', { token: v.token });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ error: { code: 'forbidden', message: 'this route is for agents' } });
    expect((await call(s.url, '/api/visitor/messages', { token: agent })).status).toBe(403);
  });

  it('never shows one visitor another visitor\'s messages or typing', async () => {
    const a = await newVisitor(s.url);
    const b = await newVisitor(s.url);
    const heldA = poll(s.url, 'visitor', a.token, a.cursor, 2);
    await send(s.url, b.token, 'B private');
    await call(s.url, '/api/visitor/typing', { token: b.token, body: { typing: true } });
    await call(s.url, `/api/agent/conversations/${b.visitorId}/messages`, { token: agent, body: { content: 'to B only' } });
    const ra = await heldA;
    expect(ra.body.messages).toEqual([]);
    expect(ra.body.events).toEqual([]);
    const hist = await call(s.url, '/api/visitor/messages', { token: a.token });
    expect(hist.body.messages).toEqual([]);
    // Visitor routes take no conversation id: a visitor can only ever name itself.
    expect((await call(s.url, `/api/agent/conversations/${b.visitorId}/messages`, { token: a.token })).status).toBe(403);
  });

  it('answers 404 for an unknown conversation and 400 for a malformed id', async () => {
    expect((await call(s.url, '/api/agent/conversations/v_unknownunknownunknown0/messages', { token: agent })).status).toBe(404);
    expect((await call(s.url, '/api/agent/conversations/%3Cscript%3E/messages', { token: agent })).status).toBe(400);
    const r = await call(s.url, '/api/agent/conversations/v_unknownunknownunknown0/messages', { token: agent, body: { content: 'x' } });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
  });

  it('limits a flood from one visitor with 429 and Retry-After, without touching others', async () => {
    const v = await newVisitor(s.url);
    const other = await newVisitor(s.url);
    const statuses: number[] = [];
    let retry: string | null = null;
    for (let i = 0; i < 6; i++) {
      const r = await send(s.url, v.token, `flood ${i}`);
      statuses.push(r.status);
      if (r.status === 429) retry = r.headers.get('retry-after');
    }
    expect(statuses.slice(0, 3)).toEqual([201, 201, 201]);
    expect(statuses).toContain(429);
    expect(Number(retry)).toBeGreaterThanOrEqual(1);
    expect((await send(s.url, other.token, 'still fine')).status).toBe(201);
  });

  it('answers CORS preflights only for allowed origins', async () => {
    const ok = await fetch(`${s.url}/api/visitor/session`, {
      method: 'OPTIONS', headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(ok.headers.get('access-control-allow-credentials')).toBeNull();
    const bad = await fetch(`${s.url}/api/visitor/session`, {
      method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(bad.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('gives poll answers the API headers, with CORS only for allowed origins', async () => {
    const v = await newVisitor(s.url);
    const ok = await call(s.url, '/api/visitor/poll?wait=0', { token: v.token, headers: { Origin: 'https://shop.example' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    expect(ok.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const bad = await call(s.url, '/api/visitor/poll?wait=0', { token: v.token, headers: { Origin: 'https://evil.example' } });
    expect(bad.headers.get('access-control-allow-origin')).toBeNull();
    const refused = await call(s.url, '/api/agent/poll?wait=0', { token: v.token, headers: { Origin: 'https://shop.example' } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBe('https://shop.example');
  });

  it('answers oversized request headers with 431 in the protocol\'s JSON shape', async () => {
    const net = await import('node:net');
    const port = Number(new URL(s.url).port);
    const raw = await new Promise<string>((resolve) => {
      const sock = net.connect(port, '127.0.0.1', () => sock.write(`GET /kefu/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
      let d = '';
      sock.on('data', (c) => (d += c));
      sock.on('error', () => {});
      sock.on('close', () => resolve(d));
    });
    expect(raw.split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(JSON.parse(raw.split('\r\n\r\n')[1])).toEqual({ error: { code: 'too_large', message: 'request headers are too large' } });
  });

  it('reports health and unknown routes in the protocol shapes', async () => {
    expect((await call(s.url, '/health')).body).toEqual({ ok: true });
    const r = await call(s.url, '/nowhere');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: { code: 'not_found', message: 'no such route' } });
  });

  it('resumes a visitor with its token and keeps the profile', async () => {
    const v = await newVisitor(s.url, { name: 'Lin', email: 'lin@example.com', page: '/a' });
    const again = await call(s.url, '/api/visitor/session', { token: v.token, body: { page: '/b' } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ visitorId: v.visitorId, name: 'Lin', email: 'lin@example.com' });
    expect(typeof again.body.token).toBe('string');
    expect(typeof again.body.cursor).toBe('string');
    expect((await call(s.url, '/api/visitor/session', { token: agent, body: {} })).status).toBe(403);
    expect((await call(s.url, '/api/visitor/session', { token: 'x.y.z', body: {} })).status).toBe(401);
    expect((await call(s.url, '/api/visitor/session', { body: { name: 5 } })).status).toBe(400);
  });
});
