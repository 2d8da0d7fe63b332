// What another program does to the table (PHP holding a transaction open,
// locking rows, committing out of order, a server whose ids step by 2) must
// never make a poll wait, fail, or lose a row. Real MariaDB throughout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { call, newVisitor, poll, type VisitorSession } from '../helpers/api.js';
import { connectTestDb } from '../helpers/mysql.js';
import { connectPrivate, startPrivateMariaDb, type PrivateMariaDb } from '../helpers/private-mariadb.js';

const timed = async <T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> => {
  const t0 = performance.now();
  const value = await f();
  return { value, ms: performance.now() - t0 };
};

describe('a lock another program holds', () => {
  let s: TestSidecar;
  let db: mysql.Connection;
  let agent: string;
  let msg: string;
  const open: mysql.Connection[] = [];

  beforeAll(async () => {
    s = await startSidecar({ store: 'mysql' });
    db = await connectTestDb();
    agent = await s.agentToken(1, 'Alice');
    msg = `${s.prefix}kefu_msg`;
    // The table already holds other conversations' rows.
    const other = await newVisitor(s.url);
    await call(s.url, '/api/visitor/messages', { token: other.token, body: { content: 'earlier, elsewhere' } });
  });
  afterAll(async () => {
    for (const c of open) await c.end().catch(() => {});
    await db?.end();
    await s?.stop();
  });

  async function transaction(): Promise<mysql.Connection> {
    const c = await connectTestDb();
    open.push(c);
    await c.query('START TRANSACTION');
    return c;
  }

  const isread = async (mid: number) => Number(((await db.query(`SELECT isread FROM \`${msg}\` WHERE mid = ?`, [mid])) as any)[0][0].isread);

  /** A new visitor with an uncommitted row to it (PHP mid-transaction) and a committed one after it. */
  async function visitorInsideOpenTransaction(): Promise<{ v: VisitorSession; tx: mysql.Connection; committed: number }> {
    const v = await newVisitor(s.url);
    const tx = await transaction();
    await tx.query(`INSERT INTO \`${msg}\` (pos, rec, isread, content) VALUES ('agent:9', ?, 0, 'not committed yet')`, [v.visitorId]);
    const [r] = (await db.query(`INSERT INTO \`${msg}\` (pos, rec, isread, content) VALUES ('agent:9', ?, 0, 'committed')`, [v.visitorId])) as any;
    return { v, tx, committed: Number(r.insertId) };
  }

  it('delivers committed rows at once while an open transaction holds a row to the same visitor', async () => {
    const { v, tx, committed } = await visitorInsideOpenTransaction();
    const first = await timed(() => poll(s.url, 'visitor', v.token, v.cursor, 3));
    expect(first.value.status).toBe(200);
    expect(first.value.body.messages.map((m: any) => m.content)).toEqual(['committed']);
    expect(first.ms).toBeLessThan(1000);
    // The next poll acknowledges `committed`: it must not wait on the open transaction either.
    const second = await timed(() => poll(s.url, 'visitor', v.token, first.value.body.cursor, 0));
    expect(second.value.status).toBe(200);
    expect(second.ms).toBeLessThan(1000);
    await expect.poll(() => isread(committed), { timeout: 4000 }).toBe(1);
    // When the transaction commits, its row is delivered after all (a late commit).
    await tx.query('COMMIT');
    const late = await poll(s.url, 'visitor', v.token, second.value.body.cursor, 3);
    expect(late.body.messages.map((m: any) => m.content)).toEqual(['not committed yet']);
  });

  it('keeps every other request fast while a dozen visitors sit in that state (no pool starvation)', async () => {
    const stuck = await Promise.all(Array.from({ length: 12 }, () => visitorInsideOpenTransaction()));
    // Each polls twice: once to receive, once acknowledging what it received.
    const rounds = await timed(() => Promise.all(stuck.map(async ({ v }) => {
      const a = await poll(s.url, 'visitor', v.token, v.cursor, 2);
      const b = await poll(s.url, 'visitor', v.token, a.body.cursor, 0);
      return [a.status, b.status, a.body.messages.length];
    })));
    expect(rounds.value).toEqual(stuck.map(() => [200, 200, 1]));
    expect(rounds.ms).toBeLessThan(3000);
    const [health, fresh] = await Promise.all([
      timed(() => call(s.url, '/health')),
      timed(async () => {
        const u = await newVisitor(s.url);
        return call(s.url, '/api/visitor/messages', { token: u.token, body: { content: 'unrelated' } });
      }),
    ]);
    expect([health.value.status, fresh.value.status]).toEqual([200, 201]);
    expect(Math.max(health.ms, fresh.ms)).toBeLessThan(1000);
    for (const { tx } of stuck) await tx.query('ROLLBACK');
  });

  it('answers at once while PHP holds the delivered row FOR UPDATE; the mark follows when it lets go', async () => {
    const v = await newVisitor(s.url);
    const reply = await call(s.url, `/api/agent/conversations/${v.visitorId}/messages`, { token: agent, body: { content: 'locked later' } });
    const mid = reply.body.message.mid as number;
    const got = await poll(s.url, 'visitor', v.token, v.cursor, 3);
    expect(got.body.messages.map((m: any) => m.mid)).toEqual([mid]);
    const tx = await transaction();
    await tx.query(`SELECT * FROM \`${msg}\` WHERE mid = ? FOR UPDATE`, [mid]);
    const ack = await timed(() => poll(s.url, 'visitor', v.token, got.body.cursor, 0));
    expect(ack.value.status).toBe(200);
    expect(ack.ms).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await isread(mid)).toBe(0);
    await tx.query('COMMIT');
    await expect.poll(() => isread(mid), { timeout: 8000, interval: 200 }).toBe(1);
    // An agent marking the visitor's messages read under the same kind of lock: 204 at once, marked later.
    const [ins] = (await db.query(`INSERT INTO \`${msg}\` (pos, rec, isread, content) VALUES (?, 'admin', 0, 'question')`, [v.visitorId])) as any;
    const q = Number(ins.insertId);
    const tx2 = await transaction();
    await tx2.query(`SELECT * FROM \`${msg}\` WHERE mid = ? FOR UPDATE`, [q]);
    const read = await timed(() => call(s.url, `/api/agent/conversations/${v.visitorId}/read`, { token: agent, body: { upto: q } }));
    expect(read.value.status).toBe(204);
    expect(read.ms).toBeLessThan(1000);
    await tx2.query('COMMIT');
    await expect.poll(() => isread(q), { timeout: 8000, interval: 200 }).toBe(1);
  });

  it('delivers an event whose id commits after a higher one', async () => {
    const v = await newVisitor(s.url);
    const start = await poll(s.url, 'visitor', v.token, v.cursor, 0);
    const tx = await transaction();
    const payload = JSON.stringify({ type: 'typing', visitorId: v.visitorId, from: 'agent:9', name: 'Late', typing: true });
    await tx.query(`INSERT INTO \`${s.prefix}kefu_event\` (visitor_id, audience, payload, created_at) VALUES (?, 'both', ?, UTC_TIMESTAMP(3))`, [v.visitorId, payload]);
    // A later event commits first.
    const typed = await call(s.url, '/api/agent/typing', { token: agent, body: { visitorId: v.visitorId, typing: true } });
    expect(typed.status).toBe(204);
    const first = await poll(s.url, 'visitor', v.token, start.body.cursor, 3);
    expect(first.body.events.map((e: any) => e.name)).toEqual(['Alice']);
    await tx.query('COMMIT');
    const second = await poll(s.url, 'visitor', v.token, first.body.cursor, 3);
    expect(second.body.events.map((e: any) => e.name)).toEqual(['Late']);
  });

  it('carries sixty open transactions at once in the cursor and delivers the oldest when it commits', async () => {
    const v = await newVisitor(s.url);
    const start = await poll(s.url, 'visitor', v.token, v.cursor, 0);
    const txs: mysql.Connection[] = [];
    const other = (await newVisitor(s.url)).visitorId;
    for (let i = 0; i < 60; i++) {
      const tx = await transaction();
      // Each open row is to this visitor; committed rows between them keep the gaps apart.
      await tx.query(`INSERT INTO \`${msg}\` (pos, rec, isread, content) VALUES ('agent:9', ?, 0, ?)`, [v.visitorId, `open ${i}`]);
      await db.query(`INSERT INTO \`${msg}\` (pos, rec, isread, content) VALUES ('agent:9', ?, 0, 'between')`, [other]);
      txs.push(tx);
    }
    await s.rt.feed.kick();
    const mid = await poll(s.url, 'visitor', v.token, start.body.cursor, 0);
    expect(mid.body.messages).toEqual([]);
    expect(mid.body.cursor.length).toBeLessThanOrEqual(512);
    await txs[0].query('COMMIT');
    const got = await poll(s.url, 'visitor', v.token, mid.body.cursor, 3);
    expect(got.body.messages.map((m: any) => m.content)).toEqual(['open 0']);
    for (const tx of txs.slice(1)) await tx.query('ROLLBACK');
  });
});

describe('a server whose ids step by 2 (auto_increment_increment = 2)', () => {
  let priv: PrivateMariaDb;
  let s: TestSidecar;
  let db: mysql.Connection;

  beforeAll(async () => {
    priv = await startPrivateMariaDb();
    db = await connectPrivate(priv);
    await db.query('SET GLOBAL auto_increment_increment = 2, GLOBAL auto_increment_offset = 1');
    await db.end();
    db = await connectPrivate(priv);
    s = await startSidecar({ store: 'mysql', env: { KEFU_DATABASE_URL: priv.url } });
  }, 180_000);
  afterAll(async () => {
    await db?.end();
    await s?.stop();
    await priv?.destroy();
  });

  it('delivers a row to one visitor that commits a second late while sixty rows went to another, and tracks no holes', async () => {
    const msg = `${s.prefix}kefu_msg`;
    const a = await newVisitor(s.url);
    const b = await newVisitor(s.url);
    const start = await poll(s.url, 'visitor', a.token, a.cursor, 0);
    const tx = await connectPrivate(priv);
    await tx.query('START TRANSACTION');
    await tx.query(`INSERT INTO \`${msg}\` (pos, rec, isread, content) VALUES ('agent:9', ?, 0, 'late for A')`, [a.visitorId]);
    const agent = await s.agentToken(2, 'Bea');
    for (let i = 0; i < 60; i++) {
      const r = await call(s.url, `/api/agent/conversations/${b.visitorId}/messages`, { token: agent, body: { content: `to B ${i}` } });
      expect(r.status).toBe(201);
    }
    await s.rt.feed.kick();
    // Only the open row is a gap: the even ids this server never hands out are not.
    const pendingWhileOpen = s.rt.feed.mids?.pending.size;
    const quiet = await poll(s.url, 'visitor', a.token, start.body.cursor, 0);
    expect(quiet.body.messages).toEqual([]);
    await new Promise((r) => setTimeout(r, 1000));
    await tx.query('COMMIT');
    const [[row]] = (await db.query(`SELECT mid FROM \`${msg}\` WHERE content = 'late for A'`)) as any;
    const late = Number(row.mid);
    const got = await poll(s.url, 'visitor', a.token, quiet.body.cursor, 3);
    expect(got.body.messages.map((m: any) => m.mid)).toEqual([late]);
    // Marked read only once a cursor proves it received.
    const readOf = async () => Number(((await db.query(`SELECT isread FROM \`${msg}\` WHERE mid = ?`, [late])) as any)[0][0].isread);
    await new Promise((r) => setTimeout(r, 500));
    expect(await readOf()).toBe(0);
    await poll(s.url, 'visitor', a.token, got.body.cursor, 0);
    await expect.poll(readOf, { timeout: 4000 }).toBe(1);
    expect(pendingWhileOpen).toBe(1);
    await tx.end();
  });
});
