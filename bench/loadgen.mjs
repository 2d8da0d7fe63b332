// The load generator: its own process (pinned to the second core), driven by
// the bench over IPC. It creates visitors, holds their long polls on raw
// keep-alive sockets, opens agent streams, and sends messages at a fixed rate,
// timing each from the start of its POST (or INSERT) to the recipient's answer.
import mysql from 'mysql2/promise';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpConn, ConnPool } from './lib/http-conn.mjs';

const visitors = new Map(); // set name → [{id, token, cursor}]
let pollers = [];
let streams = [];
const errors = { poll: 0, stream: 0, send: 0, samples: [] };
let receiver = null; // (seq, at, where) while a send run is measuring

function noteError(kind, detail) {
  errors[kind]++;
  if (errors.samples.length < 5) errors.samples.push(`${kind}: ${detail}`);
}

function receive(content, where) {
  const m = /^b(\d+)$/.exec(content);
  if (m && receiver) receiver(Number(m[1]), performance.now(), where);
}

async function parallel(n, limit, fn) {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, n) }, async () => {
    while (next < n) await fn(next++);
  });
  await Promise.all(workers);
}

const api = {
  /** Creates `n` visitors through POST /kefu/api/visitor/session. */
  async sessions(set, port, n) {
    const pool = new ConnPool(port, 32);
    const list = [];
    const t0 = performance.now();
    let failed = 0;
    await parallel(n, 32, async (i) => {
      const r = await pool.request('POST', '/kefu/api/visitor/session', {}, { name: `Bench visitor ${i}`, page: '/bench' });
      if (r.status !== 200) { failed++; noteError('send', `session ${r.status} ${r.body.slice(0, 120)}`); return; }
      const b = JSON.parse(r.body);
      list[i] = { id: b.visitorId, token: b.token, cursor: b.cursor };
    });
    pool.close();
    visitors.set(set, list.filter(Boolean));
    return { created: visitors.get(set).length, failed, seconds: (performance.now() - t0) / 1000 };
  },

  /** Plain ids for the baselines, which have no sessions. */
  plainVisitors(set, n) {
    visitors.set(set, Array.from({ length: n }, (_, i) => ({ id: `v_bench_${set}_${i}` })));
    return n;
  },

  /**
   * Starts long polls for visitors [from, to) of `set`, each re-polling as soon
   * as it is answered. `ports` spreads them round-robin over several servers.
   * Resolves once every poll is sent and the server has answered none for `quietMs`.
   */
  async hold({ kind, set, from = 0, to, ports, wait = 30, quietMs = 1000, untilHeld = true }) {
    const list = visitors.get(set).slice(from, to);
    const before = pollers.length;
    const t0 = performance.now();
    let lastAnswer = performance.now();
    await parallel(list.length, 200, async (i) => {
      const v = list[i];
      const port = ports[(from + i) % ports.length];
      const p = { v, port, conn: new HttpConn(port), active: true, inFlight: false, answers: 0 };
      pollers.push(p);
      try {
        await p.conn.connect();
      } catch (err) {
        noteError('poll', `connect: ${err.message}`);
        p.active = false;
        return;
      }
      void pollLoop(p, kind, wait, () => { lastAnswer = performance.now(); });
    });
    const deadline = performance.now() + 120_000;
    while (untilHeld) {
      const mine = pollers.slice(before);
      const inFlight = mine.filter((p) => p.inFlight).length;
      const quiet = performance.now() - lastAnswer >= quietMs;
      if ((inFlight === mine.filter((p) => p.active).length && quiet) || performance.now() > deadline) break;
      await sleep(100);
    }
    return { opened: list.length, held: pollers.filter((p) => p.inFlight).length, seconds: (performance.now() - t0) / 1000, errors: { ...errors } };
  },

  /** How many polls are waiting for an answer right now, and the errors so far. */
  status() {
    return { held: pollers.filter((p) => p.inFlight).length, pollers: pollers.length, streams: streams.length, errors: { ...errors } };
  },

  /** Closes every poll and stream socket. */
  async release() {
    for (const p of pollers) { p.active = false; p.conn.destroy(); }
    for (const s of streams) { s.active = false; s.conn.destroy(); }
    pollers = [];
    streams = [];
    await sleep(200);
    return true;
  },

  resetErrors() {
    errors.poll = errors.stream = errors.send = 0;
    errors.samples = [];
    return true;
  },

  /** Opens `n` agent iframe streams; each reconnects with the cursor it is handed. */
  async streams({ port, n, agentToken }) {
    const pool = new ConnPool(port, 8);
    const origin = `http://127.0.0.1:${port}`;
    let opened = 0;
    await parallel(n, 20, async () => {
      const s = { conn: new HttpConn(port), active: true, reconnects: 0, cursor: '' };
      streams.push(s);
      void streamLoop(s, pool, origin, agentToken, () => { opened++; });
    });
    const deadline = performance.now() + 30_000;
    while (opened < n && performance.now() < deadline) await sleep(50);
    return { opened };
  },

  streamReconnects() {
    return streams.reduce((n, s) => n + s.reconnects, 0);
  },

  /**
   * Sends `rate` messages a second for `seconds`, open loop (at most `maxInFlight`
   * outstanding), each to a random held visitor, then waits up to `drainMs` for
   * them to arrive. `via`: 'agent' (Kefu agent API), 'visitor' (Kefu visitor API,
   * to the agents' inbox), 'insert' (a row written straight into the table, as
   * PHP does), 'bare' (POST /send of the baselines).
   */
  async send({ via, ports, rate, seconds, agentToken, db, table, senderSet, copies = 1, drainMs = 5000, maxInFlight = 512 }) {
    const recipients = pollers.filter((p) => p.active && ports.includes(p.port));
    const senders = senderSet ? visitors.get(senderSet) : null;
    const pools = new Map(ports.map((p) => [p, new ConnPool(p, 64)]));
    const dbPool = via === 'insert' ? mysql.createPool({ ...db, connectionLimit: 16 }) : null;
    const sent = new Map(); // seq → {t0, port, to, postMs}
    const got = new Map(); // seq → [latency, where]
    let seq = 0;
    let inFlight = 0;
    let failed = 0;
    let skipped = 0;
    receiver = (s, at, where) => {
      const m = sent.get(s);
      if (!m) return;
      let list = got.get(s);
      if (!list) got.set(s, (list = []));
      list.push([at - m.t0, where]);
    };
    const one = async () => {
      const s = ++seq;
      const content = `b${s}`;
      const port = ports[s % ports.length];
      const m = { t0: performance.now(), port, postMs: NaN };
      sent.set(s, m);
      inFlight++;
      try {
        if (via === 'insert') {
          const p = recipients[Math.floor(Math.random() * recipients.length)];
          m.to = p.port;
          await dbPool.query(`INSERT INTO \`${table}\` (pos, rec, content, isread) VALUES ('admin', ?, ?, 0)`, [p.v.id, content]);
        } else if (via === 'bare') {
          const p = recipients[Math.floor(Math.random() * recipients.length)];
          m.to = p.port;
          const r = await pools.get(port).request('POST', '/send', {}, { to: p.v.id, content });
          if (r.status !== 200) throw new Error(`status ${r.status}`);
        } else if (via === 'agent') {
          const p = recipients[Math.floor(Math.random() * recipients.length)];
          m.to = p.port;
          const r = await pools.get(port).request('POST', `/kefu/api/agent/conversations/${p.v.id}/messages`,
            { Authorization: `Bearer ${agentToken}` }, { content });
          if (r.status !== 201) throw new Error(`status ${r.status} ${r.body.slice(0, 100)}`);
        } else if (via === 'visitor') {
          const v = senders[s % senders.length];
          const r = await pools.get(port).request('POST', '/kefu/api/visitor/messages', { Authorization: `Bearer ${v.token}` }, { content });
          if (r.status !== 201) throw new Error(`status ${r.status} ${r.body.slice(0, 100)}`);
        }
        m.postMs = performance.now() - m.t0;
      } catch (err) {
        failed++;
        sent.delete(s);
        noteError('send', err.message);
      } finally {
        inFlight--;
      }
    };
    const start = performance.now();
    const end = start + seconds * 1000;
    let started = 0;
    while (performance.now() < end) {
      const due = Math.floor(((performance.now() - start) / 1000) * rate);
      while (started < due) {
        started++;
        if (inFlight >= maxInFlight) { skipped++; continue; }
        void one();
      }
      await sleep(2);
    }
    const sendEnd = performance.now();
    const drainUntil = performance.now() + drainMs;
    while (performance.now() < drainUntil) {
      if (inFlight === 0 && [...sent.keys()].every((s) => (got.get(s)?.length ?? 0) >= copies)) break;
      await sleep(20);
    }
    while (inFlight > 0 && performance.now() < drainUntil + 10_000) await sleep(20);
    receiver = null;
    for (const p of pools.values()) p.close();
    if (dbPool) await dbPool.end();
    const lat = [];
    const cross = [];
    const same = [];
    let delivered = 0;
    for (const [s, m] of sent) {
      const list = got.get(s) ?? [];
      if (list.length >= copies) delivered++;
      for (const [ms, where] of list) {
        lat.push(ms);
        (where === m.port ? same : cross).push(ms);
      }
    }
    const post = [...sent.values()].map((m) => m.postMs).filter((x) => !Number.isNaN(x));
    // The worst latency in each half second: shows whether slow answers come in bursts.
    const buckets = [];
    for (const [s, m] of sent) {
      const b = Math.floor((m.t0 - start) / 500);
      const worst = Math.max(0, ...(got.get(s) ?? []).map(([ms]) => ms));
      buckets[b] = Math.max(buckets[b] ?? 0, worst);
    }
    return {
      rate, seconds, attempted: started, skipped, failed,
      sent: sent.size, delivered, sendSeconds: (sendEnd - start) / 1000,
      latency: summary(lat), post: summary(post),
      cross: summary(cross), same: summary(same),
      worstPerHalfSecond: Array.from(buckets, (x) => Math.round(x ?? 0)),
      raw: lat.map((x) => Math.round(x * 1000) / 1000),
    };
  },
};

function summary(xs) {
  if (!xs.length) return { n: 0, p50: NaN, p99: NaN, max: NaN };
  const s = Float64Array.from(xs).sort();
  const at = (q) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: s[s.length - 1] };
}

async function pollLoop(p, kind, wait, onAnswer) {
  while (p.active) {
    const path = kind === 'kefu'
      ? `/kefu/api/visitor/poll?wait=${wait}&cursor=${encodeURIComponent(p.v.cursor)}`
      : `/poll?id=${encodeURIComponent(p.v.id)}&wait=${wait}`;
    const headers = kind === 'kefu' ? { Authorization: `Bearer ${p.v.token}` } : {};
    p.inFlight = true;
    let r;
    try {
      r = await p.conn.request('GET', path, headers);
    } catch (err) {
      p.inFlight = false;
      if (!p.active) return;
      noteError('poll', err.message);
      await sleep(1000);
      continue;
    }
    p.inFlight = false;
    onAnswer();
    if (r.status !== 200) {
      noteError('poll', `status ${r.status} ${r.body.slice(0, 100)}`);
      await sleep(1000);
      continue;
    }
    const b = JSON.parse(r.body);
    if (b.cursor) p.v.cursor = b.cursor;
    for (const m of b.messages) receive(m.content, p.port);
  }
}

async function streamLoop(s, pool, origin, agentToken, onOpen) {
  const originJson = JSON.stringify(origin);
  const tail = `, ${originJson})</script>`;
  let first = true;
  while (s.active) {
    let text = '';
    try {
      const t = await pool.request('POST', '/kefu/api/agent/stream-ticket', { Authorization: `Bearer ${agentToken}` });
      if (t.status !== 200) throw new Error(`ticket ${t.status}`);
      const { ticket } = JSON.parse(t.body);
      const path = `/kefu/agent/stream?ticket=${encodeURIComponent(ticket)}&origin=${encodeURIComponent(origin)}&cursor=${encodeURIComponent(s.cursor)}`;
      const r = await s.conn.request('GET', path, {}, undefined, (chunk) => {
        if (first) { first = false; onOpen(); }
        text += chunk;
        let end;
        while ((end = text.indexOf(tail)) >= 0) {
          const start = text.lastIndexOf('postMessage(', end);
          const ev = JSON.parse(text.slice(start + 'postMessage('.length, end)).kefu;
          text = text.slice(end + tail.length);
          if (ev.type === 'message') {
            s.cursor = ev.cursor;
            receive(ev.message.content, 'stream');
          } else if (ev.type === 'reconnect') {
            s.cursor = ev.cursor;
          }
        }
      });
      if (r.status !== 200) throw new Error(`stream ${r.status}`);
      s.reconnects++;
    } catch (err) {
      if (!s.active) return;
      noteError('stream', err.message);
      await sleep(500);
    }
  }
}

process.on('message', async ({ id, fn, args }) => {
  try {
    const result = await api[fn](...args);
    process.send({ id, result });
  } catch (err) {
    process.send({ id, error: err?.stack ?? String(err) });
  }
});
process.on('SIGTERM', () => process.exit(0));
