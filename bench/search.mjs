#!/usr/bin/env node
// `node bench/search.mjs [--rows N] [--keep]`: the agents' search at a million
// messages on the real MariaDB. Builds a fresh table prefix (the sidecar's own
// migrate(), then multi-row INSERTs: English and Chinese sentences, ~10,000
// visitors), indexes it with the sidecar's own backfill (timed), runs 200
// searches of varied terms through core/search.ts (the same code the HTTP route
// calls) and prints median, p95 and max, the sizes, and EXPLAIN of the main
// query. Drops its tables at the end. Prints figures; writes nothing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import mysql from 'mysql2/promise';

const ROOT = new URL('..', import.meta.url).pathname;
const argv = process.argv.slice(2);
const ROWS = argv.includes('--rows') ? Number(argv[argv.indexOf('--rows') + 1]) : 1_000_000;
const KEEP = argv.includes('--keep');
const VISITORS = Math.max(10, Math.round(ROWS / 100));
const SEARCHES = 200;
const URL_ = process.env.KEFU_BENCH_MYSQL ?? 'mysql://root@127.0.0.1:3306/test';
const OUT = join(ROOT, 'node_modules/.cache/kefu-search-bench');
const started = Date.now();
const log = (...a) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s]`, ...a);

// --- the sidecar's code, compiled on its own (dist/ is left alone) ---------------
function compile() {
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, 'sidecar/core/search.ts', 'sidecar/store/mysql-store.ts', 'sidecar/logger.ts',
    '--outDir', OUT, '--rootDir', '.', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022',
    '--lib', 'es2024', '--strict', '--skipLibCheck', '--types', 'node'], { cwd: ROOT, encoding: 'utf8' });
  if (!existsSync(join(OUT, 'sidecar/core/search.js'))) throw new Error(`compile failed:\n${r.stdout}${r.stderr}`);
  if (r.status !== 0) log('warning: tsc reported errors elsewhere; using what it emitted');
}

// --- a deterministic, realistic-ish mix of text -------------------------------
let seed = 42;
/** mulberry32: the same text on every run. */
function rand() {
  seed = (seed + 0x6d2b79f5) | 0;
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rand() * a.length)];
/** Zipf-like: index i with weight 1/(i+1). */
function zipf(a) {
  const total = a.reduce((s, _, i) => s + 1 / (i + 1), 0);
  const cdf = [];
  let acc = 0;
  for (let i = 0; i < a.length; i++) cdf.push((acc += 1 / (i + 1) / total));
  return () => {
    const x = rand();
    let lo = 0, hi = cdf.length - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (cdf[mid] < x) lo = mid + 1; else hi = mid; }
    return a[lo];
  };
}
const EN = ('the i you to a and is my it for of order in this can on have with not we be your please thanks hello ' +
  'what when how do was are that but just get will me if at account payment refund shipping delivery package ' +
  'help need question product price size color return exchange received yet still wrong damaged missing ' +
  'tracking number address email phone change cancel subscription invoice receipt discount coupon code ' +
  'store website login password reset error problem issue working today tomorrow week days time sorry ' +
  'great good thank sure check let know update status ship sent item items warranty battery charger screen ' +
  'laptop headphones keyboard mouse cable adapter bluetooth wireless replacement broken repair technician ' +
  'appointment schedule available stock backorder preorder estimated arrival customs fee tax vat shipping ' +
  'international express standard courier pickup locker weekend holiday support team manager supervisor ' +
  'complaint feedback review rating stars recommend friend family gift wrap card message birthday').split(' ');
const EN_RARE = ('xylophone quinoa zephyr kumquat obsidian marzipan zucchini fjord tapestry saxophone gazebo ' +
  'walrus pineapple trampoline harpsichord lantern origami velvet snorkel telescope').split(' ');
const ZH = ('我 你 的 了 是 在 有 订单 退款 发货 快递 物流 请问 什么 时候 可以 谢谢 你好 客服 商品 价格 颜色 尺码 ' +
  '退货 换货 收到 没有 还 已经 怎么 地址 电话 修改 取消 发票 优惠券 折扣 支付 付款 账户 密码 登录 问题 ' +
  '坏了 破损 少件 包裹 查询 单号 配送 预计 到达 周末 明天 今天 麻烦 帮我 看看 一下 处理 售后 保修 ' +
  '电池 充电器 屏幕 耳机 键盘 鼠标 数据线 维修 更换 投诉 评价 好评 推荐 礼物 包装 生日 会员 积分').split(' ');
const ZH_RARE = '琵琶 麒麟 翡翠 刺绣 砚台 景泰蓝 宣纸 紫砂壶 檀香扇 青花瓷'.split(' ');
const en = zipf(EN), zh = zipf(ZH);
const SURNAMES = 'Smith Johnson Brown Garcia Miller Davis Wilson Anderson Taylor Thomas Moore Martin Lee Walker Hall Young King Wright Lopez Hill'.split(' ');
const GIVEN = 'James Mary John Linda Robert Emma David Sophia Daniel Olivia Michael Ava Chris Mia Kevin Grace'.split(' ');
const ZH_NAMES = '王伟 李娜 张敏 刘洋 陈静 杨帆 赵磊 黄丽 周杰 吴婷 徐强 孙悦 马超 朱琳 胡斌 郭芳'.split(' ');

/** Order numbers as written, and a sample of them to search for. */
const ORDERS = [];
function orderNumber() {
  const n = String(100000 + Math.floor(rand() * 900000));
  if (ORDERS.length < 10 && rand() < 0.01) ORDERS.push(n);
  return n;
}
function englishSentence() {
  const n = 5 + Math.floor(rand() * 12);
  const w = [];
  for (let i = 0; i < n; i++) w.push(rand() < 0.002 ? pick(EN_RARE) : en());
  if (rand() < 0.05) w.push(`#${orderNumber()}`);
  const s = w.join(' ');
  return s[0].toUpperCase() + s.slice(1) + pick(['.', '?', '!', '']);
}
function chineseSentence() {
  const n = 3 + Math.floor(rand() * 8);
  let s = '';
  for (let i = 0; i < n; i++) s += rand() < 0.002 ? pick(ZH_RARE) : zh();
  if (rand() < 0.05) s += `订单号${orderNumber()}`;
  return s + pick(['。', '？', '！', '']);
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const fmt = (x) => x.toFixed(1);

async function main() {
  compile();
  const mod = (p) => import(pathToFileURL(join(OUT, p)).href);
  const { MysqlStore } = await mod('sidecar/store/mysql-store.js');
  const { Search } = await mod('sidecar/core/search.js');
  const { createLogger } = await mod('sidecar/logger.js');

  const u = new URL(URL_);
  const conn = { host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username || 'root'), password: decodeURIComponent(u.password), database: u.pathname.slice(1) || 'test' };
  const admin = await mysql.createConnection({ ...conn, charset: 'UTF8MB4_UNICODE_CI', multipleStatements: false });
  const q = async (sql, params = []) => (await admin.query(sql, params))[0];
  const prefix = `bench_search_${Date.now().toString(36)}_`;
  const t = { msg: `${prefix}kefu_msg`, visitor: `${prefix}kefu_visitor`, search: `${prefix}kefu_search` };
  const [info] = await q('SELECT VERSION() AS version, @@innodb_buffer_pool_size AS pool, @@innodb_flush_log_at_trx_commit AS flush');
  log(`MariaDB ${info.version}, buffer pool ${Math.round(info.pool / 2 ** 20)} MiB, flush_log_at_trx_commit ${info.flush}; prefix ${prefix}; ${ROWS.toLocaleString('en')} rows, ${VISITORS.toLocaleString('en')} visitors`);

  const store = MysqlStore.create(conn, prefix, t.msg, createLogger('warn'));
  try {
    await store.migrate();

    // --- rows ---
    let t0 = performance.now();
    const lastMid = new Map();
    const BATCH = 5000;
    let mid = 0;
    const baseTime = Date.UTC(2024, 0, 1);
    for (let done = 0; done < ROWS; done += BATCH) {
      const values = [];
      const params = [];
      for (let i = 0; i < Math.min(BATCH, ROWS - done); i++) {
        mid++;
        const v = `v${Math.floor(rand() * VISITORS)}`;
        const fromVisitor = rand() < 0.55;
        const chinese = Number(v.slice(1)) % 2 === 0 ? rand() < 0.85 : rand() < 0.1;
        const text = chinese ? chineseSentence() : englishSentence();
        values.push('(?, ?, 1, ?, ?)');
        params.push(fromVisitor ? v : 'admin', fromVisitor ? 'admin' : v, text,
          new Date(baseTime + mid * 30_000).toISOString().replace('T', ' ').replace('Z', ''));
        lastMid.set(v, mid);
      }
      await q(`INSERT INTO \`${t.msg}\` (pos, rec, isread, content, created_at) VALUES ${values.join(',')}`, params);
    }
    const insertS = (performance.now() - t0) / 1000;
    log(`inserted ${ROWS.toLocaleString('en')} messages in ${insertS.toFixed(1)} s`);
    const vis = [...lastMid];
    for (let i = 0; i < vis.length; i += 2000) {
      const chunk = vis.slice(i, i + 2000);
      const params = [];
      for (const [id, last] of chunk) {
        const n = Number(id.slice(1));
        const name = n % 2 === 0 ? `${pick(ZH_NAMES)}${n}` : `${pick(GIVEN)} ${pick(SURNAMES)}`;
        const email = `${name.toLowerCase().replace(/[^a-z]+/g, '.').replace(/^\.|\.$/g, '') || 'user'}${n}@example${n % 7}.com`;
        params.push(id, name, email, '2024-01-01 00:00:00', '2024-01-01 00:00:00', last);
      }
      await q(`INSERT INTO \`${t.visitor}\` (id, name, email, first_seen_at, last_seen_at, last_mid) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(',')}`, params);
    }
    log(`${vis.length.toLocaleString('en')} visitors`);

    // --- the index, by the sidecar's own backfill ---
    const feed = { seenMax: mid, mids: { seenMax: mid, pending: new Map() }, subscribe: () => () => {} };
    const search = new Search({ store, feed, log: createLogger('warn') });
    t0 = performance.now();
    search.start();
    const progress = setInterval(() => log(`  indexing… ${search.indexedRows.toLocaleString('en')} rows`), 30_000);
    await search.settled();
    clearInterval(progress);
    const indexS = (performance.now() - t0) / 1000;
    const [{ n: pairs }] = await q(`SELECT COUNT(*) AS n FROM \`${t.search}\``);
    log(`indexed ${search.indexedRows.toLocaleString('en')} messages (${Number(pairs).toLocaleString('en')} gram rows) in ${indexS.toFixed(1)} s, ${Math.round(search.indexedRows / indexS).toLocaleString('en')} messages/s`);
    await q(`ANALYZE TABLE \`${t.search}\``);

    // --- searches ---
    const sampleVisitors = await q(`SELECT id, name, email FROM \`${t.visitor}\` ORDER BY RAND(7) LIMIT 40`);
    const classes = {
      'common English word': ['order', 'refund', 'shipping', 'please', 'Thanks', 'PAYMENT', 'tracking number', 'help'],
      'mid English word': ['warranty', 'bluetooth', 'technician', 'backorder', 'customs', 'supervisor', 'birthday', 'headphones', 'locker', 'coupon code'],
      'rare English word': EN_RARE,
      'Chinese 2 chars': ['退款', '发货', '快递', '发票', '客服', '密码', '耳机', '评价', '积分', '保修'],
      'Chinese 3-4 chars': ['请问退款', '数据线', '优惠券', '充电器', '物流查询', '景泰蓝', '紫砂壶', '檀香扇', '订单号', '售后保修'],
      'rare Chinese': ZH_RARE,
      'order number': ORDERS,
      'visitor email': sampleVisitors.slice(0, 20).map((v) => v.email),
      'visitor name': sampleVisitors.slice(20, 40).map((v) => v.name),
      'not there': ['zzqx', 'nonexistentword', '不存在的词', 'qwertyuiop'],
    };
    const plan = [];
    const all = Object.entries(classes).flatMap(([c, terms]) => terms.map((term) => [c, term]));
    for (let i = 0; i < SEARCHES; i++) plan.push(all[i % all.length]);
    // Warm-up: one pass of each term (the bench measures searches, not a cold disk).
    for (const [, term] of all) await search.search(term, null, 20);
    const times = [];
    const byClass = new Map();
    let page2 = [];
    for (const [c, term] of plan) {
      const s = performance.now();
      const r = await search.search(term, null, 20);
      const ms = performance.now() - s;
      times.push(ms);
      if (!byClass.has(c)) byClass.set(c, { ms: [], hits: [] });
      byClass.get(c).ms.push(ms);
      byClass.get(c).hits.push(r.hits.length);
      if (r.next && page2.length < 50) {
        const s2 = performance.now();
        await search.search(term, r.next, 20);
        page2.push(performance.now() - s2);
      }
    }
    times.sort((a, b) => a - b);
    page2.sort((a, b) => a - b);
    console.log('');
    console.log(`search at ${ROWS.toLocaleString('en')} messages: ${SEARCHES} searches (limit 20, first page), in-process through core/search.ts`);
    console.log(`  all:    median ${fmt(percentile(times, 50))} ms   p95 ${fmt(percentile(times, 95))} ms   max ${fmt(times.at(-1))} ms`);
    if (page2.length) console.log(`  page 2: median ${fmt(percentile(page2, 50))} ms   p95 ${fmt(percentile(page2, 95))} ms   max ${fmt(page2.at(-1))} ms   (${page2.length} searches with before=next)`);
    console.log('');
    console.log('  class                  n   median     p95     max   hits/page (min..max)');
    for (const [c, { ms, hits }] of byClass) {
      ms.sort((a, b) => a - b);
      console.log(`  ${c.padEnd(20)} ${String(ms.length).padStart(3)} ${fmt(percentile(ms, 50)).padStart(8)} ${fmt(percentile(ms, 95)).padStart(7)} ${fmt(ms.at(-1)).padStart(7)}   ${Math.min(...hits)}..${Math.max(...hits)}`);
    }

    // --- sizes ---
    const sizes = await q(`SELECT TABLE_NAME AS name, TABLE_ROWS AS approxRows, ROUND(DATA_LENGTH / 1048576) AS dataMiB, ROUND(INDEX_LENGTH / 1048576) AS indexMiB
      FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE ? ORDER BY TABLE_NAME`, [prefix.replace(/_/g, '\\_') + '%']);
    console.log('');
    console.log(`rows: ${ROWS.toLocaleString('en')} messages, ${Number(pairs).toLocaleString('en')} (gram, mid) rows; build: insert ${insertS.toFixed(1)} s, index ${indexS.toFixed(1)} s`);
    console.log('tables (information_schema; TABLE_ROWS is an estimate):');
    for (const s of sizes) console.log(`  ${s.name.padEnd(44)} ~${String(s.approxRows).padStart(10)} rows  data ${String(s.dataMiB).padStart(5)} MiB  index ${String(s.indexMiB).padStart(5)} MiB`);

    // --- EXPLAIN of the main query, with the grams a real term ranks ---
    const { SqlSearchStore } = await mod('sidecar/store/search-store.js');
    const { gramsOf, normalise } = await mod('sidecar/core/search.js');
    const ss = SqlSearchStore.of(store);
    for (const term of ['warranty', '退款']) {
      const grams = gramsOf(normalise(term));
      const counts = await ss.gramCounts(grams, 5000);
      const order = grams.map((g, i) => [g, counts[i]]).sort((a, b) => a[1] - b[1]).map(([g]) => g);
      const [lead, ...probes] = order.slice(0, 3);
      const sql = ss.candidateSql(probes.length);
      const rows = await q(`EXPLAIN ${sql}`, [...probes, lead, Number.MAX_SAFE_INTEGER, 100]);
      console.log('');
      console.log(`EXPLAIN (term ${JSON.stringify(term)}: lead gram + ${probes.length} probes):`);
      console.log(`  ${sql}`);
      console.table(rows.map((r) => ({ table: r.table, type: r.type, key: r.key, key_len: r.key_len, ref: r.ref, rows: r.rows, Extra: r.Extra })));
    }
    const vrows = await q(`EXPLAIN SELECT id, name, email, last_mid FROM \`${t.visitor}\` WHERE last_mid > 0 AND last_mid < ? AND (name LIKE ? ESCAPE '!' OR email LIKE ? ESCAPE '!') ORDER BY last_mid DESC LIMIT ?`,
      [Number.MAX_SAFE_INTEGER, '%x%', '%x%', 20]);
    console.log('');
    console.log('EXPLAIN (visitor name/email):');
    console.table(vrows.map((r) => ({ table: r.table, type: r.type, key: r.key, rows: r.rows, Extra: r.Extra })));
  } finally {
    await store.close();
    if (!KEEP) {
      const tables = await q('SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE ?', [prefix.replace(/_/g, '\\_') + '%']);
      for (const { t: name } of tables) await q(`DROP TABLE IF EXISTS \`${name}\``);
      log(`dropped ${tables.length} tables`);
    }
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
