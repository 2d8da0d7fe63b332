// Faults in how rows reach the table, against the real MariaDB (own table
// prefix): commits out of mid order, a gap that never fills (a rolled-back
// insert), a PHP writer inserting rows in bulk from several connections while
// clients poll, and a poll answer lost on a cut connection.
// What must hold: every committed row of a scope is shown exactly once to its
// receiver, in mid order per answer; isread = 1 only for rows the visitor's
// cursor proved received; a poll with nothing new waits (no busy loop).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import http from 'node:http';
import mysql from 'mysql2/promise';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { connectTestDb } from '../helpers/mysql.js';

let sc: TestSidecar;
let db: mysql.Connection;
let agentToken: string;

interface Session { visitorId: string; token: string; cursor: string }
interface PollAnswer { messages: Array<{ mid: number; from: string; to: string; content: string }>; cursor: string; events: unknown[] }

async function api<T>(path: string, token: string | null, body?: unknown): Promise<{ status: number; body: T }> {
  const r = await fetch(sc.url + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(40_000),
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : undefined) as T };
}

const session = async () => (await api<Session>('/api/visitor/session', null, {})).body;
const poll = async (who: 'visitor' | 'agent', token: string, cursor: string, wait = 5) =>
  (await api<PollAnswer>(`/api/${who}/poll?cursor=${encodeURIComponent(cursor)}&wait=${wait}`, token)).body;

const table = () => `\`${sc.prefix}kefu_msg\``;

async function insertAs(conn: mysql.Connection, pos: string, rec: string, content: string): Promise<number> {
  const [r] = await conn.query<mysql.ResultSetHeader>(`INSERT INTO ${table()} (pos, rec, content, isread) VALUES (?, ?, ?, 0)`, [pos, rec, content]);
  return r.insertId;
}

async function isread(mid: number): Promise<number> {
  const [rows] = await db.query<mysql.RowDataPacket[]>(`SELECT isread FROM ${table()} WHERE mid = ?`, [mid]);
  return Number(rows[0]?.isread);
}

beforeAll(async () => {
  sc = await startSidecar({ store: 'mysql' });
  db = await connectTestDb();
  agentToken = await sc.agentToken(1, 'Ann');
});

afterAll(async () => {
  await db?.end();
  await sc?.stop();
});

describe('rows committing out of mid order', () => {
  it('delivers a row that commits after a later one, and never marks it read before it was received', async () => {
    const v = await session();
    const slow = await connectTestDb();
    try {
      await slow.query('BEGIN');
      const late = await insertAs(slow, 'admin', v.visitorId, 'late row');
      const early = await insertAs(db, 'admin', v.visitorId, 'early row');
      expect(early).toBeGreaterThan(late);

      const first = await poll('visitor', v.token, v.cursor);
      expect(first.messages.map((m) => m.mid)).toEqual([early]);
      // Acknowledging with this cursor must leave the uncommitted gap unread.
      const waiting = await poll('visitor', v.token, first.cursor, 1);
      expect(waiting.messages).toEqual([]);
      await slow.query('COMMIT');
      // Receipts are written behind delivery, within a tail interval or so.
      await expect.poll(() => isread(early), { timeout: 3000 }).toBe(1);
      expect(await isread(late)).toBe(0);

      const second = await poll('visitor', v.token, waiting.cursor);
      expect(second.messages.map((m) => m.content)).toEqual(['late row']);
      expect(await isread(late)).toBe(0); // shown, but not yet acknowledged by a cursor
      const third = await poll('visitor', v.token, second.cursor, 0);
      expect(third.messages).toEqual([]);
      await expect.poll(() => isread(late), { timeout: 3000 }).toBe(1);
    } finally {
      await slow.end();
    }
  });

  it('a gap that never fills (rolled-back insert) neither blocks later rows nor makes polls busy-loop', async () => {
    const v = await session();
    const slow = await connectTestDb();
    try {
      await slow.query('BEGIN');
      await insertAs(slow, 'admin', v.visitorId, 'never committed');
      const after = await insertAs(db, 'admin', v.visitorId, 'after the gap');
      await slow.query('ROLLBACK');
      const first = await poll('visitor', v.token, v.cursor);
      expect(first.messages.map((m) => m.mid)).toEqual([after]);
      // The gap stays in the cursor but a poll with nothing new waits its full time.
      let cursor = first.cursor;
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const r = await poll('visitor', v.token, cursor, 1);
        expect(r.messages).toEqual([]);
        expect(performance.now() - t0).toBeGreaterThan(900);
        cursor = r.cursor;
      }
      const next = await insertAs(db, 'admin', v.visitorId, 'still flowing');
      const t0 = performance.now();
      const r = await poll('visitor', v.token, cursor, 10);
      expect(r.messages.map((m) => m.mid)).toEqual([next]);
      expect(performance.now() - t0).toBeLessThan(3_000);
    } finally {
      await slow.end();
    }
  });
});

describe('a PHP writer inserting in bulk while clients poll', () => {
  it('shows every row exactly once to its visitor and to the agents, in mid order, across 100-row pages', async () => {
    const visitors = await Promise.all(Array.from({ length: 8 }, () => session()));
    const agentStart = (await poll('agent', agentToken, (await poll('agent', agentToken, visitors[0].cursor, 0)).cursor, 0)).cursor;
    const writers = await Promise.all(Array.from({ length: 4 }, () => connectTestDb()));
    const shown = new Map<string, number[]>(visitors.map((v) => [v.visitorId, []]));
    const agentShown: number[] = [];
    let unordered = 0;
    let done = false;
    const record = (list: number[], mids: number[]) => {
      for (let i = 1; i < mids.length; i++) if (mids[i] <= mids[i - 1]) unordered++;
      list.push(...mids);
    };
    const pollers = visitors.map(async (v) => {
      let cursor = v.cursor;
      while (!done) {
        const r = await poll('visitor', v.token, cursor, 1);
        record(shown.get(v.visitorId)!, r.messages.filter((m) => m.to === v.visitorId).map((m) => m.mid));
        cursor = r.cursor;
      }
    });
    const agentPoller = (async () => {
      let cursor = agentStart;
      while (!done) {
        const r = await poll('agent', agentToken, cursor, 1);
        record(agentShown, r.messages.map((m) => m.mid));
        cursor = r.cursor;
      }
    })();
    // 4 connections, each inserting 6 multi-row batches inside transactions
    // that commit in an interleaved order.
    const expected = new Map<string, number[]>(visitors.map((v) => [v.visitorId, []]));
    const all: number[] = [];
    await Promise.all(writers.map(async (w, wi) => {
      for (let b = 0; b < 6; b++) {
        await w.query('BEGIN');
        const rows = Array.from({ length: 60 }, (_, i) => {
          const v = visitors[(wi + b + i) % visitors.length];
          return i % 5 === 0 ? [v.visitorId, 'admin', `visitor line ${wi}.${b}.${i}`] : ['admin', v.visitorId, `php reply ${wi}.${b}.${i}`];
        });
        const [r] = await w.query<mysql.ResultSetHeader>(`INSERT INTO ${table()} (pos, rec, content) VALUES ?`, [rows]);
        await new Promise((res) => setTimeout(res, (wi * 7 + b * 13) % 40));
        await w.query('COMMIT');
        rows.forEach((row, i) => {
          const mid = r.insertId + i;
          all.push(mid);
          if (row[1] !== 'admin') expected.get(row[1])!.push(mid);
        });
      }
    }));
    await vi.waitFor(() => {
      if (agentShown.length < all.length) throw new Error(`agent shown ${agentShown.length}/${all.length}`);
      for (const [id, mids] of expected) {
        const got = new Set(shown.get(id));
        const missing = mids.filter((m) => !got.has(m));
        if (missing.length) throw new Error(`visitor ${id} misses ${missing.length} rows: ${missing.slice(0, 20).join(',')}`);
      }
    }, { timeout: 30_000, interval: 100 });
    done = true;
    await Promise.all([...pollers, agentPoller]);
    await Promise.all(writers.map((w) => w.end()));
    expect(all.length).toBe(1440);
    expect([...agentShown].sort((a, b) => a - b)).toEqual([...all].sort((a, b) => a - b));
    for (const [id, mids] of expected) expect([...shown.get(id)!].sort((a, b) => a - b)).toEqual(mids.sort((a, b) => a - b));
    expect(unordered).toBe(0);
  }, 60_000);
});

describe('a send whose row committed but whose answer was lost', () => {
  it('the retry with the same clientId answers 200 with that row, and the agents\' list shows the conversation', async () => {
    const v = await session();
    // The sidecar's INSERT committed, then the link to the database (or to the client) broke before the answer.
    const [r] = await db.query<mysql.ResultSetHeader>(
      `INSERT INTO ${table()} (pos, rec, content, isread, client_id) VALUES (?, 'admin', 'first words', 0, 'lost-answer-1')`, [v.visitorId]);
    const retry = await api<{ message: { mid: number; content: string } }>('/api/visitor/messages', v.token, { content: 'first words', clientId: 'lost-answer-1' });
    expect(retry.status).toBe(200);
    expect(retry.body.message).toMatchObject({ mid: r.insertId, content: 'first words' });
    const [rows] = await db.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${table()} WHERE pos = ?`, [v.visitorId]);
    expect(Number(rows[0].n)).toBe(1);
    const list = await api<{ conversations: Array<{ visitorId: string; lastMessage: { mid: number } | null }> }>('/api/agent/conversations', agentToken);
    expect(list.body.conversations.find((c) => c.visitorId === v.visitorId)?.lastMessage?.mid).toBe(r.insertId);
  });
});

describe('a poll answer lost on a cut connection', () => {
  it('is delivered again by the next poll with the same cursor, and marked read only after that', async () => {
    const v = await session();
    const mids = [await insertAs(db, 'admin', v.visitorId, 'one'), await insertAs(db, 'admin', v.visitorId, 'two')];
    // The answer is written by the server, but the client drops the connection
    // as soon as the response starts: it never reads the messages.
    const url = new URL(`${sc.url}/api/visitor/poll?cursor=${encodeURIComponent(v.cursor)}&wait=5`);
    await new Promise<void>((resolve, reject) => {
      const req = http.get(url, { headers: { authorization: `Bearer ${v.token}` } }, (res) => {
        expect(res.statusCode).toBe(200);
        res.socket.destroy();
        resolve();
      });
      req.on('error', reject);
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    });
    expect(await isread(mids[0])).toBe(0);
    const again = await poll('visitor', v.token, v.cursor);
    expect(again.messages.map((m) => m.mid)).toEqual(mids);
    expect(await isread(mids[1])).toBe(0);
    const next = await poll('visitor', v.token, again.cursor, 0);
    expect(next.messages).toEqual([]);
    // Receipts are written behind delivery, within a tail interval or so.
    await expect.poll(async () => [await isread(mids[0]), await isread(mids[1])], { timeout: 3000 }).toEqual([1, 1]);
  });

  it('a held poll cut before its answer loses nothing: the next poll gets what arrived meanwhile', async () => {
    const v = await session();
    const ac = new AbortController();
    const held = fetch(`${sc.url}/api/visitor/poll?cursor=${encodeURIComponent(v.cursor)}&wait=20`, {
      headers: { authorization: `Bearer ${v.token}` }, signal: ac.signal,
    }).catch((e: Error) => e.name);
    await vi.waitFor(() => { if (!sc.rt.hub.hasVisitor(v.visitorId)) throw new Error('not parked yet'); }, { timeout: 5_000 });
    ac.abort();
    expect(await held).toBe('AbortError');
    // The parked waiter is removed when its client goes away.
    await vi.waitFor(() => { if (sc.rt.hub.hasVisitor(v.visitorId)) throw new Error('still parked'); }, { timeout: 5_000 });
    const mid = await insertAs(db, 'admin', v.visitorId, 'sent while cut');
    expect(await isread(mid)).toBe(0);
    const r = await poll('visitor', v.token, v.cursor);
    expect(r.messages.map((m) => m.mid)).toEqual([mid]);
  });
});
