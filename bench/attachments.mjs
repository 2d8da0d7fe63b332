#!/usr/bin/env node
// `node bench/attachments.mjs [--store=mysql|sqlite|s3] [--rounds=3] [--image] [--mib=10]`:
// what one 10 MiB file (`--mib`, which also sets the limit) costs a real `kefu serve`. Uploads it and downloads it (whole,
// then a 1 MiB range) `--rounds` times and prints, per step, the time and the
// growth of the sidecar's resident memory over what it held just before: the
// kernel's own peak (VmHWM, reset before each step through /proc/PID/clear_refs)
// and the highest of samples taken every 5 ms. Prints figures; writes nothing.
//
//  - the file is a PDF: streamed through, never held whole (the claim measured);
//  - `--image` adds a 10 MiB JPEG of noise, which is decoded and re-encoded and so
//    is held whole, with its pixels, while that happens (core/image-scrub.ts);
//  - `--store=mysql` (default) runs against KEFU_BENCH_MYSQL (the local MariaDB,
//    a fresh table prefix, dropped at the end), `sqlite` against a temp folder,
//    `s3` against an s3rver bucket started in this process (database: SQLite).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mysql from 'mysql2/promise';
import { buildSidecar, startSidecar } from './lib/sidecar.mjs';

const argv = process.argv.slice(2);
const opt = (name, fallback) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const STORE = opt('store', 'mysql');
const ROUNDS = Number(opt('rounds', 3));
const IMAGE = argv.includes('--image');
const MYSQL_URL = process.env.KEFU_BENCH_MYSQL ?? 'mysql://root@127.0.0.1:3306/test';
const SECRET = 'kefu-bench-secret-0123456789abcdef';
const MiB = 2 ** 20;
const SIZE = Number(opt('mib', 10)) * MiB; // KEFU_ATTACHMENTS_MAX_BYTES's default: the largest file a visitor may send
const started = performance.now();
const log = (...a) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)}s]`, ...a);
async function startKefu(env) {
  const kefu = await startSidecar({ port: 19800 + Math.floor(Math.random() * 400), env: { KEFU_SECRET: SECRET, ...env } });
  return Object.assign(kefu, { base: `${kefu.origin}/kefu` });
}

// ---------------------------------------------------------------- memory of the sidecar

const statusKiB = (pid, field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

/** Runs `work` while watching the process's resident memory; growth in MiB over the RSS just before. */
async function measured(pid, work) {
  let hwmReset = true;
  try { writeFileSync(`/proc/${pid}/clear_refs`, '5'); } catch { hwmReset = false; }
  const before = statusKiB(pid, 'VmRSS');
  let sampled = before;
  const timer = setInterval(() => { sampled = Math.max(sampled, statusKiB(pid, 'VmRSS')); }, 5);
  const t0 = performance.now();
  const result = await work();
  const ms = performance.now() - t0;
  clearInterval(timer);
  sampled = Math.max(sampled, statusKiB(pid, 'VmRSS'));
  const hwm = statusKiB(pid, 'VmHWM');
  return {
    ms,
    baseMiB: before / 1024,
    peakMiB: hwmReset ? (hwm - before) / 1024 : NaN,
    sampledMiB: (sampled - before) / 1024,
    result,
  };
}

// ---------------------------------------------------------------- files

function pdfOf(size) {
  const head = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n');
  const tail = Buffer.from('\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  const body = randomBytes(size - head.length - tail.length);
  return Buffer.concat([head, body, tail]);
}

/** A JPEG of noise just under `max` bytes (noise does not compress, so its size follows its pixels). */
async function jpegOf(max) {
  const sharp = (await import('sharp')).default;
  let side = 3000;
  for (;;) {
    const jpeg = await sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } }).jpeg({ quality: 100 }).toBuffer();
    if (jpeg.length <= max) return jpeg;
    side = Math.floor(side * Math.sqrt(max / jpeg.length) * 0.995);
  }
}

// ---------------------------------------------------------------- steps

async function json(r) {
  const text = await r.text();
  if (!r.ok) throw new Error(`${r.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function session(kefu) {
  return json(await fetch(`${kefu.base}/api/visitor/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }));
}

async function upload(kefu, token, bytes, name) {
  const r = await fetch(`${kefu.base}/api/visitor/attachments?name=${encodeURIComponent(name)}`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: bytes,
  });
  return (await json(r)).attachment;
}

/** Reads the answer as it streams and counts it, keeping none of it. */
async function download(kefu, token, id, range) {
  const headers = { authorization: `Bearer ${token}`, ...(range ? { range } : {}) };
  const r = await fetch(`${kefu.base}/api/attachments/${id}`, { headers });
  if (r.status !== (range ? 206 : 200)) throw new Error(`download: ${r.status} ${await r.text()}`);
  let n = 0;
  for await (const piece of r.body) n += piece.length;
  return n;
}

// ---------------------------------------------------------------- run

async function main() {
  buildSidecar(log);
  let env = {};
  let cleanup = async () => {};
  let where = STORE;
  if (STORE === 'mysql') {
    const prefix = `bench_att_${randomBytes(3).toString('hex')}_`;
    env = { KEFU_DATABASE_URL: MYSQL_URL, KEFU_TABLE_PREFIX: prefix };
    where = `MariaDB/MySQL ${new URL(MYSQL_URL).host}, chunks of 256 KiB`;
    cleanup = async () => {
      const conn = await mysql.createConnection(MYSQL_URL);
      const [rows] = await conn.query('SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE ?', [`${prefix.replace(/_/g, '\\_')}%`]);
      for (const r of rows) await conn.query(`DROP TABLE IF EXISTS \`${r.t}\``);
      await conn.end();
    };
  }
  const dataDir = mkdtempSync(join(os.tmpdir(), 'kefu-att-bench-'));
  if (STORE !== 'mysql') {
    env.KEFU_DATA_DIR = dataDir;
    where = 'embedded SQLite, chunks of 256 KiB';
  }
  let s3 = null;
  if (STORE === 's3') {
    const S3rver = (await import('s3rver')).default;
    const s3dir = mkdtempSync(join(os.tmpdir(), 'kefu-att-bench-s3-'));
    s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3dir, configureBuckets: [{ name: 'kefu-bench', configs: [] }] });
    const { port } = await s3.run();
    env = { ...env, KEFU_ATTACHMENTS_STORE: 's3', KEFU_S3_BUCKET: 'kefu-bench', KEFU_S3_ENDPOINT: `http://127.0.0.1:${port}`, KEFU_S3_ACCESS_KEY_ID: 'S3RVER', KEFU_S3_SECRET_ACCESS_KEY: 'S3RVER' };
    where = 'S3 (s3rver in the bench process, parts of 5 MiB)';
    const before = cleanup;
    cleanup = async () => { await before(); await s3.close(); rmSync(s3dir, { recursive: true, force: true }); };
  }
  const kefu = await startKefu({ ...env, KEFU_ATTACHMENTS_MAX_BYTES: String(SIZE) });
  const files = [['pdf', pdfOf(SIZE), 'bench.pdf']];
  if (IMAGE) files.push(['jpeg', await jpegOf(SIZE), 'bench.jpg']);
  const rows = [];
  try {
    // A first small upload: the routes, the pools and file-type loaded before anything is measured.
    const warm = await session(kefu);
    await download(kefu, warm.token, (await upload(kefu, warm.token, pdfOf(64 * 1024), 'warm.pdf')).id);
    await sleep(500);
    for (let round = 1; round <= ROUNDS; round++) {
      const v = await session(kefu);
      for (const [kind, bytes, name] of files) {
        const up = await measured(kefu.pid, () => upload(kefu, v.token, bytes, name));
        const a = up.result;
        const whole = await measured(kefu.pid, () => download(kefu, v.token, a.id));
        if (whole.result !== a.size) throw new Error(`downloaded ${whole.result} of ${a.size} bytes`);
        // A MiB from the middle (from 4 MiB in when the file is large enough), as a video player or a PDF viewer asks.
        const from = Math.max(0, Math.min(4 * MiB, a.size - MiB));
        const part = await measured(kefu.pid, () => download(kefu, v.token, a.id, `bytes=${from}-${Math.min(from + MiB, a.size) - 1}`));
        const mbs = (n, ms) => (n / MiB / (ms / 1000)).toFixed(1);
        rows.push({ round, kind, step: 'upload', bytes: bytes.length, ...up, rate: mbs(bytes.length, up.ms) });
        rows.push({ round, kind, step: 'download', bytes: a.size, ...whole, rate: mbs(a.size, whole.ms) });
        rows.push({ round, kind, step: 'range 1 MiB', bytes: part.result, ...part, rate: mbs(part.result, part.ms) });
        log(`round ${round} ${kind}: upload ${up.ms.toFixed(0)} ms (+${up.peakMiB.toFixed(1)} MiB peak), ` +
          `download ${whole.ms.toFixed(0)} ms (+${whole.peakMiB.toFixed(1)} MiB), range ${part.ms.toFixed(0)} ms`);
      }
    }
  } catch (err) {
    if (kefu.output.trim()) console.error(`sidecar output:\n${kefu.output}`);
    throw err;
  } finally {
    await kefu.stop();
    await cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  }

  console.log(`\nAttachments, ${where}; node ${process.version}, ${os.cpus().length} cores. Each step's memory is the sidecar's ` +
    'resident set over what it held just before the step: the kernel\'s peak (VmHWM after clear_refs) and the highest 5 ms sample.');
  const head = ['round', 'file', 'step', 'bytes', 'ms', 'MiB/s', 'RSS before MiB', 'peak growth MiB', 'sampled growth MiB'];
  const body = rows.map((r) => [String(r.round), r.kind, r.step, String(r.bytes), r.ms.toFixed(0), r.rate, r.baseMiB.toFixed(1), r.peakMiB.toFixed(1), r.sampledMiB.toFixed(1)]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => '| ' + cells.map((c, i) => (i < 3 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|');
  for (const b of body) console.log(line(b));
  for (const kind of files.map(([k]) => k)) {
    for (const step of ['upload', 'download']) {
      const xs = rows.filter((r) => r.kind === kind && r.step === step);
      const peak = Math.max(...xs.map((r) => r.peakMiB));
      const ms = xs.map((r) => r.ms).sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      console.log(`${kind} ${step}: median ${ms.toFixed(0)} ms for ${(xs[0].bytes / MiB).toFixed(1)} MiB; largest peak RSS growth ${peak.toFixed(1)} MiB`);
    }
  }
  log('done');
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
