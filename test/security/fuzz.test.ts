// Property-based fuzzing of every route (fast-check), against the real MariaDB
// (own table prefix): random and malformed JSON, wrong types, huge and deeply
// nested bodies, NUL, lone surrogates, RTL marks, 4-byte emoji, SQL and HTML
// metacharacters, overlong ids, bad cursors, negative and huge wait/limit/before.
// What must hold for every case: the answer is a correct 2xx or a 4xx in the
// protocol's JSON error shape (never a 5xx, a stack or SQL text); a poll or
// stream may only be held open when its parameters are valid; the server stays
// up; afterwards the tables hold only well-formed rows that were acknowledged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import mysql from 'mysql2/promise';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { connectTestDb } from '../helpers/mysql.js';
import { isProtocolError, leaksInternals } from '../helpers/http-probe.js';

const RUNS = Number(process.env.KEFU_FUZZ_RUNS ?? 2000);

let sc: TestSidecar;
let db: mysql.Connection;
const visitors: Array<{ visitorId: string; token: string; cursor: string }> = [];
let agent = '';
const acked = new Map<number, string>();
const stats = { cases: 0, ok2xx: 0, err4xx: 0, held: 0, byStatus: new Map<number, number>() };
const failures: string[] = [];

beforeAll(async () => {
  sc = await startSidecar({
    store: 'mysql',
    // Limits have their own tests; here they would only turn most sends into 429.
    env: { KEFU_VISITOR_SEND_BURST: '10000', KEFU_VISITOR_SEND_PER_SECOND: '10000', KEFU_IP_SEND_PER_MINUTE: '1000000' },
  });
  db = await connectTestDb();
  for (let i = 0; i < 3; i++) {
    const r = await fetch(sc.url + '/api/visitor/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    visitors.push((await r.json()) as (typeof visitors)[number]);
  }
  agent = await sc.agentToken(3, 'Fuzz');
});

afterAll(async () => {
  await db?.end();
  await sc?.stop();
});

// ---- arbitraries -----------------------------------------------------------

const nasty = fc.constantFrom(
  '\u0000', '\uD800', '\uDFFF', 'a\uDC00b', '\u202E', '\u200F', '\u200B', '\uFEFF', '😀', '𝕏', '👩‍👩‍👧‍👦', '\u2028', '\u2029',
  "' OR '1'='1", "'; DROP TABLE kefu_msg; --", '" OR ""="', '\\', '\\0', '%00', '%', '_', '`', '$1', '${x}', '{{x}}',
  '<script>alert(1)</script>', '</script><script>', '<img src=x onerror=alert(1)>', '&amp;', '-->', '<!--',
  ' ', '\t', '\r\n', '\n', '你好', 'مرحبا', 'x'.repeat(300),
);
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.oneof(nasty, fc.string({ maxLength: 5 })), { maxLength: 12 }).map((a) => a.join('')),
  fc.integer({ min: 3990, max: 4010 }).map((n) => '字'.repeat(n)),
  fc.integer({ min: 3990, max: 4010 }).map((n) => '😀'.repeat(n)),
);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: text },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(fc.string(), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(1e308, -1, -0, 2 ** 53, 2 ** 64, Number.MAX_SAFE_INTEGER + 2) },
);
const field = (v: fc.Arbitrary<unknown>) => fc.option(v, { nil: undefined, freq: 3 });
const objectBody = fc.record({
  content: field(anyValue), clientId: field(fc.oneof(anyValue, fc.stringMatching(/^[A-Za-z0-9_-]{1,70}$/))),
  name: field(anyValue), email: field(anyValue), page: field(anyValue), referrer: field(anyValue),
  typing: field(anyValue), upto: field(anyValue), status: field(fc.oneof(anyValue, fc.constantFrom('online', 'away'))),
  visitorId: field(fc.oneof(anyValue, fc.constant('__VISITOR__'))),
  __proto__: field(fc.constant({ content: 'polluted' })),
}, { requiredKeys: [] });
const rawBody = fc.oneof(
  { weight: 6, arbitrary: objectBody.map((o) => JSON.stringify(o).replace('"__VISITOR__"', '"VISITOR0"')) },
  { weight: 1, arbitrary: fc.json() },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '{', '{"content":', 'null', '[]', '"x"', '1', 'true', '{"a":1}{"b":2}', '\u0000', '{"content":"\\ud800"}', '{"content":"a\\u0000b"}') },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 12_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 6_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 15_000, max: 70_000 }).map((n) => JSON.stringify({ content: 'y'.repeat(n) })) },
);
const num = fc.oneof(
  fc.integer({ min: -5, max: 120 }).map(String),
  fc.constantFrom('', '-1', '0', '1', '30', '31', '100', '101', '1e3', '0x10', '1.5', '25.000', '25.0001', ' 1', '1 ', 'NaN', 'Infinity',
    '99999999999999999999', '9007199254740993', '-0', '00000000000000001', '１', '%00', '1%00', 'a'),
  fc.string({ maxLength: 8 }),
);
const cursorText = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('c1', 'c1.', 'c1..', 'c1.0.0', 'c1.zzzzzzzzzzz.0', 'c1.zzzzzzzzzzzz.0', 'c1.1.1.1', 'c1.10.0.0', 'c1.10.0.a-zzzz',
    'c1.10.0.1-0', 'c1.10.0.1--1', 'c1.-1.0', 'c2.1.1', 'c1.1.1.1~1~1', 'c1.A.0'),
  fc.tuple(fc.nat(2 ** 40), fc.nat(1000), fc.array(fc.tuple(fc.nat(3000), fc.nat(30000)), { maxLength: 45 })).map(([h, e, runs]) =>
    `c1.${h.toString(36)}.${e.toString(36)}` + (runs.length ? '.' + runs.map(([d, n]) => `${d.toString(36)}-${n.toString(36)}`).join('~') : '')),
  fc.integer({ min: 500, max: 3000 }).map((n) => 'c1.' + '1'.repeat(n)),
);
const idText = fc.oneof(
  fc.constant('VISITOR0'), fc.constant('VISITOR1'), fc.constant('admin'), fc.constant('agent:1'),
  fc.string({ maxLength: 30 }), fc.stringMatching(/^[A-Za-z0-9_.@:-]{60,70}$/), fc.constant('v_' + 'A'.repeat(22)),
  fc.constant("v_' OR 1=1 --"), fc.constant('%2e%2e'), fc.constant('..'), fc.constant('%E0%A4%A'), fc.constant('%00'),
);

type Auth = 'visitor' | 'agent' | 'none' | 'garbage';
interface Route { method: string; path: (p: Record<string, string>) => string; query: string[]; body: boolean; holds?: boolean; ok: number[] }
const ROUTES: Record<string, Route> = {
  session: { method: 'POST', path: () => '/api/visitor/session', query: [], body: true, ok: [200] },
  vsend: { method: 'POST', path: () => '/api/visitor/messages', query: [], body: true, ok: [200, 201] },
  vhistory: { method: 'GET', path: () => '/api/visitor/messages', query: ['before', 'limit'], body: false, ok: [200] },
  vtyping: { method: 'POST', path: () => '/api/visitor/typing', query: [], body: true, ok: [204] },
  vticket: { method: 'POST', path: () => '/api/visitor/stream-ticket', query: [], body: true, ok: [200] },
  vpoll: { method: 'GET', path: () => '/api/visitor/poll', query: ['cursor', 'wait'], body: false, holds: true, ok: [200] },
  team: { method: 'GET', path: () => '/api/visitor/team', query: [], body: false, ok: [200] },
  conversations: { method: 'GET', path: () => '/api/agent/conversations', query: [], body: false, ok: [200] },
  ahistory: { method: 'GET', path: (p) => `/api/agent/conversations/${p.id}/messages`, query: ['before', 'limit'], body: false, ok: [200] },
  asend: { method: 'POST', path: (p) => `/api/agent/conversations/${p.id}/messages`, query: [], body: true, ok: [200, 201] },
  aread: { method: 'POST', path: (p) => `/api/agent/conversations/${p.id}/read`, query: [], body: true, ok: [204] },
  atyping: { method: 'POST', path: () => '/api/agent/typing', query: [], body: true, ok: [204] },
  presence: { method: 'POST', path: () => '/api/agent/presence', query: [], body: true, ok: [204] },
  aticket: { method: 'POST', path: () => '/api/agent/stream-ticket', query: [], body: true, ok: [200] },
  apoll: { method: 'GET', path: () => '/api/agent/poll', query: ['cursor', 'wait'], body: false, holds: true, ok: [200] },
  astream: { method: 'GET', path: () => '/agent/stream', query: ['ticket', 'cursor', 'origin'], body: false, holds: true, ok: [200] },
  vstream: { method: 'GET', path: () => '/visitor/stream', query: ['ticket', 'cursor', 'origin'], body: false, holds: true, ok: [200] },
  health: { method: 'GET', path: () => '/health', query: [], body: false, ok: [200] },
  console: { method: 'GET', path: () => '/console', query: [], body: false, ok: [200] },
  demo: { method: 'GET', path: () => '/demo', query: [], body: false, ok: [200] },
  asset: { method: 'GET', path: (p) => `/${p.id}`, query: [], body: false, ok: [200, 304] },
};

const queryValue: Record<string, fc.Arbitrary<string>> = {
  before: num, limit: num, wait: num, cursor: cursorText,
  ticket: fc.oneof(fc.string({ maxLength: 40 }), fc.constant('a.b.c'), fc.constant('x'.repeat(2000))),
  origin: fc.oneof(fc.constant('__SELF__'), fc.constantFrom('null', 'http://evil.example', 'javascript:alert(1)', 'http://127.0.0.1', '__SELF__/path', 'data:text/html,x', ''), fc.webUrl()),
};

const wildCase = fc.record({
  route: fc.constantFrom(...Object.keys(ROUTES)),
  auth: fc.constantFrom<Auth>('visitor', 'visitor', 'agent', 'agent', 'none', 'garbage'),
  wrongMethod: fc.boolean().map((b) => b && Math.random() < 0.1),
  id: idText,
  query: fc.record(Object.fromEntries(Object.entries(queryValue).map(([k, v]) => [k, fc.option(v, { nil: undefined })])) as Record<string, fc.Arbitrary<string | undefined>>),
  repeatParam: fc.boolean(),
  body: rawBody,
  contentType: fc.constantFrom('application/json', 'application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', undefined),
});

/** Well-formed requests from the right caller, carrying hostile values: what reaches the database. */
const focusedCase = fc.record({
  route: fc.constantFrom('vsend', 'vsend', 'vsend', 'asend', 'asend', 'session', 'vtyping', 'atyping', 'aread', 'vpoll', 'apoll', 'vhistory', 'ahistory'),
  content: text,
  clientId: fc.option(fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), text), { nil: undefined }),
  profile: fc.record({ name: text, email: text, page: text, referrer: text }, { requiredKeys: [] }),
  wait: fc.constantFrom(undefined, '0'),
  cursor: fc.option(cursorText, { nil: undefined }),
  before: fc.option(num, { nil: undefined }),
  limit: fc.option(num, { nil: undefined }),
  upto: anyValue,
  typing: anyValue,
}).map((f) => {
  const agentRoute = ['asend', 'atyping', 'aread', 'apoll', 'ahistory'].includes(f.route);
  const body =
    f.route === 'session' ? f.profile
    : f.route === 'aread' ? { upto: f.upto }
    : f.route === 'vtyping' ? { typing: f.typing }
    : f.route === 'atyping' ? { visitorId: '__VISITOR__', typing: f.typing }
    : { content: f.content, clientId: f.clientId };
  return {
    route: f.route,
    auth: (agentRoute ? 'agent' : f.route === 'session' ? 'none' : 'visitor') as Auth,
    wrongMethod: false,
    id: 'VISITOR0',
    query: { cursor: f.cursor, wait: f.route.endsWith('poll') ? (f.wait ?? '0') : undefined, before: f.before, limit: f.limit, ticket: undefined, origin: undefined },
    repeatParam: false,
    body: JSON.stringify(body).replace('"__VISITOR__"', '"VISITOR0"'),
    contentType: 'application/json' as string | undefined,
  };
});

const fuzzCase = fc.oneof({ weight: 3, arbitrary: wildCase }, { weight: 2, arbitrary: focusedCase });
type FuzzCase = typeof fuzzCase extends fc.Arbitrary<infer T> ? T : never;

// ---- one case --------------------------------------------------------------

async function runCase(c: FuzzCase): Promise<void> {
  const r = ROUTES[c.route];
  const v0 = visitors[0];
  const fill = (s: string) => s.replace('VISITOR0', v0.visitorId).replace('VISITOR1', visitors[1].visitorId).replace('__SELF__', sc.origin);
  const params = new URLSearchParams();
  for (const k of r.query) {
    const val = (c.query as Record<string, string | undefined>)[k];
    if (val === undefined) continue;
    params.append(k, fill(val));
    if (c.repeatParam && k === 'wait') params.append(k, '1');
  }
  let path = r.path({ id: encodeURIComponent(fill(c.id)).replace(/%25/g, Math.random() < 0.5 ? '%' : '%25') });
  const qs = params.toString();
  if (qs) path += '?' + qs;
  const headers: Record<string, string> = {};
  if (c.auth === 'visitor') headers.authorization = `Bearer ${v0.token}`;
  if (c.auth === 'agent') headers.authorization = `Bearer ${agent}`;
  if (c.auth === 'garbage') headers.authorization = 'Bearer ' + fill(c.id);
  const method = c.wrongMethod ? (r.method === 'GET' ? 'POST' : 'GET') : r.method;
  let body: string | undefined;
  if (method === 'POST') {
    body = fill(c.body);
    if (c.contentType) headers['content-type'] = c.contentType;
  }
  stats.cases++;
  const ac = new AbortController();
  const holdMs = r.holds ? 150 : 10_000;
  const timer = setTimeout(() => ac.abort(), holdMs);
  let status: number;
  let textBody: string;
  let resHeaders: Headers;
  try {
    const res = await fetch(sc.url + path, { method, headers, body, signal: ac.signal });
    status = res.status;
    resHeaders = res.headers;
    textBody = r.holds && status === 200 ? '' : await res.text();
    if (r.holds && status === 200) ac.abort();
  } catch (err) {
    clearTimeout(timer);
    if ((err as Error).name !== 'AbortError') {
      failures.push(`${method} ${path}: ${(err as Error).message}`);
      return;
    }
    // Held: only a poll or stream may wait, and only with parameters it accepted.
    if (!r.holds) failures.push(`${method} ${path}: no answer within ${holdMs} ms`);
    stats.held++;
    return;
  } finally {
    clearTimeout(timer);
  }
  stats.byStatus.set(status, (stats.byStatus.get(status) ?? 0) + 1);
  let json: unknown;
  try { json = JSON.parse(textBody); } catch { json = undefined; }
  const answer = { status, headers: resHeaders, text: textBody, json };
  if (status >= 200 && status < 300) {
    stats.ok2xx++;
    // The message paths exist for both methods (history and send), so a switched method is another route.
    const sibling = method !== r.method && /\/messages(\?|$)/.test(path);
    if (!sibling && (!r.ok.includes(status) || method !== r.method)) failures.push(`${method} ${path}: unexpected ${status}`);
    if (leaksInternals(textBody) && c.route !== 'asset') failures.push(`${method} ${path}: 2xx body leaks internals`);
    // Any POST to a messages path sends, whichever route the case meant to call.
    if (method === 'POST' && /\/messages(\?|$)/.test(path) && (status === 201 || status === 200)) {
      const m = (json as { message?: { mid: number; content: string; from: string; to: string } }).message;
      if (!m) failures.push(`${method} ${path}: ${status} without a message`);
      else {
        const sent = String((JSON.parse(body!) as { content: unknown }).content);
        if (status === 201) {
          if (m.content !== sent.trim()) failures.push(`${path}: stored content differs from what was sent`);
          acked.set(m.mid, m.content);
        } else if (acked.get(m.mid) !== m.content) {
          // 200: a clientId used before answers with the message first stored under it.
          failures.push(`${path}: 200 with a message that was never acknowledged`);
        }
      }
    }
    if (sibling) return;
    if (c.route === 'vhistory' || (c.route === 'vpoll' && json)) {
      for (const m of (json as { messages: Array<{ from: string; to: string }> }).messages ?? []) {
        if (m.from !== v0.visitorId && m.to !== v0.visitorId) failures.push(`${path}: a visitor saw another conversation's row`);
      }
    }
    return;
  }
  if (status === 304 && c.route === 'asset') return;
  stats.err4xx++;
  if (!isProtocolError(answer)) failures.push(`${method} ${path} [${c.auth}] body ${JSON.stringify(body)?.slice(0, 80)}: ${status} ${textBody.slice(0, 160)}`);
}

describe('fuzzing every route', () => {
  it(`answers ${RUNS} random and malformed requests with a correct 2xx or a protocol 4xx, and stays up`, async () => {
    const t0 = performance.now();
    await fc.assert(
      fc.asyncProperty(fuzzCase, async (c) => {
        const before = failures.length;
        await runCase(c);
        return failures.length === before;
      }),
      { numRuns: RUNS, endOnFailure: true, seed: process.env.KEFU_FUZZ_SEED ? Number(process.env.KEFU_FUZZ_SEED) : undefined },
    ).catch((err: Error) => { failures.push(err.message.split('\n').slice(0, 6).join(' | ')); });
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    console.info(`[fuzz] ${stats.cases} cases in ${seconds}s: ${stats.ok2xx} 2xx, ${stats.err4xx} 4xx, ${stats.held} held polls/streams; statuses ${JSON.stringify([...stats.byStatus].sort())}`);
    expect(failures.slice(0, 10)).toEqual([]);
    expect(stats.cases).toBeGreaterThanOrEqual(RUNS);
    const health = await fetch(sc.url + '/health');
    expect(health.status).toBe(200);
  }, 170_000);

  it('leaves only well-formed, acknowledged rows in the tables', async () => {
    const [rows] = await db.query<mysql.RowDataPacket[]>(`SELECT mid, pos, rec, content, isread FROM \`${sc.prefix}kefu_msg\``);
    const bad: string[] = [];
    for (const r of rows) {
      const content = String(r.content);
      if (!acked.has(Number(r.mid))) bad.push(`mid ${r.mid} was never acknowledged`);
      else if (acked.get(Number(r.mid)) !== content) bad.push(`mid ${r.mid} content differs from the acknowledged text`);
      if (!content.isWellFormed() || content.includes('\0') || content !== content.trim() || !content.length || [...content].length > 4000) bad.push(`mid ${r.mid} content is not clean text`);
      if (!/^(v_[A-Za-z0-9_-]{22}|admin|agent:[A-Za-z0-9_.@-]{1,57})$/.test(String(r.pos)) || !/^(v_[A-Za-z0-9_-]{22}|admin)$/.test(String(r.rec))) bad.push(`mid ${r.mid} has pos/rec ${r.pos}/${r.rec}`);
    }
    expect(rows.length).toBe(acked.size);
    const [vs] = await db.query<mysql.RowDataPacket[]>(`SELECT id, name, email, page, referrer FROM \`${sc.prefix}kefu_visitor\``);
    for (const v of vs) {
      if (!/^v_[A-Za-z0-9_-]{22}$/.test(String(v.id))) bad.push(`visitor row ${v.id}`);
      for (const k of ['name', 'email', 'page', 'referrer']) {
        const s = v[k] as string | null;
        if (s !== null && (!s.isWellFormed() || s.includes('\0'))) bad.push(`visitor ${v.id} ${k} is not clean text`);
      }
    }
    const [evs] = await db.query<mysql.RowDataPacket[]>(`SELECT payload FROM \`${sc.prefix}kefu_event\``);
    for (const e of evs) { try { JSON.parse(String(e.payload)); } catch { bad.push('an event row is not JSON'); } }
    expect(bad.slice(0, 10)).toEqual([]);
    console.info(`[fuzz] tables: ${rows.length} message rows (all acknowledged and clean), ${vs.length} visitors, ${evs.length} events`);
  });
});
