// Per-address limits behind the shipped reverse proxy (KEFU_TRUST_PROXY=true).
// nginx's `$proxy_add_x_forwarded_for` keeps whatever X-Forwarded-For the
// client sent and appends the address it saw, so only the rightmost
// KEFU_PROXY_HOPS entries are facts; anything left of them is the client's
// to invent. A client that writes a new address into the header on every
// request must still meet its own send limit, new-conversation limit and
// held-connection cap, on Koa's routes and on the polls served before Koa,
// and both kinds of request get the same headers.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import Koa from 'koa';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { clientAddress, koaProxyOptions, type ProxyTrust } from '../../sidecar/http/client-address.js';
import { loadConfig } from '../../sidecar/config.js';

let sc: TestSidecar;
let proxy: http.Server;
let proxyUrl = '';

const LISTED = 'https://shop.example';
const IP_SEND_PER_MINUTE = 20;
const MAX_HELD = 3;

/**
 * What deploy/nginx.conf does to a request: the client's X-Forwarded-For is
 * kept and the address the proxy saw is appended. Bodies and answers are
 * piped, so held polls and streams stay held.
 */
function startForwardingProxy(target: URL): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const seen = req.socket.remoteAddress!.replace(/^::ffff:/, '');
    const given = req.headers['x-forwarded-for'];
    const upstream = http.request({
      host: target.hostname, port: target.port, method: req.method, path: req.url, agent: false,
      headers: { ...req.headers, 'x-forwarded-for': given ? `${given}, ${seen}` : seen },
    }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

interface Reply { status: number; retryAfter: string | undefined; body: string }

/** One request from a chosen loopback address, with the X-Forwarded-For it claims. */
function from(base: string, ip: string, method: string, path: string, opts: { forwardedFor?: string; token?: string; json?: unknown; signal?: AbortSignal } = {}): Promise<Reply> {
  const url = new URL(base + path);
  const body = opts.json === undefined ? undefined : JSON.stringify(opts.json);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: url.port, path: url.pathname + url.search, method, localAddress: ip, agent: false, signal: opts.signal,
      headers: {
        ...(opts.forwardedFor ? { 'x-forwarded-for': opts.forwardedFor } : {}),
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
      },
    }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { data += d; });
      res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined, body: data }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** New visitors, each started from its own real loopback address so that starting them is not what gets limited. */
async function visitors(n: number, net: string): Promise<{ token: string; cursor: string }[]> {
  return Promise.all(Array.from({ length: n }, async (_, i) => {
    const r = await from(sc.url, `${net}.${i + 1}`, 'POST', '/api/visitor/session', { json: {} });
    expect(r.status).toBe(200);
    return JSON.parse(r.body);
  }));
}

const spoof = (i: number) => `1.2.3.${i + 1}`;

/** The address's burst: what runtime.ts gives `ipSendLimiter`. */
const ipBurst = () => Math.max(sc.rt.config.visitorSendBurst, Math.ceil(IP_SEND_PER_MINUTE / 4));

function expectLimitedAfterBurst(answers: Reply[], ok: number): void {
  const accepted = answers.filter((a) => a.status === ok).length;
  const limited = answers.filter((a) => a.status === 429);
  // A token or two may refill (one per 3 s) while the requests arrive on a slow machine.
  expect(accepted).toBeGreaterThanOrEqual(ipBurst());
  expect(accepted).toBeLessThanOrEqual(ipBurst() + 2);
  expect(accepted + limited.length).toBe(answers.length);
  for (const a of limited) {
    expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(a.body)).toMatchObject({ error: { code: 'rate_limited' } });
  }
}

/** Holds one poll (wait=30) per claimed X-Forwarded-For for one visitor; `quick` collects the answers that came back at once. */
async function holdPolls(base: string, ip: string, v: { token: string; cursor: string }, claims: string[], signal: AbortSignal) {
  const quick: Reply[] = [];
  const all = claims.map((forwardedFor) =>
    from(base, ip, 'GET', `/api/visitor/poll?cursor=${encodeURIComponent(v.cursor)}&wait=30`, { forwardedFor, token: v.token, signal })
      .then((r) => { quick.push(r); }, () => undefined));
  return { quick, all };
}

/** A request as Node hands it over: only what an address reading may look at. */
function fakeRequest(forwardedFor: string | string[] | undefined, remoteAddress = '127.0.0.1'): IncomingMessage {
  return { headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }, socket: { remoteAddress }, url: '/', method: 'GET' } as unknown as IncomingMessage;
}

describe('clientAddress', () => {
  const one: ProxyTrust = { trustProxy: true, proxyHops: 1 };
  const two: ProxyTrust = { trustProxy: true, proxyHops: 2 };

  it('without a trusted proxy is the socket\'s peer, whatever the header says', () => {
    expect(clientAddress(fakeRequest('1.2.3.4, 10.0.0.7', '192.0.2.1'), { trustProxy: false, proxyHops: 1 })).toBe('192.0.2.1');
    expect(clientAddress(fakeRequest(undefined, '::1'), { trustProxy: false, proxyHops: 1 })).toBe('::1');
  });

  it('behind one proxy is the entry it appended, the rightmost', () => {
    expect(clientAddress(fakeRequest('10.0.0.7'), one)).toBe('10.0.0.7');
    expect(clientAddress(fakeRequest('1.2.3.4, 10.0.0.7'), one)).toBe('10.0.0.7');
    expect(clientAddress(fakeRequest(' 1.2.3.4 ,5.6.7.8,  2001:db8::7 '), one)).toBe('2001:db8::7');
    // Repeated header lines: Node joins them with ", ", or a caller may pass them as a list.
    expect(clientAddress(fakeRequest(['1.2.3.4', '5.6.7.8, 10.0.0.7']), one)).toBe('10.0.0.7');
  });

  it('behind two proxies is the entry the outer one appended', () => {
    expect(clientAddress(fakeRequest('1.2.3.4, 203.0.113.9, 10.0.0.2'), two)).toBe('203.0.113.9');
    expect(clientAddress(fakeRequest('203.0.113.9, 10.0.0.2'), two)).toBe('203.0.113.9');
  });

  it('falls back to the socket\'s peer when the header is missing or its entry is empty', () => {
    expect(clientAddress(fakeRequest(undefined, '127.0.0.9'), one)).toBe('127.0.0.9');
    expect(clientAddress(fakeRequest('', '127.0.0.9'), one)).toBe('127.0.0.9');
    expect(clientAddress(fakeRequest('1.2.3.4, ', '127.0.0.9'), one)).toBe('127.0.0.9');
  });

  it('reads exactly what Koa\'s ctx.ip reads with the options koaProxyOptions gives it', () => {
    const entry = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('', ' ', 'unknown', ' 10.0.0.7 '));
    fc.assert(fc.property(
      fc.option(fc.array(entry, { minLength: 1, maxLength: 6 }), { nil: undefined }), fc.boolean(), fc.integer({ min: 1, max: 4 }), fc.ipV4(),
      (entries, trustProxy, proxyHops, peer) => {
        const trust = { trustProxy, proxyHops };
        const req = fakeRequest(entries?.join(','), peer);
        const koa = new Koa(koaProxyOptions(trust)).createContext(req, {} as ServerResponse);
        expect(clientAddress(req, trust)).toBe(koa.ip);
      },
    ), { numRuns: 500 });
  });

  it('KEFU_PROXY_HOPS: 1 unless set, a whole number from 1', async () => {
    const base = { KEFU_SECRET: 'test-secret-0123456789abcdef', KEFU_DATA_DIR: '/nonexistent/kefu' };
    expect((await loadConfig(base)).proxyHops).toBe(1);
    expect((await loadConfig({ ...base, KEFU_PROXY_HOPS: '2' })).proxyHops).toBe(2);
    await expect(loadConfig({ ...base, KEFU_PROXY_HOPS: '0' })).rejects.toThrow(/KEFU_PROXY_HOPS/);
    await expect(loadConfig({ ...base, KEFU_PROXY_HOPS: 'two' })).rejects.toThrow(/KEFU_PROXY_HOPS/);
  });
});

beforeAll(async () => {
  sc = await startSidecar({
    env: { KEFU_TRUST_PROXY: 'true', KEFU_ALLOWED_ORIGINS: LISTED, KEFU_IP_SEND_PER_MINUTE: String(IP_SEND_PER_MINUTE), KEFU_MAX_HELD_PER_IP: String(MAX_HELD) },
  });
  proxy = await startForwardingProxy(new URL(sc.url));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/kefu`;
});

afterAll(async () => {
  proxy?.closeAllConnections();
  await new Promise((r) => proxy?.close(r));
  await sc?.stop();
});

describe('through the proxy, a new X-Forwarded-For on every request', () => {
  it('still meets the per-address send limit (Koa routes)', async () => {
    const crowd = await visitors(ipBurst() + 8, '127.0.1');
    const answers = await Promise.all(crowd.map((v, i) =>
      from(proxyUrl, '127.0.0.2', 'POST', '/api/visitor/messages', { forwardedFor: spoof(i), token: v.token, json: { content: `hello ${i}` } })));
    expectLimitedAfterBurst(answers, 201);
    // Another visitor's address still sends.
    const [other] = await visitors(1, '127.0.2');
    expect((await from(proxyUrl, '127.0.0.3', 'POST', '/api/visitor/messages', { forwardedFor: spoof(0), token: other.token, json: { content: 'unaffected' } })).status).toBe(201);
  });

  it('still meets the per-address limit on new conversations', async () => {
    const answers = await Promise.all(Array.from({ length: ipBurst() + 8 }, (_, i) =>
      from(proxyUrl, '127.0.0.4', 'POST', '/api/visitor/session', { forwardedFor: spoof(i), json: {} })));
    expectLimitedAfterBurst(answers, 200);
  });

  it('still meets the held-connection cap on polls served before Koa, and on streams', async () => {
    const [v] = await visitors(1, '127.0.3');
    const ac = new AbortController();
    const { quick, all } = await holdPolls(proxyUrl, '127.0.0.5', v, Array.from({ length: MAX_HELD + 4 }, (_, i) => spoof(i)), ac.signal);
    try {
      await vi.waitFor(() => { if (quick.length < 4) throw new Error(`${quick.length} answered`); }, { timeout: 10_000, interval: 20 });
      expect(quick.map((r) => r.status)).toEqual([429, 429, 429, 429]);
      // A stream from the same address, claiming yet another one, shares the cap.
      const ticket = await from(sc.url, '127.0.0.1', 'POST', '/api/visitor/stream-ticket', { token: v.token, json: {} });
      const stream = await from(proxyUrl, '127.0.0.5', 'GET', `/visitor/stream?ticket=${JSON.parse(ticket.body).ticket}&origin=${encodeURIComponent(new URL(proxyUrl).origin)}`, { forwardedFor: '1.2.3.200', signal: ac.signal });
      expect(stream.status).toBe(429);
      // Another address polls normally meanwhile.
      const other = await from(proxyUrl, '127.0.0.6', 'GET', `/api/visitor/poll?cursor=${encodeURIComponent(v.cursor)}&wait=0`, { forwardedFor: spoof(0), token: v.token });
      expect(other.status).toBe(200);
    } finally {
      ac.abort();
      await Promise.all(all);
    }
  });
});

describe('X-Forwarded-For: <anything>, 10.0.0.7 (as the proxy appends it)', () => {
  it('counts sends against 10.0.0.7, not the invented entry nor the proxy\'s own address', async () => {
    const crowd = await visitors(ipBurst() + 9, '127.0.4');
    const answers = await Promise.all(crowd.slice(1).map((v, i) =>
      from(sc.url, '127.0.0.1', 'POST', '/api/visitor/messages', { forwardedFor: `${spoof(i)}, 10.0.0.7`, token: v.token, json: { content: `hi ${i}` } })));
    expectLimitedAfterBurst(answers, 201);
    // Same proxy connection address, same invented entry, another real client: not limited.
    const other = await from(sc.url, '127.0.0.1', 'POST', '/api/visitor/messages', { forwardedFor: `${spoof(0)}, 10.0.0.8`, token: crowd[0].token, json: { content: 'next door' } });
    expect(other.status).toBe(201);
  });

  it('counts held polls against 10.0.0.7', async () => {
    const [v] = await visitors(1, '127.0.5');
    const ac = new AbortController();
    const { quick, all } = await holdPolls(sc.url, '127.0.0.1', v, Array.from({ length: MAX_HELD + 2 }, (_, i) => `${spoof(i)}, 10.0.0.7`), ac.signal);
    try {
      await vi.waitFor(() => { if (quick.length < 2) throw new Error(`${quick.length} answered`); }, { timeout: 10_000, interval: 20 });
      expect(quick.map((r) => r.status)).toEqual([429, 429]);
      const other = await from(sc.url, '127.0.0.1', 'GET', `/api/visitor/poll?cursor=${encodeURIComponent(v.cursor)}&wait=0`, { forwardedFor: `${spoof(0)}, 10.0.0.8`, token: v.token });
      expect(other.status).toBe(200);
    } finally {
      ac.abort();
      await Promise.all(all);
    }
  });
});

describe('headers: polls (served before Koa) and Koa\'s API routes answer alike', () => {
  const SHARED = ['access-control-allow-origin', 'access-control-expose-headers', 'cache-control', 'referrer-policy', 'vary', 'x-content-type-options'];
  const pick = (h: http.IncomingHttpHeaders) => Object.fromEntries(SHARED.map((n) => [n, h[n] ?? null]));

  function headersOf(method: string, path: string, headers: Record<string, string>) {
    const url = new URL(sc.url + path);
    return new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
      http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
      }).on('error', reject).end();
    });
  }

  it('for a listed site, another site and no site, answered or refused', async () => {
    const [v] = await visitors(1, '127.0.6');
    for (const origin of [LISTED, 'https://evil.example', undefined]) {
      for (const token of [v.token, 'not-a-token']) {
        const headers = { ...(origin ? { origin } : {}), authorization: `Bearer ${token}` };
        const poll = await headersOf('GET', `/api/visitor/poll?cursor=${encodeURIComponent(v.cursor)}&wait=0`, headers);
        const koa = await headersOf('GET', '/api/visitor/messages?limit=1', headers);
        const label = `${origin ?? 'no origin'}, ${token === v.token ? 'valid' : 'bad'} token`;
        expect([label, poll.status, pick(poll.headers)]).toEqual([label, koa.status, pick(koa.headers)]);
        expect(poll.status).toBe(token === v.token ? 200 : 401);
        expect(pick(poll.headers)).toEqual({
          'access-control-allow-origin': origin === LISTED ? LISTED : null,
          'access-control-expose-headers': origin === LISTED ? 'Retry-After,Content-Disposition,Content-Range' : null,
          'cache-control': 'no-store', 'referrer-policy': 'no-referrer', vary: 'Origin', 'x-content-type-options': 'nosniff',
        });
      }
    }
  });

  it('a listed site\'s preflight gets the methods and headers the API takes; another site gets no CORS', async () => {
    const ask = (origin: string) => headersOf('OPTIONS', '/api/visitor/poll', { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' });
    const listed = await ask(LISTED);
    expect(listed.status).toBe(204);
    expect(listed.headers).toMatchObject({
      'access-control-allow-origin': LISTED, 'access-control-allow-methods': 'GET,POST,PUT,DELETE,OPTIONS',
      'access-control-allow-headers': 'Authorization,Content-Type,Range', 'access-control-max-age': '600', vary: 'Origin',
    });
    const other = await ask('https://evil.example');
    expect(Object.keys(other.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });
});
