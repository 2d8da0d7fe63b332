// Abuse from one visitor or one address: floods are limited (429 with
// Retry-After) without slowing anyone else; held connections are capped per
// address; slow-header, slow-body and silent clients are cut; the stream's
// `origin` parameter cannot aim postMessage at a foreign origin.
// Other addresses are real: clients bind 127.0.0.x, which Linux routes to the
// sidecar on 127.0.0.1, so per-IP limits see distinct callers.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { setMaxListeners } from 'node:events';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from '../../sidecar/server.js';
import { isProtocolError, request } from '../helpers/http-probe.js';

let sc: TestSidecar;


interface Reply { status: number; retryAfter: string | undefined; body: string; ms: number }

/** One request from a chosen loopback address; `signal` aborts it (held polls). */
function from(ip: string, method: string, path: string, opts: { token?: string; json?: unknown; signal?: AbortSignal } = {}): Promise<Reply> {
  const url = new URL(sc.url + path);
  const body = opts.json === undefined ? undefined : JSON.stringify(opts.json);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: url.port, path: url.pathname + url.search, method, localAddress: ip, agent: false,
      headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) },
      signal: opts.signal,
    }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { data += d; });
      res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined, body: data, ms: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function visitorFrom(ip: string): Promise<{ visitorId: string; token: string; cursor: string }> {
  const r = await from(ip, 'POST', '/api/visitor/session', { json: {} });
  expect(r.status).toBe(200);
  return JSON.parse(r.body);
}

beforeAll(async () => {
  // '' restores the shipped default of a limit the shared test helper raises.
  sc = await startSidecar({ store: 'mysql', env: { KEFU_ALLOWED_ORIGINS: 'https://shop.example', KEFU_IP_SEND_PER_MINUTE: '', KEFU_MAX_HELD_PER_IP: '' } });
});

afterAll(async () => {
  await sc?.stop();
});

describe('message floods', () => {
  it('one visitor flooding gets 429 after its burst; others, on its address or another, are not held back', async () => {
    const { visitorSendBurst } = sc.rt.config;
    const flooder = await visitorFrom('127.0.0.2');
    const neighbour = await visitorFrom('127.0.0.2');
    const bystander = await visitorFrom('127.0.0.9');
    const flood = Promise.all(Array.from({ length: 80 }, (_, i) => from('127.0.0.2', 'POST', '/api/visitor/messages', { token: flooder.token, json: { content: `spam ${i}` } })));
    const calm: Reply[] = [];
    for (let i = 0; i < 3; i++) calm.push(await from('127.0.0.9', 'POST', '/api/visitor/messages', { token: bystander.token, json: { content: `hello ${i}` } }));
    const answers = await flood;
    const accepted = answers.filter((a) => a.status === 201).length;
    const limited = answers.filter((a) => a.status === 429);
    expect(accepted).toBeGreaterThanOrEqual(visitorSendBurst);
    expect(accepted).toBeLessThanOrEqual(visitorSendBurst + 2);
    expect(accepted + limited.length).toBe(answers.length);
    for (const a of limited) {
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(a.body)).toMatchObject({ error: { code: 'rate_limited' } });
    }
    expect(calm.map((c) => c.status)).toEqual([201, 201, 201]);
    expect(Math.max(...calm.map((c) => c.ms))).toBeLessThan(2_000);
    // Refused attempts do not use up the address's allowance: a colleague behind the same address can still write.
    const next = await Promise.all(Array.from({ length: 5 }, (_, i) => from('127.0.0.2', 'POST', '/api/visitor/messages', { token: neighbour.token, json: { content: `colleague ${i}` } })));
    expect(next.map((n) => n.status)).toEqual([201, 201, 201, 201, 201]);
    console.info(`[abuse] one visitor's flood of ${answers.length}: ${accepted} accepted, ${limited.length} × 429; bystander sends took at most ${Math.max(...calm.map((c) => c.ms)).toFixed(0)} ms`);
  });

  it('many visitors from one address are limited together; another address is unaffected', async () => {
    const perMinute = sc.rt.config.ipSendPerMinute;
    const burst = Math.max(sc.rt.config.visitorSendBurst, Math.ceil(perMinute / 4));
    // Sessions come from several addresses (new conversations have their own per-address limit).
    const crowd = await Promise.all(Array.from({ length: burst + 20 }, (_, i) => visitorFrom(`127.0.1.${1 + (i % 10)}`)));
    const bystander = await visitorFrom('127.0.0.10');
    const answers = await Promise.all(crowd.map((v, i) => from('127.0.0.3', 'POST', '/api/visitor/messages', { token: v.token, json: { content: `crowd ${i}` } })));
    const ok = await from('127.0.0.10', 'POST', '/api/visitor/messages', { token: bystander.token, json: { content: 'unaffected' } });
    const accepted = answers.filter((a) => a.status === 201).length;
    expect(accepted).toBeGreaterThanOrEqual(burst - 1);
    expect(accepted).toBeLessThanOrEqual(burst + 2);
    expect(answers.filter((a) => a.status === 429).length).toBe(answers.length - accepted);
    expect(ok.status).toBe(201);
    console.info(`[abuse] per-address send limit: ${accepted} of ${answers.length} accepted at once (burst ${burst}, ${perMinute}/min)`);
  });
});

describe('held connections', () => {
  it('caps the polls one address holds; the rest get 429 at once; others still poll; released on disconnect', async () => {
    const cap = sc.rt.config.maxHeldPerIp;
    const v = await visitorFrom('127.0.0.4');
    const other = await visitorFrom('127.0.0.5');
    const ac = new AbortController();
    const total = 1_000;
    // One signal cuts every poll at once, so each request listens on it: Node's
    // http.request adds an abort listener and removes it when the request ends
    // (only the held polls' stay, none after). Many listeners are the design
    // here, not a leak, and Node would warn past 10.
    setMaxListeners(total, ac.signal);
    let quick = 0;
    const statuses: number[] = [];
    const polls = Array.from({ length: total }, () =>
      from('127.0.0.4', 'GET', `/api/visitor/poll?cursor=${encodeURIComponent(v.cursor)}&wait=30`, { token: v.token, signal: ac.signal })
        .then((r) => { quick++; statuses.push(r.status); }, () => undefined));
    await vi.waitFor(() => { if (quick < total - cap) throw new Error(`${quick} answered`); }, { timeout: 20_000, interval: 50 });
    expect(statuses.filter((s) => s === 429).length).toBe(total - cap);
    const t0 = performance.now();
    const otherPoll = await from('127.0.0.5', 'GET', `/api/visitor/poll?cursor=${encodeURIComponent(other.cursor)}&wait=1`, { token: other.token });
    expect(otherPoll.status).toBe(200);
    expect(performance.now() - t0).toBeLessThan(2_500);
    expect(quick).toBe(total - cap); // the held ones are still held
    ac.abort();
    await Promise.all(polls);
    // Every slot comes back once the clients are gone.
    await vi.waitFor(async () => {
      const r = await from('127.0.0.4', 'GET', `/api/visitor/poll?cursor=${encodeURIComponent(v.cursor)}&wait=0`, { token: v.token });
      if (r.status !== 200) throw new Error(String(r.status));
    }, { timeout: 10_000 });
    expect(sc.rt.hub.size).toBe(0);
    console.info(`[abuse] ${total} polls from one address: ${cap} held, ${total - cap} refused with 429`);
  }, 60_000);
});

describe('slow clients', () => {
  it(`cuts slow-header (${HEADERS_TIMEOUT_MS / 1000} s), silent and slow-body (${REQUEST_TIMEOUT_MS / 1000} s) clients, and keeps serving others`, async () => {
    const port = Number(new URL(sc.url).port);
    const slow = (kind: 'header' | 'body' | 'silent') => new Promise<{ ms: number; first: string }>((resolve) => {
      const t0 = performance.now();
      let first = '';
      const s = net.connect(port, '127.0.0.1', () => {
        if (kind === 'header') s.write('GET /kefu/health HTTP/1.1\r\nHost: x\r\n');
        if (kind === 'body') s.write('POST /kefu/api/visitor/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{');
      });
      const drip = setInterval(() => { if (kind !== 'silent' && !s.destroyed) s.write(kind === 'header' ? 'X-A: b\r\n' : ' '); }, 500);
      s.on('data', (d) => { first ||= String(d).split('\r\n')[0]; });
      s.on('error', () => {});
      s.on('close', () => { clearInterval(drip); resolve({ ms: performance.now() - t0, first }); });
    });
    const [header, body, silent] = [slow('header'), slow('body'), slow('silent')];
    // Meanwhile the server answers everyone else.
    expect((await request(sc.url, '/health')).status).toBe(200);
    const h = await header;
    expect(h.ms).toBeLessThan(HEADERS_TIMEOUT_MS + 2_500);
    expect(h.first).toMatch(/408/);
    const si = await silent;
    expect(si.ms).toBeLessThan(HEADERS_TIMEOUT_MS + 2_500);
    const b = await body;
    expect(b.ms).toBeGreaterThan(HEADERS_TIMEOUT_MS);
    expect(b.ms).toBeLessThan(REQUEST_TIMEOUT_MS + 2_500);
    expect(b.first).toMatch(/408/);
    console.info(`[abuse] slow header cut after ${(h.ms / 1000).toFixed(1)} s, silent socket ${(si.ms / 1000).toFixed(1)} s, slow body ${(b.ms / 1000).toFixed(1)} s`);
  }, REQUEST_TIMEOUT_MS + 15_000);
});

describe('the stream\'s origin parameter', () => {
  const ticket = async () => {
    const v = await request(sc.url, '/api/visitor/session', { json: {} });
    const t = await request(sc.url, '/api/visitor/stream-ticket', { method: 'POST', token: (v.json as { token: string }).token, json: {} });
    return (t.json as { ticket: string }).ticket;
  };
  const open = async (t: string, origin: string) => {
    const ac = new AbortController();
    const res = await fetch(`${sc.url}/visitor/stream?ticket=${t}&origin=${encodeURIComponent(origin)}`, { signal: ac.signal });
    let head = '';
    if (res.status === 200) {
      const reader = res.body!.getReader();
      while (!head.includes('postMessage')) {
        const c = await reader.read();
        if (c.done) break;
        head += new TextDecoder().decode(c.value);
      }
    } else head = await res.text();
    ac.abort();
    return { status: res.status, head, csp: res.headers.get('content-security-policy') ?? '' };
  };

  it('refuses every origin that is not the sidecar\'s own or listed, before using up the ticket', async () => {
    const t = await ticket();
    const foreign = [
      'https://evil.example', 'https://shop.example.evil.example', 'https://evil.example/https://shop.example', 'http://shop.example',
      'https://shop.example:444', 'https://shop.example/', 'https://a@shop.example', 'https://SHOP.example', '*', 'null',
      'javascript:alert(1)', 'data:text/html,x', 'file://', ' https://shop.example', 'https://shop.example\n', sc.origin + '.evil.example',
    ];
    for (const origin of foreign) {
      const r = await open(t, origin);
      expect([r.status, origin]).toEqual([403, origin]);
      expect(isProtocolError({ status: r.status, headers: new Headers(), text: r.head, json: JSON.parse(r.head) })).toBe(true);
    }
    const missing = await request(sc.url, `/visitor/stream?ticket=${t}`);
    expect(missing.status).toBe(400);
    // The ticket was not consumed by the refusals.
    const ok = await open(t, 'https://shop.example');
    expect(ok.status).toBe(200);
  });

  it('posts only to the exact origin it accepted, and may be framed only by listed pages', async () => {
    for (const origin of ['https://shop.example', sc.origin]) {
      const r = await open(await ticket(), origin);
      expect(r.status).toBe(200);
      const targets = [...r.head.matchAll(/postMessage\((.*?)\)<\/script>/g)].map((m) => m[1].slice(m[1].lastIndexOf(', ') + 2));
      expect(targets.length).toBeGreaterThan(0);
      for (const t of targets) expect(t).toBe(JSON.stringify(origin));
      expect(r.csp).toMatch(/frame-ancestors 'self' https:\/\/shop\.example(;|$)/);
    }
  });
});
