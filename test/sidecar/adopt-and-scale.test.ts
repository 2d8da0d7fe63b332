import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { startSidecar, useTwoProcesses, type TestSidecar } from '../helpers/sidecar.js';
import { call, newVisitor, poll, send } from '../helpers/api.js';
import { connectTestDb, dropPrefixed, uniquePrefix } from '../helpers/mysql.js';

describe('adopting a seed msg table', () => {
  let db: mysql.Connection;
  let s: TestSidecar;
  const prefix = uniquePrefix('adopt');
  const table = `${prefix}msg`;

  beforeAll(async () => {
    db = await connectTestDb();
    // The original PHP design's table, with rows already in it.
    await db.query(`CREATE TABLE \`${table}\` (
      mid INT NOT NULL AUTO_INCREMENT PRIMARY KEY, pos VARCHAR(50) NOT NULL, rec VARCHAR(50) NOT NULL,
      isread TINYINT NOT NULL, content VARCHAR(1000) NOT NULL) DEFAULT CHARSET=utf8mb4`);
    await db.query(`INSERT INTO \`${table}\` (pos, rec, isread, content) VALUES
      ('guest42', 'admin', 1, '老问题'), ('admin', 'guest42', 1, 'old answer'), ('guest43', 'admin', 0, 'unanswered')`);
    s = await startSidecar({ store: 'mysql', prefix, env: { KEFU_MSG_TABLE: table } });
  });
  afterAll(async () => {
    await s?.stop();
    await dropPrefixed(db, prefix);
    await db?.end();
  });

  it('adds only defaulted columns and indexes, leaving existing rows as they were', async () => {
    const [rows] = (await db.query(`SELECT mid, pos, rec, isread, content, created_at, client_id FROM \`${table}\` ORDER BY mid`)) as any;
    expect(rows.slice(0, 3)).toEqual([
      { mid: 1, pos: 'guest42', rec: 'admin', isread: 1, content: '老问题', created_at: null, client_id: null },
      { mid: 2, pos: 'admin', rec: 'guest42', isread: 1, content: 'old answer', created_at: null, client_id: null },
      { mid: 3, pos: 'guest43', rec: 'admin', isread: 0, content: 'unanswered', created_at: null, client_id: null },
    ]);
    const [idx] = (await db.query(`SHOW INDEX FROM \`${table}\``)) as any;
    expect(new Set(idx.map((i: any) => i.Key_name))).toEqual(new Set(['PRIMARY', 'kefu_pos', 'kefu_rec', 'kefu_unread', 'kefu_inbox', 'kefu_client']));
  });

  it('shows the old conversations and their history to agents', async () => {
    const agent = await s.agentToken(1, 'A');
    const list = await call(s.url, '/api/agent/conversations', { token: agent });
    const ids = list.body.conversations.map((c: any) => c.visitorId);
    expect(ids).toEqual(expect.arrayContaining(['guest42', 'guest43']));
    expect(list.body.conversations.find((c: any) => c.visitorId === 'guest43').unread).toBe(1);
    const hist = await call(s.url, '/api/agent/conversations/guest42/messages', { token: agent });
    expect(hist.body.messages.map((m: any) => m.content)).toEqual(['老问题', 'old answer']);
    expect(hist.body.messages[0].createdAt).toBeNull();
  });

  it('keeps working for new messages, and PHP can still insert without the new columns', async () => {
    const v = await newVisitor(s.url);
    const held = poll(s.url, 'visitor', v.token, v.cursor, 10);
    await db.query(`INSERT INTO \`${table}\` (pos, rec, isread, content) VALUES ('admin', ?, 0, 'php reply')`, [v.visitorId]);
    const r = await held;
    expect(r.body.messages[0]).toMatchObject({ from: 'admin', content: 'php reply' });
    expect(r.body.messages[0].createdAt).toMatch(/Z$/);
    expect((await send(s.url, v.token, 'new style')).status).toBe(201);
  });
});

describe('hot queries at scale', () => {
  let db: mysql.Connection;
  let prefix = '';
  let msg = '';
  let visitor = '';

  /** The statements the store runs per request or per tail, with the indexes that serve each. */
  function hotQueries(): Array<{ sql: string; params: unknown[]; index: readonly string[] }> {
    const t = `\`${msg}\``;
    const v = 'v_0000000000000000001234';
    return [
      { sql: `SELECT * FROM ${t} WHERE mid > ? ORDER BY mid LIMIT 500`, params: [199_000], index: ['PRIMARY'] },
      { sql: `SELECT * FROM (SELECT * FROM ${t} WHERE pos = ? AND mid < ? ORDER BY mid DESC LIMIT 50) a UNION SELECT * FROM (SELECT * FROM ${t} WHERE rec = ? AND mid < ? ORDER BY mid DESC LIMIT 50) b ORDER BY mid DESC LIMIT 50`, params: [v, 1e12, v, 1e12], index: ['kefu_pos', 'kefu_rec', 'kefu_unread', 'kefu_inbox', 'kefu_client'] },
      { sql: `SELECT * FROM (SELECT * FROM ${t} WHERE pos = ? AND ((mid > ? AND mid <= ?)) ORDER BY mid LIMIT 101) a UNION SELECT * FROM (SELECT * FROM ${t} WHERE rec = ? AND ((mid > ? AND mid <= ?)) ORDER BY mid LIMIT 101) b`, params: [v, 100, 200000, v, 100, 200000], index: ['kefu_pos', 'kefu_rec', 'kefu_unread', 'kefu_inbox', 'kefu_client'] },
      { sql: `UPDATE ${t} SET isread = 1 WHERE rec = ? AND isread = 0 AND mid <= ?`, params: [v, 200000], index: ['kefu_rec', 'kefu_unread', 'kefu_inbox'] },
      { sql: `UPDATE ${t} SET isread = 1 WHERE pos = ? AND isread = 0 AND mid <= ?`, params: [v, 200000], index: ['kefu_pos', 'kefu_client'] },
      { sql: `SELECT pos, COUNT(*) FROM ${t} WHERE rec = 'admin' AND isread = 0 AND pos IN (?, ?) GROUP BY pos`, params: [v, 'v_0000000000000000000002'], index: ['kefu_unread', 'kefu_inbox', 'kefu_rec'] },
      { sql: `SELECT * FROM \`${visitor}\` WHERE last_mid > 0 ORDER BY last_mid DESC LIMIT 200`, params: [], index: ['kefu_activity'] },
    ];
  }

  /** Every table the hot queries read: each gets rows and fresh statistics, not only the largest. */
  const tablesRead = () => new Set(hotQueries().flatMap((q) => [...q.sql.matchAll(/`([^`]+)`/g)].map((m) => m[1])));

  beforeAll(async () => {
    // The sidecar only creates the tables. A running one would record each row
    // below as a conversation while the plans are read, and an optimiser whose
    // statistics lag a table still being filled may plan a full scan of it.
    // Plans are read on settled tables with fresh statistics.
    const s = await startSidecar({ store: 'mysql' });
    await s.stop({ keepData: true });
    prefix = s.prefix;
    msg = `${prefix}kefu_msg`;
    visitor = `${prefix}kefu_visitor`;
    db = await connectTestDb();
    // 200,000 rows over 20,000 conversations: enough for the optimiser to show its real plan.
    await db.query('SET SESSION max_recursive_iterations = 1000000');
    await db.query(`INSERT INTO \`${msg}\` (pos, rec, isread, content)
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
      SELECT IF(i % 2 = 0, CONCAT('v_', LPAD(i % 20000, 22, '0')), 'admin'), IF(i % 2 = 0, 'admin', CONCAT('v_', LPAD(i % 20000, 22, '0'))), i % 3 = 0, 'x' FROM n`);
    // Each conversation's record, as the tail leaves it (last_mid: its newest row),
    // and as many visitors again who opened the widget but never wrote (last_mid 0).
    await db.query(`INSERT INTO \`${visitor}\` (id, first_seen_at, last_seen_at, last_mid)
      SELECT IF(pos = 'admin', rec, pos) AS id, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), MAX(mid) FROM \`${msg}\` GROUP BY id`);
    await db.query(`INSERT INTO \`${visitor}\` (id, first_seen_at, last_seen_at, last_mid)
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
      SELECT CONCAT('s_', LPAD(i, 22, '0')), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), 0 FROM n`);
    for (const table of tablesRead()) await db.query(`ANALYZE TABLE \`${table}\``);
  }, 120_000);
  afterAll(async () => {
    if (db && prefix) await dropPrefixed(db, prefix);
    await db?.end();
  });

  async function plan(sql: string, params: unknown[]) {
    const [rows] = (await db.query(`EXPLAIN ${sql}`, params)) as any;
    return rows as Array<{ table: string | null; type: string; key: string | null; rows: number }>;
  }

  it('uses an index for every hot query, never a full scan', async () => {
    // Enough rows everywhere that a full scan is never the cheaper plan.
    for (const table of tablesRead()) {
      const [[{ n }]] = (await db.query(`SELECT COUNT(*) AS n FROM \`${table}\``)) as any;
      expect(Number(n), table).toBeGreaterThanOrEqual(40_000);
    }
    for (const { sql, params, index } of hotQueries()) {
      const steps = (await plan(sql, params)).filter((step) => step.table !== null && !String(step.table).startsWith('<'));
      expect(steps.length, sql).toBeGreaterThan(0);
      for (const step of steps) {
        expect(step.type, sql).not.toBe('ALL');
        expect(index, `${sql}: planned with ${step.key}`).toContain(step.key);
      }
    }
  });
});

describe('two sidecar processes on one database', () => {
  const pair = useTwoProcesses();

  it('delivers a message posted to one to a poll held by the other, both ways', async () => {
    const v = await newVisitor(pair.a.url);
    const agent = await pair.b.agentToken(2, 'B');
    const start = await poll(pair.b.url, 'agent', agent, null, 0);
    // B may first answer with the visitor's arrival (an event A wrote just before): poll on, as a client does.
    const untilMessages = async (url: string, who: 'agent' | 'visitor', token: string, cursor: string) => {
      for (let r = await poll(url, who, token, cursor, 10); ; r = await poll(url, who, token, r.body.cursor, 10)) {
        if (r.body.messages.length) return r;
      }
    };
    const heldOnB = untilMessages(pair.b.url, 'agent', agent, start.body.cursor);
    await new Promise((r) => setTimeout(r, 50));
    const sent = await send(pair.a.url, v.token, 'via A');
    const got = await heldOnB;
    expect(got.body.messages.map((m: any) => m.mid)).toEqual([sent.body.message.mid]);
    // The visitor's cursor from A works on B.
    const now = await poll(pair.a.url, 'visitor', v.token, v.cursor, 0);
    const heldOnA = poll(pair.a.url, 'visitor', v.token, now.body.cursor, 10);
    const reply = await call(pair.b.url, `/api/agent/conversations/${v.visitorId}/messages`, { token: agent, body: { content: 'via B' } });
    const r = await heldOnA;
    expect(r.body.messages.map((m: any) => m.mid)).toContain(reply.body.message.mid);
    const next = await poll(pair.b.url, 'visitor', v.token, r.body.cursor, 0);
    expect(next.body.messages.filter((m: any) => m.mid <= reply.body.message.mid)).toEqual([]);
  });
});
