// Turns the bench's figures into the table (terminal) and docs/benchmarks.md.
const TAIL_MS = 250;
const REF = {
  kb: { node: 10, koa: 15, socketio: 17 },
  p99: { node: 1.8, koa: 2.7, socketio: 3.3 },
};

const n1 = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');
const ms = (x) => (Number.isFinite(x) ? (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0)) + ' ms' : '—');
const kib = (b) => (Number.isFinite(b) ? (b / 1024).toFixed(1) + ' KB' : '—');
const mark = (ok) => (ok === null || ok === undefined ? 'n/a' : ok ? 'met' : 'NOT met');

export function renderReport(r) {
  const rows = []; // [measure, kefu, bare node, target, verdict]
  const targets = []; // [target, figure, verdict]
  const lastLevel = (x) => x?.held?.levels?.[x.held.levels.length - 1];
  const levelAt = (x, n) => x?.held?.levels?.find((l) => l.n === n);
  const kefu = r.kefu ?? {};
  const node = r.bareNode ?? {};
  const koa = r.bareKoa ?? {};

  // 1. Held polls.
  for (const lv of kefu.held?.levels ?? []) {
    const bn = levelAt(node, lv.n);
    const bk = levelAt(koa, lv.n);
    rows.push([`${lv.n.toLocaleString('en')} held polls: KB per poll (RSS after GC)`, `${n1(lv.kbPerPoll)} KB (${lv.held} held, ${lv.errors} errors)`,
      bn ? `${n1(bn.kbPerPoll)} KB` : '—', bk ? `${n1(bk.kbPerPoll)} KB` : '—', bn ? `${n1(lv.kbPerPoll / bn.kbPerPoll, 2)}x` : '—']);
  }
  const top = lastLevel(kefu);
  const topNode = top ? levelAt(node, top.n) : null;
  if (top) {
    const ok = top.held === top.n && top.errors === 0 && top.kbPerPoll <= 15 && (!topNode || top.kbPerPoll <= 1.5 * topNode.kbPerPoll);
    targets.push([`${top.n.toLocaleString('en')} held polls in one process, ≤ 15 KB each and ≤ 1.5x bare node:http`,
      `${n1(top.kbPerPoll)} KB/poll, ${top.held}/${top.n} held, ${top.errors} errors; bare node ${n1(topNode?.kbPerPoll)} KB → ${n1(top.kbPerPoll / topNode?.kbPerPoll, 2)}x`, mark(ok)]);
  }
  if (top?.herd) {
    rows.push([`One agent going online / away with ${top.n.toLocaleString('en')} polls held: sidecar CPU, longest event-loop block`,
      `${n1(top.herd.online.cpuSeconds, 2)} s, ${ms(top.herd.online.loopMaxMs)} / ${n1(top.herd.away.cpuSeconds, 2)} s, ${ms(top.herd.away.loopMaxMs)}`, '—', '—', '—']);
  }
  // 2. Database load.
  const lv0 = kefu.held?.levels?.[0];
  const qTop = top?.qps;
  rows.push(['Database queries/s, 0 / ' + (lv0?.n ?? '') + ' / ' + (top?.n ?? '') + ' idle polls', `${n1(kefu.qps0, 2)} / ${n1(lv0?.qps, 2)} / ${n1(qTop, 2)}`, '—', '—', '—']);
  if (top?.idleCpu !== undefined) rows.push([`Sidecar CPU with ${top.n.toLocaleString('en')} idle polls (each re-polls every 30 s)`, `${n1(top.idleCpu * 100, 1)}% of a core`, '—', '—', '—']);
  if (Number.isFinite(qTop) && Number.isFinite(kefu.qps0)) {
    targets.push([`Database queries/s at ${top.n.toLocaleString('en')} idle polls within 10% of 0`, `${n1(qTop, 2)} vs ${n1(kefu.qps0, 2)} (${n1((qTop / kefu.qps0 - 1) * 100, 0)}%)`, mark(qTop <= kefu.qps0 * 1.1)]);
  }
  // 3. Latency.
  const lat = kefu.latency;
  if (lat) {
    rows.push([`Delivery, ${r.params.polls} polls, ${r.params.rate} msg/s (POST start → answer): p50 / p99 / max`,
      `${ms(lat.latency.p50)} / ${ms(lat.latency.p99)} / ${ms(lat.latency.max)} (${lat.delivered}/${lat.sent})`,
      node.latency ? `${ms(node.latency.latency.p50)} / ${ms(node.latency.latency.p99)} / ${ms(node.latency.latency.max)}` : '—',
      koa.latency ? `${ms(koa.latency.latency.p50)} / ${ms(koa.latency.latency.p99)} / ${ms(koa.latency.latency.max)}` : '—',
      node.latency ? `${n1(lat.latency.p99 / node.latency.latency.p99, 1)}x (p99)` : '—']);
    const cpuRow = (x) => x?.usage ? `${n1(x.usage.cpuMsPerMessage, 2)} ms (CPU ${n1(x.usage.serverCpu * 100, 0)}%, waited for CPU ${n1(x.usage.runQueueMsPerS, 0)} ms/s, event-loop delay p99 ${ms(x.usage.loopDelayP99)}, max ${ms(x.usage.loopDelayMax)})` : '—';
    rows.push(['Same load: server CPU time per message delivered', cpuRow(lat), cpuRow(node.latency), cpuRow(koa.latency),
      node.latency ? `${n1(lat.usage.cpuMsPerMessage / node.latency.usage.cpuMsPerMessage, 1)}x` : '—']);
    if (lat.roundP99) rows.push(['Same load: p99 of each round (Kefu and bare node alternate)', lat.roundP99.map(ms).join(', '), node.latency?.roundP99?.map(ms).join(', ') ?? '—', '—', '—']);
    targets.push([`Delivery p99 < 10 ms at ${r.params.polls} polls and ${r.params.rate} msg/s, commit included`, `${ms(lat.latency.p99)} (bare node ${ms(node.latency?.latency.p99)})`, mark(lat.latency.p99 < 10 && lat.delivered === lat.sent)]);
    if (lat.qps !== undefined) {
      // Every statement the sidecar sent while the messages flowed, tail and background writes included.
      const perMessage = lat.qps / r.params.rate;
      targets.push([`≤ 2 statements per message on the hot path (all statements ÷ messages at ${r.params.rate} msg/s)`, n1(perMessage, 2), mark(perMessage <= 2)]);
    }
  }
  const dir = kefu.direct;
  if (dir) {
    rows.push(['Rows inserted by another process (tail 250 ms): p50 / p99 / max', `${ms(dir.latency.p50)} / ${ms(dir.latency.p99)} / ${ms(dir.latency.max)} (${dir.delivered}/${dir.sent})`, '—', '—', '—']);
    targets.push([`Rows from other processes delivered within the tail interval + 50 ms at p99 (${TAIL_MS + 50} ms)`, ms(dir.latency.p99), mark(dir.latency.p99 <= TAIL_MS + 50 && dir.delivered === dir.sent)]);
  }
  const str = kefu.streams;
  if (str) {
    rows.push([`${str.opened} agent iframe streams, ${r.params.rate} msg/s, every message to each: p50 / p99 / max`,
      `${ms(str.latency.p50)} / ${ms(str.latency.p99)} / ${ms(str.latency.max)} (${str.delivered}/${str.sent} to all; ${str.reconnects} reconnects; CPU ${n1(str.usage.serverCpu * 100, 0)}%)`, '—', '—', '—']);
    targets.push([`${str.opened} agent iframe streams, every message to each: p99 < 50 ms`, `${ms(str.latency.p99)} (${str.reconnects} reconnects)`, mark(str.latency.p99 < 50 && str.delivered === str.sent)]);
  }
  // 5. Throughput.
  const ramp = kefu.ramp ?? [];
  const best = ramp.filter((x) => x.sustained).pop();
  const fail = ramp.find((x) => !x.sustained);
  if (ramp.length) {
    const f = (x) => `${x.rate}/s: ${x.delivered}/${x.sent} delivered (${x.skipped} not sent: 256 in flight), p99 ${ms(x.latency.p99)}, sidecar CPU ${n1(x.usage.serverCpu * 100, 0)}% (${n1(x.usage.cpuMsPerMessage, 2)} ms/message, waited for CPU ${n1(x.usage.runQueueMsPerS, 0)} ms/s), mariadbd ${n1(x.usage.mysqldCpu * 100, 0)}%, ${n1(x.qps, 0)} q/s, ${n1(x.usage.fsyncsPerS, 0)} fsyncs/s`;
    rows.push(['Throughput: highest sustained rate (sent == delivered)', best ? f(best) : 'none', '—', '—', '—']);
    if (fail) rows.push(['Throughput: first rate not sustained', f(fail), '—', '—', '—']);
    targets.push(['Sustained throughput of one process ≥ 2,000 messages/s, sent == delivered', best ? `${best.rate}/s${fail ? ` (${fail.rate}/s not: ${fail.skipped} not sent, p99 ${ms(fail.latency.p99)})` : ''}` : 'none', mark(Boolean(best && best.rate >= 2000))]);
  }
  // 7. Multi-process.
  const mu = r.multi;
  if (mu) {
    rows.push(['Two sidecars, one database: same-process p50 / p99', `${ms(mu.latency.same.p50)} / ${ms(mu.latency.same.p99)}`, '—', '—', '—']);
    rows.push(['Two sidecars: cross-process p50 / p99 / max', `${ms(mu.latency.cross.p50)} / ${ms(mu.latency.cross.p99)} / ${ms(mu.latency.cross.max)} (${mu.latency.delivered}/${mu.latency.sent})`, '—', '—', '—']);
    rows.push(['Two sidecars: database queries/s, idle', n1(mu.qpsIdle, 2), '—', '—', '—']);
  }
  // 6. Seed.
  const seed = r.seed;
  if (seed && lat) {
    const kq = kefu.qpsIdle1k ?? lv0?.qps;
    rows.push([`Seed design, ${r.params.polls} connections: queries/s idle / under ${r.params.rate} msg/s`, `Kefu ${n1(kq, 2)} / ${n1(lat.qps, 0)}`, `seed ${n1(seed.qpsIdle, 0)} / ${n1(seed.latency.qps, 0)}`, '—', `${n1(seed.qpsIdle / kq, 0)}x fewer (idle)`]);
    rows.push([`Seed design: delivery p50 / p99 / max`, `Kefu ${ms(lat.latency.p50)} / ${ms(lat.latency.p99)}`, `seed ${ms(seed.latency.latency.p50)} / ${ms(seed.latency.latency.p99)} / ${ms(seed.latency.latency.max)} (${seed.latency.delivered}/${seed.latency.sent})`, '—', '—']);
    targets.push([`≥ 100x fewer queries/s than the seed's design at ${r.params.polls} connections, and lower latency`,
      `${n1(seed.qpsIdle / kq, 0)}x fewer idle (${n1(kq, 2)} vs ${n1(seed.qpsIdle, 0)}); p99 ${ms(lat.latency.p99)} vs ${ms(seed.latency.latency.p99)}`,
      mark(seed.qpsIdle / kq >= 100 && lat.latency.p99 < seed.latency.latency.p99)]);
  }
  // 8. Front end.
  const fe = r.frontend;
  if (fe && !fe.error) {
    rows.push(['Widget before the first click (gzipped scripts)', kib(fe.beforeBytes), '—', '—', '—']);
    rows.push(['Widget after the first click', kib(fe.afterBytes), '—', '—', '—']);
    rows.push(['Agent console', kib(fe.consoleBytes), '—', '—', '—']);
    rows.push(['<kefu-chat> in the page → launcher visible (median of 5)', ms(fe.launcherMs), '—', '—', '—']);
    targets.push(['Widget < 5 KB gzipped before the first click', kib(fe.beforeBytes), mark(fe.beforeBytes < 5 * 1024)]);
    targets.push(['Widget < 20 KB after the first click', kib(fe.afterBytes), mark(fe.afterBytes < 20 * 1024)]);
    targets.push(['Console < 40 KB', kib(fe.consoleBytes), mark(fe.consoleBytes < 40 * 1024)]);
  } else if (fe) {
    targets.push(['Front-end sizes', `not measured: ${fe.error}`, 'n/a']);
  }
  // Leak.
  if (kefu.held?.end) {
    const h = kefu.held;
    rows.push(['Memory after every connection closed (RSS / heap, vs start)', `${n1(h.end.vmRssKb / 1024)} / ${n1(h.end.heapUsed / 2 ** 20)} MiB vs ${n1(h.start.vmRssKb / 1024)} / ${n1(h.start.heapUsed / 2 ** 20)} MiB`,
      node.held ? `${n1(node.held.end.vmRssKb / 1024)} vs ${n1(node.held.start.vmRssKb / 1024)} MiB` : '—', koa.held ? `${n1(koa.held.end.vmRssKb / 1024)} vs ${n1(koa.held.start.vmRssKb / 1024)} MiB` : '—', '—']);
    // RSS never falls back fully in any server (bare node:http included): the allocator keeps freed
    // pages. The heap after a full GC is what a leak would grow, so the verdict is on the heap.
    targets.push(['Memory within 10% of its start after all connections close (heap after GC; RSS shown)', `heap ${n1((h.heapReturnedRatio - 1) * 100, 0)}%; RSS ${n1((h.returnedRatio - 1) * 100, 0)}% (bare node:http RSS ${n1((node.held?.returnedRatio - 1) * 100, 0)}%)`,
      mark(h.heapReturnedRatio <= 1.1)]);
  }

  const head = ['Measure', 'Kefu', 'bare node:http', 'bare Koa', 'Kefu / bare node'];
  const md = (cells) => `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
  const table = [md(head), md(head.map(() => '---')), ...rows.map(md)].join('\n');
  const tHead = ['Target', 'Figure', 'Verdict'];
  const targetTable = [md(tHead), md(tHead.map(() => '---')), ...targets.map(md)].join('\n');

  const m = r.machine;
  const markdown = `# Benchmarks

Measured by \`npm run bench\` (\`bench/run.mjs\`) on ${r.started.slice(0, 10)}, commit \`${r.build.commit}\`.
The whole run took ${n1((Date.parse(r.finished) - Date.parse(r.started)) / 60000)} minutes.

**Machine:** ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB, Linux ${m.kernel}, Node ${m.node}; MariaDB ${r.db.version}
(innodb_flush_log_at_trx_commit=${r.db.flush}, binary log ${r.db.logBin ? 'on' : 'off'}, buffer pool ${Math.round(r.db.pool / 2 ** 20)} MiB).
Load average at the start: ${m.loadavg}. The machine is shared: other people's test suites ran at the
same time, so latency tails in particular move from run to run.

**Set-up:** every server under test runs on core 0 (\`taskset\`), the load generator
(\`bench/loadgen.mjs\`, raw keep-alive sockets) on core 1, all on 127.0.0.1; MariaDB is not pinned.
Open-file limit: ${r.files.bench.soft} soft / ${r.files.bench.hard} hard at the start; the bench raises
every process it starts to the hard limit with \`prlimit\` (servers: ${r.files.server?.soft}, load generator: ${r.files.loadgen?.soft}).
Every server connects to MariaDB as its own user on its own database (\`kefu_bench_*\`, dropped
afterwards); queries are counted ${r.db.exactCounts ? 'exactly per user from `information_schema.USER_STATISTICS` (the bench turns `userstat` on for the run)' : 'from the GLOBAL `Questions` counter, which also counts other clients of the server'}.
Memory is the server's RSS (\`/proc/<pid>/status\`) after a full GC, asked for over the IPC
channel by \`bench/probe.mjs\` (preloaded with \`--import\`; the sidecar has no debug route).
The sidecar runs with its defaults (tail interval ${TAIL_MS} ms, NODE_ENV=production) except the per-IP limits,
raised because every client comes from 127.0.0.1.

## Results

${table}

Reference figures for this kind of machine (not re-measured here): bare node:http ≈ ${REF.kb.node} KB per
held poll and p99 ≈ ${REF.p99.node} ms, bare Koa ≈ ${REF.kb.koa} KB / ${REF.p99.koa} ms, Socket.IO (polling only)
≈ ${REF.kb.socketio} KB / ${REF.p99.socketio} ms. The bare node:http and bare Koa columns above are measured in the
same run as Kefu (\`bench/servers/\`), with the same load generator.

## Targets

${targetTable}

## What each figure is

- **Held polls**: visitors created through \`POST /kefu/api/visitor/session\` (real visitor tokens), each
  holding \`GET /kefu/api/visitor/poll?wait=30\` on its own socket. KB per poll = (RSS after GC with N
  held − RSS after GC with none) / N. "held" counts polls waiting for an answer; "errors" counts
  non-200 answers and dropped sockets.
- **Database queries/s**: statements the sidecar's MariaDB user sent over ${r.params.dbWindow} s with the polls idle
  (the tail query, the presence refresh, the batched "last seen" write).
- **Delivery**: an agent posts to a random held visitor through the API; the time runs from the start
  of the POST (the INSERT and its commit happen inside it) to the moment the visitor's poll answer has
  been read by the load generator. "Rows inserted by another process": the load generator INSERTs
  straight into \`kefu_msg\`, as a PHP page would; the floor is the tail interval.
- **Agent streams**: \`GET /kefu/agent/stream\` iframes; visitors post; latency from the POST's start to
  each stream's \`<script>\` chunk, one sample per stream per message.
- **Throughput**: the agent-API load at rising rates for ${r.params.rampSeconds} s each, open loop (at most 256 requests
  in flight); a rate is sustained when every message sent is delivered, none is refused or skipped,
  and p99 stays under 1 s. CPU is per process (100% = one core); fsyncs are the server-wide
  \`Innodb_os_log_fsyncs\`.
- **Seed design** (\`bench/servers/seed-poll.mjs\`): each held connection runs \`SELECT … WHERE rec = ? AND
  isread = 0 LIMIT 1\` once a second and an UPDATE when it finds a row, as the original PHP loop did
  (with an index on \`(rec, isread)\` and a shared pool, both kinder to it than the original); messages
  are rows inserted straight into its table.
- **Front end**: Chromium (\`/usr/bin/chromium\`, headless) loads a page with \`<kefu-chat>\` served from
  the sidecar's origin; bytes are the encoded (gzip) sizes of the scripts fetched.
`;
  return { table: [table, '', targetTable].join('\n'), markdown: markdown + analysis(r), targets, rows };
}

/** The closing note: why a target is missed and what would close it (figures from this run). */
function analysis(r) {
  const k = r.kefu ?? {};
  const top = k.held?.levels?.[k.held.levels.length - 1];
  const nodeTop = r.bareNode?.held?.levels?.find((l) => l.n === top?.n);
  const lat = k.latency;
  const best = (k.ramp ?? []).filter((x) => x.sustained).pop();
  const fail = (k.ramp ?? []).find((x) => !x.sustained);
  const msgQueries = lat?.qps && lat?.sent ? lat.qps / (lat.sent / lat.seconds) : NaN;
  return `
## Closing note: what is missed, why, and what would close it

**Memory per held poll** (${n1(top?.kbPerPoll)} KB at ${top?.n?.toLocaleString('en')}, ${n1(top?.kbPerPoll / nodeTop?.kbPerPoll, 2)}x bare node:http,
heap alone ${n1(top?.heapKbPerPoll)} KB). Through Koa a held poll kept its whole middleware chain suspended (a heap-snapshot
diff of 2,000 polls: 17.4 KB of heap, 9 async frames and 34 closure contexts per poll). The sidecar now answers
\`GET /kefu/api/{visitor,agent}/poll\` in Node's request listener, before Koa (\`sidecar/transports/long-poll.ts\`):
a held poll is one waiter, one timer and one \`close\` listener. Consecutive full runs, before and after:
15.4 KB (1.62x) and about 11 KB (1.2x) at 10,000 polls.

**Delivery p99** (${ms(lat?.latency.p99)} against 10 ms; bare node:http ${ms(r.bareNode?.latency?.latency.p99)} in the same alternating rounds;
Kefu's p50 ${ms(lat?.latency.p50)}). A poll no longer writes: it records what its cursor proves received and answers, and
the \`isread\` marks, \`read\` events and the conversations' \`last_mid\` are written behind it, batched once per tail interval
on connections of their own (\`sidecar/core/receipts.ts\`, \`activity.ts\`). Each message now costs about ${n1(msgQueries, 2)} statements
in all (the INSERT, and a share of the per-interval batches and tails), against about 5 before, and
${n1(lat?.usage?.cpuMsPerMessage, 2)} ms of sidecar CPU (bare node:http ${n1(r.bareNode?.latency?.usage?.cpuMsPerMessage, 2)} ms).
What remains in the tail is in the POST itself: its p99 was ${ms(lat?.post?.p99)}, while the same INSERT sent by the load generator
straight to MariaDB ("rows inserted by another process") answered within ${ms(k.direct?.post?.p99)} at p99. So the
commit is not the cause; the sidecar process is: the POST goes through Koa, and the event loop is shared with
${r.params.polls} held polls, their re-polls and the garbage collector on a 2-core machine shared with the load generator.
*To close it:* profile the POST under this load (\`npm run bench -- --profile\`) and take the send route out of Koa as
the polls were; a bench machine with quiet cores for the measurement.

**Agents coming and going.** A change in the number of agents online wakes the agents at once, but visitors only
when availability flips (nobody ↔ somebody online), and then spread over up to 5 s (\`Hub.notifyVisitors\`). With
${top?.n?.toLocaleString('en')} polls held one agent going online cost ${n1(top?.herd?.online.cpuSeconds, 2)} s of CPU in all (the visitors' re-polls), and the event loop's
longest block was ${ms(top?.herd?.online.loopMaxMs)} (5 s and 742 ms when every poll was answered in one turn).

**Throughput** (${best ? `${best.rate}/s sustained` : 'none sustained'}${fail ? `, ${fail.rate}/s not` : ''}). At ${fail?.rate ?? '—'}/s the sidecar used
${n1(fail?.usage.serverCpu * 100, 0)}% of a core and its processes waited ${n1(fail?.usage.runQueueMsPerS, 0)} ms per second for a core, while MariaDB used
${n1(fail?.usage.mysqldCpu * 100, 0)}% and fsyncs stayed near ${n1(fail?.usage.fsyncsPerS, 0)}/s. The machine's two cores hold the sidecar, MariaDB and the load
generator (open loop, up to 256 requests in flight): the ramp ends where they run out of CPU together, which moves
from run to run with whatever else the machine runs (a full run an hour earlier, before the stream change, sustained 1,600/s
and missed 2,400/s). Each message is two HTTP exchanges (the POST and the recipient's poll answer and next poll) and
one statement. *To close it:* less CPU per request (the POST out of Koa, as above), or more processes (docs/scaling.md).

**Agent streams** (${ms(k.streams?.latency?.p99)} p99, ${k.streams?.reconnects ?? '—'} reconnects for ${k.streams?.opened ?? '—'} streams in ${r.params.seconds} s; before: 312 ms and
900 reconnects). A stream used to end every 128 KiB because each \`<script>\` chunk stayed in the frame's DOM; the frame
now removes every chunk's script once it has run (a MutationObserver in the prelude keeps only the newest), so a
stream's page stays a few nodes and the default \`KEFU_STREAM_MAX_BYTES\` is 4 MiB. A woken stream also waits 10 ms and
writes what arrived meanwhile in one write, instead of one socket write per message per stream.
What a stream costs the agent's browser tab is measured by \`npm run bench:stream-memory\` (Chromium through the DevTools
protocol, the renderer's RSS after two forced GCs; 2026-11-30): one open stream grew the tab by 15.2 MiB at 4 MiB carried,
24.5 at 8 MiB and 42.8 at 16 MiB (89.0 without the pruning); the JS heap stays near 1 MiB. The growth is the parser's copy of
the bytes, outside the DOM and the JS heap, and most of it goes with the frame, so the cap is what bounds it: eight 4 MiB
streams in a row left the tab 24 MiB above its start, about 0.76 MiB per MiB received that the tab keeps (not given back even
under memory pressure). 4 MiB is the largest cap measured that keeps one stream under 20 MiB of the tab; at 200 messages/s
it lasts about 40 s (128 KiB: about 1.3 s).

${r.frontend?.afterBytes >= 20 * 1024 ? `**Widget after the first click** (${kib(r.frontend.afterBytes)} against 20 KB): the launcher is ${kib(r.frontend.beforeBytes)}, so the
panel chunk alone (${r.frontend.afterFiles?.filter((f) => !f.endsWith('/widget.js')).join(', ')}) is about ${kib(r.frontend.afterBytes - r.frontend.beforeBytes)}: Lit, the panel and its
network client. *To close it:* about ${kib(r.frontend.afterBytes - 20 * 1024 + 512)} must go from that chunk (\`node scripts/bundle-sizes.mjs\` lists it per file).

` : ''}**One hour under load, faults inside** (\`npm run soak -- --minutes 60\`, 2026-11-30; every figure, the fault windows and
the per-minute table in docs/reliability.md): 2,000 visitors and 20 agents, 136 messages/s, the sidecar SIGKILLed at 10:00,
500 visitors arriving within 10 s at 20:00, MariaDB restarted at 32:00, half the agents away at 44:00. All 489,670 messages
reached every receiver, none twice or out of order, and no row was marked read that its visitor was not shown. Outside the
fault windows: delivery p50 4 ms, p99 91.8 ms (budget 50 ms, not met); sidecar CPU 44% of a core (budget 35%, not met: the
cost per HTTP exchange, mostly agents' polls, see docs/reliability.md); heap after GC 0.021 MB/min; descriptors back to
the baseline + 1. Five minutes of the same load with agents' polls gathering for 15 ms (the change made for it): CPU 37%,
p99 45.5 ms.

**Database load under traffic.** Idle, Kefu sends ${n1(r.seed?.qpsIdle / (k.qpsIdle1k ?? NaN), 0)}x fewer queries than the seed's design; under
${r.params.rate} messages/s, ${n1(lat?.qps, 0)} against ${n1(r.seed?.latency?.qps, 0)} queries/s: about ${n1(msgQueries, 2)} statements a message.
`;
}
