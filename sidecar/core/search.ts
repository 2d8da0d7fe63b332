// Search over all history for agents: message text, and visitors' names and
// emails. Substring matching in any script: text is normalised (NFKC, lower
// case), split into runs of letters and digits, and each pair of adjacent
// characters in a run is a gram. The index (store/search-store.ts) lists, per
// gram, the messages holding it; a term's candidates are the messages listing
// its rarest grams, and each candidate's text is then checked for the term.
//
// Why not FULLTEXT: InnoDB's parser splits on spaces (Chinese has none, and
// MariaDB has no ngram parser), matches whole words and not substrings, skips
// stop words and words under three letters, and adding the first FULLTEXT
// index rebuilds the message table PHP writes to. The gram table is added beside it.
//
// Indexing happens in the background, never on the send path: every row the
// feed delivers (this process's, PHP's, another sidecar's), and on start a
// backfill of older rows in batches from where the last run stopped (a mark
// in the state table). Writes are INSERT IGNORE: several processes may index
// the same rows.
import type { Logger } from '../logger.js';
import type { Message } from './message.js';
import type { MessageFeed } from './message-feed.js';
import type { Store } from '../store/store.js';
import { KefuError, errorCode } from './kefu-error.js';
import { likeContains, SqlSearchStore } from '../store/search-store.js';
import { rowContent } from './attachment-text.js';

import type { SearchHit, SearchPage } from '../../protocol/wire.js';

export type { SearchHit, SearchPage } from '../../protocol/wire.js';

export const SEARCH_MAX_CHARS = 100;
export const SEARCH_MAX_LIMIT = 50;

/** Grams counted to rank a term's grams, and how far each count goes. */
const RANKED_GRAMS = 8;
const COUNT_CAP = 2000;
/** Grams a candidate query joins: the rarest leads, the next ones are probed. */
const JOINED_GRAMS = 3;
/** One request reads at most this many candidate rows, or for about this long; then it answers with `next`. */
const SCAN_ROWS = 20_000;
const SCAN_MS = 100;
/** Candidate rows one query reads, at most (the first reads limit × 4). */
const MAX_CHUNK = 1000;
const BACKFILL_BATCH = 1000;
const FLUSH_MS = 200;
const RETRY_MS = 5000;

export function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

const RUN = /[\p{L}\p{N}\p{M}]+/gu;

/** The code of two adjacent characters: exact for the Basic Multilingual Plane, hashed above it. */
function gramCode(a: number, b: number): number {
  if (a < 0x10000 && b < 0x10000) return a * 0x10000 + b;
  return (a * 0x110000 + b) % 4294967291;
}

/** The distinct grams of normalised text. */
export function gramsOf(norm: string): number[] {
  const out = new Set<number>();
  for (const [run] of norm.matchAll(RUN)) {
    let prev = -1;
    for (const ch of run) {
      const c = ch.codePointAt(0)!;
      if (prev >= 0) out.add(gramCode(prev, c));
      prev = c;
    }
  }
  return [...out];
}

/** Spread picks: the first, the last and evenly between, so a long term's ends both count. */
function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, (_, i) => items[Math.round((i * (items.length - 1)) / (n - 1))]);
}

export interface SearchDeps {
  store: Store;
  feed: MessageFeed;
  log: Logger;
}

export class Search {
  private readonly db: SqlSearchStore | null;
  /** Rows delivered and not yet indexed. */
  private queue = new Map<number, string>();
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private backfill: Promise<void> | null = null;
  private stopped = true;
  /** Set once the backfill has reached where the feed began: from then on the live rows move the mark. */
  private caughtUp = false;
  private mark = 0;
  /** For tests and the bench: rows indexed by this process. */
  indexedRows = 0;

  constructor(private readonly deps: SearchDeps) {
    this.db = SqlSearchStore.of(deps.store);
    // Rows the feed delivers before start() (its start-up read) are at or below
    // where the backfill stops: dropped here, read there.
    deps.feed.subscribe({
      messages: (batch) => {
        if (this.stopped || !this.db) return;
        // The row's text, file lines included, as the backfill reads it: a file is found by its name.
        for (const m of batch) this.queue.set(m.mid, m.attachments ? rowContent(m.content, m.attachments) : m.content);
        this.scheduleFlush();
      },
      events: () => {},
    });
  }

  get available(): boolean {
    return this.db !== null;
  }

  /** Starts the backfill in the background (after feed.start()). */
  start(): void {
    if (!this.db) return;
    this.stopped = false;
    this.backfill = (async () => {
      while (!this.stopped) {
        try {
          await this.runBackfill();
          return;
        } catch (err) {
          // Resumes from the mark it saved; a stop ends the wait at once.
          this.deps.log.warn('search backfill failed; retrying', { code: errorCode(err) });
          for (let waited = 0; waited < RETRY_MS && !this.stopped; waited += 250) await new Promise((r) => setTimeout(r, 250));
        }
      }
    })().finally(() => {
      this.backfill = null;
    });
    if (this.queue.size) this.scheduleFlush();
  }

  /** Waits for the batch in progress; what is still queued is indexed by the next start's backfill. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    await Promise.all([this.backfill, this.flushing]);
  }

  /** Resolves when the backfill is done and no delivered row waits (tests, the bench). */
  async settled(): Promise<void> {
    while (this.backfill || this.flushing || this.queue.size) {
      await Promise.all([this.backfill, this.flushing]);
      if (this.queue.size && !this.flushing) await this.flush();
    }
  }

  private async runBackfill(): Promise<void> {
    const db = this.db!;
    // Rows at or below the feed's newest at start were either delivered by it
    // (its start-up look-back) or are older: the backfill reads them. Later ones come from the feed.
    const top = this.deps.feed.seenMax;
    let at = await db.indexedUpto();
    this.mark = at;
    const started = performance.now();
    const from = at;
    while (!this.stopped && at < top) {
      const rows = await db.messagesBetween(at, top, BACKFILL_BATCH);
      if (!rows.length) break;
      await this.index(rows.map((r) => [r.mid, r.content]));
      at = rows[rows.length - 1].mid;
      const mark = this.safeMark(at);
      await db.setIndexedUpto(mark);
      this.mark = Math.max(this.mark, mark);
      // Yield between batches: polls and sends go first.
      await new Promise((r) => setImmediate(r));
    }
    if (this.stopped) return;
    const mark = this.safeMark(top);
    await db.setIndexedUpto(mark);
    this.mark = Math.max(this.mark, mark);
    this.caughtUp = true;
    if (top > from + BACKFILL_BATCH) this.deps.log.info('search index backfilled', { from, to: top, ms: Math.round(performance.now() - started) });
  }

  /**
   * The highest mid, at most `cap`, below which no row can still arrive: not
   * above what the feed has seen, and below any gap it still waits for (a
   * transaction in flight; the feed delivers its row when it commits).
   */
  private safeMark(cap: number): number {
    const mids = this.deps.feed.mids;
    let safe = Math.min(cap, mids.seenMax);
    for (const gap of mids.pending.keys()) safe = Math.min(safe, gap - 1);
    return safe;
  }

  private async index(rows: Iterable<readonly [number, string]>): Promise<void> {
    const pairs: Array<[number, number]> = [];
    let n = 0;
    for (const [mid, content] of rows) {
      n++;
      for (const g of gramsOf(normalise(content))) pairs.push([g, mid]);
    }
    await this.db!.insertGrams(pairs);
    this.indexedRows += n;
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.flushing || this.stopped) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      void this.flush();
    }, FLUSH_MS);
    this.flushTimer.unref();
  }

  private flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.flushOnce().finally(() => {
      this.flushing = null;
      if (this.queue.size) this.scheduleFlush();
    });
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    if (!this.queue.size || !this.db) return;
    // Everything the feed delivered up to `safe` is in the queue now (no gap below it is open).
    const safe = this.safeMark(Number.MAX_SAFE_INTEGER);
    const batch = this.queue;
    this.queue = new Map();
    try {
      await this.index(batch);
      if (this.caughtUp && safe > this.mark) {
        await this.db.setIndexedUpto(safe);
        this.mark = safe;
      }
    } catch (err) {
      // Back in the queue (rows delivered since stay newer); retried after a pause.
      for (const [mid, content] of batch) if (!this.queue.has(mid)) this.queue.set(mid, content);
      this.deps.log.warn('could not index new messages for search; retrying', { code: errorCode(err) });
      for (let waited = 0; waited < RETRY_MS && !this.stopped; waited += 250) await new Promise((r) => setTimeout(r, 250));
    }
  }

  /**
   * One page of hits below `before` (null: the newest), newest first. A page
   * may hold fewer than `limit` hits and still have a `next`: the scan stops
   * after a bounded amount of reading, and the next page goes on from there.
   */
  async search(q: string, before: number | null, limit: number): Promise<SearchPage> {
    const db = this.db;
    if (!db) throw new KefuError('unavailable', 'search is not available on this store');
    const term = normalise(q);
    const upper = before ?? Number.MAX_SAFE_INTEGER;
    const deadline = performance.now() + SCAN_MS;

    // Messages whose text holds the term, down to `contentFloor` (0: all of them).
    const contentPart = async (): Promise<{ content: Message[]; contentFloor: number }> => {
      const content: Message[] = [];
      const grams = gramsOf(term);
      let next: (below: number, n: number) => Promise<Message[]>;
      if (grams.length) {
        const ranked = spread(grams, RANKED_GRAMS);
        const counts = await db.gramCounts(ranked, COUNT_CAP);
        const order = ranked.map((g, i) => [g, counts[i]] as const).sort((a, b) => a[1] - b[1]);
        if (order[0][1] === 0) return { content, contentFloor: 0 };
        const [lead, ...probes] = order.slice(0, JOINED_GRAMS).map(([g]) => g);
        next = (below, n) => db.candidates(lead, probes, below, n);
      } else {
        next = (below, n) => db.recent(below, n);
      }
      let below = upper;
      let scanned = 0;
      let chunk = Math.max(limit * 4, 100);
      for (;;) {
        const rows = await next(below, chunk);
        for (const m of rows) if (normalise(m.content).includes(term)) content.push(m);
        scanned += rows.length;
        if (rows.length < chunk) return { content, contentFloor: 0 }; // all read
        below = rows[rows.length - 1].mid;
        if (content.length >= limit || scanned >= SCAN_ROWS || performance.now() > deadline) return { content, contentFloor: below };
        chunk = Math.min(chunk * 2, MAX_CHUNK);
      }
    };
    // Conversations whose visitor's name or email holds it, by latest message: side by side with the above.
    const [{ content, contentFloor }, rawVisitors] = await Promise.all([
      contentPart(),
      db.visitorsMatching(likeContains(q), upper, limit),
    ]);
    const visitorFloor = rawVisitors.length >= limit ? rawVisitors[rawVisitors.length - 1].lastMid : 0;
    const visitorRows = rawVisitors.filter((v) => normalise(v.name ?? '').includes(term) || normalise(v.email ?? '').includes(term));

    // Only hits at or above both floors are certain to be complete; the rest wait for the next page.
    const floor = Math.max(contentFloor, visitorFloor);
    const byMid = new Map<number, { m: Message | null; match: 'content' | 'visitor' }>();
    for (const m of content) if (m.mid >= floor) byMid.set(m.mid, { m, match: 'content' });
    for (const v of visitorRows) if (v.lastMid >= floor && !byMid.has(v.lastMid)) byMid.set(v.lastMid, { m: null, match: 'visitor' });
    const missing = [...byMid].filter(([, h]) => !h.m).map(([mid]) => mid);
    for (const m of await db.messages(missing)) {
      const h = byMid.get(m.mid);
      if (h) h.m = m;
    }
    const eligible = [...byMid.values()].filter((h) => h.m).sort((a, b) => b.m!.mid - a.m!.mid);
    const page = eligible.slice(0, limit);
    const convs = [...new Set(page.map((h) => h.m!.conversation))];
    const people = new Map((await db.visitors(convs)).map((v) => [v.id, v]));
    const hits = page.map(({ m, match }): SearchHit => {
      const who = people.get(m!.conversation);
      return {
        mid: m!.mid, visitorId: m!.conversation, from: m!.from, content: m!.content, createdAt: m!.createdAt,
        name: who?.name ?? null, email: who?.email ?? null, match,
      };
    });
    let more: number | null = null;
    if (hits.length === limit && (eligible.length > limit || floor > 0)) more = hits[hits.length - 1].mid;
    else if (hits.length < limit && floor > 0) more = floor;
    return { hits, next: more };
  }
}
