import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Backoff } from '../../client/backoff.js';
import { createIntervalPollTransport } from '../../client/interval-poll-transport.js';
import { createLongPollTransport } from '../../client/long-poll-transport.js';
import { VisitorApi } from '../../client/visitor-api.js';
import type { Transport } from '../../client/transport.js';
import type { FeedBatch, FeedStatus } from '../../client/types.js';

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

/** A tiny real HTTP server standing in for the poll route, scripted per test. */
let server: Server;
let base: string;
let handler: Handler;
const seen: { cursor: string | null; wait: string | null; auth: string | undefined }[] = [];
let transport: Transport | undefined;

beforeEach(async () => {
  seen.length = 0;
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push({ cursor: url.searchParams.get('cursor'), wait: url.searchParams.get('wait'), auth: req.headers.authorization });
    handler(req, res, url);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  transport?.stop();
  transport = undefined;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const message = (mid: number) => ({ mid, from: 'agent:1', to: 'v_x', content: `m${mid}`, createdAt: new Date().toISOString(), read: false });

function collect() {
  const batches: FeedBatch[] = [];
  const statuses: FeedStatus[] = [];
  return { batches, statuses, handlers: { onBatch: (b: FeedBatch) => batches.push(b), onStatus: (s: FeedStatus) => statuses.push(s) } };
}

const quick = () => new Backoff({ baseMs: 20, maxMs: 40, minMs: 10 });

describe('long-poll transport', () => {
  it('passes back the last cursor it got, with the token and the default wait', async () => {
    let n = 0;
    handler = (_req, res) => {
      n++;
      if (n <= 3) json(res, 200, { messages: [message(n)], cursor: `c${n}`, agentsOnline: 1, events: [] });
    };
    const api = new VisitorApi(base, 'tok');
    const c = collect();
    transport = createLongPollTransport((cur, wait, signal) => api.poll(cur, wait, signal), c.handlers);
    transport.start('c0');
    await vi.waitFor(() => expect(seen.length).toBe(4), { timeout: 5000 });
    expect(seen.map((s) => s.cursor)).toEqual(['c0', 'c1', 'c2', 'c3']);
    expect(seen[0]).toMatchObject({ wait: '25', auth: 'Bearer tok' });
    expect(c.batches.map((b) => b.messages[0].mid)).toEqual([1, 2, 3]);
    expect(c.batches[2].cursor).toBe('c3');
    expect(transport.cursor).toBe('c3');
  });

  it('starts without a cursor when it has none', async () => {
    handler = () => {};
    const api = new VisitorApi(base, 'tok');
    transport = createLongPollTransport((cur, wait, signal) => api.poll(cur, wait, signal), collect().handlers);
    transport.start(undefined);
    await vi.waitFor(() => expect(seen.length).toBe(1), { timeout: 5000 });
    expect(seen[0].cursor).toBeNull();
  });

  it('keeps its cursor through failures, reports reconnecting, and goes live again', async () => {
    let n = 0;
    handler = (_req, res) => {
      n++;
      if (n === 1) return json(res, 200, { messages: [message(1)], cursor: 'c1', events: [] });
      if (n === 2) return json(res, 503, { error: { code: 'unavailable', message: 'database down' } });
      if (n === 3) return res.destroy();
      if (n === 4) return json(res, 200, { messages: [message(2)], cursor: 'c2', events: [] });
    };
    const api = new VisitorApi(base, 'tok');
    const c = collect();
    transport = createLongPollTransport((cur, wait, signal) => api.poll(cur, wait, signal), c.handlers, { backoff: quick() });
    transport.start('c0');
    await vi.waitFor(() => expect(c.batches.length).toBe(2), { timeout: 5000 });
    expect(seen.map((s) => s.cursor).slice(0, 4)).toEqual(['c0', 'c1', 'c1', 'c1']);
    expect(c.statuses).toEqual(['connecting', 'live', 'reconnecting', 'live']);
  });

  it('waits at least Retry-After when rate limited', async () => {
    let n = 0;
    const times: number[] = [];
    handler = (_req, res) => {
      times.push(Date.now());
      n++;
      if (n === 1) return json(res, 429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'retry-after': '1' });
      json(res, 200, { messages: [], cursor: 'c1', events: [] });
    };
    const api = new VisitorApi(base, 'tok');
    transport = createLongPollTransport((cur, wait, signal) => api.poll(cur, wait, signal), collect().handlers, { backoff: quick() });
    transport.start('c0');
    await vi.waitFor(() => expect(times.length).toBeGreaterThanOrEqual(2), { timeout: 5000 });
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(950);
  });

  it('stops and reports a refused token instead of retrying', async () => {
    handler = (_req, res) => json(res, 401, { error: { code: 'unauthorized', message: 'bad token' } });
    const api = new VisitorApi(base, 'tok');
    const fatal = vi.fn();
    transport = createLongPollTransport((cur, wait, signal) => api.poll(cur, wait, signal), { ...collect().handlers, onFatal: fatal }, {
      backoff: quick(),
    });
    transport.start('c0');
    await vi.waitFor(() => expect(fatal).toHaveBeenCalledOnce(), { timeout: 5000 });
    expect(fatal.mock.calls[0][0]).toMatchObject({ status: 401, code: 'unauthorized' });
    // Give a retry the chance to happen: there must be none.
    await new Promise((r) => setTimeout(r, 150));
    expect(seen.length).toBe(1);
  });

  it('abandons the held request when stopped', async () => {
    let closed = false;
    handler = (req) => req.on('close', () => (closed = true));
    const api = new VisitorApi(base, 'tok');
    transport = createLongPollTransport((cur, wait, signal) => api.poll(cur, wait, signal), collect().handlers);
    transport.start('c0');
    await vi.waitFor(() => expect(seen.length).toBe(1), { timeout: 5000 });
    transport.stop();
    await vi.waitFor(() => expect(closed).toBe(true), { timeout: 5000 });
  });
});

describe('interval-poll transport', () => {
  it('asks with wait=0 and pauses between answers', async () => {
    const times: number[] = [];
    handler = (_req, res) => {
      times.push(Date.now());
      json(res, 200, { messages: [], cursor: `c${times.length}`, events: [] });
    };
    const api = new VisitorApi(base, 'tok');
    transport = createIntervalPollTransport((cur, wait, signal) => api.poll(cur, wait, signal), collect().handlers, { intervalMs: 200 });
    transport.start('c0');
    await vi.waitFor(() => expect(times.length).toBeGreaterThanOrEqual(3), { timeout: 5000 });
    expect(seen.every((s) => s.wait === '0')).toBe(true);
    expect(seen.slice(0, 3).map((s) => s.cursor)).toEqual(['c0', 'c1', 'c2']);
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(190);
  });
});
