// Ratings (docs/PROTOCOL.md, "Ratings"): once the team resolves a
// conversation the visitor may rate it, good or bad with an optional comment,
// once per resolution; agents see each rating in the conversation (live, as an
// event) and in a report per owner and ISO week.
import type { Store } from '../store/store.js';
import type { MessageFeed } from './message-feed.js';
import { badRequest, KefuError } from './kefu-error.js';
import { isoWeek, lastWeeks } from './iso-week.js';
import type { Rating, RatingCounts, RatingScore, RatingsReport } from './message.js';

export const MAX_COMMENT = 1000;
export const REPORT_WEEKS = 8;
export const MAX_REPORT_WEEKS = 52;
export const COMMENTS_PAGE = 10;
export const MAX_COMMENTS_PAGE = 50;

export interface RatingsDeps {
  store: Store;
  feed: MessageFeed;
}

/** A comment as stored: trimmed, null when empty; 400 for anything that is not short, valid text. */
export function cleanComment(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw badRequest('comment must be a string');
  const text = value.trim();
  if (!text) return null;
  if (!text.isWellFormed() || text.includes('\0')) throw badRequest('comment must be valid text');
  if ([...text].length > MAX_COMMENT) throw badRequest(`comment must be at most ${MAX_COMMENT} characters`);
  return text;
}

function counts(good: number, bad: number): RatingCounts {
  // Three decimals: enough for a percentage with one decimal, and no float noise on the wire.
  return { good, bad, shareGood: good + bad ? Math.round((good / (good + bad)) * 1000) / 1000 : null };
}

export class Ratings {
  constructor(private readonly deps: RatingsDeps) {}

  /**
   * The visitor rates the current resolution of their conversation. Everything
   * is checked before anything is written; 409 `conflict` when the
   * conversation is not resolved or this resolution was rated already.
   * `at` is when the rating was given (now; tests place some in past weeks).
   */
  async rate(visitorId: string, score: unknown, comment: unknown, at = new Date()): Promise<Rating> {
    if (score !== 'good' && score !== 'bad') throw badRequest('score must be "good" or "bad"');
    const text = cleanComment(comment);
    const [newest] = await this.deps.store.history({ kind: 'visitor', visitorId }, null, 1);
    const result = await this.deps.store.ratings.insert({ visitorId, score: score as RatingScore, comment: text, afterMid: newest?.mid ?? 0, at });
    if (result === 'not_resolved') throw new KefuError('conflict', 'this conversation is not resolved: there is nothing to rate');
    if (result === 'rated') throw new KefuError('conflict', 'this conversation has been rated already');
    await this.deps.store.insertEvent(visitorId, 'agents', { type: 'rating', rating: result });
    await this.deps.feed.kick();
    return result;
  }

  /** Whether the visitor's session should ask for a rating. */
  asked(visitorId: string): Promise<boolean> {
    return this.deps.store.ratings.asked(visitorId);
  }

  /** A conversation's ratings, oldest first, for its thread in the console. */
  ofConversation(visitorId: string): Promise<Rating[]> {
    return this.deps.store.ratings.ofConversation(visitorId, 1000);
  }

  /**
   * The `weeks` ISO weeks (UTC) up to this one: per owner and week, good, bad
   * and the good ones' share; owners with the most ratings first, nobody's last.
   * Plus a page of the comments given in those weeks, newest first.
   */
  async report(weeks: number, before: number | null, limit: number, now = new Date()): Promise<RatingsReport> {
    const span = lastWeeks(now, weeks);
    const since = new Date(`${span[0].start}T00:00:00Z`);
    const column = new Map(span.map((w, i) => [w.week, i]));
    const [days, page, team] = await Promise.all([
      this.deps.store.ratings.dailyCounts(since),
      this.deps.store.ratings.comments(since, before, limit + 1),
      this.deps.store.desk.agents(new Date(0)),
    ]);
    const rows = new Map<string | null, { good: number[]; bad: number[] }>();
    for (const d of days) {
      const i = column.get(isoWeek(new Date(`${d.day}T00:00:00Z`)).week);
      if (i === undefined) continue;
      const row = rows.get(d.agent) ?? { good: span.map(() => 0), bad: span.map(() => 0) };
      row.good[i] += d.good;
      row.bad[i] += d.bad;
      rows.set(d.agent, row);
    }
    const names = new Map(team.map((a) => [a.id, a.name]));
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const agents = [...rows]
      .map(([agent, r]) => ({
        agent,
        name: agent ? (names.get(agent) ?? null) : null,
        total: counts(sum(r.good), sum(r.bad)),
        weeks: span.map((_, i) => counts(r.good[i], r.bad[i])),
      }))
      .sort((a, b) => Number(a.agent === null) - Number(b.agent === null)
        || (b.total.good + b.total.bad) - (a.total.good + a.total.bad)
        || String(a.name ?? a.agent).localeCompare(String(b.name ?? b.agent)));
    const comments = page.slice(0, limit);
    return { weeks: span, agents, comments, next: page.length > limit ? comments[comments.length - 1].id : null };
  }
}
