#!/usr/bin/env node
// `npm run bench [-- --quick] [-- --no-write]`: measures the sidecar against
// real MariaDB beside a bare node:http and a bare Koa long-poll server and the
// seed's once-a-second polling design, prints the table and writes it to
// docs/benchmarks.md. Servers run on core 0, the load generator on core 1,
// everything on 127.0.0.1. Not part of `npm test`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync, readdirSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchDb } from './lib/db.mjs';
import { ServerProcess, LoadGen, ROOT, CORES, fileLimit, raiseFileLimit, pidOf, cpuSeconds, runQueueSeconds } from './lib/procs.mjs';
import { measureFrontend } from './frontend.mjs';
import { renderReport } from './report.mjs';

const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const WRITE = !argv.includes('--no-write') && !QUICK;
const PROFILE = argv.includes('--profile');
/** `--render FILE`: write docs/benchmarks.md again from a run's raw figures, measuring nothing. */
const RENDER = argv.includes('--render') ? argv[argv.indexOf('--render') + 1] : null;

const P = QUICK
  ? { held: [500, 1000], polls: 300, rate: 200, seconds: 6, rounds: 2, dbWindow: 6, streams: 20, ramp: [200, 800], rampSeconds: 4, seedWindow: 5 }
  : { held: [1000, 5000, 10000], polls: 1000, rate: 200, seconds: 21, rounds: 3, dbWindow: 30, streams: 100, ramp: [200, 400, 800, 1200, 1600, 2000, 2400], rampSeconds: 8, seedWindow: 10 };
const SECRET = 'kefu-bench-secret-0123456789abcdef';
let nextPort = 18800 + Math.floor(Math.random() * 500) * 2;
const started = new Date();
const results = { quick: QUICK, params: P };
const log = (...a) => console.log(`[${((Date.now() - started.getTime()) / 1000).toFixed(0).padStart(4)}s]`, ...a);

function build() {
  const main = join(ROOT, 'dist/sidecar/main.js');
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0 && !existsSync(main)) throw new Error(`sidecar build failed:\n${r.stdout}${r.stderr}`);
  if (r.status !== 0) log('warning: tsc reported errors; using the sidecar as built');
  const pub = join(ROOT, 'dist/public');
  const bundles = existsSync(join(pub, 'widget.js')) && existsSync(join(pub, 'admin.js'));
  return {
    bundles,
    bundlesBuilt: bundles ? statSync(join(pub, 'widget.js')).mtime.toISOString() : null,
    commit: (() => { try { return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim(); } catch { return '?'; } })(),
  };
}

function machine() {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return {
    cpu, cores: CORES, memGiB: Math.round(os.totalmem() / 2 ** 30), kernel: os.release(), node: process.version,
    loadavg: os.loadavg().map((x) => x.toFixed(2)).join(' '),
  };
}

function kefuEnv(url, port, extra = {}) {
  return {
    KEFU_DATABASE_URL: url, KEFU_SECRET: SECRET, KEFU_PORT: String(port), KEFU_HOST: '127.0.0.1',
    KEFU_LOG_LEVEL: 'warn', KEFU_MAX_HELD_PER_IP: '1000000', KEFU_VISITOR_SEND_BURST: '10000',
    KEFU_VISITOR_SEND_PER_SECOND: '10000', KEFU_IP_SEND_PER_MINUTE: '1000000', NODE_ENV: 'production', ...extra,
  };
}

async function startKefu(label, url, extra) {
  const port = nextPort++;
  const s = new ServerProcess(label, join(ROOT, 'bin/kefu.js'), ['serve'], kefuEnv(url, port, extra), 0,
    PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${os.tmpdir()}/kefu-bench-prof`] : []);
  await s.ready(`http://127.0.0.1:${port}/kefu/health`);
  s.port = port;
  return s;
}

async function startPlain(label, file, env = {}) {
  const port = nextPort++;
  const s = new ServerProcess(label, join(ROOT, 'bench/servers', file), [], { PORT: String(port), ...env }, 0);
  await s.ready(`http://127.0.0.1:${port}/health`);
  s.port = port;
  return s;
}

function agentToken() {
  return execFileSync(process.execPath, [join(ROOT, 'bin/kefu.js'), 'token', '--agent', '1', '--name', 'Bench agent'], {
    env: { ...process.env, KEFU_SECRET: SECRET }, encoding: 'utf8',
  }).trim();
}

/** Queries per second `user` sends over `seconds`. */
async function queryRate(db, user, seconds) {
  const a = await db.queries(user);
  const t = performance.now();
  await sleep(seconds * 1000);
  return (await db.queries(user) - a) / ((performance.now() - t) / 1000);
}

/** Waits until the server's catch-up work (first acknowledgements, …) is done: low query rate and CPU. */
async function settle(db, user, server, maxSeconds = 90) {
  const deadline = performance.now() + maxSeconds * 1000;
  let calm = 0;
  while (performance.now() < deadline && calm < 2) {
    const c0 = server.cpu();
    const q = await queryRate(db, user, 1);
    const cpu = server.cpu() - c0;
    calm = q < 12 && cpu < 0.15 ? calm + 1 : 0;
  }
}

const kb = (bytes) => bytes / 1024;

function summary(xs) {
  if (!xs.length) return { n: 0, p50: NaN, p99: NaN, max: NaN };
  const s = Float64Array.from(xs).sort();
  const at = (q) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: s[s.length - 1] };
}

/** Pools the samples of several rounds; keeps each round's p99 and their median. */
function mergeRounds(list) {
  const sum = (f) => list.reduce((n, r) => n + f(r), 0);
  const p99s = list.map((r) => r.latency.p99).sort((a, b) => a - b);
  const usage = {};
  for (const key of Object.keys(list[0].usage)) usage[key] = sum((r) => r.usage[key]) / list.length;
  return {
    rate: list[0].rate, seconds: sum((r) => r.seconds), sent: sum((r) => r.sent), delivered: sum((r) => r.delivered),
    failed: sum((r) => r.failed), skipped: sum((r) => r.skipped),
    latency: summary(list.flatMap((r) => r.raw)), post: { p99: Math.max(...list.map((r) => r.post.p99)) },
    roundP99: list.map((r) => r.latency.p99), medianRoundP99: p99s[Math.floor(p99s.length / 2)],
    qps: list.every((r) => r.qps !== undefined) ? sum((r) => r.qps) / list.length : undefined,
    usage,
  };
}

/** Held-poll memory for one server: RSS after GC at 0 and at each N, and after every socket closed. */
async function heldMemory(lg, server, kind, set, db, user, opts = {}) {
  const out = { levels: [] };
  const m0 = await server.memory();
  out.start = m0;
  let held = 0;
  for (const n of P.held) {
    const r = await lg.call('hold', { kind, set, from: held, to: n, ports: [server.port] });
    held = n;
    if (db) await settle(db, user, server);
    await sleep(500);
    const st = await lg.call('status');
    const m = await server.memory();
    const level = {
      n, held: st.held, errors: st.errors.poll, fds: countSockets(server.pid), openSeconds: r.seconds,
      rssKb: m.vmRssKb, kbPerPoll: (m.vmRssKb - m0.vmRssKb) / n, heapKbPerPoll: kb(m.heapUsed - m0.heapUsed) / n,
    };
    if (db && (n === P.held[0] || n === P.held[P.held.length - 1])) {
      const c0 = server.cpu();
      const t0 = performance.now();
      level.qps = await queryRate(db, user, P.dbWindow);
      // Idle CPU: the polls re-poll every 30 s, so this is the cost of keeping N visitors connected.
      level.idleCpu = (server.cpu() - c0) / ((performance.now() - t0) / 1000);
    }
    if (opts.agentToken && n === P.held[P.held.length - 1]) {
      level.herd = await presenceHerd(server, opts.agentToken).catch((err) => { log(`  presence change not measured: ${err.message}`); return undefined; });
    }
    out.levels.push(level);
    log(`  ${server.label}: ${n} held (${st.held} waiting, ${st.errors.poll} errors), RSS ${(m.vmRssKb / 1024).toFixed(1)} MiB, ${level.kbPerPoll.toFixed(2)} KB/poll${level.qps !== undefined ? `, ${level.qps.toFixed(2)} queries/s, idle CPU ${(level.idleCpu * 100).toFixed(1)}%` : ''}`);
  }
  await lg.call('release');
  await sleep(3000);
  const end = await server.memory();
  out.end = end;
  out.returnedRatio = end.vmRssKb / m0.vmRssKb;
  out.heapReturnedRatio = end.heapUsed / m0.heapUsed;
  log(`  ${server.label}: after closing all, RSS ${(end.vmRssKb / 1024).toFixed(1)} MiB (start ${(m0.vmRssKb / 1024).toFixed(1)}), heap ${(end.heapUsed / 2 ** 20).toFixed(1)} MiB (start ${(m0.heapUsed / 2 ** 20).toFixed(1)})`);
  await lg.call('resetErrors');
  return out;
}

async function setAgentStatus(port, token, status) {
  const r = await fetch(`http://127.0.0.1:${port}/kefu/api/agent/presence`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ status }),
  });
  return r.status;
}

/** An agent going online, then away, with every poll held: what waking them all costs. */
async function presenceHerd(server, token) {
  const out = {};
  for (const status of ['online', 'away']) {
    const c0 = server.cpu();
    await server.loopDelay();
    await setAgentStatus(server.port, token, status);
    await sleep(5000);
    const loop = await server.loopDelay();
    out[status] = { cpuSeconds: server.cpu() - c0, loopMaxMs: loop?.max ?? NaN };
    log(`  agent ${status}: ${out[status].cpuSeconds.toFixed(2)} s of sidecar CPU, event loop blocked up to ${out[status].loopMaxMs.toFixed(0)} ms`);
  }
  return out;
}

function countSockets(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`).filter((f) => {
      try { return readlinkSync(`/proc/${pid}/fd/${f}`).startsWith('socket:'); } catch { return false; }
    }).length;
  } catch { return NaN; }
}

/** CPU use of the server and of MariaDB, and fsyncs, around `fn`. */
async function withUsage(server, fn, db) {
  const mysqld = db?.serverPid ?? pidOf('mariadbd') ?? pidOf('mysqld');
  const names = ['Innodb_data_fsyncs', 'Handler_commit'];
  const g0 = db ? await db.globalStatus(names) : null;
  const c0 = server.cpu();
  const w0 = runQueueSeconds(server.pid);
  await server.loopDelay();
  const m0 = mysqld ? cpuSeconds(mysqld) : NaN;
  const t0 = performance.now();
  const r = await fn();
  const dt = (performance.now() - t0) / 1000;
  const g1 = db ? await db.globalStatus(names) : null;
  const cpu = server.cpu() - c0;
  const loop = await server.loopDelay();
  r.usage = {
    loopDelayP99: loop?.p99 ?? NaN, loopDelayMax: loop?.max ?? NaN,
    seconds: dt, serverCpu: cpu / dt, mysqldCpu: mysqld ? (cpuSeconds(mysqld) - m0) / dt : NaN,
    cpuMsPerMessage: r.sent ? (cpu * 1000) / r.sent : NaN,
    // Time runnable but not running: the machine's other load, not this server's work.
    runQueueMsPerS: ((runQueueSeconds(server.pid) - w0) * 1000) / dt,
    fsyncsPerS: g1 ? (g1.Innodb_data_fsyncs - g0.Innodb_data_fsyncs) / dt : NaN,
    commitsPerS: g1 ? (g1.Handler_commit - g0.Handler_commit) / dt : NaN,
  };
  return r;
}

function latencyLine(label, r) {
  const f = (x) => (Number.isFinite(x) ? x.toFixed(1) : '—');
  log(`  ${label}: ${r.delivered}/${r.sent} delivered, p50 ${f(r.latency.p50)} ms, p99 ${f(r.latency.p99)} ms, max ${f(r.latency.max)} ms (POST p99 ${f(r.post.p99)} ms)`);
}

async function main() {
  log(QUICK ? 'quick run (smoke test; docs not written)' : 'full run');
  const b = build();
  results.build = b;
  results.machine = machine();
  results.files = { bench: fileLimit(), raised: raiseFileLimit() };
  const db = await new BenchDb().init();
  results.db = { ...db.info, exactCounts: db.exact };
  log(`MariaDB ${db.info.version}, innodb_flush_log_at_trx_commit=${db.info.flush}, per-user query counts: ${db.exact ? 'USER_STATISTICS' : 'GLOBAL Questions (includes other clients)'}`);
  const lg = new LoadGen();
  results.files.loadgen = lg.files;
  const token = agentToken();
  const servers = [];
  const stop = async (s) => { await s.stop(); servers.splice(servers.indexOf(s), 1); };
  try {
    // 1. The platform limit and the framework: bare node:http and bare Koa.
    let bareNode = null;
    for (const [key, file] of [['bareNode', 'bare-node.mjs'], ['bareKoa', 'bare-koa.mjs']]) {
      log(`${key}: held polls`);
      const s = await startPlain(key, file);
      servers.push(s);
      results.files.server = s.files;
      await lg.call('plainVisitors', key, Math.max(...P.held));
      // Warm up the code paths once so that the 0-connection figure is not before JIT and buffers.
      await lg.call('hold', { kind: 'bare', set: key, from: 0, to: 200, ports: [s.port], wait: 1, untilHeld: false });
      await sleep(1500);
      await lg.call('release');
      results[key] = { held: await heldMemory(lg, s, 'bare', key) };
      if (key === 'bareNode') bareNode = s;
      else {
        await lg.call('hold', { kind: 'bare', set: key, from: 0, to: P.polls, ports: [s.port] });
        const r = await withUsage(s, () => lg.call('send', { via: 'bare', ports: [s.port], rate: P.rate, seconds: P.seconds }));
        latencyLine(`${key} ${P.polls} polls, ${P.rate}/s`, r);
        results[key].latency = r;
        await lg.call('release');
        await stop(s);
      }
    }

    // 2. Kefu: held polls, database load, leak check.
    log('kefu: sessions');
    const main = await db.create('main');
    const k = await startKefu('kefu', main.url);
    servers.push(k);
    // Before any visitor exists: afterwards the presence batch keeps writing "last seen" for 60 s.
    await sleep(3000);
    const qps0 = await queryRate(db, main.user, P.dbWindow);
    const maxHeld = Math.max(...P.held);
    const sess = await lg.call('sessions', 'kefu', k.port, maxHeld + 200);
    log(`  ${sess.created} visitor sessions in ${sess.seconds.toFixed(1)} s (${sess.failed} failed)`);
    results.kefu = { sessions: sess };
    await lg.call('hold', { kind: 'kefu', set: 'kefu', from: maxHeld, to: maxHeld + 200, ports: [k.port], wait: 1, untilHeld: false });
    await sleep(2500);
    await lg.call('release');
    await settle(db, main.user, k);
    results.kefu.qps0 = qps0;
    log(`  0 held: ${results.kefu.qps0.toFixed(2)} queries/s`);
    log('kefu: held polls');
    results.kefu.held = await heldMemory(lg, k, 'kefu', 'kefu', db, main.user, { agentToken: token });

    // 3. Delivery latency: agent API, in rounds alternating with the bare node:http server
    // (both holding their polls throughout), so the machine's noise falls on both alike.
    log(`kefu: delivery, ${P.polls} polls, ${P.rate} messages/s for ${P.seconds} s, alternating with bare node:http`);
    // The agent is online before the polls are held: a change in the number of agents online
    // answers every held poll (measured on its own above), which is not what this figure is about.
    await setAgentStatus(k.port, token, 'online');
    await sleep(6000);
    await lg.call('hold', { kind: 'kefu', set: 'kefu', from: 0, to: P.polls, ports: [k.port] });
    await lg.call('hold', { kind: 'bare', set: 'bareNode', from: 0, to: P.polls, ports: [bareNode.port] });
    await settle(db, main.user, k);
    results.kefu.qpsIdle1k = await queryRate(db, main.user, Math.min(P.dbWindow, 10));
    const rounds = { kefu: [], bare: [] };
    for (let i = 0; i < P.rounds; i++) {
      const qa = await db.queries(main.user);
      const kr = await withUsage(k, () => lg.call('send', { via: 'agent', ports: [k.port], rate: P.rate, seconds: P.seconds / P.rounds, agentToken: token }), db);
      kr.qps = (await db.queries(main.user) - qa) / kr.usage.seconds;
      rounds.kefu.push(kr);
      const br = await withUsage(bareNode, () => lg.call('send', { via: 'bare', ports: [bareNode.port], rate: P.rate, seconds: P.seconds / P.rounds }));
      rounds.bare.push(br);
      log(`  round ${i + 1}: kefu p99 ${kr.latency.p99.toFixed(1)} ms, bare node p99 ${br.latency.p99.toFixed(1)} ms`);
    }
    results.kefu.latency = mergeRounds(rounds.kefu);
    results.bareNode.latency = mergeRounds(rounds.bare);
    latencyLine('kefu agent API', results.kefu.latency);
    latencyLine('bare node:http', results.bareNode.latency);
    await lg.call('release');
    await stop(bareNode);
    await lg.call('hold', { kind: 'kefu', set: 'kefu', from: 0, to: P.polls, ports: [k.port] });
    await settle(db, main.user, k);
    results.kefu.direct = await lg.call('send', { via: 'insert', ports: [k.port], rate: P.rate, seconds: P.seconds, db: main.options, table: 'kefu_msg', drainMs: 8000 });
    latencyLine('rows inserted by another process', results.kefu.direct);
    await lg.call('release');

    // 4. Agent streams, every message to every stream.
    log(`kefu: ${P.streams} agent streams, ${P.rate} visitor messages/s`);
    await lg.call('sessions', 'senders', k.port, 200);
    const st = await lg.call('streams', { port: k.port, n: P.streams, agentToken: token });
    await sleep(1000);
    results.kefu.streams = await withUsage(k, () => lg.call('send', { via: 'visitor', ports: [k.port], rate: P.rate, seconds: P.seconds, senderSet: 'senders', copies: P.streams, drainMs: 10_000 }));
    results.kefu.streams.opened = st.opened;
    results.kefu.streams.reconnects = await lg.call('streamReconnects');
    latencyLine(`${st.opened} streams`, results.kefu.streams);
    await lg.call('release');

    // 5. Throughput: raise the rate until sent != delivered or the sender falls behind.
    log('kefu: throughput');
    await lg.call('hold', { kind: 'kefu', set: 'kefu', from: 0, to: P.polls, ports: [k.port] });
    await settle(db, main.user, k);
    results.kefu.ramp = [];
    for (const rate of P.ramp) {
      const q0 = await db.queries(main.user);
      const r = await withUsage(k, () => lg.call('send', { via: 'agent', ports: [k.port], rate, seconds: P.rampSeconds, agentToken: token, drainMs: 5000, maxInFlight: 256 }), db);
      r.qps = (await db.queries(main.user) - q0) / r.usage.seconds;
      r.achieved = r.sent / r.sendSeconds;
      r.sustained = r.delivered === r.sent && r.failed === 0 && r.skipped === 0 && r.achieved >= 0.95 * rate && r.latency.p99 < 1000;
      results.kefu.ramp.push(r);
      log(`  ${rate}/s: ${r.sustained ? 'sustained' : 'NOT sustained'}; ${r.delivered}/${r.sent} delivered, skipped ${r.skipped}, p99 ${r.latency.p99.toFixed(0)} ms; sidecar CPU ${(r.usage.serverCpu * 100).toFixed(0)}%, mariadbd ${(r.usage.mysqldCpu * 100).toFixed(0)}%, ${r.qps.toFixed(0)} queries/s, ${r.usage.fsyncsPerS.toFixed(0)} fsyncs/s, ${r.usage.cpuMsPerMessage.toFixed(2)} CPU ms/message, waited for CPU ${r.usage.runQueueMsPerS.toFixed(0)} ms/s`);
      if (!r.sustained) break;
      await settle(db, main.user, k, 20);
    }
    await lg.call('release');

    // 8. Front end, against the same sidecar.
    log('front end');
    results.frontend = b.bundles ? await measureFrontend(`http://127.0.0.1:${k.port}`, token).catch((e) => ({ error: e.message })) : { error: 'the widget bundles are not built (run `npx rollup -c`)' };
    log(`  ${JSON.stringify(results.frontend)}`);
    await stop(k);

    // 7. Two sidecars on one database.
    log('two sidecars on one database');
    const multi = await db.create('multi');
    const a = await startKefu('kefu-a', multi.url);
    servers.push(a);
    const c = await startKefu('kefu-b', multi.url);
    servers.push(c);
    await lg.call('sessions', 'multi', a.port, P.polls);
    await setAgentStatus(a.port, token, 'online');
    await sleep(6000);
    await lg.call('hold', { kind: 'kefu', set: 'multi', from: 0, to: P.polls, ports: [a.port, c.port] });
    await settle(db, multi.user, a);
    results.multi = { qpsIdle: await queryRate(db, multi.user, Math.min(P.dbWindow, 10)) };
    results.multi.latency = await lg.call('send', { via: 'agent', ports: [a.port, c.port], rate: P.rate, seconds: P.seconds, agentToken: token });
    log(`  same process p99 ${results.multi.latency.same.p99.toFixed(1)} ms, cross-process p50 ${results.multi.latency.cross.p50.toFixed(1)} / p99 ${results.multi.latency.cross.p99.toFixed(1)} ms; ${results.multi.qpsIdle.toFixed(2)} queries/s idle (both)`);
    await lg.call('release');
    await stop(a);
    await stop(c);

    // 6. The seed's design at the same load.
    log(`seed design: ${P.polls} connections polling once a second`);
    const seedDb = await db.create('seed');
    const seed = await startPlain('seed', 'seed-poll.mjs', { SEED_DATABASE_URL: seedDb.url });
    servers.push(seed);
    await lg.call('plainVisitors', 'seed', P.polls);
    await lg.call('hold', { kind: 'bare', set: 'seed', from: 0, to: P.polls, ports: [seed.port], wait: 25, quietMs: 300 });
    await sleep(2000);
    results.seed = { qpsIdle: await queryRate(db, seedDb.user, P.seedWindow) };
    const q0 = await db.queries(seedDb.user);
    results.seed.latency = await withUsage(seed, () => lg.call('send', { via: 'insert', ports: [seed.port], rate: P.rate, seconds: P.seconds, db: seedDb.options, table: 'msg', drainMs: 8000 }), db);
    results.seed.latency.qps = (await db.queries(seedDb.user) - q0) / results.seed.latency.usage.seconds;
    latencyLine('seed', results.seed.latency);
    log(`  seed: ${results.seed.qpsIdle.toFixed(0)} queries/s idle, ${results.seed.latency.qps.toFixed(0)} under load`);
    await lg.call('release');
    await stop(seed);
  } finally {
    for (const s of [...servers]) await s.stop().catch(() => {});
    lg.stop();
    await db.close();
  }
  results.finished = new Date().toISOString();
  results.started = started.toISOString();
  writeFileSync(join(os.tmpdir(), 'kefu-bench-last.json'), JSON.stringify(results, null, 2));
  const report = renderReport(results);
  console.log('\n' + report.table);
  if (WRITE) {
    writeFileSync(join(ROOT, 'docs/benchmarks.md'), report.markdown);
    log('wrote docs/benchmarks.md');
  }
  log(`done in ${((Date.now() - started.getTime()) / 60000).toFixed(1)} min; raw figures in ${join(os.tmpdir(), 'kefu-bench-last.json')}`);
}

if (RENDER) {
  writeFileSync(join(ROOT, 'docs/benchmarks.md'), renderReport(JSON.parse(readFileSync(RENDER, 'utf8'))).markdown);
  console.log('wrote docs/benchmarks.md from', RENDER);
} else main().catch((err) => {
  console.error(err);
  process.exit(1);
});
