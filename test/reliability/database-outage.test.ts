// Fault: the database goes away during a steady flow of messages (polls held,
// sends in flight) and comes back. What must hold:
// - sends during the outage get 503 (never 500) and the clients retry them
//   with the same clientId;
// - every message acknowledged with 201/200 is shown exactly once to each
//   receiver, in mid order; the table holds each exactly once;
// - isread = 1 only for rows the receiving visitor was shown;
// - /kefu/health says 503 while the database is down and 200 after;
// - the same sidecar process recovers, no restart.
// Runs against a private MariaDB (own port, own data directory).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startPrivateMariaDb, connectPrivate, type PrivateMariaDb } from '../helpers/private-mariadb.js';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { SimAgent, SimVisitor, deliveryViolations } from '../helpers/chat-harness.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { request } from '../helpers/http-probe.js';

let db: PrivateMariaDb;

beforeAll(async () => {
  db = await startPrivateMariaDb();
});

afterAll(async () => {
  await db?.destroy();
});

async function health(base: string): Promise<{ status: number; body: { ok?: boolean; error?: { code: string } } }> {
  const r = await fetch(base + '/health', { signal: AbortSignal.timeout(10_000) });
  return { status: r.status, body: (await r.json()) as { ok?: boolean } };
}

const VISITORS = 5;

describe.each([
  { how: 'stopped cleanly (SIGTERM)', fault: () => db.stop() },
  { how: 'killed (SIGKILL)', fault: () => db.kill() },
])('database $how during a steady flow', ({ fault }) => {
  let sc: TestSidecar;

  beforeAll(async () => {
    if (!db.running) await db.start();
    sc = await startSidecar({
      store: 'mysql',
      env: { KEFU_DATABASE_URL: db.url, KEFU_VISITOR_SEND_BURST: '1000', KEFU_VISITOR_SEND_PER_SECOND: '1000', KEFU_IP_SEND_PER_MINUTE: '100000' },
    });
  });

  afterAll(async () => {
    if (!db.running) await db.start();
    await sc?.stop();
  });

  it('loses nothing acknowledged, answers 503 meanwhile, tells the truth on /health and recovers in-process', async () => {
    const sendStatuses: number[] = [];
    const opts = { wait: 3, maxRetryDelayMs: 400, onRetry: (s: number) => sendStatuses.push(s) };
    const agent = new SimAgent(sc.origin, await sc.agentToken(1, 'Ann'), opts).start();
    const visitors = await Promise.all(Array.from({ length: VISITORS }, (_, i) => new SimVisitor(sc.origin, opts).start(`V${i}`)));
    expect((await health(sc.url)).status).toBe(200);

    let phase: 'before' | 'outage' | 'after' = 'before';
    let running = true;
    // Each visitor sends one line at a time; the agent answers each one.
    const flows = visitors.map(async (v, i) => {
      let n = 0;
      while (running) {
        const text = `v${i} line ${n++} ${phase}`;
        await v.send(text);
        await agent.reply(v.visitorId, `re: ${text}`);
        await new Promise((r) => setTimeout(r, 40));
      }
    });

    await vi_waitFor(() => visitors.every((v) => v.acked.length >= 3), 15_000);
    phase = 'outage';
    await fault();
    const down = await health(sc.url);
    expect(down.status).toBe(503);
    expect(down.body.ok).toBe(false);
    expect(down.body.error?.code).toBe('unavailable');
    // Let the outage last while sends keep retrying.
    await vi_waitFor(() => sendStatuses.filter((s) => s === 503).length >= VISITORS, 15_000);
    const ackedDuringOutage = visitors.reduce((n, v) => n + v.acked.length, 0);
    await new Promise((r) => setTimeout(r, 1_500)); // the outage itself: a span of time, not an event
    expect(visitors.reduce((n, v) => n + v.acked.length, 0)).toBe(ackedDuringOutage);

    await db.start();
    phase = 'after';
    await vi_waitFor(async () => (await health(sc.url)).status === 200, 20_000);
    const ackedAtRecovery = visitors.reduce((n, v) => n + v.acked.length, 0);
    await vi_waitFor(() => visitors.reduce((n, v) => n + v.acked.length, 0) >= ackedAtRecovery + 3 * VISITORS, 20_000);
    running = false;
    await Promise.all(flows);

    // Everything acknowledged reaches its receiver.
    const allFromVisitors = visitors.flatMap((v) => v.acked);
    await vi_waitFor(() => allFromVisitors.every((m) => agent.shown.byMid.has(m.mid)) &&
      visitors.every((v) => agent.acked.filter((m) => m.to === v.visitorId).every((m) => v.shown.byMid.has(m.mid))), 20_000);
    agent.stop();
    visitors.forEach((v) => v.stop());

    const violations = [
      ...deliveryViolations('agent', agent.shown, [...allFromVisitors, ...agent.acked]),
      ...visitors.flatMap((v, i) => deliveryViolations(`visitor ${i}`, v.shown, agent.acked.filter((m) => m.to === v.visitorId))),
    ];
    expect(violations).toEqual([]);
    // Only 503 (database down) was seen by senders: never a 500 or a dropped request.
    expect(new Set(sendStatuses)).toEqual(new Set([503]));
    expect(agent.failures).toEqual([]);

    // The table holds each acknowledged message exactly once, and isread only where shown.
    const conn = await connectPrivate(db);
    try {
      const [rows] = await conn.query(`SELECT mid, pos, rec, isread FROM \`${sc.prefix}kefu_msg\` ORDER BY mid`);
      const list = rows as Array<{ mid: number; pos: string; rec: string; isread: number }>;
      expect(list.length).toBe(allFromVisitors.length + agent.acked.length);
      expect(new Set(list.map((r) => Number(r.mid)))).toEqual(new Set([...allFromVisitors, ...agent.acked].map((m) => m.mid)));
      const byVisitor = new Map(visitors.map((v) => [v.visitorId, v]));
      for (const r of list) {
        const v = byVisitor.get(r.rec);
        if (v && Number(r.isread) === 1) expect(v.shown.byMid.has(Number(r.mid))).toBe(true);
      }
    } finally {
      await conn.end();
    }
    console.info(`[database outage] acked ${allFromVisitors.length + agent.acked.length}, retried sends ${sendStatuses.length} (all 503), violations 0`);
  }, 90_000);
});

describe('the network between sidecar and database cut mid-statement, repeatedly', () => {
  let sc: TestSidecar;
  let proxy: TcpProxy;

  beforeAll(async () => {
    if (!db.running) await db.start();
    proxy = await startTcpProxy([db.port]);
    sc = await startSidecar({
      store: 'mysql',
      env: { KEFU_DATABASE_URL: `mysql://root@127.0.0.1:${proxy.port}/kefu`, KEFU_VISITOR_SEND_BURST: '1000', KEFU_VISITOR_SEND_PER_SECOND: '1000', KEFU_IP_SEND_PER_MINUTE: '100000' },
    });
  });

  afterAll(async () => {
    await sc?.stop();
    await proxy?.close();
  });

  it('loses and doubles nothing: a statement that committed unseen is found by its clientId on retry; the agents\' list stays right', async () => {
    const retries: number[] = [];
    const opts = { wait: 3, maxRetryDelayMs: 300, onRetry: (s: number) => retries.push(s) };
    const agent = new SimAgent(sc.origin, await sc.agentToken(1, 'Ann'), opts).start();
    const visitors = await Promise.all(Array.from({ length: VISITORS }, (_, i) => new SimVisitor(sc.origin, opts).start(`C${i}`)));
    let running = true;
    const flows = visitors.map(async (v, i) => {
      let n = 0;
      while (running) {
        const text = `c${i} line ${n++}`;
        await v.send(text);
        await agent.reply(v.visitorId, `re: ${text}`);
      }
    });
    let cuts = 0;
    for (let k = 0; k < 12; k++) {
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 150)); // cuts land at random points of the flow
      cuts += proxy.cutAll();
    }
    const mark = visitors.reduce((n, v) => n + v.acked.length, 0);
    await vi_waitFor(() => visitors.reduce((n, v) => n + v.acked.length, 0) >= mark + 2 * VISITORS, 20_000);
    running = false;
    await Promise.all(flows);
    const fromVisitors = visitors.flatMap((v) => v.acked);
    // The agent's own replies reach its inbox too (a retried one by the tail, which may take an interval).
    await vi_waitFor(() => [...fromVisitors, ...agent.acked].every((m) => agent.shown.byMid.has(m.mid)) &&
      visitors.every((v) => agent.acked.filter((m) => m.to === v.visitorId).every((m) => v.shown.byMid.has(m.mid))), 20_000);
    agent.stop();
    visitors.forEach((v) => v.stop());
    expect([
      ...deliveryViolations('agent', agent.shown, [...fromVisitors, ...agent.acked]),
      ...visitors.flatMap((v, i) => deliveryViolations(`visitor ${i}`, v.shown, agent.acked.filter((m) => m.to === v.visitorId))),
    ]).toEqual([]);
    expect(retries.length).toBeGreaterThan(0);
    expect(new Set(retries)).toEqual(new Set([503]));
    const conn = await connectPrivate(db);
    try {
      const [rows] = await conn.query(`SELECT COUNT(*) AS n FROM \`${sc.prefix}kefu_msg\``);
      expect(Number((rows as Array<{ n: number }>)[0].n)).toBe(fromVisitors.length + agent.acked.length);
    } finally {
      await conn.end();
    }
    // Every conversation is listed for the agents with its true last message.
    const list = (await request(sc.url, '/api/agent/conversations', { token: await sc.agentToken(1, 'Ann') })).json as { conversations: Array<{ visitorId: string; lastMessage: { mid: number } | null }> };
    for (const v of visitors) {
      const last = Math.max(...[...v.acked, ...agent.acked.filter((m) => m.to === v.visitorId)].map((m) => m.mid));
      expect(list.conversations.find((c) => c.visitorId === v.visitorId)?.lastMessage?.mid).toBe(last);
    }
    console.info(`[database link cut] ${cuts} connections cut in 12 bursts; ${fromVisitors.length + agent.acked.length} acked, ${retries.length} retried (all 503), 0 lost, 0 doubled`);
  }, 90_000);
});

/** vi.waitFor with the condition returning a boolean (sync or async). */
async function vi_waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what = cond.toString().slice(0, 120)): Promise<void> {
  await vi.waitFor(async () => { if (!(await cond())) throw new Error(`still waiting for: ${what}`); }, { timeout: timeoutMs, interval: 50 });
}
