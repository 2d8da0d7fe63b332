// Soak benchmark (not a unit test): `npm run soak [-- --minutes N]`.
//
// 2,000 visitors and 20 agents chat against a real `kefu serve` process and a
// private MariaDB (own port and data directory; or --database-url for another
// server, with its own table prefix). Visitors long-poll and send a line every
// ~30 s; each visitor has one agent who answers every line after a short
// pause; every agent long-polls the shared inbox. Clients come from
// 127.0.1.x / 127.0.2.x / 127.0.3.x, so the sidecar's per-address limits stay
// at their defaults. Clients behave like the shipped widget and console: on a
// network error, 5xx, 408 or 429 they wait with client/backoff.ts (honouring
// Retry-After) and try again, resending a line with the same clientId and
// polling with the last cursor they were given.
//
// Faults (`--faults`, on by default from 30 minutes; `--faults=kill,db` picks
// some; `--no-faults`), at fixed points of the run, as minutes of a one-hour run
// (shorter or longer runs scale them):
//   10:00  the sidecar is SIGKILLed and started again (same command, port, database)
//   20:00  500 more visitors arrive within 10 s, chat for 5 minutes and leave
//   32:00  MariaDB is stopped cleanly and started again
//   44:00  every other agent stops polling for 2 minutes, then resumes with its cursor
// The kill comes first so that the process started after it lives through the
// other three: its heap series and its CPU profile (a SIGKILLed process writes
// none) cover most of the run and would show what any fault leaves behind.
// A fault's window runs from its start to 30 s after it recovered (component
// back, every client answered again, deliveries flowing, backlog delivered);
// budgets are judged outside the windows and after the first minute (every
// client connecting to a cold process), and those periods are shown on their own.
//
// Reports: the ledger (acknowledged vs delivered to every receiver, duplicates,
// order, the table's rows and its isread flags against what each visitor was
// shown), latency inside and outside the windows and per minute, sidecar CPU
// from /proc over the steady windows, heap after a full GC per process life,
// descriptors against the baseline. `--cpu-prof` profiles the sidecar and lists
// the frames with the most self time. `--write` (always from 30 minutes) writes
// every figure as JSON to `--out` (default test-results/soak-<minutes>m.json).
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { dirname, join, relative, resolve } from 'node:path';
import mysql from 'mysql2/promise';
import { BUILD_DIR, buildSidecarOnce, spawnSidecar, type SidecarProcess } from '../test/helpers/built-sidecar.js';
import { freePort, startPrivateMariaDb, type PrivateMariaDb } from '../test/helpers/private-mariadb.js';
import { Tokens } from '../sidecar/auth/tokens.js';
import { Backoff } from '../client/backoff.js';

// ---- options ---------------------------------------------------------------

const argv = process.argv.slice(2);
function option(name: string, fallback: number): number;
function option(name: string, fallback: string | null): string | null;
function option(name: string, fallback: number | string | null): number | string | null {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  const raw = argv[i].includes('=') ? argv[i].slice(argv[i].indexOf('=') + 1) : argv[i + 1];
  return typeof fallback === 'number' ? Number(raw) : raw;
}
const has = (name: string) => argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`));

const MINUTES = option('minutes', 10);
const VISITORS = option('visitors', 2000);
const AGENTS = option('agents', 20);
const INTERVAL_S = option('interval', 30);
const DATABASE_URL = option('database-url', null);
/** Every 15 s the sidecar runs a full GC and reports its heap: the live-memory trend, free of allocator noise. */
const HEAP_PROBE = !has('no-heap-probe');
const PER_ADDRESS = 20;
/** A campaign's visitors share fewer addresses than a crowd: 10 each keeps a new address's first minute under its send allowance. */
const BURST_PER_ADDRESS = 10;
const BURST = option('burst', 500);
const SECRET = 'kefu-soak-secret-' + randomBytes(12).toString('hex');
const RUN_S = MINUTES * 60;
/** The delivery ring fills in the first minutes of a process; the heap is judged after this. */
const WARMUP_S = option('warmup', MINUTES >= 30 ? 600 : 60);
/** Senders start at random within their first interval: the first minute is not yet the full load. */
const RAMP_S = 60;
const AFTER_RECOVERY_S = 30;
const ROOT = resolve(BUILD_DIR, '..', '..', '..');
const CPU_PROF = has('cpu-prof');
const CPU_PROF_DIR = resolve(ROOT, option('cpu-prof-dir', null) ?? join('test-results', `soak-${MINUTES}m-cpuprof`));
const WRITE = has('write') || has('out') || MINUTES >= 30;
const OUT = resolve(ROOT, option('out', null) ?? join('test-results', `soak-${MINUTES}m.json`));
/** A send still failing after this long is abandoned (and reported): the person gave up. */
const SEND_GIVE_UP_MS = 10 * 60_000;

const BUDGET = { cpuPercent: 35, p99Ms: 50, heapSlopeMbPerMin: 0.05, fdSlack: 2 };

type FaultName = 'kill' | 'burst' | 'db' | 'away';
const FAULT_LABEL: Record<FaultName, string> = {
  kill: 'sidecar SIGKILLed and restarted',
  burst: `${BURST} visitors arrive within 10 s`,
  db: 'MariaDB restarted',
  away: 'half the agents away',
};
function selectedFaults(): FaultName[] {
  const all: FaultName[] = ['kill', 'burst', 'db', 'away'];
  if (has('no-faults')) return [];
  const i = argv.findIndex((a) => a === '--faults' || a.startsWith('--faults='));
  if (i < 0) return MINUTES >= 30 ? all : [];
  const raw = argv[i].includes('=') ? argv[i].slice(9) : argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[i + 1] : 'all';
  if (raw === 'all' || raw === '') return all;
  const list = raw.split(',').map((s) => s.trim()) as FaultName[];
  for (const f of list) if (!all.includes(f)) throw new Error(`unknown fault "${f}" (kill, burst, db, away)`);
  return all.filter((f) => list.includes(f));
}
const FAULTS = selectedFaults();

interface FaultPlan { name: FaultName; at: number; lasts: number }
/** Seconds into the load; the one-hour schedule, scaled to the run. */
const PLAN: FaultPlan[] = ([
  { name: 'kill', at: RUN_S * 10 / 60, lasts: 0 },
  { name: 'burst', at: RUN_S * 20 / 60, lasts: Math.max(30, RUN_S * 5 / 60) },
  { name: 'db', at: RUN_S * 32 / 60, lasts: 0 },
  { name: 'away', at: RUN_S * 44 / 60, lasts: Math.max(20, RUN_S * 2 / 60) },
] as FaultPlan[]).filter((f) => FAULTS.includes(f.name));

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

interface Answer { status: number; json: any; retryAfterMs?: number }
let port = 0;

function call(ip: string, method: 'GET' | 'POST', path: string, token?: string, body?: unknown, timeoutMs = 40_000, holder?: { current?: http.ClientRequest }): Promise<Answer> {
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
        if (holder?.current === req) holder.current = undefined;
        const text = Buffer.concat(chunks).toString('utf8');
        let json: any;
        try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
        const ra = Number(res.headers['retry-after']);
        resolve({ status: res.statusCode ?? 0, json, retryAfterMs: Number.isFinite(ra) && ra > 0 ? ra * 1000 : undefined });
      });
      res.on('error', (e) => { inFlight.delete(req); reject(e); });
    });
    inFlight.add(req);
    if (holder) holder.current = req;
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', (e) => { inFlight.delete(req); if (holder?.current === req) holder.current = undefined; reject(e); });
    req.end(data);
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const bump = (m: Map<number, number>, k: number) => m.set(k, (m.get(k) ?? 0) + 1);
/** The same test the client modules make (ApiError.transient): worth trying again later. */
const transient = (status: number) => status === 0 || status === 408 || status === 429 || status >= 500;

// ---- the ledger ----------------------------------------------------------------

interface Sent { mid: number; from: string; to: string; startedAt: number; ackedAt: number; receivers: number; complete: boolean; status: number; attempts: number }
const sentByMid = new Map<number, Sent>();
const ANSWERS_KEPT = 64;
/** Lines to the inbox: mid → when each agent was first shown it (0: not yet), the last slot counting agents shown. */
const inboxShown = new Map<number, Float64Array>();
/** Replies: mid → when its visitor was first shown it. */
const replyShown = new Map<number, number>();
/** `from/clientId` → the first mid shown under it: a second mid is a message doubled. */
const midByClientKey = new Map<string, number>();
let deliveredCount = 0;
const counters = {
  sendAttempts: 0, sendRetries: 0, sendsAbandoned: 0, sendsRefused: 0, sendStatuses: new Map<number, number>(),
  polls: 0, pollErrors: 0, pollStatuses: new Map<number, number>(),
  repeats: 0, duplicatesShown: 0, unorderedBatches: 0, foreignShown: 0, midCollisions: 0,
};
/** [time, status] of every failed send attempt, to count them per fault window. */
const sendFailures: Array<[number, number]> = [];
let running = true;
let draining = false;

function shownTimes(s: Sent): number[] {
  if (s.to === 'admin') {
    const at = inboxShown.get(s.mid);
    if (!at) return [];
    const out: number[] = [];
    for (let i = 0; i < AGENTS; i++) if (at[i] > 0) out.push(at[i]);
    return out;
  }
  const t = replyShown.get(s.mid);
  return t === undefined ? [] : [t];
}

function isComplete(s: Sent): boolean {
  return s.to === 'admin' ? (inboxShown.get(s.mid)?.[AGENTS] ?? 0) >= AGENTS : replyShown.has(s.mid);
}

function checkComplete(mid: number): void {
  const s = sentByMid.get(mid);
  if (s && !s.complete && isComplete(s)) {
    s.complete = true;
    deliveredCount++;
  }
}

interface Msg { mid: number; from: string; to: string; clientId?: string }

/**
 * "Every client is connected again": for each, the start of its first poll
 * answered after the fault began (a held poll on a quiet conversation answers
 * only when its wait ends, but it was accepted when it was sent).
 */
class ReconnectProbe {
  readonly done = new Set<Receiver>();
  private latest = -Infinity;
  at = NaN;
  constructor(readonly since: number, readonly expected: Set<Receiver>) {}
  note(r: Receiver, began: number, now: number): boolean {
    if (!this.expected.has(r) || now < this.since || this.done.has(r)) return false;
    this.done.add(r);
    this.latest = Math.max(this.latest, began, this.since);
    if (this.done.size >= this.expected.size) { this.at = this.latest; return true; }
    return false;
  }
}
const probes = new Set<ReconnectProbe>();
/** "The first answer any client got after …": a restarted process may serve before its /health says so. */
const firstSuccess = new Set<{ after: number; at: number }>();
function noteSuccess(now: number): void {
  for (const w of firstSuccess) if (now > w.after) { w.at = now; firstSuccess.delete(w); }
}
const receivers = new Set<Receiver>();

class Receiver {
  cursor: string | undefined;
  current?: http.ClientRequest;
  paused = false;
  stopped = false;
  private wake: (() => void) | undefined;
  private readonly seenSet = new Set<number>();
  private seenBits = new Uint8Array(0);
  /** A visitor's last answers, to explain a row it missed. */
  readonly answers: Array<{ began: number; at: number; sent?: string; got?: string; mids: number[] }> = [];

  constructor(readonly key: string, readonly ip: string, readonly token: string, readonly route: 'visitor' | 'agent', readonly agentIndex: number) {
    receivers.add(this);
  }

  /** Agents see every mid: a bit each instead of a set entry keeps an hour's ledger small. */
  private firstSight(mid: number): boolean {
    if (this.route === 'visitor') {
      if (this.seenSet.has(mid)) return false;
      this.seenSet.add(mid);
      return true;
    }
    const byte = mid >> 3;
    if (byte >= this.seenBits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.seenBits.length * 2, 4096));
      grown.set(this.seenBits);
      this.seenBits = grown;
    }
    const bit = 1 << (mid & 7);
    if (this.seenBits[byte] & bit) return false;
    this.seenBits[byte] |= bit;
    return true;
  }

  /** Shows a batch like a client: once per mid, noting repeats, order, doubled rows and other people's messages. */
  show(batch: Msg[]): Msg[] {
    const now = performance.now();
    const fresh: Msg[] = [];
    for (let i = 1; i < batch.length; i++) if (batch[i].mid <= batch[i - 1].mid) { counters.unorderedBatches++; break; }
    for (const m of batch) {
      if (this.route === 'visitor' && m.to !== this.key) {
        if (m.from !== this.key) counters.foreignShown++;
        continue;
      }
      if (!this.firstSight(m.mid)) { counters.repeats++; continue; }
      if (m.clientId) {
        const k = `${m.from}/${m.clientId}`;
        const other = midByClientKey.get(k);
        if (other === undefined) midByClientKey.set(k, m.mid);
        else if (other !== m.mid) counters.duplicatesShown++;
      }
      if (this.route === 'agent' && m.to === 'admin') {
        let at = inboxShown.get(m.mid);
        if (!at) inboxShown.set(m.mid, (at = new Float64Array(AGENTS + 1)));
        at[this.agentIndex] = now;
        at[AGENTS]++;
        checkComplete(m.mid);
      } else if (this.route === 'visitor') {
        replyShown.set(m.mid, now);
        checkComplete(m.mid);
      }
      fresh.push(m);
    }
    return fresh;
  }

  private nap(ms: number): Promise<void> {
    return new Promise((r) => {
      const t = setTimeout(() => { this.wake = undefined; r(); }, ms);
      this.wake = () => { clearTimeout(t); this.wake = undefined; r(); };
    });
  }

  /** The long-poll loop of client/polling-transport.ts: last cursor, jittered backoff, Retry-After. */
  async pollLoop(onFresh: (fresh: Msg[]) => void): Promise<void> {
    const backoff = new Backoff();
    while (!this.stopped && (running || draining)) {
      if (this.paused) {
        await new Promise<void>((r) => { this.wake = () => { this.wake = undefined; r(); }; });
        continue;
      }
      let status = 0;
      let retryAfterMs: number | undefined;
      try {
        const q = new URLSearchParams({ wait: '25' });
        if (this.cursor) q.set('cursor', this.cursor);
        const began = performance.now();
        const r = await call(this.ip, 'GET', `/api/${this.route}/poll?${q}`, this.token, undefined, 40_000, this);
        counters.polls++;
        if (r.status === 200 && !this.paused) {
          backoff.reset();
          const sentCursor = this.cursor;
          if (typeof r.json?.cursor === 'string' && r.json.cursor) this.cursor = r.json.cursor;
          const now = performance.now();
          if (this.route === 'visitor') {
            this.answers.push({ began, at: now, sent: sentCursor, got: this.cursor, mids: Array.isArray(r.json?.messages) ? r.json.messages.map((m: Msg) => m.mid) : [] });
            if (this.answers.length > ANSWERS_KEPT) this.answers.shift();
          }
          for (const p of probes) if (p.note(this, began, now)) probes.delete(p);
          if (firstSuccess.size) noteSuccess(now);
          onFresh(this.show(Array.isArray(r.json?.messages) ? r.json.messages : []));
          continue;
        }
        status = r.status;
        retryAfterMs = r.retryAfterMs;
      } catch { /* network: retry */ }
      // A pause or a departure cuts the poll: the answer is dropped, the cursor stays.
      if (this.stopped || this.paused || !(running || draining)) continue;
      counters.pollErrors++;
      bump(counters.pollStatuses, status);
      await this.nap(backoff.next(retryAfterMs));
    }
  }

  pause(): void {
    this.paused = true;
    this.current?.destroy();
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  stop(): void {
    this.stopped = true;
    this.current?.destroy();
    this.wake?.();
  }
}

/** Sends one line with one clientId until acknowledged (201, or 200 for a repeat), as the outbox's retry does. */
async function sendReliably(ip: string, path: string, token: string, content: string, to: string, from: string, receiversWanted: number): Promise<Sent | null> {
  const clientId = randomBytes(9).toString('base64url');
  const startedAt = performance.now();
  const backoff = new Backoff();
  for (let attempt = 1; ; attempt++) {
    counters.sendAttempts++;
    let status = 0;
    let retryAfterMs: number | undefined;
    try {
      const r = await call(ip, 'POST', path, token, { content, clientId });
      status = r.status;
      retryAfterMs = r.retryAfterMs;
      if ((status === 201 || status === 200) && r.json?.message) {
        bump(counters.sendStatuses, status);
        const mid = Number(r.json.message.mid);
        if (sentByMid.has(mid)) counters.midCollisions++;
        const s: Sent = { mid, from, to, startedAt, ackedAt: performance.now(), receivers: receiversWanted, complete: false, status, attempts: attempt };
        sentByMid.set(mid, s);
        checkComplete(mid);
        if (firstSuccess.size) noteSuccess(s.ackedAt);
        return s;
      }
    } catch { /* network: retry */ }
    bump(counters.sendStatuses, status);
    if (sendFailures.length < 1_000_000) sendFailures.push([performance.now(), status]);
    if (!transient(status)) { counters.sendsRefused++; return null; }
    counters.sendRetries++;
    if (performance.now() - startedAt > SEND_GIVE_UP_MS) { counters.sendsAbandoned++; return null; }
    await sleep(backoff.next(retryAfterMs));
  }
}

const pending = new Set<Promise<unknown>>();
function track<T>(p: Promise<T>): Promise<T> {
  pending.add(p);
  p.finally(() => pending.delete(p)).catch(() => {});
  return p;
}

/** `c1.<high>.<event>[.<runs>]…` (sidecar/core/cursor.ts), read only to explain a miss: high mark and message gaps. */
function readCursor(text: string | undefined): { high: number; gaps: number[] } | null {
  const parts = text?.split('.') ?? [];
  if (parts[0] !== 'c1' || parts.length < 3) return null;
  const high = parseInt(parts[1], 36);
  const gaps: number[] = [];
  const runs = parts[3] && !/^[EST]/.test(parts[3]) ? parts[3].split('~') : [];
  for (const r of runs) {
    const [d, n = '1', st = '1'] = r.split('-');
    for (let k = 0; k < parseInt(n, 36) && k < 10_000; k++) gaps.push(high - parseInt(d, 36) - k * parseInt(st, 36));
  }
  return { high, gaps };
}

// ---- process metrics ---------------------------------------------------------

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
const fdCount = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}
function percentile(sorted: ArrayLike<number>, p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
function sortedOf(xs: number[]): Float64Array {
  return Float64Array.from(xs).sort();
}
function slopePerMinute(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  const num = points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0);
  const den = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  return den ? (num / den) * 60 : 0;
}
const r1 = (x: number) => (Number.isFinite(x) ? +x.toFixed(1) : null);
const r0 = (x: number) => (Number.isFinite(x) ? Math.round(x) : null);
const fmt = (x: number | null | undefined, digits = 0, unit = '') => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits) + unit);

// ---- the sidecar's lives -------------------------------------------------------

interface Life { pid: number; spawnedAt: number; readyAt: number }
const lives: Life[] = [];
const heapSamples: Array<{ at: number; life: number; mb: number }> = [];
const sidecarLines = new Map<string, number>();

function watchOutput(sc: SidecarProcess, life: number): void {
  let rest = '';
  const onData = (d: Buffer) => {
    const lines = (rest + d.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const m = /^heap-after-gc (\d+)/.exec(line);
      if (m) heapSamples.push({ at: performance.now(), life, mb: Number(m[1]) / 2 ** 20 });
      else if (line.trim()) {
        // Same message, different numbers: one row with a count.
        const k = line.replace(/"(time|ts|t)":"[^"]*"/g, '').replace(/\d+/g, '#').slice(0, 200);
        sidecarLines.set(k, (sidecarLines.get(k) ?? 0) + 1);
      }
    }
  };
  sc.proc.stdout!.on('data', onData);
  sc.proc.stderr!.on('data', onData);
}

// ---- CPU profile ---------------------------------------------------------------

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; hitCount?: number }>;
  startTime: number; endTime: number; samples?: number[]; timeDeltas?: number[];
}
interface Frame { self: number; selfMs: number; percent: number; percentOfBusy: number; where: string }

/** Self time per function (all call paths merged): each sample lasts until the next one. */
function topFrames(file: string, n: number): { frames: Frame[]; totalMs: number; busyMs: number } {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((nd) => [nd.id, nd]));
  const selfUs = new Map<number, number>();
  if (p.samples && p.timeDeltas && p.samples.length) {
    for (let i = 0; i < p.samples.length; i++) {
      const dt = i + 1 < p.timeDeltas.length ? p.timeDeltas[i + 1] : 0;
      selfUs.set(p.samples[i], (selfUs.get(p.samples[i]) ?? 0) + Math.max(0, dt));
    }
  } else {
    const per = (p.endTime - p.startTime) / Math.max(1, p.nodes.reduce((s, nd) => s + (nd.hitCount ?? 0), 0));
    for (const nd of p.nodes) selfUs.set(nd.id, (nd.hitCount ?? 0) * per);
  }
  const byFrame = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const cf = byId.get(id)?.callFrame;
    if (!cf) continue;
    total += us;
    if (cf.functionName === '(idle)') idle += us;
    let url = cf.url.replace(/^file:\/\//, '');
    if (url.startsWith(BUILD_DIR)) url = relative(BUILD_DIR, url).replace(/\.js$/, '.ts (compiled)');
    else if (url.startsWith(ROOT)) url = relative(ROOT, url);
    const where = `${cf.functionName || '(anonymous)'}${url ? ` ${url}:${cf.lineNumber + 1}` : ''}`;
    byFrame.set(where, (byFrame.get(where) ?? 0) + us);
  }
  const busy = total - idle;
  const frames = [...byFrame].sort((a, b) => b[1] - a[1]).slice(0, n).map(([where, us]) => ({
    self: us, selfMs: +(us / 1000).toFixed(0), percent: +((us / total) * 100).toFixed(1),
    percentOfBusy: where.startsWith('(idle)') ? 0 : +((us / busy) * 100).toFixed(1), where,
  }));
  return { frames, totalMs: total / 1000, busyMs: busy / 1000 };
}

// ---- the run -------------------------------------------------------------------

interface Visitor {
  n: number; id: string; token: string; ip: string; agent: number; rx: Receiver; burst: boolean;
  sending: boolean; linesAcked: number; repliesShown: number; wake?: () => void; sender?: Promise<void>; poller?: Promise<void>;
}
interface AgentClient { i: number; token: string; ip: string; rx: Receiver; away: boolean; poller?: Promise<void> }
interface FaultRecord {
  name: FaultName; label: string; plannedAt: number;
  start: number; outageEnd: number; end: number;
  probe?: ReconnectProbe; marks: Record<string, number>; notes: string[];
  window?: { start: number; end: number };
}

async function main(): Promise<void> {
  log(`soak: ${VISITORS} visitors, ${AGENTS} agents, ${MINUTES} min, a line per visitor every ~${INTERVAL_S} s; warm-up ${WARMUP_S} s`);
  if (PLAN.length) log(`faults: ${PLAN.map((f) => `${f.name} at ${f.at.toFixed(0)} s${f.lasts ? ` for ${f.lasts.toFixed(0)} s` : ''}`).join(', ')}`);
  else log('faults: none (--faults to add them)');
  const entry = await buildSidecarOnce();
  let db: PrivateMariaDb | null = null;
  const url = DATABASE_URL ?? (db = await startPrivateMariaDb()).url;
  const prefix = `soak_${randomBytes(3).toString('hex')}_`;
  port = await freePort();
  const probeDir = mkdtempSync(join(tmpdir(), 'kefu-soak-'));
  const heapProbe = join(probeDir, 'heap-probe.mjs');
  writeFileSync(heapProbe, `setInterval(() => { globalThis.gc(); process.stderr.write('heap-after-gc ' + process.memoryUsage().heapUsed + '\\n'); }, 15000).unref();\n`);
  const runStartedWall = Date.now();
  if (CPU_PROF) mkdirSync(CPU_PROF_DIR, { recursive: true });
  const nodeArgs = [
    ...(HEAP_PROBE ? ['--expose-gc', '--import', heapProbe] : []),
    ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`] : []),
  ];
  const env = { NODE_ENV: 'production', KEFU_SECRET: SECRET, KEFU_DATABASE_URL: url, KEFU_TABLE_PREFIX: prefix, KEFU_LOG_LEVEL: 'warn' };
  /** How a host starts it (`node … kefu serve`), on the same port and database every time. */
  const startProcess = (): SidecarProcess => {
    const p = spawnSidecar(entry, port, env, nodeArgs);
    lives.push({ pid: p.proc.pid!, spawnedAt: performance.now(), readyAt: NaN });
    watchOutput(p, lives.length - 1);
    return p;
  };
  let sc = startProcess();
  /** Between the kill and the new process: nothing to sample. */
  let restarting = false;
  let failed = false;
  let stoppedGracefully = false;
  const visitors: Visitor[] = [];
  const agents: AgentClient[] = [];
  try {
    await sc.ready(60_000);
    lives[0].readyAt = performance.now();
    await sleep(1_000);
    const firstPid = sc.proc.pid!;
    const baseline = { fd: fdCount(firstPid), rss: rssMb(firstPid) };
    log(`sidecar pid ${firstPid} on :${port}; baseline ${baseline.fd} fds, ${baseline.rss.toFixed(0)} MB RSS`);

    const openSession = async (n: number, ip: string, burst: boolean): Promise<Visitor> => {
      const backoff = new Backoff({ baseMs: 1000 }); // the widget's session start
      for (;;) {
        const r = await call(ip, 'POST', '/api/visitor/session', undefined, { name: `Soak visitor ${n}` }).catch(() => ({ status: 0, json: undefined, retryAfterMs: undefined } as Answer));
        if (r.status === 200) {
          const id = r.json.visitorId as string;
          const rx = new Receiver(id, ip, r.json.token, 'visitor', -1);
          rx.cursor = r.json.cursor;
          return { n, id, token: r.json.token, ip, agent: n % AGENTS, rx, burst, sending: true, linesAcked: 0, repliesShown: 0 };
        }
        if (!transient(r.status) || backoff.failures > 30) throw new Error(`session failed: ${r.status}`);
        await sleep(backoff.next(r.retryAfterMs));
      }
    };

    // Sessions, 100 at a time.
    for (let i = 0; i < VISITORS; i += 100) {
      visitors.push(...await Promise.all(Array.from({ length: Math.min(100, VISITORS - i) }, (_, k) =>
        openSession(i + k, `127.0.1.${1 + Math.floor((i + k) / PER_ADDRESS)}`, false))));
    }
    log(`${visitors.length} sessions`);
    const tokens = new Tokens(SECRET);
    agents.push(...await Promise.all(Array.from({ length: AGENTS }, async (_, i) => {
      const token = await tokens.agentToken(`agent:${i + 1}`, `Agent ${i + 1}`);
      const ip = `127.0.2.${1 + i}`;
      await call(ip, 'POST', '/api/agent/presence', token, { status: 'online' });
      return { i, token, ip, rx: new Receiver(`agent:${i + 1}`, ip, token, 'agent', i), away: false };
    })));
    const byId = new Map(visitors.map((v) => [v.id, v]));

    // Each visitor's agent answers its lines; an agent who is away is covered
    // by the colleague before it (every other agent goes away, never both).
    const answered = new Set<number>();
    const coverOf = (i: number) => (i % 2 === 1 ? i - 1 : -1);
    for (const a of agents) {
      a.poller = a.rx.pollLoop((fresh) => {
        if (!running) return;
        for (const m of fresh) {
          if (m.to !== 'admin' || answered.has(m.mid)) continue;
          const v = byId.get(m.from);
          if (!v) continue;
          const mine = v.agent === a.i || (agents[v.agent].away && coverOf(v.agent) === a.i);
          if (!mine) continue;
          answered.add(m.mid);
          track(sleep(500 + Math.random() * 1500).then(() =>
            sendReliably(a.ip, `/api/agent/conversations/${v.id}/messages`, a.token, `Re ${m.mid}: thank you, we are on it`, v.id, `agent:${a.i + 1}`, 1)));
        }
      });
    }
    const napVisitor = (v: Visitor, ms: number) => new Promise<void>((r) => {
      const t = setTimeout(() => { v.wake = undefined; r(); }, ms);
      v.wake = () => { clearTimeout(t); v.wake = undefined; r(); };
    });
    const startVisitor = (v: Visitor, firstLineMs: number) => {
      v.poller = v.rx.pollLoop((fresh) => { v.repliesShown += fresh.length; });
      v.sender = (async () => {
        await napVisitor(v, firstLineMs);
        let line = 0;
        while (running && v.sending) {
          const s = await track(sendReliably(v.ip, '/api/visitor/messages', v.token, `Visitor ${v.n} line ${line++}: where is my order? 你好 😀`, 'admin', v.id, AGENTS));
          if (s) v.linesAcked++;
          if (!(running && v.sending)) break;
          await napVisitor(v, INTERVAL_S * 1000 * (0.5 + Math.random()));
        }
      })();
    };
    const startLoad = performance.now();
    const since = (t: number) => (t - startLoad) / 1000;
    // The clients' own delays are inside every latency figure: measured, so they can be told apart.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const generatorCpuStart = process.cpuUsage();
    const loadAtStart = loadavg();
    for (const v of visitors) startVisitor(v, Math.random() * INTERVAL_S * 1000);

    // ---- faults ----
    const activeReceivers = () => new Set([...receivers].filter((r) => !r.paused && !r.stopped));
    const faultRecords: FaultRecord[] = [];
    const runFault = async (plan: FaultPlan): Promise<void> => {
      const due = startLoad + plan.at * 1000;
      while (running && performance.now() < due) await sleep(Math.min(1_000, due - performance.now()));
      if (!running) return;
      const f: FaultRecord = { name: plan.name, label: FAULT_LABEL[plan.name], plannedAt: plan.at, start: performance.now(), outageEnd: NaN, end: NaN, marks: {}, notes: [] };
      faultRecords.push(f);
      const at = () => `${((performance.now() - f.start) / 1000).toFixed(1)} s`;
      if (plan.name === 'kill') {
        f.probe = new ReconnectProbe(f.start, activeReceivers());
        probes.add(f.probe);
        const old = sc;
        const oldPid = old.proc.pid;
        restarting = true;
        await old.kill('SIGKILL');
        f.marks.killed = performance.now();
        const served = { after: f.marks.killed, at: NaN };
        firstSuccess.add(served);
        log(`FAULT kill: sidecar pid ${oldPid} killed with SIGKILL (exit signal ${old.proc.signalCode})`);
        sc = startProcess();
        restarting = false;
        await sc.ready(60_000);
        lives[lives.length - 1].readyAt = f.marks.healthUp = performance.now();
        firstSuccess.delete(served);
        f.outageEnd = Number.isFinite(served.at) ? Math.min(served.at, f.marks.healthUp) : f.marks.healthUp;
        log(`FAULT kill: sidecar restarted as pid ${sc.proc.pid} on :${port}: first client answered at +${((f.outageEnd - f.start) / 1000).toFixed(1)} s, /health 200 at ${at()}`);
      } else if (plan.name === 'db') {
        if (!db) {
          f.notes.push('skipped: --database-url points at a server this run does not own');
          log('FAULT db: skipped (external database)');
          f.outageEnd = f.end = f.start;
          return;
        }
        f.probe = new ReconnectProbe(f.start, activeReceivers());
        probes.add(f.probe);
        const health = (async () => {
          const deadline = f.start + 180_000;
          while (performance.now() < deadline) {
            const status = await fetch(`http://127.0.0.1:${port}/kefu/health`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.status, () => 0);
            if (status !== 200 && f.marks.healthDown === undefined) f.marks.healthDown = performance.now();
            if (status === 200 && Number.isFinite(f.outageEnd)) { f.marks.healthUp = performance.now(); return; }
            await sleep(200);
          }
        })();
        log(`FAULT db: stopping MariaDB (SIGTERM) on :${db.port}`);
        await db.stop();
        f.marks.stopped = performance.now();
        log(`FAULT db: MariaDB stopped after ${at()}, starting it again`);
        await db.start();
        f.outageEnd = performance.now();
        log(`FAULT db: MariaDB answering again after ${at()}`);
        await health;
        log(`FAULT db: sidecar /health ${f.marks.healthDown !== undefined ? `503 from +${((f.marks.healthDown - f.start) / 1000).toFixed(1)} s, ` : ''}200 again at +${fmt(((f.marks.healthUp ?? NaN) - f.start) / 1000, 1)} s`);
      } else if (plan.name === 'burst') {
        log(`FAULT burst: ${BURST} visitors arriving within 10 s`);
        const sessionMs: number[] = [];
        const arrivals = await Promise.all(Array.from({ length: BURST }, async (_, k) => {
          await sleep((k * 10_000) / BURST);
          const t = performance.now();
          const n = VISITORS + k;
          const v = await openSession(n, `127.0.3.${1 + Math.floor(k / BURST_PER_ADDRESS)}`, true);
          sessionMs.push(performance.now() - t);
          visitors.push(v);
          byId.set(v.id, v);
          // They came to ask something: the first line a few seconds after the chat opens.
          startVisitor(v, 2_000 + Math.random() * 10_000);
          return v;
        }));
        f.outageEnd = performance.now();
        const sorted = sortedOf(sessionMs);
        f.marks.sessionP50Ms = percentile(sorted, 50);
        f.marks.sessionP99Ms = percentile(sorted, 99);
        log(`FAULT burst: ${arrivals.length} sessions open after ${at()} (session p50 ${sorted.length ? percentile(sorted, 50).toFixed(0) : '-'} ms, p99 ${sorted.length ? percentile(sorted, 99).toFixed(0) : '-'} ms)`);
        const leaveAt = f.start + plan.lasts * 1000;
        while (running && performance.now() < leaveAt) await sleep(Math.min(1_000, leaveAt - performance.now()));
        f.marks.leaving = performance.now();
        log(`FAULT burst: the ${arrivals.length} visitors stop writing and leave once answered`);
        let owed = 0;
        await Promise.all(arrivals.map(async (v) => {
          v.sending = false;
          v.wake?.();
          await v.sender;
          const deadline = performance.now() + 60_000;
          while (v.repliesShown < v.linesAcked && performance.now() < deadline && (running || draining)) await sleep(250);
          if (v.repliesShown < v.linesAcked) owed++;
          v.rx.stop();
          await v.poller;
        }));
        f.end = f.marks.left = performance.now();
        f.marks.leftOwed = owed;
        f.marks.burstLines = arrivals.reduce((s, v) => s + v.linesAcked, 0);
        log(`FAULT burst: all left at +${at()} (${f.marks.burstLines} lines acknowledged from them; ${owed} left before their last answer)`);
      } else if (plan.name === 'away') {
        const away = agents.filter((a) => a.i % 2 === 1);
        if (!away.length) { f.notes.push('skipped: needs at least 2 agents'); f.outageEnd = f.end = f.start; return; }
        const presence = (a: AgentClient, status: string) =>
          call(a.ip, 'POST', '/api/agent/presence', a.token, { status }).then((r) => r.status, () => 0);
        for (const a of away) { a.away = true; a.rx.pause(); }
        const st = await Promise.all(away.map((a) => presence(a, 'away')));
        log(`FAULT away: ${away.length} agents (${away.map((a) => a.i + 1).join(', ')}) stopped polling, presence "away" (${st.filter((s) => s === 204).length} × 204); cursors kept`);
        await sleep(plan.lasts * 1000);
        await Promise.all(away.map((a) => presence(a, 'online')));
        const back = performance.now();
        f.outageEnd = back;
        // What they missed: every line acknowledged before their return that they had not been shown.
        let backlog: number[] = [];
        for (const s of sentByMid.values()) {
          if (s.to !== 'admin') continue;
          const shown = inboxShown.get(s.mid);
          if (away.some((a) => !(shown && shown[a.i] > 0))) backlog.push(s.mid);
        }
        f.marks.backlog = backlog.length;
        for (const a of away) { a.away = false; a.rx.resume(); }
        log(`FAULT away: back after ${at()} with their cursors; ${backlog.length} inbox lines to catch up on`);
        const deadline = performance.now() + 180_000;
        while (backlog.length && performance.now() < deadline) {
          await sleep(100);
          backlog = backlog.filter((mid) => { const shown = inboxShown.get(mid); return away.some((a) => !(shown && shown[a.i] > 0)); });
        }
        f.end = f.marks.backlogDelivered = performance.now();
        log(`FAULT away: backlog ${backlog.length ? `NOT delivered (${backlog.length} lines missing)` : 'delivered'} ${((f.end - back) / 1000).toFixed(1)} s after their return`);
      }
      if (!Number.isFinite(f.end)) f.end = f.outageEnd;
    };
    const faultTasks = PLAN.map((p) => runFault(p).catch((err) => { log(`fault ${p.name} failed:`, err); failed = true; }));

    // Sample the sidecar while the load runs.
    const samples: Array<{ at: number; pid: number; rss: number; fd: number; cpu: number }> = [];
    const endAt = startLoad + RUN_S * 1000;
    let lastLog = { at: startLoad, cpu: NaN, pid: 0 };
    while (performance.now() < endAt) {
      await sleep(Math.min(5_000, endAt - performance.now()));
      if (restarting) continue;
      const pid = sc.proc.pid!;
      try {
        const s = { at: performance.now(), pid, rss: rssMb(pid), fd: fdCount(pid), cpu: cpuSeconds(pid) };
        if (!Number.isFinite(s.rss)) continue; // the killed process, not yet reaped
        samples.push(s);
        if (s.at - lastLog.at >= 30_000) {
          const cpu = lastLog.pid === pid ? `${(((s.cpu - lastLog.cpu) / ((s.at - lastLog.at) / 1000)) * 100).toFixed(0)}%` : 'n/a';
          log(`${sentByMid.size} acked, ${deliveredCount} delivered to all, RSS ${s.rss.toFixed(0)} MB, ${s.fd} fds, sidecar CPU ${cpu} (last 30 s)`);
          lastLog = { at: s.at, cpu: s.cpu, pid };
        }
      } catch { /* between a kill and the restart */ }
    }

    // Stop sending; let everything acknowledged arrive (with a deadline).
    running = false;
    draining = true;
    const loadEnd = performance.now();
    for (const v of visitors) v.wake?.();
    await Promise.allSettled(faultTasks);
    await Promise.allSettled(visitors.map((v) => v.sender));
    while (pending.size) await Promise.allSettled([...pending]);
    const drainDeadline = performance.now() + 90_000;
    while (deliveredCount < sentByMid.size && performance.now() < drainDeadline) await sleep(250);
    draining = false;
    const loadSeconds = (loadEnd - startLoad) / 1000;
    loopDelay.disable();
    const generatorCpu = process.cpuUsage(generatorCpuStart);
    const generator = {
      cpuPercent: r0(((generatorCpu.user + generatorCpu.system) / 1000 / (performance.now() - startLoad)) * 100),
      eventLoopDelayP99Ms: r1(loopDelay.percentile(99) / 1e6), eventLoopDelayMaxMs: r1(loopDelay.max / 1e6),
      loadAverageStart: loadAtStart.map((x) => +x.toFixed(2)), loadAverageEnd: loadavg().map((x) => +x.toFixed(2)),
    };

    // Every client leaves: descriptors must return to the baseline.
    const pid = sc.proc.pid!;
    for (const r of receivers) r.stop();
    for (const r of inFlight) r.destroy();
    for (const a of agentsByIp.values()) a.destroy();
    await Promise.allSettled([...agents.map((a) => a.poller), ...visitors.map((v) => v.poller)]);
    const fdDeadline = performance.now() + 30_000;
    let fdEnd = fdCount(pid);
    while (fdEnd > baseline.fd + BUDGET.fdSlack && performance.now() < fdDeadline) {
      await sleep(250);
      fdEnd = fdCount(pid);
    }
    await sleep(2_000);
    fdEnd = fdCount(pid);
    const rssEnd = rssMb(pid);

    // ---- the table, against the ledger ----
    const conn = await mysql.createConnection({ uri: url });
    const table = `\`${prefix}kefu_msg\``;
    const [[count]] = await conn.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n, SUM(isread = 1 AND rec <> 'admin') AS readToVisitors FROM ${table}`);
    const [[doubled]] = await conn.query<mysql.RowDataPacket[]>(
      `SELECT COUNT(*) AS n FROM (SELECT pos, client_id FROM ${table} WHERE client_id IS NOT NULL GROUP BY pos, client_id HAVING COUNT(*) > 1) d`);
    const [midRows] = await conn.query<mysql.RowDataPacket[]>({ sql: `SELECT mid FROM ${table}`, rowsAsArray: true });
    const inTable = new Set((midRows as unknown as number[][]).map((r) => Number(r[0])));
    let unacknowledgedRows = 0;
    for (const mid of inTable) if (!sentByMid.has(mid)) unacknowledgedRows++;
    let acknowledgedMissing = 0;
    for (const mid of sentByMid.keys()) if (!inTable.has(mid)) acknowledgedMissing++;
    // isread = 1 on a row to a visitor is a claim that the visitor's client got it.
    const [readRows] = await conn.query<mysql.RowDataPacket[]>({ sql: `SELECT mid, rec FROM ${table} WHERE isread = 1 AND rec <> 'admin'`, rowsAsArray: true });
    let isreadViolations = 0;
    const violationSamples: Array<{ mid: number; rec: string }> = [];
    for (const [mid, rec] of readRows as unknown as Array<[number, string]>) {
      const s = sentByMid.get(Number(mid));
      const ok = replyShown.has(Number(mid)) && (!s || s.to === rec);
      if (!ok) { isreadViolations++; if (violationSamples.length < 5) violationSamples.push({ mid: Number(mid), rec }); }
    }
    await conn.end();

    // ---- what a missed or falsely read row looked like from its receiver's side ----
    const since0 = (t: number) => ((t - startLoad) / 1000).toFixed(1);
    const explain = (mid: number, why: string, rec?: string): string[] => {
      const s = sentByMid.get(mid);
      const out = [`mid ${mid} (${why}): ${s ? `${s.from} → ${s.to}, send began at ${since0(s.startedAt)} s, acknowledged at ${since0(s.ackedAt)} s with ${s.status} after ${s.attempts} attempt(s), shown to ${shownTimes(s).length} of ${s.receivers}` : `to ${rec}, never acknowledged`}`];
      if (s?.to === 'admin') {
        const at = inboxShown.get(mid);
        out.push(`  not shown to: ${agents.filter((a) => !(at && at[a.i] > 0)).map((a) => `agent:${a.i + 1}`).join(', ')}`);
      }
      const v = byId.get(s && s.to !== 'admin' ? s.to : rec ?? '');
      if (v) {
        const from = (s?.ackedAt ?? s?.startedAt ?? 0) - 10_000;
        const list = v.rx.answers.filter((a) => a.at >= from).slice(0, 12);
        if (v.rx.answers.length && v.rx.answers[0].at > from) out.push(`  (only the visitor's last ${ANSWERS_KEPT} answers are kept; they begin at ${since0(v.rx.answers[0].began)} s)`);
        for (const a of list) {
          const c0 = readCursor(a.sent);
          const c1 = readCursor(a.got);
          const tag = (c: typeof c0) => (c ? `high ${c.high}${c.gaps.includes(mid) ? ` with ${mid} as a gap` : ''}${c.gaps.length ? ` (${c.gaps.length} gaps)` : ''}` : 'none');
          out.push(`  poll ${since0(a.began)}–${since0(a.at)} s: cursor ${tag(c0)} → answer [${a.mids.join(', ')}], cursor ${tag(c1)}`);
        }
      }
      return out;
    };
    const problems: string[] = [];
    let explained = 0;
    for (const s of sentByMid.values()) {
      if (s.complete || explained >= 5) continue;
      explained++;
      problems.push(...explain(s.mid, 'not delivered to every receiver'));
    }
    for (const v of violationSamples) problems.push(...explain(v.mid, 'isread = 1 but not shown to its visitor', v.rec));

    // ---- fault windows and recovery ----
    const firstShown = (s: Sent) => { const t = shownTimes(s); return t.length ? Math.min(...t) : NaN; };
    const lastShown = (s: Sent) => { const t = shownTimes(s); return t.length === s.receivers ? Math.max(...t) : NaN; };
    const faults = faultRecords.map((f) => {
      const figures: Record<string, number | string | null> = {};
      let recovered = Math.max(f.start, Number.isFinite(f.outageEnd) ? f.outageEnd : f.start, Number.isFinite(f.end) ? f.end : f.start);
      if (f.probe) {
        probes.delete(f.probe);
        figures.allClientsAnsweredAgainS = r1((f.probe.at - f.start) / 1000);
        figures.clientsExpected = f.probe.expected.size;
        figures.clientsAnsweredAgain = f.probe.done.size;
        if (Number.isFinite(f.probe.at)) recovered = Math.max(recovered, f.probe.at);
      }
      if (f.name === 'kill' || f.name === 'db') {
        // Sends begun once the component was down can only commit after it is back:
        // the first of them shown is when deliveries resumed.
        const downAt = f.marks.killed ?? f.marks.stopped ?? f.start;
        let firstAck = Infinity;
        let firstDelivery = Infinity;
        let allBefore = -Infinity;
        for (const s of sentByMid.values()) {
          if (s.ackedAt > downAt && s.ackedAt < firstAck) firstAck = s.ackedAt;
          if (s.startedAt >= downAt) {
            const t = firstShown(s);
            if (t < firstDelivery) firstDelivery = t;
          } else if (s.ackedAt >= f.start - 60_000 && s.ackedAt < f.outageEnd) {
            // Not delivered at all is counted by the ledger; here only when the rest arrived.
            const t = lastShown(s);
            if (Number.isFinite(t)) allBefore = Math.max(allBefore, t);
          }
        }
        figures.firstSendAcknowledgedS = r1((firstAck - f.start) / 1000);
        figures.deliveriesResumedS = r1((firstDelivery - f.start) / 1000);
        figures.firstMessageResumedMid = Number.isFinite(firstDelivery) ? [...sentByMid.values()].find((s) => s.startedAt >= downAt && firstShown(s) === firstDelivery)?.mid ?? null : null;
        figures.earlierMessagesAllDeliveredS = r1((Math.max(allBefore, f.start) - f.start) / 1000);
        if (Number.isFinite(firstDelivery)) recovered = Math.max(recovered, firstDelivery);
        if (Number.isFinite(allBefore)) recovered = Math.max(recovered, allBefore);
      }
      figures.outageS = r1(((Number.isFinite(f.outageEnd) ? f.outageEnd : f.start) - f.start) / 1000);
      for (const [k, v] of Object.entries(f.marks)) {
        figures[k] = /Ms$|^(backlog|leftOwed|burstLines)$/.test(k) ? r0(v) : r1((v - f.start) / 1000);
      }
      f.window = { start: f.start, end: recovered + AFTER_RECOVERY_S * 1000 };
      const failures = sendFailures.filter(([t]) => t >= f.start && t <= f.window!.end);
      const byStatus = new Map<number, number>();
      for (const [, st] of failures) bump(byStatus, st);
      figures.failedSendAttempts = failures.length;
      figures.failedSendStatuses = [...byStatus].map(([st, n]) => `${st || 'network'}: ${n}`).join(', ') || 'none';
      figures.recoveredS = r1((recovered - f.start) / 1000);
      return { f, figures };
    });
    const windows = faults.map(({ f }) => f.window!);
    const inWindow = (a: number, b: number) => windows.some((w) => a <= w.end && b >= w.start);

    // ---- latency ----
    const outside: number[] = [];
    const inside: number[] = [];
    const startup: number[] = [];
    const rampEnd = startLoad + RAMP_S * 1000;
    const perWindow = windows.map(() => [] as number[]);
    const minutes = Math.ceil(loadSeconds / 60);
    const perMinute = Array.from({ length: minutes + 1 }, () => ({ lat: [] as number[], sent: 0 }));
    const tens = Math.ceil(loadSeconds / 10);
    const per10s = Array.from({ length: tens + 1 }, () => [] as number[]);
    let visitorLines = 0;
    let replyLines = 0;
    let deliveries = 0;
    for (const s of sentByMid.values()) {
      if (s.to === 'admin') visitorLines++;
      else replyLines++;
      const minute = Math.min(minutes, Math.max(0, Math.floor((s.startedAt - startLoad) / 60_000)));
      perMinute[minute].sent++;
      for (const t of shownTimes(s)) {
        deliveries++;
        const lat = t - s.startedAt;
        perMinute[minute].lat.push(lat);
        per10s[Math.min(tens, Math.max(0, Math.floor((s.startedAt - startLoad) / 10_000)))].push(lat);
        if (inWindow(s.startedAt, t)) {
          inside.push(lat);
          windows.forEach((w, i) => { if (s.startedAt <= w.end && t >= w.start) perWindow[i].push(lat); });
        } else if (s.startedAt < rampEnd) startup.push(lat);
        else outside.push(lat);
      }
    }
    const outSorted = sortedOf(outside);
    const inSorted = sortedOf(inside);
    const startSorted = sortedOf(startup);
    const allSorted = sortedOf([...outside, ...inside, ...startup]);
    faults.forEach(({ figures }, i) => {
      const w = sortedOf(perWindow[i]);
      figures.windowP99Ms = r0(percentile(w, 99));
      figures.windowMaxMs = r0(w[w.length - 1] ?? NaN);
    });

    // ---- CPU over the steady windows (after the ramp, outside every fault window) ----
    let steadyCpu = 0;
    let steadyWall = 0;
    let allCpu = 0;
    let allWall = 0;
    const cpuByMinute = Array.from({ length: minutes + 1 }, () => ({ cpu: 0, wall: 0 }));
    for (let i = 1; i < samples.length; i++) {
      const a = samples[i - 1];
      const b = samples[i];
      if (a.pid !== b.pid) continue;
      const dc = b.cpu - a.cpu;
      const dw = (b.at - a.at) / 1000;
      allCpu += dc;
      allWall += dw;
      const m = Math.min(minutes, Math.floor((a.at - startLoad) / 60_000));
      cpuByMinute[m].cpu += dc;
      cpuByMinute[m].wall += dw;
      if (a.at - startLoad >= RAMP_S * 1000 && !inWindow(a.at, b.at)) { steadyCpu += dc; steadyWall += dw; }
    }
    const cpuSteadyPercent = steadyWall ? (steadyCpu / steadyWall) * 100 : NaN;

    // ---- heap per process life (a restart starts a new series, with its own warm-up) ----
    const lifeFits = lives.map((life, i) => {
      const from = Math.max(life.readyAt, startLoad) + WARMUP_S * 1000;
      const pts = heapSamples.filter((h) => h.life === i && h.at >= from && h.at <= loadEnd && !inWindow(h.at, h.at));
      const spanMin = pts.length > 1 ? (pts[pts.length - 1].at - pts[0].at) / 60_000 : 0;
      const all = heapSamples.filter((h) => h.life === i);
      return {
        pid: life.pid, startedS: r1(since(life.spawnedAt)), samples: all.length, fitted: pts.length, spanMin: r1(spanMin),
        slopeMbPerMin: pts.length > 1 ? +slopePerMinute(pts.map((h): [number, number] => [h.at / 1000, h.mb])).toFixed(3) : null,
        firstFittedMb: r1(pts[0]?.mb ?? NaN), lastFittedMb: r1(pts[pts.length - 1]?.mb ?? NaN),
      };
    });
    const judged = lifeFits.filter((l) => (l.spanMin ?? 0) >= 5 && l.slopeMbPerMin !== null);

    // ---- descriptors ----
    const fdsPeak = Math.max(...samples.map((s) => s.fd));

    // ---- the sidecar stops; its profile is written as it exits ----
    await sc.kill('SIGTERM');
    stoppedGracefully = true;
    let profile: { file: string; totalMs: number; busyMs: number; frames: Frame[] } | null = null;
    if (CPU_PROF) {
      const files = readdirSync(CPU_PROF_DIR).filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => join(CPU_PROF_DIR, f)).filter((f) => statSync(f).mtimeMs >= runStartedWall).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
      if (files.length) profile = { file: relative(ROOT, files[0]), ...topFrames(files[0], 15) };
    }

    // ---- figures ----
    const undelivered = sentByMid.size - deliveredCount;
    const ledgerOk = undelivered === 0 && counters.duplicatesShown === 0 && counters.unorderedBatches === 0 && Number(doubled.n) === 0 &&
      acknowledgedMissing === 0 && unacknowledgedRows === 0 && isreadViolations === 0 && counters.foreignShown === 0 && counters.midCollisions === 0;
    const verdict = (ok: boolean | null) => (ok === null ? 'n/a' : ok ? 'met' : 'NOT met');
    const p99Out = percentile(outSorted, 99);
    const heapVerdict = judged.length ? judged.every((l) => Math.abs(l.slopeMbPerMin!) < BUDGET.heapSlopeMbPerMin) : null;
    const result = {
      date: new Date().toISOString(), visitors: VISITORS, agents: AGENTS, minutes: MINUTES, intervalS: INTERVAL_S, warmupS: WARMUP_S,
      burst: FAULTS.includes('burst') ? BURST : 0, loadSeconds: Math.round(loadSeconds), faultsPlanned: PLAN,
      ledger: {
        sent: sentByMid.size, visitorLines, replyLines, delivered: deliveredCount, undelivered, deliveries,
        duplicatesShown: counters.duplicatesShown, doubledRowsInTable: Number(doubled.n), repeatsOnTheWire: counters.repeats,
        batchesOutOfOrder: counters.unorderedBatches, foreignMessagesShown: counters.foreignShown, midCollisions: counters.midCollisions,
        tableRows: Number(count.n), acknowledgedMissingFromTable: acknowledgedMissing, unacknowledgedRowsInTable: unacknowledgedRows,
        isreadRowsToVisitors: Number(count.readToVisitors ?? 0), isreadViolations, isreadViolationSamples: violationSamples, problems,
        sendAttempts: counters.sendAttempts, sendRetries: counters.sendRetries, sendsAbandoned: counters.sendsAbandoned, sendsRefused: counters.sendsRefused,
        sendStatuses: Object.fromEntries(counters.sendStatuses), polls: counters.polls, pollErrors: counters.pollErrors, pollStatuses: Object.fromEntries(counters.pollStatuses),
        ok: ledgerOk,
      },
      messagesPerSecond: +(sentByMid.size / loadSeconds).toFixed(1),
      latencyMs: {
        all: { p50: r0(percentile(allSorted, 50)), p99: r0(percentile(allSorted, 99)), max: r0(allSorted[allSorted.length - 1] ?? NaN), n: allSorted.length },
        outsideWindows: { p50: r0(percentile(outSorted, 50)), p99: r1(p99Out), max: r0(outSorted[outSorted.length - 1] ?? NaN), n: outSorted.length },
        insideWindows: { p50: r0(percentile(inSorted, 50)), p99: r0(percentile(inSorted, 99)), max: r0(inSorted[inSorted.length - 1] ?? NaN), n: inSorted.length },
        firstMinuteOutsideWindows: { p50: r0(percentile(startSorted, 50)), p99: r0(percentile(startSorted, 99)), max: r0(startSorted[startSorted.length - 1] ?? NaN), n: startSorted.length },
      },
      faults: faults.map(({ f, figures }) => ({
        name: f.name, label: f.label, plannedAtS: r0(f.plannedAt), startS: r1(since(f.start)),
        windowS: [r1(since(f.window!.start)), r1(since(f.window!.end))], notes: f.notes, ...figures,
      })),
      cpu: {
        steadyPercent: r1(cpuSteadyPercent), steadySeconds: r0(steadyWall), wholeRunPercent: r1(allWall ? (allCpu / allWall) * 100 : NaN),
        note: 'process CPU time / wall time from /proc/<pid>/stat, after the first minute and outside the fault windows',
      },
      heapAfterGc: { lives: lifeFits, budgetMbPerMin: BUDGET.heapSlopeMbPerMin, judgedLives: judged.map((l) => l.pid) },
      memoryMb: { baseline: r0(baseline.rss), peak: r0(Math.max(...samples.map((s) => s.rss))), end: r0(rssEnd) },
      fds: { baseline: baseline.fd, peak: fdsPeak, end: fdEnd },
      perMinute: perMinute.slice(0, minutes).map((m, i) => {
        const s = sortedOf(m.lat);
        const mStart = startLoad + i * 60_000;
        const heap = heapSamples.filter((h) => h.at >= mStart && h.at < mStart + 60_000);
        const fd = samples.filter((x) => x.at >= mStart && x.at < mStart + 60_000).map((x) => x.fd);
        return {
          minute: i, sent: m.sent, deliveries: s.length, p50: r0(percentile(s, 50)), p99: r0(percentile(s, 99)), max: r0(s[s.length - 1] ?? NaN),
          cpuPercent: r0(cpuByMinute[i].wall ? (cpuByMinute[i].cpu / cpuByMinute[i].wall) * 100 : NaN),
          heapMb: r1(heap[heap.length - 1]?.mb ?? NaN), fdsMax: fd.length ? Math.max(...fd) : null,
          faults: faults.filter(({ f }) => f.window!.start < mStart + 60_000 && f.window!.end >= mStart).map(({ f }) => f.name),
        };
      }),
      per10s: per10s.slice(0, tens).map((xs, i) => {
        const srt = sortedOf(xs);
        const a = startLoad + i * 10_000;
        return { s: i * 10, deliveries: srt.length, p50: r0(percentile(srt, 50)), p99: r0(percentile(srt, 99)), max: r0(srt[srt.length - 1] ?? NaN), inFaultWindow: inWindow(a, a + 10_000) };
      }),
      generator,
      heapSeries: heapSamples.map((h) => ({ s: r1(since(h.at)), life: h.life, mb: +h.mb.toFixed(2) })),
      cpuProfile: profile,
      sidecarLog: [...sidecarLines].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([line, n]) => ({ n, line })),
    };
    const L = result.ledger;

    console.log(`\n## Soak: ${VISITORS} visitors, ${AGENTS} agents, ${MINUTES} min${PLAN.length ? `, faults: ${PLAN.map((f) => f.name).join(', ')}` : ''}\n`);
    console.log(`| figure | value | budget | verdict |\n| --- | --- | --- | --- |
| messages acknowledged (sent) | ${L.sent} (${visitorLines} from visitors, ${replyLines} replies; ${result.messagesPerSecond}/s) | | |
| delivered to every receiver | ${L.delivered} (${deliveries} deliveries); not delivered: ${undelivered} | sent == delivered | ${verdict(undelivered === 0)} |
| duplicates shown / doubled rows in the table | ${L.duplicatesShown} / ${L.doubledRowsInTable} (repeats on the wire, deduplicated by mid: ${L.repeatsOnTheWire}) | 0 | ${verdict(L.duplicatesShown === 0 && L.doubledRowsInTable === 0)} |
| batches out of mid order | ${L.batchesOutOfOrder} | 0 | ${verdict(L.batchesOutOfOrder === 0)} |
| table rows vs acknowledged | ${L.tableRows} rows; ${acknowledgedMissing} acknowledged but missing, ${unacknowledgedRows} never acknowledged | equal | ${verdict(acknowledgedMissing === 0 && unacknowledgedRows === 0)} |
| isread = 1 to a visitor who was not shown the row | ${isreadViolations} (of ${L.isreadRowsToVisitors} rows marked read) | 0 | ${verdict(isreadViolations === 0)} |
| another conversation's messages shown | ${L.foreignMessagesShown} | 0 | ${verdict(L.foreignMessagesShown === 0)} |
| sends: attempts / retried / abandoned / refused | ${L.sendAttempts} / ${L.sendRetries} / ${L.sendsAbandoned} / ${L.sendsRefused} (${Object.entries(L.sendStatuses).map(([k, v]) => `${k === '0' ? 'network' : k}: ${v}`).join(', ')}) | | |
| polls answered / failed | ${L.polls} / ${L.pollErrors}${L.pollErrors ? ` (${Object.entries(L.pollStatuses).map(([k, v]) => `${k === '0' ? 'network' : k}: ${v}`).join(', ')})` : ''} | | |
| delivery p50 / p99 / max, steady: after the first minute, outside fault windows | ${fmt(percentile(outSorted, 50))} / ${fmt(p99Out, 1)} / ${fmt(outSorted[outSorted.length - 1])} ms (${outSorted.length} deliveries) | p99 < ${BUDGET.p99Ms} ms | ${verdict(outSorted.length ? p99Out < BUDGET.p99Ms : null)} |
| delivery p50 / p99 / max in the first minute (clients connecting, outside fault windows) | ${startSorted.length ? `${fmt(percentile(startSorted, 50))} / ${fmt(percentile(startSorted, 99))} / ${fmt(startSorted[startSorted.length - 1])} ms (${startSorted.length} deliveries)` : 'none'} | | |
| delivery p50 / p99 / max inside fault windows | ${inSorted.length ? `${fmt(percentile(inSorted, 50))} / ${fmt(percentile(inSorted, 99))} / ${fmt(inSorted[inSorted.length - 1])} ms (${inSorted.length} deliveries)` : 'no windows'} | | |
| sidecar CPU, steady windows (of one core) | ${fmt(cpuSteadyPercent, 0, '%')} over ${fmt(steadyWall)} s (whole run ${fmt(result.cpu.wholeRunPercent, 0, '%')}) | ≤ ${BUDGET.cpuPercent}% | ${verdict(steadyWall ? cpuSteadyPercent <= BUDGET.cpuPercent : null)} |
${lifeFits.map((l, i) => `| heap after GC, life ${i + 1} (pid ${l.pid}, from ${l.startedS} s) | ${l.fitted > 1 ? `${l.firstFittedMb} → ${l.lastFittedMb} MB over ${l.spanMin} min after warm-up, slope ${l.slopeMbPerMin} MB/min` : `no samples after warm-up (${l.samples} in all)`} | slope < ${BUDGET.heapSlopeMbPerMin} MB/min | ${judged.includes(l) ? verdict(Math.abs(l.slopeMbPerMin!) < BUDGET.heapSlopeMbPerMin) : 'n/a (< 5 min after warm-up)'} |`).join('\n')}
| sidecar RSS: start / peak / end | ${result.memoryMb.baseline} / ${result.memoryMb.peak} / ${result.memoryMb.end} MB | | |
| open descriptors: baseline / peak / end | ${baseline.fd} / ${fdsPeak} / ${fdEnd} | end ≤ baseline + ${BUDGET.fdSlack} | ${verdict(fdEnd <= baseline.fd + BUDGET.fdSlack)} |
| load generator (this process): CPU / event-loop delay p99 / max | ${generator.cpuPercent}% / ${generator.eventLoopDelayP99Ms} / ${generator.eventLoopDelayMaxMs} ms (its delays are inside every latency figure) | | |
| machine load average (1, 5, 15 min): start / end | ${generator.loadAverageStart.join(', ')} / ${generator.loadAverageEnd.join(', ')} (2 cores: above 2, something waits for CPU) | | |`);

    if (problems.length) console.log(`\nRows the ledger cannot account for:\n${problems.join('\n')}`);

    if (faults.length) {
      console.log(`\n| fault | at | outage | all clients answered again | deliveries resumed | recovered | window | failed send attempts | p99 / max in window |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |`);
      for (const x of result.faults) {
        const g = x as Record<string, any>;
        console.log(`| ${x.label} | ${x.startS} s | ${g.outageS} s | ${g.allClientsAnsweredAgainS !== undefined ? `+${fmt(g.allClientsAnsweredAgainS, 1)} s (${g.clientsAnsweredAgain}/${g.clientsExpected})` : '—'} | ${g.deliveriesResumedS !== undefined ? `+${fmt(g.deliveriesResumedS, 1)} s` : '—'} | +${g.recoveredS} s | ${x.windowS[0]}–${x.windowS[1]} s | ${g.failedSendAttempts} (${g.failedSendStatuses}) | ${fmt(g.windowP99Ms)} / ${fmt(g.windowMaxMs)} ms |`);
      }
      console.log('');
      for (const x of result.faults) {
        const g = x as Record<string, any>;
        const extra: string[] = [...x.notes];
        if (x.name === 'kill') extra.push(`the new process answered its first client at +${g.outageS} s and /health 200 at +${fmt(g.healthUp, 1)} s; first send acknowledged at +${fmt(g.firstSendAcknowledgedS, 1)} s; first message sent after the kill shown at +${fmt(g.deliveriesResumedS, 1)} s; messages acknowledged before the kill all delivered by +${fmt(g.earlierMessagesAllDeliveredS, 1)} s`);
        if (x.name === 'db') extra.push(`stopped at +${fmt(g.stopped, 1)} s, answering again at +${g.outageS} s; /health non-200 from +${fmt(g.healthDown, 1)} s, 200 again at +${fmt(g.healthUp, 1)} s; first send acknowledged at +${fmt(g.firstSendAcknowledgedS, 1)} s; earlier messages all delivered by +${fmt(g.earlierMessagesAllDeliveredS, 1)} s`);
        if (x.name === 'burst') extra.push(`sessions open at +${g.outageS} s (session p50 ${fmt(g.sessionP50Ms)} ms, p99 ${fmt(g.sessionP99Ms)} ms); ${g.burstLines} lines from them; they started leaving at +${fmt(g.leaving, 1)} s, all gone at +${fmt(g.left, 1)} s; ${g.leftOwed} left before their last answer`);
        if (x.name === 'away') extra.push(`back at +${g.outageS} s with ${g.backlog} inbox lines to catch up on, all delivered by +${fmt(g.backlogDelivered, 1)} s`);
        console.log(`- ${x.label}: ${extra.join('; ')}`);
      }
    }

    console.log(`\n| minute | sent | deliveries | p50 ms | p99 ms | max ms | CPU % | heap MB | fds | fault windows |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`);
    for (const m of result.perMinute) {
      console.log(`| ${m.minute} | ${m.sent} | ${m.deliveries} | ${fmt(m.p50)} | ${fmt(m.p99)} | ${fmt(m.max)} | ${fmt(m.cpuPercent)} | ${fmt(m.heapMb, 1)} | ${m.fdsMax ?? 'n/a'} | ${m.faults.join(', ')} |`);
    }

    if (CPU_PROF) {
      if (profile) {
        console.log(`\nCPU profile of the last sidecar process (${profile.file}; ${(profile.totalMs / 1000).toFixed(0)} s profiled, ${(profile.busyMs / 1000).toFixed(0)} s not idle):\n`);
        console.log('| self ms | % of profile | % of busy | function |\n| --- | --- | --- | --- |');
        for (const fr of profile.frames) console.log(`| ${fr.selfMs} | ${fr.percent} | ${fr.percentOfBusy} | ${fr.where.replace(/\|/g, '\\|')} |`);
        if (lives.length > 1) console.log('\n(A SIGKILLed process writes no profile: this one covers the process started after the kill.)');
      } else console.log(`\nno .cpuprofile found in ${CPU_PROF_DIR}`);
    }

    if (sidecarLines.size) {
      console.log('\nSidecar output (same lines merged, digits as #):');
      for (const { n, line } of result.sidecarLog.slice(0, 10)) console.log(`  ${String(n).padStart(6)} × ${line}`);
    }

    if (WRITE) {
      mkdirSync(dirname(OUT), { recursive: true });
      writeFileSync(OUT, JSON.stringify(result, null, 2) + '\n');
      console.log(`\nfigures written to ${relative(ROOT, OUT).startsWith('..') ? OUT : relative(ROOT, OUT)}`);
    }
    failed ||= !ledgerOk || fdEnd > baseline.fd + BUDGET.fdSlack;
    console.log(`\nledger ${ledgerOk ? 'exact' : 'BROKEN'}; ${failed ? 'FAILED' : 'passed'}`);
  } finally {
    running = false;
    draining = false;
    for (const r of receivers) r.stop();
    for (const r of inFlight) r.destroy();
    for (const a of agentsByIp.values()) a.destroy();
    if (!stoppedGracefully) await sc.kill('SIGTERM');
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
