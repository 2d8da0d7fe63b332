// Faults of the sidecar process itself, with real `kefu serve` processes:
// - SIGKILL under load, then a restart on the same port: clients reconnect by
//   themselves (their own backoff) and miss nothing;
// - two processes behind one address (a round-robin TCP front), one killed:
//   every visitor's conversation continues through the other.
// What must hold in both: every message acknowledged (201, or 200 for a retry
// with the same clientId) is shown exactly once to each receiver, in mid
// order; the table holds it once; isread = 1 only for rows the visitor was shown.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import mysql from 'mysql2/promise';
import { buildSidecarOnce, spawnSidecar, type SidecarProcess } from '../helpers/built-sidecar.js';
import { freePort } from '../helpers/private-mariadb.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { connectTestDb, dropPrefixed, TEST_DATABASE_URL, uniquePrefix } from '../helpers/mysql.js';
import { TEST_SECRET } from '../helpers/sidecar.js';
import { SimAgent, SimVisitor, deliveryViolations } from '../helpers/chat-harness.js';
import { Tokens } from '../../sidecar/auth/tokens.js';

let entry: string;
let conn: mysql.Connection;
const prefixes: string[] = [];
const procs: SidecarProcess[] = [];
let proxy: TcpProxy | null = null;

beforeAll(async () => {
  entry = await buildSidecarOnce();
  conn = await connectTestDb();
});

afterEach(async () => {
  for (const p of procs.splice(0)) await p.kill();
  await proxy?.close();
  proxy = null;
});

afterAll(async () => {
  for (const p of prefixes) await dropPrefixed(conn, p);
  await conn?.end();
});

function env(prefix: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    KEFU_SECRET: TEST_SECRET,
    KEFU_DATABASE_URL: TEST_DATABASE_URL,
    KEFU_TABLE_PREFIX: prefix,
    KEFU_TAIL_INTERVAL_MS: '100',
    KEFU_LOG_LEVEL: 'warn',
    // Limits are tested elsewhere; here every client shares 127.0.0.1.
    KEFU_VISITOR_SEND_BURST: '1000', KEFU_VISITOR_SEND_PER_SECOND: '1000', KEFU_IP_SEND_PER_MINUTE: '100000',
  };
}

async function waitUntil(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  await vi.waitFor(() => { if (!cond()) throw new Error(`still waiting for ${what}`); }, { timeout: timeoutMs, interval: 50 });
}

/** Visitors chat with one agent until stopped; returns a stop function that waits for the loops. */
function chatter(agent: SimAgent, visitors: SimVisitor[], label: () => string) {
  let running = true;
  const loops = visitors.map(async (v, i) => {
    let n = 0;
    while (running) {
      const text = `v${i} #${n++} ${label()}`;
      await v.send(text);
      await agent.reply(v.visitorId, `re ${text}`);
      await new Promise((r) => setTimeout(r, 30));
    }
  });
  return async () => { running = false; await Promise.all(loops); };
}

async function checkAll(prefix: string, agent: SimAgent, visitors: SimVisitor[]): Promise<void> {
  const fromVisitors = visitors.flatMap((v) => v.acked);
  await waitUntil(
    () => fromVisitors.every((m) => agent.shown.byMid.has(m.mid)) &&
      visitors.every((v) => agent.acked.filter((m) => m.to === v.visitorId).every((m) => v.shown.byMid.has(m.mid))),
    30_000,
    'every acknowledged message to be shown',
  );
  agent.stop();
  visitors.forEach((v) => v.stop());
  expect([
    ...deliveryViolations('agent', agent.shown, [...fromVisitors, ...agent.acked]),
    ...visitors.flatMap((v, i) => deliveryViolations(`visitor ${i}`, v.shown, agent.acked.filter((m) => m.to === v.visitorId))),
  ]).toEqual([]);
  expect(agent.failures).toEqual([]);
  for (const v of visitors) expect(v.failures).toEqual([]);
  const [rows] = await conn.query<mysql.RowDataPacket[]>(`SELECT mid, rec, isread FROM \`${prefix}kefu_msg\``);
  expect(rows.length).toBe(fromVisitors.length + agent.acked.length);
  const byId = new Map(visitors.map((v) => [v.visitorId, v]));
  for (const r of rows) {
    const v = byId.get(r.rec as string);
    if (v && Number(r.isread) === 1) expect(v.shown.byMid.has(Number(r.mid))).toBe(true);
  }
}

describe('sidecar process faults', () => {
  it('SIGKILL under load and a restart: clients reconnect by themselves and miss nothing', async () => {
    const prefix = uniquePrefix('kill');
    prefixes.push(prefix);
    const port = await freePort();
    let sc = spawnSidecar(entry, port, env(prefix));
    procs.push(sc);
    await sc.ready();
    const origin = sc.origin;
    const retries: number[] = [];
    const opts = { wait: 5, maxRetryDelayMs: 300, onRetry: (s: number) => retries.push(s) };
    const agent = new SimAgent(origin, await new Tokens(TEST_SECRET).agentToken('agent:1', 'Ann'), opts).start();
    const visitors = await Promise.all(Array.from({ length: 6 }, (_, i) => new SimVisitor(origin, opts).start(`V${i}`)));
    let phase = 'before';
    const stop = chatter(agent, visitors, () => phase);

    for (let round = 0; round < 2; round++) {
      const mark = visitors.reduce((n, v) => n + v.acked.length, 0);
      await waitUntil(() => visitors.reduce((n, v) => n + v.acked.length, 0) >= mark + 12, 20_000, 'traffic before the kill');
      await sc.kill('SIGKILL');
      phase = `after kill ${round}`;
      sc = spawnSidecar(entry, port, env(prefix));
      procs.push(sc);
      await sc.ready();
    }
    const mark = visitors.reduce((n, v) => n + v.acked.length, 0);
    await waitUntil(() => visitors.reduce((n, v) => n + v.acked.length, 0) >= mark + 12, 20_000, 'traffic after the restart');
    await stop();
    await checkAll(prefix, agent, visitors);
    expect(retries.length).toBeGreaterThan(0); // the kills were felt by senders, and retried
    console.info(`[sigkill] 2 kills, ${visitors.reduce((n, v) => n + v.acked.length, 0) + agent.acked.length} acked, ${retries.length} retried sends, 0 lost, 0 shown twice`);
  }, 90_000);

  it('two processes behind one address, one killed: every conversation continues through the other', async () => {
    const prefix = uniquePrefix('pair');
    prefixes.push(prefix);
    const [p1, p2] = [await freePort(), await freePort()];
    const a = spawnSidecar(entry, p1, env(prefix));
    const b = spawnSidecar(entry, p2, env(prefix));
    procs.push(a, b);
    await Promise.all([a.ready(), b.ready()]);
    proxy = await startTcpProxy([p1, p2]);
    const retries: number[] = [];
    const opts = { wait: 5, maxRetryDelayMs: 300, onRetry: (s: number) => retries.push(s) };
    const agent = new SimAgent(proxy.origin, await new Tokens(TEST_SECRET).agentToken('agent:1', 'Ann'), opts).start();
    const visitors = await Promise.all(Array.from({ length: 8 }, (_, i) => new SimVisitor(proxy!.origin, opts).start(`V${i}`)));
    let phase = 'both up';
    const stop = chatter(agent, visitors, () => phase);
    let mark = visitors.reduce((n, v) => n + v.acked.length, 0);
    await waitUntil(() => visitors.reduce((n, v) => n + v.acked.length, 0) >= mark + 16, 20_000, 'traffic through both');
    // Both processes served clients.
    expect(proxy.counts.get(p1)).toBeGreaterThan(0);
    expect(proxy.counts.get(p2)).toBeGreaterThan(0);
    await a.kill('SIGKILL');
    phase = 'one left';
    mark = visitors.reduce((n, v) => n + v.acked.length, 0);
    // Every single visitor keeps chatting through the survivor.
    const perVisitor = visitors.map((v) => v.acked.length);
    await waitUntil(() => visitors.every((v, i) => v.acked.length >= perVisitor[i] + 3), 20_000, 'every visitor to go on');
    await stop();
    await checkAll(prefix, agent, visitors);
    console.info(`[two processes] ${visitors.reduce((n, v) => n + v.acked.length, 0) + agent.acked.length} acked, ${retries.length} retried sends after the kill, 0 lost, 0 shown twice`);
  }, 90_000);
});
