import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { call, newVisitor, send } from '../helpers/api.js';

/** Reads a held stream chunk by chunk until `until` says enough (or the deadline). */
function openStream(url: string, until: (text: string) => boolean, ms = 10_000) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string; ended: boolean }>((resolve, reject) => {
    const req = http.get(url, (res) => {
      let text = '';
      let done = false;
      const finish = (ended: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode!, headers: res.headers, text, ended });
      };
      const timer = setTimeout(() => finish(false), ms);
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; if (until(text)) finish(false); });
      res.on('end', () => finish(true));
    });
    req.on('error', reject);
  });
}

/** The events of a stream body, parsed back from its script chunks. */
function events(text: string): any[] {
  return [...text.matchAll(/<script nonce="[^"]+">parent\.postMessage\((.*?), "([^"]+)"\)<\/script>/g)].map((m) => JSON.parse(m[1]).kefu);
}

describe('agent hidden-iframe stream', () => {
  let s: TestSidecar;
  let agent: string;

  beforeAll(async () => {
    s = await startSidecar({ store: 'sqlite', env: { KEFU_ALLOWED_ORIGINS: 'https://shop.example', KEFU_PING_INTERVAL_MS: '300' } });
    agent = await s.agentToken(3, 'Cai');
  });
  afterAll(() => s?.stop());

  const ticket = async () => (await call(s.url, '/api/agent/stream-ticket', { token: agent, method: 'POST' })).body.ticket as string;
  const streamUrl = (t: string, origin = s.origin, cursor?: string) =>
    `${s.url}/agent/stream?ticket=${encodeURIComponent(t)}&origin=${encodeURIComponent(origin)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;

  it('answers with an HTML prelude of at least 2 KiB, held open, uncached and unbuffered', async () => {
    const r = await openStream(streamUrl(await ticket()), (t) => t.length > 2048);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['x-accel-buffering']).toBe('no');
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.text.startsWith('<!DOCTYPE html><html><head>')).toBe(true);
    expect(Buffer.byteLength(r.text)).toBeGreaterThanOrEqual(2048);
    expect(r.ended).toBe(false);
  });

  it('carries a hostile message intact inside one harmless script chunk', async () => {
    const v = await newVisitor(s.url);
    const evil = '</script><script>alert(1)</script> \u2028 \u2029 & <!-- "quotes"';
    const t = await ticket();
    const pending = openStream(streamUrl(t, 'https://shop.example'), (x) => x.includes('alert'));
    await new Promise((r) => setTimeout(r, 150));
    const sent = await send(s.url, v.token, evil);
    const r = await pending;
    // The raw bytes never contain the closing tag or raw line separators from the text.
    const chunks = r.text.split('\n').filter((l) => l.startsWith('<script'));
    for (const c of chunks) expect(c.match(/<\/script>/g)).toHaveLength(1);
    expect(r.text).not.toMatch(/[\u2028\u2029]/);
    expect(r.text).toContain('"https://shop.example")</script>');
    const msg = events(r.text).find((e) => e.type === 'message');
    expect(msg.message).toMatchObject({ mid: sent.body.message.mid, content: evil.trim() });
    expect(typeof msg.cursor).toBe('string');
  });

  it('pings while idle', async () => {
    const r = await openStream(streamUrl(await ticket()), (x) => events(x).some((e) => e.type === 'ping'), 5000);
    expect(events(r.text).map((e) => e.type)).toContain('ping');
  });

  it('accepts a ticket once', async () => {
    const t = await ticket();
    const first = await openStream(streamUrl(t), (x) => x.length > 2048);
    expect(first.status).toBe(200);
    const again = await call(s.url, streamUrl(t).slice(s.url.length));
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('unauthorized');
  });

  it('refuses an origin that is neither its own nor allowed', async () => {
    const r = await call(s.url, streamUrl(await ticket(), 'https://evil.example').slice(s.url.length));
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ error: { code: 'forbidden', message: 'origin not allowed' } });
    const sneaky = await call(s.url, streamUrl(await ticket(), 'https://shop.example.evil.example').slice(s.url.length));
    expect(sneaky.status).toBe(403);
  });

  it('refuses a visitor ticket on the agent stream and a forged ticket', async () => {
    const v = await newVisitor(s.url);
    const vt = (await call(s.url, '/api/visitor/stream-ticket', { token: v.token, method: 'POST' })).body.ticket;
    expect((await call(s.url, streamUrl(vt).slice(s.url.length))).status).toBe(403);
    expect((await call(s.url, streamUrl(agent).slice(s.url.length))).status).toBe(401);
    expect((await call(s.url, streamUrl('a.b.c').slice(s.url.length))).status).toBe(401);
  });

  it('lets a visitor stream acknowledge, on reconnect, what its cursor covers', async () => {
    const v = await newVisitor(s.url);
    const reply = await call(s.url, `/api/agent/conversations/${v.visitorId}/messages`, { token: agent, body: { content: 'seen via stream' } });
    const vt = async () => (await call(s.url, '/api/visitor/stream-ticket', { token: v.token, method: 'POST' })).body.ticket as string;
    const url = (t: string, c: string) => `${s.url}/visitor/stream?ticket=${encodeURIComponent(t)}&origin=${encodeURIComponent(s.origin)}&cursor=${encodeURIComponent(c)}`;
    const first = await openStream(url(await vt(), v.cursor), (x) => x.includes('seen via stream'));
    const got = events(first.text).find((e) => e.type === 'message');
    expect(got.message.mid).toBe(reply.body.message.mid);
    const read = async () => (await s.rt.store.history({ kind: 'visitor', visitorId: v.visitorId }, null, 10)).find((m) => m.mid === got.message.mid)!.read;
    // Written to the frame is not received: nothing is marked yet.
    expect(await read()).toBe(false);
    await openStream(url(await vt(), got.cursor), (x) => x.length > 2048);
    // Receipts are written behind delivery, within a tail interval or so.
    await expect.poll(read, { timeout: 3000 }).toBe(true);
  });

  it('ends with reconnect and a cursor that resumes without loss', async () => {
    const short = await startSidecar({ store: 'sqlite', env: { KEFU_STREAM_MAX_MS: '1000' } });
    try {
      const tok = await short.agentToken(1, 'A');
      const tk = async () => (await call(short.url, '/api/agent/stream-ticket', { token: tok, method: 'POST' })).body.ticket;
      const url = (t: string, c?: string) => `${short.url}/agent/stream?ticket=${encodeURIComponent(t)}&origin=${encodeURIComponent(short.origin)}${c ? `&cursor=${encodeURIComponent(c)}` : ''}`;
      const first = await openStream(url(await tk()), () => false, 5000);
      expect(first.ended).toBe(true);
      const last = events(first.text).at(-1);
      expect(last.type).toBe('reconnect');
      const v = await newVisitor(short.url);
      const sent = await send(short.url, v.token, 'while reconnecting');
      const second = await openStream(url(await tk(), last.cursor), (x) => x.includes('while reconnecting'), 5000);
      expect(events(second.text).filter((e) => e.type === 'message').map((e) => e.message.mid)).toEqual([sent.body.message.mid]);
    } finally {
      await short.stop();
    }
  });
});
