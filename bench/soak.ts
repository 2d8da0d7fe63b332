// Soak benchmark (not a unit test): `npm run soak [-- --minutes N]`.
//
// 2,000 visitors and 20 agents chat for 10 minutes against a real `kefu serve`
// process and a private MariaDB (own port and data directory; or
// --database-url for another server, with its own table prefix). Visitors
// long-poll and send a line every ~30 s; each visitor has one agent who answers
// every line after a short pause; every agent long-polls the shared inbox.
// Clients come from 127.0.1.x / 127.0.2.x (20 visitors per address), so the
// sidecar's per-address limits stay at their defaults.
//
// Reports: messages acknowledged and delivered (to every receiver), repeats on
// the wire (allowed, deduplicated by mid), duplicates shown (the same clientId
// under two mids: must be 0), batches out of mid order, p50/p99 delivery
// latency, the sidecar's memory over time and its open descriptors at the end
// against the baseline before any client connected.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { buildSidecarOnce, spawnSidecar } from '../test/helpers/built-sidecar.js';
import { freePort, startPrivateMariaDb, type PrivateMariaDb } from '../test/helpers/private-mariadb.js';
import { Tokens } from '../sidecar/auth/tokens.js';

// ---- options ---------------------------------------------------------------

function option(name: string, fallback: number): number;
function option(name: string, fallback: string | null): string | null;
function option(name: string, fallback: number | string | null): number | string | null {
  const argv = process.argv.slice(2);
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  const raw = argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1];
  return typeof fallback === 'number' ? Number(raw) : raw;
}

const MINUTES = option('minutes', 10);
const VISITORS = option('visitors', 2000);
const AGENTS = option('agents', 20);
const INTERVAL_S = option('interval', 30);
const DATABASE_URL = option('database-url', null);
/** Every 15 s the sidecar runs a full GC and reports its heap: the live-memory trend, free of allocator noise. */
const HEAP_PROBE = !process.argv.includes('--no-heap-probe');
const PER_ADDRESS = 20;
const SECRET = 'kefu-soak-secret-' + randomBytes(12).toString('hex');

const t0 = performance.now();
const log = (...a: unknown[]) => console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)}s]`, ...a);

// ---- HTTP from a chosen loopback address ------------------------------------

const agentsByIp = new Map<string, http.Agent>();
const inFlight = new Set<http.ClientRequest>();

function httpAgent(ip: string): http.Agent {
  let a = agentsByIp.get(ip);
  if (!a) agentsByIp.set(ip, (a = new http.Agent({ keepAlive: true, localAddress: ip, maxSockets: Infinity })));
  return a;
}

interface Answer { status: number; json: any }
let port = 0;

function call(ip: string, method: 'GET' | 'POST', path: string, token?: string, body?: unknown, timeoutMs = 40_000): Promise<Answer> {
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, method, path: '/kefu' + path, agent: httpAgent(ip),
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        inFlight.delete(req);
        const text = Buffer.concat(chunks).toString('utf8');
        let json: any;
        try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, json });
      });
      res.on('error', (e) => { inFlight.delete(req); reject(e); });
    });
    inFlight.add(req);
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', (e) => { inFlight.delete(req); reject(e); });
    req.end(data);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- bookkeeping ------------------------------------------------------------

interface Sent { mid: number; from: string; to: string; startedAt: number; receivers: number }
const sentByMid = new Map<number, Sent>();
/** mid → receiver key → first time shown. */
const shownAt = new Map<number, Map<string, number>>();
const counters = { sendAttempts: 0, sendRetries: 0, sendStatuses: new Map<number, number>(), pollErrors: 0, repeats: 0, duplicatesShown: 0, unordered: 0, polls: 0 };
let running = true;

interface Msg { mid: number; from: string; to: string; clientId?: string }

class Receiver {
  cursor: string | undefined;
  private readonly seen = new Set<number>();
  private readonly byClientId = new Map<string, number>();
  constructor(readonly key: string, readonly ip: string, readonly token: string, readonly route: 'visitor' | 'agent') {}

  /** Shows a batch like a client: once per mid, noting repeats, order and double rows. */
  show(batch: Msg[], accept: (m: Msg) => boolean): Msg[] {
    const now = performance.now();
    const fresh: Msg[] = [];
    for (let i = 1; i < batch.length; i++) if (batch[i].mid <= batch[i - 1].mid) counters.unordered++;
    for (const m of batch) {
      if (!accept(m)) continue;
      if (this.seen.has(m.mid)) { counters.repeats++; continue; }
      this.seen.add(m.mid);
      if (m.clientId) {
        const k = `${m.from}/${m.clientId}`;
        const other = this.byClientId.get(k);
        if (other !== undefined && other !== m.mid) counters.duplicatesShown++;
        this.byClientId.set(k, m.mid);
      }
      let at = shownAt.get(m.mid);
      if (!at) shownAt.set(m.mid, (at = new Map()));
      at.set(this.key, now);
      fresh.push(m);
    }
    return fresh;
  }

  async pollLoop(onFresh: (fresh: Msg[]) => void, accept: (m: Msg) => boolean): Promise<void> {
    let failures = 0;
    while (running || draining) {
      try {
        const q = new URLSearchParams({ wait: '25' });
        if (this.cursor) q.set('cursor', this.cursor);
        const r = await call(this.ip, 'GET', `/api/${this.route}/poll?${q}`, this.token);
        counters.polls++;
        if (r.status !== 200) throw new Error(String(r.status));
        failures = 0;
        this.cursor = r.json.cursor;
        onFresh(this.show(r.json.messages as Msg[], accept));
      } catch {
        if (!(running || draining)) return;
        counters.pollErrors++;
        await sleep(Math.min(5_000, 250 * 2 ** failures++) * (0.5 + Math.random()));
      }
    }
  }
}

/** Sends one line with one clientId until acknowledged (201, or 200 for a repeat). */
async function sendReliably(ip: string, path: string, token: string, content: string, to: string, from: string, receivers: number): Promise<void> {
  const clientId = randomBytes(9).toString('base64url');
  const startedAt = performance.now();
  for (let attempt = 0; ; attempt++) {
    counters.sendAttempts++;
    try {
      const r = await call(ip, 'POST', path, token, { content, clientId });
      counters.sendStatuses.set(r.status, (counters.sendStatuses.get(r.status) ?? 0) + 1);
      if (r.status === 201 || r.status === 200) {
        sentByMid.set(r.json.message.mid, { mid: r.json.message.mid, from, to, startedAt, receivers });
        return;
      }
    } catch { /* network: retry */ }
    counters.sendRetries++;
    if (attempt > 20) throw new Error(`send kept failing: ${path}`);
    await sleep(500 * (1 + Math.random()));
  }
}

let draining = false;

/** When each intended receiver was shown a message: every agent for the inbox, else the visitor. */
function receivedBy(s: Sent): number[] {
  const at = shownAt.get(s.mid);
  if (!at) return [];
  const out: number[] = [];
  for (const [who, t] of at) if (s.to === 'admin' ? who.startsWith('agent:') : who === s.to) out.push(t);
  return out;
}

// ---- process metrics ---------------------------------------------------------

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
const fdCount = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}
function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
function slopePerMinute(points: Array<[number, number]>): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  const num = points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0);
  const den = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  return den ? (num / den) * 60 : 0;
}

// ---- the run -------------------------------------------------------------------

async function main(): Promise<void> {
  log(`soak: ${VISITORS} visitors, ${AGENTS} agents, ${MINUTES} min, a line per visitor every ~${INTERVAL_S} s`);
  const entry = await buildSidecarOnce();
  let db: PrivateMariaDb | null = null;
  const url = DATABASE_URL ?? (db = await startPrivateMariaDb()).url;
  const prefix = `soak_${randomBytes(3).toString('hex')}_`;
  port = await freePort();
  const probeDir = mkdtempSync(join(tmpdir(), 'kefu-soak-'));
  const probe = join(probeDir, 'heap-probe.mjs');
  writeFileSync(probe, `setInterval(() => { globalThis.gc(); process.stderr.write('heap-after-gc ' + process.memoryUsage().heapUsed + '\\n'); }, 15000).unref();\n`);
  const sc = spawnSidecar(entry, port, {
    NODE_ENV: 'production', KEFU_SECRET: SECRET, KEFU_DATABASE_URL: url, KEFU_TABLE_PREFIX: prefix, KEFU_LOG_LEVEL: 'warn',
  }, HEAP_PROBE ? ['--expose-gc', '--import', probe] : []);
  let failed = false;
  try {
    await sc.ready(60_000);
    const pid = sc.proc.pid!;
    await sleep(1_000);
    const baseline = { fd: fdCount(pid), rss: rssMb(pid), cpu: cpuSeconds(pid) };
    log(`sidecar pid ${pid} on :${port}; baseline ${baseline.fd} fds, ${baseline.rss.toFixed(0)} MB RSS`);

    // Sessions, 100 at a time.
    const visitors: Array<{ id: string; token: string; ip: string; agent: number; rx: Receiver }> = [];
    for (let i = 0; i < VISITORS; i += 100) {
      const batch = await Promise.all(Array.from({ length: Math.min(100, VISITORS - i) }, async (_, k) => {
        const n = i + k;
        const ip = `127.0.1.${1 + Math.floor(n / PER_ADDRESS)}`;
        for (let attempt = 0; ; attempt++) {
          const r = await call(ip, 'POST', '/api/visitor/session', undefined, { name: `Soak visitor ${n}` }).catch(() => ({ status: 0, json: undefined }));
          if (r.status === 200) return { id: r.json.visitorId as string, token: r.json.token as string, ip, agent: n % AGENTS, rx: new Receiver(r.json.visitorId, ip, r.json.token, 'visitor'), cursor: r.json.cursor as string };
          if (attempt > 20) throw new Error(`session failed: ${r.status}`);
          await sleep(500);
        }
      }));
      for (const v of batch) { v.rx.cursor = v.cursor; visitors.push(v); }
    }
    log(`${visitors.length} sessions`);
    const tokens = new Tokens(SECRET);
    const agents = await Promise.all(Array.from({ length: AGENTS }, async (_, i) => {
      const token = await tokens.agentToken(`agent:${i + 1}`, `Agent ${i + 1}`);
      const ip = `127.0.2.${1 + i}`;
      await call(ip, 'POST', '/api/agent/presence', token, { status: 'online' });
      return { token, ip, rx: new Receiver(`agent:${i + 1}`, ip, token, 'agent') };
    }));
    const byId = new Map(visitors.map((v) => [v.id, v]));

    // Agents: every agent watches the inbox and answers its own visitors.
    const replies: Promise<void>[] = [];
    const agentLoops = agents.map((a, i) => a.rx.pollLoop((fresh) => {
      for (const m of fresh) {
        const v = byId.get(m.from);
        if (!v || v.agent !== i || !running) continue;
        replies.push(sleep(500 + Math.random() * 1500).then(() =>
          sendReliably(a.ip, `/api/agent/conversations/${v.id}/messages`, a.token, `Re ${m.mid}: thank you, we are on it`, v.id, `agent:${i + 1}`, 1)));
      }
    }, () => true));
    // Visitors: poll, and send a line every ~INTERVAL_S seconds.
    const visitorLoops = visitors.map((v) => v.rx.pollLoop(() => {}, (m) => m.to === v.id));
    const sends: Promise<void>[] = [];
    const senderLoops = visitors.map(async (v, n) => {
      await sleep(Math.random() * INTERVAL_S * 1000);
      let line = 0;
      while (running) {
        const p = sendReliably(v.ip, '/api/visitor/messages', v.token, `Visitor ${n} line ${line++}: where is my order? 你好 😀`, 'admin', v.id, AGENTS);
        sends.push(p);
        await p;
        await sleep(INTERVAL_S * 1000 * (0.5 + Math.random()));
      }
    });

    // Sample the sidecar while the load runs.
    const samples: Array<{ t: number; rss: number; fd: number; cpu: number }> = [];
    const endAt = performance.now() + MINUTES * 60_000;
    const startLoad = performance.now();
    while (performance.now() < endAt) {
      await sleep(Math.min(5_000, endAt - performance.now()));
      const s = { t: (performance.now() - startLoad) / 1000, rss: rssMb(pid), fd: fdCount(pid), cpu: cpuSeconds(pid) };
      samples.push(s);
      if (samples.length % 6 === 0) {
        log(`${sentByMid.size} acked, ${shownAt.size} mids shown, RSS ${s.rss.toFixed(0)} MB, ${s.fd} fds, sidecar CPU ${(((s.cpu - baseline.cpu) / s.t) * 100).toFixed(0)}%`);
      }
    }

    // Stop sending; let everything acknowledged arrive (with a deadline).
    running = false;
    draining = true;
    await Promise.allSettled(senderLoops);
    await Promise.allSettled(sends);
    await Promise.allSettled(replies);
    const drainDeadline = performance.now() + 90_000;
    const undelivered = () => {
      let n = 0;
      for (const s of sentByMid.values()) if (receivedBy(s).length < s.receivers) n++;
      return n;
    };
    while (undelivered() > 0 && performance.now() < drainDeadline) await sleep(250);
    draining = false;
    const loadSeconds = (performance.now() - startLoad) / 1000;

    // Every client leaves: descriptors must return to the baseline.
    for (const r of inFlight) r.destroy();
    for (const a of agentsByIp.values()) a.destroy();
    await Promise.allSettled([...agentLoops, ...visitorLoops]);
    const fdDeadline = performance.now() + 30_000;
    let fdEnd = fdCount(pid);
    while (fdEnd > baseline.fd + 2 && performance.now() < fdDeadline) {
      await sleep(250);
      fdEnd = fdCount(pid);
    }
    await sleep(2_000);
    fdEnd = fdCount(pid);
    const rssEnd = rssMb(pid);

    // ---- figures ----
    const latTo = { agents: [] as number[], visitors: [] as number[] };
    let delivered = 0;
    let visitorLines = 0;
    let replyLines = 0;
    for (const s of sentByMid.values()) {
      const times = receivedBy(s);
      if (times.length >= s.receivers) delivered++;
      const list = s.to === 'admin' ? latTo.agents : latTo.visitors;
      if (s.to === 'admin') visitorLines++;
      else replyLines++;
      for (const t of times) list.push(t - s.startedAt);
    }
    const all = [...latTo.agents, ...latTo.visitors].sort((a, b) => a - b);
    latTo.agents.sort((a, b) => a - b);
    latTo.visitors.sort((a, b) => a - b);
    const warm = samples.filter((s) => s.t >= 60);
    const firstMin = samples.filter((s) => s.t >= 60 && s.t < 120);
    const lastMin = samples.filter((s) => s.t >= loadSeconds - 60 - 90);
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const heap = [...sc.output().matchAll(/heap-after-gc (\d+)/g)].map((m, i) => [(i + 1) * 15, Number(m[1]) / 2 ** 20] as [number, number]);
    const heapWarm = heap.filter(([t]) => t >= 60 && t <= loadSeconds);
    const result = {
      visitors: VISITORS, agents: AGENTS, minutes: MINUTES, loadSeconds: Math.round(loadSeconds),
      sent: sentByMid.size, visitorLines, replyLines, delivered, deliveries: all.length, undelivered: sentByMid.size - delivered,
      duplicatesShown: counters.duplicatesShown, repeatsOnTheWire: counters.repeats, batchesOutOfOrder: counters.unordered,
      sendAttempts: counters.sendAttempts, sendRetries: counters.sendRetries, sendStatuses: Object.fromEntries(counters.sendStatuses),
      polls: counters.polls, pollErrors: counters.pollErrors,
      messagesPerSecond: +(sentByMid.size / loadSeconds).toFixed(1),
      latencyMs: {
        p50: +percentile(all, 50).toFixed(0), p99: +percentile(all, 99).toFixed(0), max: +(all[all.length - 1] ?? NaN).toFixed(0),
        toAgents: { p50: +percentile(latTo.agents, 50).toFixed(0), p99: +percentile(latTo.agents, 99).toFixed(0) },
        toVisitors: { p50: +percentile(latTo.visitors, 50).toFixed(0), p99: +percentile(latTo.visitors, 99).toFixed(0) },
      },
      memoryMb: {
        baseline: +baseline.rss.toFixed(0), firstMinuteAfterWarmup: +avg(firstMin.map((s) => s.rss)).toFixed(0),
        lastMinute: +avg(lastMin.map((s) => s.rss)).toFixed(0), end: +rssEnd.toFixed(0), peak: +Math.max(...samples.map((s) => s.rss)).toFixed(0),
        slopeAfterWarmupMbPerMin: +slopePerMinute(warm.map((s) => [s.t, s.rss])).toFixed(2),
      },
      heapAfterGcMb: heap.length ? {
        firstAfterWarmup: +(heapWarm[0]?.[1] ?? NaN).toFixed(1), last: +(heapWarm[heapWarm.length - 1]?.[1] ?? NaN).toFixed(1),
        slopeMbPerMin: +slopePerMinute(heapWarm).toFixed(2), everyMinute: heapWarm.filter(([t]) => t % 60 === 0).map(([, v]) => +v.toFixed(1)),
      } : null,
      fds: { baseline: baseline.fd, peak: Math.max(...samples.map((s) => s.fd)), end: fdEnd },
      sidecarCpuPercent: +(((cpuSeconds(pid) - baseline.cpu) / loadSeconds) * 100).toFixed(0),
      rssEveryMinute: samples.filter((s) => Math.round(s.t) % 60 < 5).map((s) => +s.rss.toFixed(0)),
    };
    console.log('\n' + JSON.stringify(result, null, 2));
    console.log(`\n| figure | value |\n| --- | --- |
| visitors / agents / minutes | ${VISITORS} / ${AGENTS} / ${MINUTES} |
| messages acknowledged (sent) | ${result.sent} (${visitorLines} from visitors, ${replyLines} replies; ${result.messagesPerSecond}/s) |
| messages delivered to every receiver | ${result.delivered} (${result.deliveries} deliveries) |
| duplicates shown | ${result.duplicatesShown} (repeats on the wire, deduplicated by mid: ${result.repeatsOnTheWire}) |
| batches out of mid order | ${result.batchesOutOfOrder} |
| delivery latency p50 / p99 | ${result.latencyMs.p50} ms / ${result.latencyMs.p99} ms |
| sidecar RSS: start, after warm-up, last minute, end | ${result.memoryMb.baseline} / ${result.memoryMb.firstMinuteAfterWarmup} / ${result.memoryMb.lastMinute} / ${result.memoryMb.end} MB (slope ${result.memoryMb.slopeAfterWarmupMbPerMin} MB/min) |
| sidecar heap after a full GC: first after warm-up, last | ${result.heapAfterGcMb ? `${result.heapAfterGcMb.firstAfterWarmup} / ${result.heapAfterGcMb.last} MB (slope ${result.heapAfterGcMb.slopeMbPerMin} MB/min)` : 'not probed'} |
| open descriptors: baseline, peak, end | ${result.fds.baseline} / ${result.fds.peak} / ${result.fds.end} |
| sidecar CPU (of one core) | ${result.sidecarCpuPercent}% |`);
    failed = result.sent !== result.delivered || result.duplicatesShown > 0 || result.batchesOutOfOrder > 0 || result.fds.end > result.fds.baseline + 2;
  } finally {
    running = false;
    draining = false;
    for (const r of inFlight) r.destroy();
    for (const a of agentsByIp.values()) a.destroy();
    await sc.kill('SIGTERM');
    rmSync(probeDir, { recursive: true, force: true });
    if (db) await db.destroy();
    else if (DATABASE_URL) {
      const c = await mysql.createConnection({ uri: DATABASE_URL });
      const [rows] = await c.query<mysql.RowDataPacket[]>('SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE ?', [prefix.replace(/_/g, '\\_') + '%']);
      for (const r of rows) await c.query(`DROP TABLE IF EXISTS \`${r.t}\``);
      await c.end();
    }
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
