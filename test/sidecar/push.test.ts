// Web Push from a real sidecar to a push service on this machine
// (test/helpers/push-service.ts), which checks the VAPID signature and
// decrypts each notification with the subscription's own keys, as a browser's
// push service and the browser would. The routes and their refusals, who gets
// what, expired subscriptions (410), unsubscribing, and on two processes
// sharing one MySQL: one key pair, one notification per message.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSidecar, useTwoProcesses, type TestSidecar } from '../helpers/sidecar.js';
import { call, newVisitor, send } from '../helpers/api.js';
import { startPushService, type LocalPushService } from '../helpers/push-service.js';

const ALLOW_HTTP = { KEFU_PUSH_ALLOW_HTTP_ENDPOINTS: '1', KEFU_VAPID_SUBJECT: 'mailto:owner@example.com' };
const PAGE = 'https://example.com/wp-admin/admin.php?page=kefu';

/** Waits until every process has handled every row up to `mid`: then a missing notification is truly missing. */
async function settled(processes: TestSidecar[], mid: number): Promise<void> {
  await vi.waitFor(() => {
    for (const sc of processes) expect(sc.rt.feed.seenMax).toBeGreaterThanOrEqual(mid);
  }, { timeout: 10_000 });
  await Promise.all(processes.map((sc) => sc.rt.push.notifier.idle()));
}

describe('web push from one sidecar', () => {
  let sc: TestSidecar;
  let svc: LocalPushService;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    svc = await startPushService();
    sc = await startSidecar({ env: ALLOW_HTTP });
    alice = await sc.agentToken(1, 'Alice');
    bob = await sc.agentToken(2, 'Bob');
    for (const token of [alice, bob]) await call(sc.url, '/api/agent/push/key', { token });
    for (const token of [alice, bob]) expect((await call(sc.url, '/api/agent/presence', { token, body: { status: 'online' } })).status).toBe(204);
  });
  afterAll(async () => {
    await sc?.stop();
    await svc?.close();
  });

  it('gives agents, and only agents, the VAPID public key', async () => {
    const r = await call(sc.url, '/api/agent/push/key', { token: alice });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body.publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
    expect((await call(sc.url, '/api/agent/push/key', { token: bob })).body.publicKey).toBe(r.body.publicKey);
    expect((await call(sc.url, '/api/agent/push/key')).status).toBe(401);
    const visitor = await newVisitor(sc.url);
    expect((await call(sc.url, '/api/agent/push/key', { token: visitor.token })).status).toBe(403);
    expect((await call(sc.url, '/api/agent/push/subscriptions', { token: visitor.token, body: svc.device('v').subscription })).status).toBe(403);
  });

  it('refuses subscriptions that are not a browser\'s', async () => {
    const good = svc.device('checks').subscription;
    const bad: Array<[string, unknown]> = [
      ['plain http elsewhere', { ...good, endpoint: 'http://push.example.com/x' }],
      ['an address, not a host name', { ...good, endpoint: 'https://10.0.0.7/push' }],
      ['a local name', { ...good, endpoint: 'https://metadata/push' }],
      ['credentials', { ...good, endpoint: 'https://user:pw@push.example.com/x' }],
      ['no keys', { endpoint: good.endpoint }],
      ['a short key', { ...good, keys: { ...good.keys, p256dh: good.keys.p256dh.slice(0, 80) } }],
      ['a compressed key', { ...good, keys: { ...good.keys, p256dh: Buffer.concat([Buffer.from([2]), Buffer.from(good.keys.p256dh, 'base64url').subarray(1)]).toString('base64url') } }],
      ['a long auth secret', { ...good, keys: { ...good.keys, auth: Buffer.alloc(32, 1).toString('base64url') } }],
      ['not base64url', { ...good, keys: { ...good.keys, auth: 'not base64!' } }],
      ['a language the console does not speak', { ...good, lang: 'fr' }],
      ['a page that is not http', { ...good, page: 'javascript:alert(1)' }],
    ];
    for (const [why, body] of bad) {
      const r = await call(sc.url, '/api/agent/push/subscriptions', { token: alice, body });
      expect({ why, status: r.status, code: r.body?.error?.code }).toEqual({ why, status: 400, code: 'bad_request' });
    }
    const again = await startSidecar({ env: { KEFU_VAPID_SUBJECT: 'mailto:owner@example.com' } });
    try {
      // Without the test flag, not even the loopback address.
      const token = await again.agentToken(1, 'Alice');
      expect((await call(again.url, '/api/agent/push/subscriptions', { token, body: good })).status).toBe(400);
    } finally {
      await again.stop();
    }
  });

  it('pushes a visitor\'s new conversation to every agent, signed and encrypted for each device', async () => {
    const phone = svc.device('alice-phone');
    const laptop = svc.device('bob-laptop');
    const first = await call(sc.url, '/api/agent/push/subscriptions', { token: alice, body: { ...phone.subscription, lang: 'zh-CN', page: PAGE }, headers: { 'user-agent': 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36' } });
    expect(first.status).toBe(201);
    expect(first.body.subscription).toMatchObject({ label: 'Chrome 131, Android 14', lang: 'zh-CN', page: PAGE, lastOkAt: null });
    expect(JSON.stringify(first.body)).not.toContain(phone.subscription.keys.auth);
    expect((await call(sc.url, '/api/agent/push/subscriptions', { token: alice, body: { ...phone.subscription, lang: 'zh-CN', page: PAGE } })).status).toBe(200);
    expect((await call(sc.url, '/api/agent/push/subscriptions', { token: bob, body: laptop.subscription })).status).toBe(201);
    const key = (await call(sc.url, '/api/agent/push/key', { token: alice })).body.publicKey as string;

    const ann = await newVisitor(sc.url, { name: 'Ann' });
    const sent = await send(sc.url, ann.token, 'Hello! Is the blue kettle in stock? '.repeat(6));
    expect(sent.status).toBe(201);
    await vi.waitFor(() => expect(svc.received.map((d) => d.device).sort()).toEqual(['alice-phone', 'bob-laptop']), { timeout: 10_000 });
    expect(svc.rejected).toEqual([]);

    const byDevice = Object.fromEntries(svc.received.map((d) => [d.device, d]));
    for (const d of svc.received) {
      expect(d.vapidKey).toBe(key);
      expect(d.claims).toMatchObject({ aud: svc.origin, sub: 'mailto:owner@example.com' });
      expect(d.headers.urgency).toBe('high');
      expect(d.headers.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
    }
    const body = ('Hello! Is the blue kettle in stock? '.repeat(6).trim()).slice(0, 119) + '…';
    expect(byDevice['alice-phone'].payload).toEqual({ title: '新对话：Ann', body, visitorId: ann.visitorId, url: `${PAGE}#conversation=${ann.visitorId}` });
    expect(byDevice['bob-laptop'].payload).toEqual({ title: 'New conversation: Ann', body, visitorId: ann.visitorId, url: null });
  });

  it('sends a message in an owned conversation to its owner only', async () => {
    const ann = await newVisitor(sc.url, { name: 'Ann' });
    await send(sc.url, ann.token, 'first');
    const claim = await call(sc.url, `/api/agent/conversations/${ann.visitorId}/assign`, { token: alice, body: { agent: 'agent:2' } });
    expect(claim.status).toBe(200);
    const next = await send(sc.url, ann.token, 'for Bob only');
    await settled([sc], next.body.message.mid);
    const forIt = svc.received.filter((d) => d.payload.visitorId === ann.visitorId);
    expect(forIt.filter((d) => d.payload.body === 'first').map((d) => d.device).sort()).toEqual(['alice-phone', 'bob-laptop']);
    expect(forIt.filter((d) => d.payload.body === 'for Bob only').map((d) => [d.device, d.payload.title])).toEqual([['bob-laptop', 'Ann']]);
  });

  it('removes a subscription whose push service answers 410 Gone, and one its agent turned off', async () => {
    const old = svc.device('old-tablet');
    expect((await call(sc.url, '/api/agent/push/subscriptions', { token: alice, body: old.subscription })).status).toBe(201);
    svc.answer('old-tablet', 410);
    const before = (await sc.rt.store.push.targets('all', new Date(0))).length;
    const visitor = await newVisitor(sc.url);
    const m = await send(sc.url, visitor.token, 'anyone?');
    await settled([sc], m.body.message.mid);
    const left = await sc.rt.store.push.targets('all', new Date(0));
    expect(left.length).toBe(before - 1);
    expect(left.map((s) => s.endpoint)).not.toContain(old.subscription.endpoint);
    expect(left.find((s) => s.endpoint.endsWith('/alice-phone'))?.lastOkAt).toBeTruthy();

    // Bob turns push off on his laptop; a DELETE for someone else's endpoint changes nothing.
    const laptop = svc.device('bob-laptop').subscription.endpoint.replace(/bob-laptop$/, 'bob-laptop');
    expect((await call(sc.url, '/api/agent/push/subscriptions', { method: 'DELETE', token: alice, body: { endpoint: laptop } })).status).toBe(204);
    expect((await sc.rt.store.push.targets(['agent:2'], new Date(0))).length).toBe(1);
    expect((await call(sc.url, '/api/agent/push/subscriptions', { method: 'DELETE', token: bob, body: { endpoint: laptop } })).status).toBe(204);
    expect((await call(sc.url, '/api/agent/push/subscriptions', { method: 'DELETE', token: bob, body: { endpoint: laptop } })).status).toBe(204);
    expect(await sc.rt.store.push.targets(['agent:2'], new Date(0))).toEqual([]);
    const count = svc.received.length;
    const next = await send(sc.url, visitor.token, 'still there?');
    await settled([sc], next.body.message.mid);
    expect(svc.received.slice(count).map((d) => d.device)).toEqual(['alice-phone']);
  });
});

describe('web push from two processes on one MySQL', () => {
  const both = useTwoProcesses();
  let svc: LocalPushService;

  beforeAll(async () => {
    svc = await startPushService();
  });
  afterAll(() => svc?.close());

  it('signs with one key pair, and sends each message once, whoever wrote it', async () => {
    // useTwoProcesses starts them without the test flag; these two share its tables.
    const { a: first } = both;
    const a = await startSidecar({ store: 'mysql', prefix: first.prefix, env: ALLOW_HTTP });
    const b = await startSidecar({ store: 'mysql', prefix: first.prefix, env: ALLOW_HTTP });
    try {
      const token = await a.agentToken(5, 'Eve');
      const keys = await Promise.all([a, b, first].map(async (p) => (await call(p.url, '/api/agent/push/key', { token })).body.publicKey));
      expect(new Set(keys).size).toBe(1);
      await call(a.url, '/api/agent/presence', { token, body: { status: 'online' } });
      const device = svc.device('eve-phone');
      expect((await call(b.url, '/api/agent/push/subscriptions', { token, body: device.subscription })).status).toBe(201);

      const visitor = await newVisitor(a.url, { name: 'Zhang' });
      const viaA = await send(a.url, visitor.token, 'through process a');
      // A row the site's PHP wrote: every process meets it through its tail.
      const php = await first.rt.store.insertMessage({ from: visitor.visitorId, to: 'admin', content: 'written by PHP', clientId: null, fromName: null });
      const viaB = await send(b.url, visitor.token, 'through process b');
      const last = Math.max(viaA.body.message.mid, php.message.mid, viaB.body.message.mid);
      await settled([a, b, first], last);
      expect(svc.rejected).toEqual([]);
      expect(svc.received.map((d) => d.payload.body).sort()).toEqual(['through process a', 'through process b', 'written by PHP']);
      expect(svc.received.every((d) => d.vapidKey === keys[0])).toBe(true);
    } finally {
      await b.stop({ keepData: true });
      await a.stop({ keepData: true });
    }
  });
});
