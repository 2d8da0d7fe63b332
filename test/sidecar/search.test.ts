// Agents' search over all history, over HTTP against both stores: English
// words in any case, Chinese substrings, paging with `before`, visitors' names
// and emails, rows PHP wrote straight into the msg table, the backfill of rows
// that were there before the sidecar started, and what visitors and bad input get.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { call, newVisitor, send } from '../helpers/api.js';
import { connectTestDb, dropPrefixed, uniquePrefix } from '../helpers/mysql.js';
import { gramsOf, normalise } from '../../sidecar/core/search.js';

type Hit = { mid: number; visitorId: string; from: string; content: string; createdAt: string | null; name: string | null; email: string | null; match: string };
type Page = { hits: Hit[]; next: number | null };

const search = (sc: TestSidecar, token: string, q: string, extra = '') =>
  call<Page>(sc.url, `/api/agent/search?q=${encodeURIComponent(q)}${extra}`, { token });

/** Searches until `want` holds (the index is written in the background), within 10 s. */
async function searchUntil(sc: TestSidecar, token: string, q: string, want: (p: Page) => boolean): Promise<Page> {
  let last: Page = { hits: [], next: null };
  await expect
    .poll(async () => {
      const r = await search(sc, token, q);
      expect(r.status).toBe(200);
      last = r.body;
      return want(last);
    }, { timeout: 10_000, interval: 100 })
    .toBe(true);
  return last;
}

describe('search grams', () => {
  it('pairs adjacent letters within runs, in lower case, for any script', () => {
    expect(normalise('ＲｅＦＵＮＤ')).toBe('refund');
    expect(gramsOf('退款').length).toBe(1);
    expect(gramsOf('我想申请退款')).toContain(gramsOf('退款')[0]);
    expect(gramsOf('a b c')).toEqual([]);
    expect(gramsOf('ab ab')).toEqual(gramsOf('ab'));
  });
});

for (const store of ['sqlite', 'mysql'] as const) {
  describe(`search (${store})`, () => {
    let sc: TestSidecar;
    let ann: string;

    beforeAll(async () => {
      sc = await startSidecar({ store });
      ann = await sc.agentToken(1, 'Ann');
    });
    afterAll(async () => {
      await sc?.stop();
    });

    it('finds English words in any case and Chinese substrings, newest first, with the conversation', async () => {
      const v = await newVisitor(sc.url, { name: 'Li Lei', email: 'lilei@example.org' });
      await send(sc.url, v.token, 'Hello, I would like a Refund for order 1234');
      await send(sc.url, v.token, '我想申请退款，谢谢');
      const agentReply = await call(sc.url, `/api/agent/conversations/${v.visitorId}/messages`, { token: ann, body: { content: 'Your REFUND is on its way' } });
      expect(agentReply.status).toBeLessThan(300);

      const en = await searchUntil(sc, ann, 'refund', (p) => p.hits.length === 2);
      expect(en.hits.map((h) => h.content)).toEqual(['Your REFUND is on its way', 'Hello, I would like a Refund for order 1234']);
      expect(en.hits[1]).toMatchObject({ visitorId: v.visitorId, from: v.visitorId, name: 'Li Lei', email: 'lilei@example.org', match: 'content' });
      expect(en.hits[0]).toMatchObject({ visitorId: v.visitorId, match: 'content' });
      expect(en.hits[0].mid).toBeGreaterThan(en.hits[1].mid);
      expect(typeof en.hits[0].createdAt).toBe('string');
      expect(en.next).toBeNull();

      expect((await search(sc, ann, 'REFUND FOR')).body.hits.map((h) => h.content)).toEqual(['Hello, I would like a Refund for order 1234']);
      const zh = await searchUntil(sc, ann, '退款', (p) => p.hits.length === 1);
      expect(zh.hits[0]).toMatchObject({ content: '我想申请退款，谢谢', visitorId: v.visitorId });
      expect((await search(sc, ann, '申请退款')).body.hits).toHaveLength(1);
      // Substrings, not only words; and what is not there is not found.
      expect((await search(sc, ann, 'efun')).body.hits).toHaveLength(2);
      expect((await search(sc, ann, '退货')).body.hits).toHaveLength(0);
      expect((await search(sc, ann, 'refunds')).body.hits).toHaveLength(0);
      // A one-letter term has no gram: the recent rows are scanned instead.
      expect((await search(sc, ann, '退')).body.hits.map((h) => h.content)).toContain('我想申请退款，谢谢');
    });

    it('pages with before until next is null', async () => {
      const v = await newVisitor(sc.url);
      for (let i = 1; i <= 5; i++) await send(sc.url, v.token, `pagination check number ${i}`);
      await searchUntil(sc, ann, 'pagination', (p) => p.hits.length === 5);
      const seen: string[] = [];
      let before: number | null = null;
      for (let round = 0; round < 10; round++) {
        const r: { status: number; body: Page } = await search(sc, ann, 'Pagination', `&limit=2${before ? `&before=${before}` : ''}`);
        expect(r.status).toBe(200);
        expect(r.body.hits.length).toBeLessThanOrEqual(2);
        seen.push(...r.body.hits.map((h) => h.content));
        if (r.body.next === null) break;
        expect(r.body.next).toBeLessThanOrEqual(r.body.hits.at(-1)?.mid ?? Infinity);
        before = r.body.next;
      }
      expect(seen).toEqual([5, 4, 3, 2, 1].map((i) => `pagination check number ${i}`));
    });

    it('finds conversations by visitor name and email, as their latest message', async () => {
      const v = await newVisitor(sc.url, { name: 'Wang Xiaoming 王小明', email: 'Xiaoming.Wang@Example.COM' });
      await send(sc.url, v.token, 'first');
      await send(sc.url, v.token, 'second');
      const byEmail = await searchUntil(sc, ann, 'xiaoming.wang@example', (p) => p.hits[0]?.content === 'second');
      expect(byEmail.hits).toHaveLength(1);
      expect(byEmail.hits[0]).toMatchObject({ visitorId: v.visitorId, content: 'second', match: 'visitor', name: 'Wang Xiaoming 王小明' });
      expect((await search(sc, ann, 'WANG XIAOMING')).body.hits.map((h) => h.visitorId)).toEqual([v.visitorId]);
      expect((await search(sc, ann, '小明')).body.hits.map((h) => h.visitorId)).toEqual([v.visitorId]);
    });

    it('finds rows another program wrote into the msg table', async () => {
      if (store === 'mysql') {
        const db = await connectTestDb();
        try {
          await db.query(`INSERT INTO \`${sc.prefix}kefu_msg\` (pos, rec, isread, content) VALUES ('php-guest-7', 'admin', 0, '请问退货政策是什么 (written by PHP)')`);
        } finally {
          await db.end();
        }
      } else {
        // Past the feed's accept: the tail finds it as it finds another writer's rows.
        await sc.rt.store.insertMessage({ from: 'php-guest-7', to: 'admin', content: '请问退货政策是什么 (written by PHP)', clientId: null, fromName: null });
      }
      const p = await searchUntil(sc, ann, '退货政策', (x) => x.hits.length === 1);
      expect(p.hits[0]).toMatchObject({ visitorId: 'php-guest-7', from: 'php-guest-7', content: '请问退货政策是什么 (written by PHP)' });
      expect((await search(sc, ann, 'written BY php')).body.hits).toHaveLength(1);
    });

    it('answers nothing to a visitor token or no token', async () => {
      const v = await newVisitor(sc.url);
      await send(sc.url, v.token, 'secret visitor text');
      const r = await call(sc.url, '/api/agent/search?q=secret', { token: v.token });
      expect(r.status).toBe(403);
      expect(r.body.hits).toBeUndefined();
      expect(r.body.error.code).toBe('forbidden');
      const anon = await call(sc.url, '/api/agent/search?q=secret');
      expect(anon.status).toBe(401);
    });

    it('answers bad input with 400 and a sentence', async () => {
      const bad = ['', '?q=', '?q=%20%20', `?q=${'x'.repeat(101)}`, '?q=ok&limit=0', '?q=ok&limit=51', '?q=ok&limit=abc', '?q=ok&before=-1', '?q=ok&before=x', '?q=a&q=b'];
      for (const query of bad) {
        const r = await call(sc.url, `/api/agent/search${query}`, { token: ann });
        expect(r.status, query).toBe(400);
        expect(r.body.error.code).toBe('bad_request');
        expect(r.body.error.message.length).toBeGreaterThan(5);
      }
      expect((await call(sc.url, `/api/agent/search?q=${encodeURIComponent('退'.repeat(100))}`, { token: ann })).status).toBe(200);
    });
  });
}

describe('search backfill (mysql): rows there before the sidecar started, and after a restart', () => {
  const prefix = uniquePrefix('searchbf');
  const table = `${prefix}kefu_msg`;
  let db: Awaited<ReturnType<typeof connectTestDb>>;
  let sc: TestSidecar | null = null;

  beforeAll(async () => {
    db = await connectTestDb();
    // The seed's shape, with history in it.
    await db.query(`CREATE TABLE \`${table}\` (
      mid INT NOT NULL AUTO_INCREMENT PRIMARY KEY, pos VARCHAR(50) NOT NULL, rec VARCHAR(50) NOT NULL,
      isread TINYINT NOT NULL, content VARCHAR(1000) NOT NULL) DEFAULT CHARSET=utf8mb4`);
    const rows: string[] = [];
    for (let i = 0; i < 2500; i++) rows.push(`('guest${i % 50}', 'admin', 1, 'old message ${i} about shipping')`);
    rows.push(`('guest7', 'admin', 1, '很久以前的发票问题')`, `('admin', 'guest7', 1, 'Your Invoice was sent')`);
    await db.query(`INSERT INTO \`${table}\` (pos, rec, isread, content) VALUES ${rows.join(',')}`);
  });
  afterAll(async () => {
    await sc?.stop({ keepData: true });
    await dropPrefixed(db, prefix);
    await db?.end();
  });

  it('indexes old rows in batches, and after a restart only the rows since', async () => {
    sc = await startSidecar({ store: 'mysql', prefix });
    const ann = await sc.agentToken(1, 'Ann');
    const p = await searchUntil(sc, ann, '发票', (x) => x.hits.length === 1);
    expect(p.hits[0]).toMatchObject({ visitorId: 'guest7', content: '很久以前的发票问题' });
    expect((await search(sc, ann, 'invoice')).body.hits.map((h) => h.content)).toEqual(['Your Invoice was sent']);
    await sc.rt.search.settled();
    const many = await search(sc, ann, 'shipping', '&limit=50');
    expect(many.body.hits).toHaveLength(50);
    expect(many.body.hits[0].content).toBe('old message 2499 about shipping');
    const [[state]] = (await db.query(`SELECT upto FROM \`${prefix}kefu_search_state\``)) as any;
    expect(Number(state.upto)).toBeGreaterThanOrEqual(2502);
    await sc.stop({ keepData: true });
    sc = null;

    // Written while no sidecar ran (PHP goes on alone).
    await db.query(`INSERT INTO \`${table}\` (pos, rec, isread, content) VALUES ('guest9', 'admin', 0, 'written while the sidecar was down: 快递丢了')`);
    sc = await startSidecar({ store: 'mysql', prefix });
    const ann2 = await sc.agentToken(1, 'Ann');
    await searchUntil(sc, ann2, '快递', (x) => x.hits.length === 1);
    await sc.rt.search.settled();
    // The restart read only the rows above the mark.
    expect(sc.rt.search.indexedRows).toBeLessThan(100);
  });
});

describe('search backfill (sqlite)', () => {
  it('indexes rows written into the file while no sidecar ran', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kefu-search-'));
    try {
      let sc = await startSidecar({ store: 'sqlite', dataDir });
      const prefix = sc.prefix;
      await sc.stop({ keepData: true });
      const file = new Database(join(dataDir, 'kefu.sqlite'));
      const insert = file.prepare(`INSERT INTO "${prefix}kefu_msg" (pos, rec, isread, content) VALUES (?, 'admin', 0, ?)`);
      for (let i = 0; i < 1200; i++) insert.run(`g${i % 30}`, `backlog row ${i}`);
      insert.run('g1', '离线时写的消息');
      file.close();
      sc = await startSidecar({ store: 'sqlite', dataDir, prefix });
      try {
        const ann = await sc.agentToken(1, 'Ann');
        await searchUntil(sc, ann, '离线', (x) => x.hits.length === 1);
        await sc.rt.search.settled();
        expect((await search(sc, ann, 'backlog row 1199')).body.hits.map((h) => h.content)).toEqual(['backlog row 1199']);
        expect((await search(sc, ann, 'BACKLOG', '&limit=50')).body.hits).toHaveLength(50);
      } finally {
        await sc.stop({ keepData: true });
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
