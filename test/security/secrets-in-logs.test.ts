// No token, secret, password or message text in the logs at the default
// level: a real `kefu serve` process (default log level) is driven through
// normal use, refusals, bad input and a database outage, and everything it
// writes to stdout and stderr is searched.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildSidecarOnce, spawnSidecar, type SidecarProcess } from '../helpers/built-sidecar.js';
import { connectPrivate, freePort, startPrivateMariaDb, type PrivateMariaDb } from '../helpers/private-mariadb.js';
import { request } from '../helpers/http-probe.js';
import { Tokens } from '../../sidecar/auth/tokens.js';

const SECRET = 'log-test-secret-Zq81xW0pLm55dd';
const DB_PASSWORD = 'db-pass-Kp29vv00';
const procs: SidecarProcess[] = [];
let db: PrivateMariaDb;
let dbUrl = '';
let entry = '';

beforeAll(async () => {
  [entry, db] = await Promise.all([buildSidecarOnce(), startPrivateMariaDb()]);
  const c = await connectPrivate(db);
  await c.query(`CREATE USER 'kefu'@'127.0.0.1' IDENTIFIED BY '${DB_PASSWORD}'`);
  await c.query(`GRANT ALL ON kefu.* TO 'kefu'@'127.0.0.1'`);
  await c.end();
  dbUrl = `mysql://kefu:${DB_PASSWORD}@127.0.0.1:${db.port}/kefu`;
});

afterAll(async () => {
  for (const p of procs) await p.kill();
  await db?.destroy();
});

/** Drives a sidecar through what happens in a day; returns every secret and text it was given. */
async function exercise(sc: SidecarProcess, withOutage: boolean): Promise<string[]> {
  const base = sc.origin + '/kefu';
  const secrets: string[] = [SECRET, DB_PASSWORD];
  const agent = await new Tokens(SECRET).agentToken('agent:5', 'Agent Logtest');
  secrets.push(agent);
  const v = (await request(base, '/api/visitor/session', { json: { name: 'Visitor Namexyz', email: 'private.person@example.com', page: 'https://shop.example/secret-page' } })).json as { token: string; visitorId: string; cursor: string };
  secrets.push(v.token, 'private.person@example.com', 'Namexyz', 'secret-page');
  for (let i = 0; i < 3; i++) {
    const text = `my card number is 4111-${i}-confidential`;
    secrets.push(text);
    expect((await request(base, '/api/visitor/messages', { token: v.token, json: { content: text, clientId: `cid-${i}` } })).status).toBe(201);
  }
  const reply = `agent reply with account code ZX-${Date.now()}`;
  secrets.push(reply);
  expect((await request(base, `/api/agent/conversations/${v.visitorId}/messages`, { token: agent, json: { content: reply } })).status).toBe(201);
  const caughtUp = ((await request(base, `/api/visitor/poll?cursor=${encodeURIComponent(v.cursor)}&wait=0`, { token: v.token })).json as { cursor: string }).cursor;
  // Many held polls at once, then all gone: an ordinary moment, which must not log a warning.
  const held = new AbortController();
  const polls = Array.from({ length: 30 }, () => fetch(`${base}/api/visitor/poll?wait=20&cursor=${encodeURIComponent(caughtUp)}`, { headers: { authorization: `Bearer ${v.token}` }, signal: held.signal }).catch(() => undefined));
  await new Promise((r) => setTimeout(r, 1_000)); // the process is outside: give the 30 requests time to reach it and park
  held.abort();
  await Promise.all(polls);
  const t = (await request(base, '/api/agent/stream-ticket', { method: 'POST', token: agent, json: {} })).json as { ticket: string };
  secrets.push(t.ticket);
  const ac = new AbortController();
  await fetch(`${base}/agent/stream?ticket=${t.ticket}&origin=${encodeURIComponent(sc.origin)}`, { signal: ac.signal }).then(() => ac.abort(), () => undefined);
  // Refusals and bad input, each carrying something secret-looking.
  const forged = agent.slice(0, -4) + 'AAAA';
  secrets.push(forged);
  await request(base, '/api/agent/conversations', { token: forged });
  await request(base, '/api/visitor/messages', { token: v.token, json: { content: '\u0000 nul text secretish-nul' } });
  secrets.push('secretish-nul');
  await request(base, '/api/visitor/messages', { token: v.token, body: '{"content": "broken json secretish-broken', headers: { 'content-type': 'application/json' } });
  secrets.push('secretish-broken');
  await request(base, `/agent/stream?ticket=${t.ticket}&origin=${encodeURIComponent(sc.origin)}`); // replay
  await request(base, `/api/visitor/poll?cursor=c1.secretcursorx&wait=0`, { token: v.token });
  if (withOutage) {
    await db.stop();
    const during = `sent during the outage secretish-outage`;
    secrets.push(during);
    expect((await request(base, '/api/visitor/messages', { token: v.token, json: { content: during, clientId: 'cid-out' } })).status).toBe(503);
    await request(base, '/health');
    await new Promise((r) => setTimeout(r, 500)); // a few failing tails, which log
    await db.start();
    await vi.waitFor(async () => { if ((await request(base, '/health')).status !== 200) throw new Error('db not back'); }, { timeout: 20_000 });
    expect((await request(base, '/api/visitor/messages', { token: v.token, json: { content: during, clientId: 'cid-out' } })).status).toBe(201);
  }
  return secrets;
}

function leaks(output: string, secrets: string[]): string[] {
  return secrets.filter((s) => output.includes(s) || output.includes(encodeURIComponent(s)));
}

describe('logs at the default level', () => {
  it('production: nothing secret or private through normal use, refusals, bad input and a database outage', async () => {
    const sc = spawnSidecar(entry, await freePort(), { NODE_ENV: 'production', KEFU_SECRET: SECRET, KEFU_DATABASE_URL: dbUrl, KEFU_TAIL_INTERVAL_MS: '100' });
    procs.push(sc);
    await sc.ready();
    const secrets = await exercise(sc, true);
    await sc.kill('SIGTERM');
    const out = sc.output();
    expect(out).toMatch(/kefu listening/); // the logs were captured at all
    expect(out).toMatch(/tail query failed/); // and the outage was logged
    expect(leaks(out, secrets)).toEqual([]);
    expect(out).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/); // no JWT of any kind
    expect(out).not.toMatch(/INSERT|SELECT|UPDATE/); // no SQL text
    expect(out).not.toMatch(/Warning/); // e.g. Node's MaxListenersExceededWarning for many held polls
    console.info(`[secrets] production log: ${out.split('\n').filter(Boolean).length} lines, ${secrets.length} secrets and texts searched, 0 found`);
  }, 60_000);

  it('development: only the printed sign-in link carries a token (by design); no secret, visitor token or text', async () => {
    const sc = spawnSidecar(entry, await freePort(), { KEFU_SECRET: SECRET, KEFU_DATABASE_URL: dbUrl, KEFU_TAIL_INTERVAL_MS: '100' });
    procs.push(sc);
    await sc.ready();
    const secrets = await exercise(sc, false);
    await sc.kill('SIGTERM');
    const out = sc.output();
    const jwts = [...out.matchAll(/eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g)].map((m) => m[0]);
    expect(jwts.length).toBe(1);
    expect(out).toContain(`/kefu/console#token=${jwts[0]}`);
    expect(leaks(out, secrets)).toEqual([]);
  }, 60_000);
});
