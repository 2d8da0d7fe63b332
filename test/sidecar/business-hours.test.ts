// Business hours on the real sidecar: outside them visitors hear of nobody
// online (session, polls, the team answer) whoever is, and when the team is
// back; agents keep the true count and a visitor may still write; with
// KEFU_OUTSIDE_HOURS=hide, widget.js itself tells the launcher to stay away.
// The schedules are built around now, in a zone where it is about noon.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { call, newVisitor, poll, send } from '../helpers/api.js';
import { noonZone } from '../helpers/noon-zone.js';
import { PUBLIC_DIR } from '../ui/public-dir.js';
import type { TeamAnswer } from '../../protocol/wire.js';

const z = noonZone();
/** Closed since a minute ago, every day: open again tomorrow at 09:00 there. */
const CLOSED = `mon-sun 09:00-${z.hhmm(-1)}`;
const OPEN = 'mon-sun 09:00-16:00';
const BUILT = readFileSync(join(PUBLIC_DIR, 'widget.js'));

/** Without business hours: as ever. */
let plain: TestSidecar;
beforeAll(async () => {
  plain = await startSidecar({ publicDir: PUBLIC_DIR });
});
afterAll(() => plain?.stop());

/** A sidecar with the given hours and one agent online. */
function sidecarWith(env: Record<string, string>) {
  const s = {} as { sidecar: TestSidecar; agent: string };
  beforeAll(async () => {
    s.sidecar = await startSidecar({ publicDir: PUBLIC_DIR, env: { KEFU_BUSINESS_TZ: z.zone, ...env } });
    s.agent = await s.sidecar.agentToken(1, 'Ann');
    expect((await call(s.sidecar.url, '/api/agent/presence', { token: s.agent, body: { status: 'online' } })).status).toBe(204);
  });
  afterAll(() => s.sidecar?.stop());
  return s;
}

async function widgetJs(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/widget.js`, { headers: { 'accept-encoding': 'identity', ...headers }, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, cacheControl: res.headers.get('cache-control'), etag: res.headers.get('etag'), body: Buffer.from(await res.arrayBuffer()) };
}

describe('outside business hours, with an agent online', () => {
  const s = sidecarWith({ KEFU_BUSINESS_HOURS: CLOSED });

  it('the team answer says closed, when the team is back, and nobody online', async () => {
    const r = await call<TeamAnswer>(s.sidecar.url, '/api/visitor/team');
    expect(r.status).toBe(200);
    expect(r.body.hours).toEqual({ open: false, opensAt: z.at(1, 9).toISOString() });
    expect(r.body.agentsOnline).toBe(0);
    expect(r.body.agents).toEqual([expect.objectContaining({ id: 'agent:1', name: 'Ann', online: false })]);
    expect(r.headers.get('cache-control')).toBe('public, max-age=5');
  });

  it('a visitor\'s session and polls say nobody is online; the agents\' polls keep the true count', async () => {
    const v = await newVisitor(s.sidecar.url);
    expect(v.agentsOnline).toBe(0);
    expect((await poll(s.sidecar.url, 'visitor', v.token, v.cursor)).body.agentsOnline).toBe(0);
    expect((await poll(s.sidecar.url, 'agent', s.agent, null)).body.agentsOnline).toBe(1);
  });

  it('a visitor may still write, and an agent who is online still answers', async () => {
    const v = await newVisitor(s.sidecar.url);
    expect((await send(s.sidecar.url, v.token, 'Are you there?')).status).toBe(201);
    const reply = await call(s.sidecar.url, `/api/agent/conversations/${v.visitorId}/messages`, { token: s.agent, body: { content: 'Yes, still here.' } });
    expect(reply.status).toBe(201);
    const got = await poll(s.sidecar.url, 'visitor', v.token, v.cursor);
    expect(got.body.messages.map((m: { content: string }) => m.content)).toEqual(['Are you there?', 'Yes, still here.']);
  });

  it('serves widget.js as built: the offline form needs nothing of it', async () => {
    const js = await widgetJs(s.sidecar.url);
    expect(js.body.equals(BUILT)).toBe(true);
    expect(js.cacheControl).toBe('public, max-age=300');
  });
});

describe('outside business hours with KEFU_OUTSIDE_HOURS=hide', () => {
  const s = sidecarWith({ KEFU_BUSINESS_HOURS: CLOSED, KEFU_OUTSIDE_HOURS: 'hide' });

  it('declares KEFU_HIDE_LAUNCHER at the top of widget.js, which the launcher reads', async () => {
    expect(BUILT.toString()).toContain('typeof KEFU_HIDE_LAUNCHER');
    const js = await widgetJs(s.sidecar.url);
    expect(js.status).toBe(200);
    expect(js.body.subarray(0, 28).toString()).toBe('const KEFU_HIDE_LAUNCHER=1;\n');
    expect(js.body.subarray(28).equals(BUILT)).toBe(true);
    expect(js.etag).not.toBe((await widgetJs(plain.url)).etag);
    expect((await widgetJs(s.sidecar.url, { 'if-none-match': js.etag! })).status).toBe(304);
    // The gzipped copy is the same file.
    const gz = await fetch(`${s.sidecar.url}/widget.js`, { signal: AbortSignal.timeout(10_000) });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect((await gz.text()).startsWith('const KEFU_HIDE_LAUNCHER=1;')).toBe(true);
  });

  it('still answers visitors with a conversation, like the offline form', async () => {
    const r = await call<TeamAnswer>(s.sidecar.url, '/api/visitor/team');
    expect(r.body).toMatchObject({ agentsOnline: 0, hours: { open: false } });
  });
});

describe('inside business hours', () => {
  const s = sidecarWith({ KEFU_BUSINESS_HOURS: OPEN, KEFU_OUTSIDE_HOURS: 'hide' });

  it('changes nothing visitors hear but adds the hours', async () => {
    const r = await call<TeamAnswer>(s.sidecar.url, '/api/visitor/team');
    expect(r.body).toMatchObject({ agentsOnline: 1, agents: [{ id: 'agent:1', online: true }], hours: { open: true, opensAt: null } });
    expect((await newVisitor(s.sidecar.url)).agentsOnline).toBe(1);
    expect(r.headers.get('cache-control')).toBe('public, max-age=5');
  });

  it('serves widget.js as built', async () => {
    const js = await widgetJs(s.sidecar.url);
    expect(js.body.equals(BUILT)).toBe(true);
    expect(js.cacheControl).toBe('public, max-age=300');
  });
});

describe('an opening or closing within the caches\' lifetimes', () => {
  // Closes within two minutes: nothing may be kept past that.
  const s = sidecarWith({ KEFU_BUSINESS_HOURS: `mon-sun 09:00-${z.hhmm(2)}`, KEFU_OUTSIDE_HOURS: 'hide' });

  it('keeps widget.js no longer than the hours stay as they are', async () => {
    const js = await widgetJs(s.sidecar.url);
    expect(js.body.equals(BUILT)).toBe(true);
    // The closing is the next minute but one: 60 to 120 s away.
    const maxAge = Number(/^public, max-age=(\d+)$/.exec(js.cacheControl ?? '')?.[1]);
    expect(maxAge).toBeGreaterThan(50);
    expect(maxAge).toBeLessThanOrEqual(120);
  });
});

describe('without business hours', () => {
  it('answers as before: no hours, widget.js as built', async () => {
    const r = await call<TeamAnswer>(plain.url, '/api/visitor/team');
    expect(r.body).not.toHaveProperty('hours');
    const js = await widgetJs(plain.url);
    expect(js.body.equals(BUILT)).toBe(true);
    expect(js.cacheControl).toBe('public, max-age=300');
  });
});
