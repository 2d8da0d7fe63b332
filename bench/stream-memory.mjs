#!/usr/bin/env node
// `npm run bench:stream-memory [-- --mib=16] [-- --step=1] [-- --cycle=4] [-- --rounds=2] [-- --network-agent]
// [-- --no-cycles] [-- --no-reconnect]`: what one long agent stream costs the
// browser tab that holds it, to choose KEFU_STREAM_MAX_BYTES. Prints figures;
// writes nothing; not part of `npm test`. About two and a half minutes on two cores.
//
//  1. "pruned": a real `kefu serve` (SQLite in a temp dir, stream cap 16 MiB)
//     and a small local page server whose origin is in KEFU_ALLOWED_ORIGINS.
//     Chromium loads the page, which embeds the sidecar's /kefu/agent/stream
//     iframe and counts the postMessage events; a visitor sends messages, and
//     every `--step` MiB of stream the tab is sampled over the DevTools
//     protocol after a forced GC. A second agent stream, read by this script,
//     records the same bytes with their arrival times.
//  2. "unpruned": a fresh browser, the same page; the iframe is served by the
//     local server, which replays the recorded bytes step by step at the
//     recorded pace, minus the prelude's pruning <script>.
//  3. "cycles": the recorded bytes with the pruning, replayed `--rounds` times
//     as successive `--cycle` MiB streams in one tab, each frame replaced by
//     the next as the client does on `reconnect`: whether a reconnect gives
//     the memory back, and whether what it keeps adds up.
//  4. "reconnect": the real client (client/iframe-stream-transport.ts) against
//     a second sidecar whose streams end every second: time from a stream's
//     `reconnect` event to the next iframe's first event.
//
// Chromium is started here with --remote-debugging-pipe and spoken to with raw
// CDP, not through Playwright: Playwright enables the Network domain on every
// page, and the renderer's network agent then keeps its own copy of a frame
// document's bytes for Network.getResponseBody, counted in the renderer's
// memory and kept after the frame is gone (about 8 MiB more at 6 MiB of
// stream, on Chromium 156). `--network-agent` enables it, to show its share.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuSeconds } from './lib/procs.mjs';
import { buildSidecar, killOnExit, startSidecar } from './lib/sidecar.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CHROMIUM = process.env.KEFU_CHROMIUM ?? '/usr/bin/chromium';
const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const a = argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.slice(name.length + 3)) : fallback;
};
const MiB = 2 ** 20;
const TOTAL_MIB = flag('mib', 16);
const STEP_MIB = flag('step', 1);
const CYCLE_MIB = flag('cycle', 4);
const ROUNDS = flag('rounds', 2);
const NETWORK_AGENT = argv.includes('--network-agent');
const CYCLES = !argv.includes('--no-cycles');
const RECONNECT = !argv.includes('--no-reconnect');
const RECONNECTS = 15;
const CAP = 16 * MiB; // the most config.ts allows: one stream carries the whole run
const CONTENT_CHARS = 200;
const PARALLEL = 6;
const SMALL_MIB = 20; // renderer growth called small: about a sixth of the ~125 MiB this tab's renderer starts at
const BENCH_RATE = 200; // messages/s of docs/benchmarks.md "Agent streams", to turn a cap into time between reconnects
const SECRET = 'kefu-bench-secret-0123456789abcdef';
const started = performance.now();
const log = (...a) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)}s]`, ...a);
let nextPort = 19400 + Math.floor(Math.random() * 400) * 4;
async function startKefu(label, extra) {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'kefu-stream-mem-'));
  const kefu = await startSidecar({
    label,
    port: nextPort++,
    env: {
      KEFU_SECRET: SECRET, KEFU_DATA_DIR: dataDir, KEFU_MAX_HELD_PER_IP: '1000000', KEFU_VISITOR_SEND_BURST: '10000',
      KEFU_VISITOR_SEND_PER_SECOND: '10000', KEFU_IP_SEND_PER_MINUTE: '1000000', ...extra,
    },
  });
  return {
    base: kefu.origin,
    get output() { return kefu.output; },
    async stop() {
      await kefu.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function agentToken() {
  return execFileSync(process.execPath, [join(ROOT, 'bin/kefu.js'), 'token', '--agent', '1', '--name', 'Bench'], {
    env: { ...process.env, KEFU_SECRET: SECRET }, encoding: 'utf8',
  }).trim();
}

async function postJson(url, body, token) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) throw new Error(`POST ${url}: ${r.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

const streamTicket = async (kefu, token) => (await postJson(`${kefu.base}/kefu/api/agent/stream-ticket`, {}, token)).ticket;

// ---------------------------------------------------------------- local page server

/** A client module, transpiled on request for the reconnect page (no bundle exposes the transport on its own). */
async function clientModule(name) {
  const ts = (await import('typescript')).default;
  const source = readFileSync(join(ROOT, 'client', name.replace(/\.js$/, '.ts')), 'utf8');
  return ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, useDefineForClassFields: false, isolatedModules: true },
  }).outputText;
}

// The page of the memory passes. It keeps nothing per event, so what grows is
// the frame's; benchOpen replaces the frame the way the client does on `reconnect`.
const STREAM_PAGE = (src) => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>stream memory</title></head><body>
<script>
window.bench = { messages: 0, events: 0 };
addEventListener('message', (e) => {
  const ev = e.data && e.data.kefu;
  if (!ev) return;
  bench.events++;
  if (ev.type === 'message') bench.messages++;
});
window.benchClose = () => {
  const old = document.querySelector('iframe');
  if (old) { old.src = 'about:blank'; old.remove(); }
};
window.benchOpen = (src) => {
  benchClose();
  const f = document.createElement('iframe');
  f.style.cssText = 'position:absolute;width:0;height:0;border:0;visibility:hidden';
  f.src = src;
  document.body.appendChild(f);
};
benchOpen(${JSON.stringify(src)});
</script></body></html>`;

// The real transport. Every kefu event is timed with the frame (window) it
// came from, and every status the transport reports: 'reconnecting' only comes
// from its retry path (a failed attempt, retried after its backoff).
const RECONNECT_PAGE = (base, token) => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>reconnect</title></head><body>
<script type="module">
import { IframeStreamTransport } from '/client/iframe-stream-transport.js';
const frames = new Map();
window.bench = { events: [], tickets: [], status: [] };
addEventListener('message', (e) => {
  const ev = e.data && e.data.kefu;
  if (!ev) return;
  if (!frames.has(e.source)) frames.set(e.source, frames.size);
  bench.events.push([performance.now(), frames.get(e.source), ev.type]);
});
const transport = new IframeStreamTransport({ onBatch() {}, onStatus(s) { bench.status.push([performance.now(), s]); } }, {
  base: ${JSON.stringify(base)},
  path: '/kefu/agent/stream',
  ticket: async (signal) => {
    const t0 = performance.now();
    const r = await fetch(${JSON.stringify(base)} + '/kefu/api/agent/stream-ticket', {
      method: 'POST', signal, headers: { Authorization: 'Bearer ' + ${JSON.stringify(token)}, 'Content-Type': 'application/json' }, body: '{}',
    });
    const body = await r.json();
    bench.tickets.push([t0, performance.now()]);
    return body;
  },
});
transport.start(undefined);
</script></body></html>`;

/**
 * Serves the pages (GET /page?src=…, /reconnect?base=…&token=…, /client/*.js)
 * on one port and the replayed streams (/replay) on another, so a replayed
 * frame is cross-origin to its page as the sidecar's is (and same-site, so in
 * the same renderer process either way).
 */
async function startLocal() {
  let replay = null;
  const handler = async (req, res) => {
    const url = new URL(req.url, 'http://x');
    try {
      if (url.pathname === '/page') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end(STREAM_PAGE(url.searchParams.get('src')));
      } else if (url.pathname === '/reconnect') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end(RECONNECT_PAGE(url.searchParams.get('base'), url.searchParams.get('token')));
      } else if (url.pathname.startsWith('/client/') && /^[a-z-]+\.js$/.test(url.pathname.slice(8))) {
        res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end(await clientModule(url.pathname.slice(8)));
      } else if (url.pathname === '/replay' && replay) {
        replay.attach(res);
      } else {
        res.writeHead(404).end();
      }
    } catch (err) {
      if (res.headersSent) res.destroy();
      else res.writeHead(500).end(String(err));
    }
  };
  const listen = (port) => new Promise((resolve, reject) => {
    const s = createServer(handler);
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
  const pagePort = nextPort++;
  const replayPort = nextPort++;
  const servers = [await listen(pagePort), await listen(replayPort)];
  return {
    origin: `http://127.0.0.1:${pagePort}`,
    replayOrigin: `http://127.0.0.1:${replayPort}`,
    setReplay(r) { replay = r; },
    close() { for (const s of servers) { s.closeAllConnections(); s.close(); } },
  };
}

// ---------------------------------------------------------------- recording and replay

const MESSAGE_MARK = Buffer.from('{"kefu":{"type":"message"');

function countMarks(buf) {
  let n = 0;
  for (let i = buf.indexOf(MESSAGE_MARK); i >= 0; i = buf.indexOf(MESSAGE_MARK, i + 1)) n++;
  return n;
}

/** Reads one agent stream in this process: its headers, and each network chunk with its arrival time. */
async function record(url) {
  const controller = new AbortController();
  const r = await fetch(url, { signal: controller.signal });
  if (!r.ok) throw new Error(`recording stream: ${r.status} ${await r.text()}`);
  const rec = { headers: Object.fromEntries(r.headers), chunks: [], bytes: 0, messages: 0, stop: () => controller.abort() };
  (async () => {
    let tail = Buffer.alloc(0);
    try {
      for await (const c of r.body) {
        const chunk = Buffer.from(c);
        rec.chunks.push({ t: performance.now(), chunk });
        rec.bytes += chunk.length;
        // Marks that end in this chunk, the previous chunk's last bytes included.
        rec.messages += countMarks(Buffer.concat([tail, chunk]));
        tail = chunk.subarray(Math.max(0, chunk.length - MESSAGE_MARK.length + 1));
      }
    } catch { /* aborted at the end of the pass */ }
  })();
  return rec;
}

/**
 * The recording cut into the pass's steps: segments[k] is what arrived
 * between sample k-1 and sample k (segments[0]: the prelude, up to the first
 * sample), with the pruning script taken out of the prelude unless `prune`.
 * `expected[k]`: bytes and messages carried up to the end of segments[k].
 */
function segmentsOf(rec, boundaries, prune) {
  const segments = [];
  let from = 0;
  for (const to of boundaries) {
    segments.push(rec.chunks.slice(from, to));
    from = to;
  }
  const first = Buffer.concat(segments[0].map((c) => c.chunk)).toString('utf8');
  const pruneLine = /<script nonce="[^"]*">new MutationObserver\([^<]*<\/script>\n/;
  const m = pruneLine.exec(first);
  if (!m) throw new Error('the stream prelude has no pruning script any more; update bench/stream-memory.mjs');
  if (!prune) segments[0] = [{ t: segments[0][0].t, chunk: Buffer.from(first.replace(pruneLine, ''), 'utf8') }];
  // Marks are counted on the whole text, so one split between two chunks still counts once.
  const whole = Buffer.concat(segments.flat().map((c) => c.chunk));
  const markEnds = [];
  for (let i = whole.indexOf(MESSAGE_MARK); i >= 0; i = whole.indexOf(MESSAGE_MARK, i + 1)) markEnds.push(i + MESSAGE_MARK.length);
  const expected = [];
  let bytes = 0;
  for (const seg of segments) {
    for (const { chunk } of seg) bytes += chunk.length;
    expected.push({ bytes, messages: markEnds.filter((e) => e <= bytes).length });
  }
  return { segments, expected, pruneBytes: m[0].length };
}

/** Plays segments to the latest /replay response, each when asked, with the recorded gaps between its chunks. */
function replayer(headers, segments) {
  let res = null;
  let waiting = [];
  const keep = ['content-type', 'content-security-policy', 'x-content-type-options', 'cache-control', 'referrer-policy'];
  return {
    /** Resolves when the browser asks for the next /replay. */
    next() { return new Promise((r) => waiting.push(r)); },
    attach(r) {
      res = r;
      r.writeHead(200, Object.fromEntries(keep.filter((h) => headers[h]).map((h) => [h, headers[h]])));
      const w = waiting;
      waiting = [];
      for (const f of w) f();
    },
    async play(k) {
      const seg = segments[k];
      const t0 = performance.now();
      for (const { t, chunk } of seg) {
        const wait = t - seg[0].t - (performance.now() - t0);
        if (wait > 1) await sleep(wait);
        res.write(chunk);
      }
    },
    end() { res?.destroy(); },
  };
}

// ---------------------------------------------------------------- Chromium over a CDP pipe

async function launchChromium() {
  const profile = mkdtempSync(join(os.tmpdir(), 'kefu-stream-mem-chromium-'));
  const proc = spawn(CHROMIUM, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--no-first-run', '--no-default-browser-check', '--disable-sync', '--disable-extensions',
    // A hidden console tab keeps its timers and priority with these, as test/ui/browser.ts runs it.
    '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
    '--remote-debugging-pipe', `--user-data-dir=${profile}`, 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  killOnExit(proc);
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const out = proc.stdio[3];
  const inp = proc.stdio[4];
  inp.setEncoding('utf8');
  let buf = '';
  let id = 0;
  const pending = new Map();
  inp.on('data', (d) => {
    buf += d;
    for (let i; (i = buf.indexOf('\0')) >= 0;) {
      const msg = JSON.parse(buf.slice(0, i));
      buf = buf.slice(i + 1);
      const p = msg.id !== undefined ? pending.get(msg.id) : undefined;
      if (!p) continue;
      pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
      else p.resolve(msg.result);
    }
  });
  const exited = new Promise((r) => proc.once('exit', r));
  exited.then(() => { for (const p of pending.values()) p.reject(new Error(`chromium exited:\n${stderr}`)); pending.clear(); });
  const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
    const n = ++id;
    pending.set(n, { resolve, reject, method });
    out.write(JSON.stringify({ id: n, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
  });
  const version = await send('Browser.getVersion');
  return {
    version: version.product,
    send,
    /** A tab in a browser context of its own (so a renderer of its own), attached with a flat session. */
    async newPage() {
      const { browserContextId } = await send('Target.createBrowserContext');
      const { targetId } = await send('Target.createTarget', { url: 'about:blank', browserContextId });
      const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
      const s = (method, params) => send(method, params, sessionId);
      let world = null;
      return {
        send: s,
        async eval(expression) {
          const r = await s('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
          if (r.exceptionDetails) throw new Error(`evaluate: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
          return r.result.value;
        },
        /**
         * Evaluates in an isolated world of the page's iframe (same DOM; CDP is not held to the frame's CSP);
         * undefined when there is none. One world per frame document: each is a V8 context, and one per sample
         * would grow the heap being measured.
         */
        async evalInFrame(expression) {
          const { frameTree } = await s('Page.getFrameTree');
          const child = frameTree.childFrames?.[0]?.frame;
          if (!child) return undefined;
          if (world?.loaderId !== child.loaderId) {
            const { executionContextId } = await s('Page.createIsolatedWorld', { frameId: child.id, worldName: 'bench' });
            world = { loaderId: child.loaderId, executionContextId };
          }
          const r = await s('Runtime.evaluate', { expression, contextId: world.executionContextId, returnByValue: true });
          if (r.exceptionDetails) throw new Error(`evaluate in frame: ${r.exceptionDetails.text}`);
          return r.result.value;
        },
        close: () => send('Target.disposeBrowserContext', { browserContextId }),
      };
    },
    async close() {
      await send('Browser.close').catch(() => {});
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

async function waitFor(fn, what, timeoutMs = 60_000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const statusKb = (pid, field) => {
  const m = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
};


/**
 * The renderer that runs the page: of the browser's renderer processes
 * (SystemInfo.getProcessInfo, type "renderer", less the browser UI's), the one
 * whose CPU time in /proc rises while the page spins for 600 ms (the CPU times
 * CDP reports lag and spread over processes). The frame spins too, to check
 * that it lives in the same process (same site, 127.0.0.1, other port).
 */
async function rendererOf(browser, page) {
  const ui = (pid) => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--top-chrome-webui'); } catch { return true; } };
  const pids = (await browser.send('SystemInfo.getProcessInfo')).processInfo.filter((p) => p.type === 'renderer' && !ui(p.id)).map((p) => p.id);
  await sleep(1000); // the new window's start-up work, in other processes, done first
  const busiest = async (spin) => {
    const before = new Map(pids.map((pid) => [pid, cpuSeconds(pid)]));
    await spin();
    const deltas = pids.map((pid) => ({ pid, d: cpuSeconds(pid) - before.get(pid) })).sort((a, b) => b.d - a.d);
    if (!(deltas[0]?.d >= 0.2 && deltas[0].d >= 2 * (deltas[1]?.d ?? 0))) throw new Error(`no single renderer ran the spin: ${JSON.stringify(deltas)}`);
    return deltas[0].pid;
  };
  const spin = 'const e = performance.now() + 600; while (performance.now() < e);';
  const pid = await busiest(() => page.eval(spin));
  const framePid = await busiest(() => page.evalInFrame(spin));
  if (pid !== framePid) throw new Error(`the stream frame runs in renderer ${framePid}, the page in ${pid}: the figures would miss the frame`);
  return pid;
}

/** One row: after a forced GC, the tab's JS heap, DOM counters and the renderer's resident memory. */
async function sample(page, pid, bytes, note = '') {
  const messages = await page.eval('bench.messages');
  // Counted before the GC, so the walker's garbage goes with it.
  const frameNodes = await page.evalInFrame(`(() => {
    let nodes = 0;
    const w = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
    while (w.nextNode()) nodes++;
    return nodes;
  })()`);
  for (let i = 0; i < 2; i++) await page.send('HeapProfiler.collectGarbage');
  const { metrics } = await page.send('Performance.getMetrics');
  const dom = await page.send('Memory.getDOMCounters');
  return {
    mib: bytes / MiB, messages, heapMiB: (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN) / MiB, nodes: dom.nodes,
    frameNodes: frameNodes ?? '-', rssMiB: statusKb(pid, 'VmRSS') / 1024, anonMiB: statusKb(pid, 'RssAnon') / 1024, note,
  };
}

/** Removes the frame as the client does on `reconnect` (about:blank, then out of the DOM) and samples the tab without it. */
async function sampleWithoutFrame(page, pid, bytes) {
  await page.eval('benchClose()');
  await sleep(500);
  return sample(page, pid, bytes, 'frame removed');
}

const logRow = (r) => log(`  ${r.mib.toFixed(2)} MiB: ${r.messages} messages, heap ${r.heapMiB.toFixed(1)} MiB, ${r.nodes} nodes, RSS ${r.rssMiB.toFixed(1)} MiB${r.note ? ` (${r.note})` : ''}`);

async function openStreamPage(browser, src, local) {
  const page = await browser.newPage();
  await page.send('Performance.enable');
  if (NETWORK_AGENT) await page.send('Network.enable');
  await page.send('Page.navigate', { url: `${local.origin}/page?src=${encodeURIComponent(src)}` });
  return page;
}

// ---------------------------------------------------------------- passes

function targets() {
  const out = [];
  for (let m = STEP_MIB; m < TOTAL_MIB - 1e-9; m += STEP_MIB) out.push(Math.round(m * MiB));
  // The last step stops just short of the cap, so the stream is still open when it is sampled.
  out.push(Math.min(Math.round(TOTAL_MIB * MiB), CAP - 8192));
  return out;
}

/** Sends `n` visitor messages, PARALLEL at a time. */
async function sendMessages(kefu, visitor, n, seq) {
  let left = n;
  const filler = 'x'.repeat(CONTENT_CHARS);
  const worker = async () => {
    while (left > 0) {
      left--;
      const head = `bench message ${seq.n++} `;
      await postJson(`${kefu.base}/kefu/api/visitor/messages`, { content: head + filler.slice(head.length) }, visitor.token);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}

async function prunedPass(kefu, local, token, visitor) {
  const browser = await launchChromium();
  log(`pass "pruned": ${browser.version}, the stream from the sidecar`);
  const streamUrl = async () => `${kefu.base}/kefu/agent/stream?ticket=${encodeURIComponent(await streamTicket(kefu, token))}&origin=${encodeURIComponent(local.origin)}`;
  const rec = await record(await streamUrl());
  const page = await openStreamPage(browser, await streamUrl(), local);
  await waitFor(() => page.eval('window.bench ? bench.events >= 2 : false').catch(() => false), 'the stream frame to deliver');
  await waitFor(() => rec.bytes > 0, 'the recording stream');
  const pid = await rendererOf(browser, page);
  log(`  renderer pid ${pid} (runs the page and the stream frame)`);
  const rows = [await sample(page, pid, rec.bytes)];
  const boundaries = [rec.chunks.length];
  const seq = { n: 0 };
  let perMessage = 600; // stream bytes per message, pings included: a first guess on the high side, then measured
  let sendMs = 0;
  for (const target of targets()) {
    for (;;) {
      const n = Math.floor((target - rec.bytes) / (perMessage * 1.01));
      if (n < 1) break;
      const before = { bytes: rec.bytes, messages: rec.messages };
      const t0 = performance.now();
      await sendMessages(kefu, visitor, n, seq);
      sendMs += performance.now() - t0;
      await waitFor(() => rec.messages >= seq.n, 'the recording stream to carry every message');
      perMessage = (rec.bytes - before.bytes) / (rec.messages - before.messages);
    }
    await waitFor(async () => (await page.eval('bench.messages')) >= seq.n, 'the page to receive every message');
    rows.push(await sample(page, pid, rec.bytes));
    boundaries.push(rec.chunks.length);
    logRow(rows[rows.length - 1]);
  }
  rows.push(await sampleWithoutFrame(page, pid, rec.bytes));
  logRow(rows[rows.length - 1]);
  rec.stop();
  await page.close();
  await browser.close();
  return { rows, rec, boundaries, version: browser.version, sentMessages: seq.n, perMessage: rec.bytes / Math.max(1, rec.messages), sendRate: seq.n / (sendMs / 1000) };
}

/** The recorded stream without its pruning script, replayed step by step into a fresh tab. */
async function unprunedPass(local, rec, boundaries) {
  const { segments, expected, pruneBytes } = segmentsOf(rec, boundaries, false);
  const play = replayer(rec.headers, segments);
  local.setReplay(play);
  const browser = await launchChromium();
  log(`pass "unpruned": the recorded bytes from ${local.replayOrigin}, without the ${pruneBytes}-byte pruning script`);
  const attached = play.next();
  const page = await openStreamPage(browser, `${local.replayOrigin}/replay`, local);
  await attached;
  await play.play(0);
  await waitFor(() => page.eval('window.bench ? bench.events >= 2 : false').catch(() => false), 'the replayed frame to deliver');
  const pid = await rendererOf(browser, page);
  log(`  renderer pid ${pid} (runs the page and the stream frame)`);
  const rows = [await sample(page, pid, expected[0].bytes)];
  for (let k = 1; k < segments.length; k++) {
    await play.play(k);
    await waitFor(async () => (await page.eval('bench.messages')) >= expected[k].messages, 'the page to receive the replayed messages');
    rows.push(await sample(page, pid, expected[k].bytes));
    logRow(rows[rows.length - 1]);
  }
  rows.push(await sampleWithoutFrame(page, pid, expected[expected.length - 1].bytes));
  logRow(rows[rows.length - 1]);
  await endReplay(play, local, page, browser);
  return { rows };
}

/**
 * The recorded stream, pruning kept, replayed ROUNDS times as successive
 * streams of CYCLE_MIB in one tab (each its own frame and request, prelude
 * first), as a cap of that size would cut it: sampled once the first stream is
 * open, at each stream's end, and once the last frame is gone. `stream MiB` is
 * what the tab has received in all. Each round after the first changes one
 * letter in every message's text, so no script repeats an earlier one's source
 * (V8 would find a repeated one in its compilation cache).
 */
async function cyclePass(local, rec, boundaries) {
  const { segments: recorded, expected } = segmentsOf(rec, boundaries, true);
  const perStream = Math.max(1, Math.round(CYCLE_MIB / STEP_MIB));
  const browser = await launchChromium();
  log(`pass "cycles": the recorded bytes, pruning kept, ${ROUNDS} time(s) as successive ${CYCLE_MIB} MiB streams in one tab`);
  const rows = [];
  let page;
  let pid;
  let want = 0;
  let carried = 0;
  let n = 0;
  let play;
  for (let round = 0; round < Math.min(ROUNDS, 58); round++) {
    const from = Buffer.from('"content":"bench message ');
    const to = Buffer.from(`"content":"bench messag${String.fromCharCode(64 + (round % 58))} `);
    const segments = round === 0 ? recorded : recorded.map((seg) => seg.map(({ t, chunk }) => {
      const parts = [];
      let at = 0;
      for (let i = chunk.indexOf(from); i >= 0; i = chunk.indexOf(from, i + 1)) { parts.push(chunk.subarray(at, i), to); at = i + from.length; }
      parts.push(chunk.subarray(at));
      return { t, chunk: Buffer.concat(parts) };
    }));
    play = replayer(rec.headers, segments);
    local.setReplay(play);
    for (let first = 1; first < segments.length; first += perStream, n++) {
      const last = Math.min(segments.length - 1, first + perStream - 1);
      const src = `${local.replayOrigin}/replay?n=${n}`;
      const attached = play.next();
      const events = page ? await page.eval('bench.events') : 0;
      if (page) await page.eval(`benchOpen(${JSON.stringify(src)})`);
      else page = await openStreamPage(browser, src, local);
      await attached;
      await play.play(0);
      await waitFor(async () => (await page.eval('window.bench ? bench.events : 0').catch(() => 0)) >= events + 2, 'the replayed frame to deliver');
      if (n === 0) {
        pid = await rendererOf(browser, page);
        rows.push(await sample(page, pid, expected[0].bytes, 'stream 1 open'));
      }
      for (let k = first; k <= last; k++) await play.play(k);
      want += expected[last].messages - expected[first - 1].messages;
      carried += expected[0].bytes + expected[last].bytes - expected[first - 1].bytes;
      await waitFor(async () => (await page.eval('bench.messages')) >= want, 'the page to receive the replayed messages');
      rows.push(await sample(page, pid, carried, `end of stream ${n + 1}`));
      logRow(rows[rows.length - 1]);
    }
  }
  rows.push(await sampleWithoutFrame(page, pid, carried));
  logRow(rows[rows.length - 1]);
  // What the renderer still keeps is either in use or only cached: a critical pressure signal makes Chromium drop its caches.
  await page.send('Memory.simulatePressureNotification', { level: 'critical' });
  await sleep(1000);
  rows.push(await sample(page, pid, carried, 'then memory pressure'));
  logRow(rows[rows.length - 1]);
  await endReplay(play, local, page, browser);
  return { rows };
}

/** Stops a replay pass and closes its browser. */
async function endReplay(play, local, page, browser) {
  play.end();
  local.setReplay(null);
  await page.close();
  await browser.close();
}

/** Reconnects of the real transport against a sidecar whose streams end after 1 s. */
async function reconnectPass(local, token) {
  const kefu = await startKefu('kefu (1 s streams)', { KEFU_ALLOWED_ORIGINS: local.origin, KEFU_STREAM_MAX_MS: '1000' });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.send('Page.navigate', { url: `${local.origin}/reconnect?base=${encodeURIComponent(kefu.base)}&token=${encodeURIComponent(token)}` });
    log(`pass "reconnect": the client's IframeStreamTransport, streams ending after 1 s (KEFU_STREAM_MAX_MS=1000)`);
    const events = await waitFor(async () => {
      const ev = await page.eval('window.bench ? bench.events : []').catch(() => []);
      return ev.filter((e) => e[2] === 'reconnect').length > RECONNECTS ? ev : null;
    }, 'reconnects', 90_000);
    const status = await page.eval('bench.status');
    const tickets = await page.eval('bench.tickets');
    const out = { direct: [], retried: [], ticketMs: [] };
    for (let i = 0; i < events.length; i++) {
      const [t, frame, type] = events[i];
      if (type !== 'reconnect') continue;
      const next = events.slice(i + 1).find((e) => e[1] !== frame);
      if (!next) continue;
      // 'reconnecting' between this stream's start and the next one's first event: the retry path took it.
      const start = events.find((e) => e[1] === frame)[0];
      const retried = status.some(([ts, s]) => s === 'reconnecting' && ts >= start && ts <= next[0]);
      (retried ? out.retried : out.direct).push(next[0] - t);
      const ticket = tickets.find(([a]) => a >= t - 50);
      if (ticket) out.ticketMs.push(ticket[1] - ticket[0]);
    }
    await page.close();
    return out;
  } finally {
    await browser.close();
    await kefu.stop();
  }
}

// ---------------------------------------------------------------- report

const pct = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};
const signed = (x, digits = 1) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;

function table(title, rows) {
  const head = ['stream MiB', 'messages', 'JS heap MiB', 'DOM nodes', 'frame nodes', 'renderer RSS MiB', 'RssAnon MiB', 'note'];
  const body = rows.map((r) => [r.mib.toFixed(2), String(r.messages), r.heapMiB.toFixed(2), String(r.nodes), String(r.frameNodes),
    r.rssMiB.toFixed(1), r.anonMiB.toFixed(1), r.note]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => '| ' + cells.map((c, i) => (i === cells.length - 1 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(' | ') + ' |';
  console.log(`\n${title}`);
  console.log(line(head));
  console.log('|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|');
  for (const b of body) console.log(line(b));
}

/** Growth over the first sample at the sample nearest `mib` (rows with a frame only). */
function growthAt(rows, mib) {
  const live = rows.filter((r) => !r.note);
  const r = live.reduce((a, x) => (Math.abs(x.mib - mib) < Math.abs(a.mib - mib) ? x : a));
  const base = live[0];
  return { mib: r.mib, rss: r.rssMiB - base.rssMiB, anon: r.anonMiB - base.anonMiB, heap: r.heapMiB - base.heapMiB, nodes: r.nodes - base.nodes };
}

async function main() {
  buildSidecar(log);
  const local = await startLocal();
  const kefu = await startKefu('kefu', {
    KEFU_ALLOWED_ORIGINS: `${local.origin},${local.replayOrigin}`, KEFU_STREAM_MAX_BYTES: String(CAP), KEFU_STREAM_MAX_MS: '300000',
  });
  let pruned;
  let unpruned;
  let cycles;
  let reconnect;
  let token;
  try {
    token = agentToken();
    const visitor = await postJson(`${kefu.base}/kefu/api/visitor/session`, { name: 'Bench visitor' });
    pruned = await prunedPass(kefu, local, token, visitor);
  } catch (err) {
    if (kefu.output.trim()) console.error(`sidecar output:\n${kefu.output}`);
    throw err;
  } finally {
    await kefu.stop();
  }
  try {
    unpruned = await unprunedPass(local, pruned.rec, pruned.boundaries);
    if (CYCLES) cycles = await cyclePass(local, pruned.rec, pruned.boundaries);
    if (RECONNECT) reconnect = await reconnectPass(local, token);
  } finally {
    local.close();
  }

  const last = (p) => p.rows.filter((r) => !r.note).at(-1);
  const gone = (p) => p.rows.at(-1);
  console.log(`\nStream memory of one agent tab: ${pruned.version}, ${os.cpus().length} cores, node ${process.version}; ` +
    `CDP over a pipe${NETWORK_AGENT ? ', Network domain enabled on the page' : ', no Network domain'}.`);
  console.log(`${pruned.sentMessages} visitor messages of ${CONTENT_CHARS} characters (${pruned.perMessage.toFixed(0)} stream bytes each), ` +
    `sent ${PARALLEL} at a time (${pruned.sendRate.toFixed(0)}/s) to one agent stream (KEFU_STREAM_MAX_BYTES=${CAP}); ` +
    `each row after two HeapProfiler.collectGarbage.`);
  table('With pruning (the sidecar\'s stream, as served):', pruned.rows);
  table('Without pruning (the same bytes replayed by a local server, less the pruning script):', unpruned.rows);
  if (cycles) table(`With pruning, as successive ${CYCLE_MIB} MiB streams in one tab (the same bytes replayed; stream MiB = received in all):`, cycles.rows);

  const gp = growthAt(pruned.rows, last(pruned).mib);
  const gu = growthAt(unpruned.rows, last(unpruned).mib);
  console.log(`\nOver ${last(pruned).mib.toFixed(1)} MiB of stream: with pruning the renderer grew ${signed(gp.rss)} MiB RSS (${signed(gp.anon)} MiB anonymous), ` +
    `JS heap ${signed(gp.heap, 2)} MiB, DOM ${signed(gp.nodes, 0)} nodes; without pruning ${signed(gu.rss)} MiB RSS (${signed(gu.anon)}), ` +
    `JS heap ${signed(gu.heap, 2)} MiB, DOM ${signed(gu.nodes, 0)} nodes. Once the frame is removed: ` +
    `${signed(gone(pruned).rssMiB - pruned.rows[0].rssMiB)} and ${signed(gone(unpruned).rssMiB - unpruned.rows[0].rssMiB)} MiB RSS over the first sample.`);
  if (cycles) {
    const ends = cycles.rows.filter((r) => r.note.startsWith('end'));
    const removed = cycles.rows.find((r) => r.note === 'frame removed');
    console.log(`Successive ${CYCLE_MIB} MiB streams: RSS at each stream's end ${ends.map((r) => r.rssMiB.toFixed(1)).join(', ')} MiB ` +
      `(${cycles.rows[0].rssMiB.toFixed(1)} with the first just open). Kept once the last frame is gone: ` +
      `${signed(removed.rssMiB - cycles.rows[0].rssMiB)} MiB RSS (${signed(removed.anonMiB - cycles.rows[0].anonMiB)} anonymous) after ` +
      `${removed.mib.toFixed(0)} MiB in all, ${signed(gone(cycles).rssMiB - cycles.rows[0].rssMiB)} MiB after a critical memory-pressure signal.`);
  }
  if (reconnect) {
    const all = [...reconnect.direct, ...reconnect.retried];
    const fig = (xs) => (xs.length ? `p50 ${pct(xs, 0.5).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms` : 'none');
    console.log(`Reconnect (client transport, idle sidecar, ${all.length} reconnects), \`reconnect\` event → first event of the next iframe: ` +
      `${fig(all)}, p99 ${pct(all, 0.99).toFixed(0)} ms; ticket POST p50 ${pct(reconnect.ticketMs, 0.5).toFixed(0)} ms. ` +
      `${reconnect.direct.length} went straight to the next frame (${fig(reconnect.direct)}); ${reconnect.retried.length} went through the ` +
      `transport's retry path, status 'reconnecting', after its backoff (${fig(reconnect.retried)}).`);
  }
  const bytesPerSecond = BENCH_RATE * pruned.perMessage;
  console.log('What one open stream costs the tab, by cap (with pruning; growth over the first sample):');
  let best = null;
  for (const cap of [1, 4, 8, 16]) {
    if (cap > TOTAL_MIB + 0.01) continue;
    const g = growthAt(pruned.rows, cap);
    const lasts = (cap * MiB) / bytesPerSecond;
    console.log(`  cap ${String(cap).padStart(2)} MiB: renderer ${signed(g.rss)} MiB RSS (${signed(g.anon)} anonymous), JS heap ${signed(g.heap, 2)} MiB, ` +
      `DOM ${signed(g.nodes, 0)} nodes; a stream lasts ${lasts.toFixed(0)} s at ${BENCH_RATE} messages/s`);
    if (g.rss <= SMALL_MIB) best = { cap, g, lasts };
  }
  console.log(best
    ? `Recommendation: KEFU_STREAM_MAX_BYTES=${best.cap * MiB} (${best.cap} MiB), the largest cap measured whose renderer growth stays within ${SMALL_MIB} MiB ` +
      `(${signed(best.g.rss)} MiB RSS at ${best.g.mib.toFixed(1)} MiB; ${(best.lasts / ((128 * 1024) / bytesPerSecond)).toFixed(0)}x fewer reconnects than 128 KiB).`
    : `Recommendation: none of 1, 4, 8, 16 MiB kept the renderer's growth within ${SMALL_MIB} MiB; keep the cap small.`);
  if (cycles) {
    const removed = cycles.rows.find((r) => r.note === 'frame removed');
    const perMiB = (removed.rssMiB - cycles.rows[0].rssMiB) / removed.mib;
    console.log(`The cap bounds only what the open frame holds: the tab also kept about ${perMiB.toFixed(2)} MiB per MiB received ` +
      `once its frames were gone, not given back under memory pressure.`);
  }
  log('done');
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
