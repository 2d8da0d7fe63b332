// Ratings: a visitor's verdict on one resolution of their conversation, in a
// table of its own (`<prefix>kefu_rating`). The visitor record counts its
// resolutions (`resolutions`, one more each time it is resolved); the unique
// key (visitor_id, resolution) lets each have one rating, however many
// processes take the visitor's request at once. A count, not a time: a
// resolve, reopen and resolve within one millisecond are still two.
import type { Rating, RatingScore } from '../core/message.js';
import { isoTime, sqlTime, type SqlDriver, type TableNames } from './sql-store.js';

export interface NewRating {
  visitorId: string;
  score: RatingScore;
  comment: string | null;
  /** The conversation's newest message now: where the rating sits in the thread. */
  afterMid: number;
  /** When it was given: now, except where a test places ratings in past weeks. */
  at: Date;
}

/** One owner's good and bad ratings on one UTC day. */
export interface DayCount {
  agent: string | null;
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  good: number;
  bad: number;
}

export interface RatingStore {
  /**
   * Rates the conversation's current resolution, recording its owner of that
   * moment. Writes nothing and answers 'not_resolved' when the conversation is
   * not resolved (or was resolved only before ratings existed, when
   * resolutions were not counted), 'rated' when this resolution has its rating already.
   */
  insert(r: NewRating): Promise<Rating | 'not_resolved' | 'rated'>;
  /** The conversation is resolved and that resolution has no rating yet. */
  asked(visitorId: string): Promise<boolean>;
  /** A conversation's ratings, oldest first. */
  ofConversation(visitorId: string, limit: number): Promise<Rating[]>;
  /** Counts per owner and UTC day of the ratings given at or after `since`. */
  dailyCounts(since: Date): Promise<DayCount[]>;
  /** Ratings with a comment given at or after `since`, newest first, ids below `before` (all when null). */
  comments(since: Date, before: number | null, limit: number): Promise<Rating[]>;
}

interface RatingRow {
  id: number | string;
  visitor_id: string;
  agent_id: string | null;
  score: string;
  comment: string | Buffer | null;
  after_mid: number | string;
  created_at: string | Date;
}

const COLUMNS = 'id, visitor_id, agent_id, score, comment, after_mid, created_at';

function toRating(r: RatingRow): Rating {
  return {
    id: Number(r.id),
    visitorId: String(r.visitor_id),
    agent: r.agent_id ? String(r.agent_id) : null,
    score: r.score === 'good' ? 'good' : 'bad',
    comment: r.comment === null ? null : String(r.comment),
    createdAt: isoTime(r.created_at) ?? '',
    afterMid: Number(r.after_mid),
  };
}

export class SqlRatingStore implements RatingStore {
  constructor(private readonly db: SqlDriver, private readonly t: TableNames) {}

  async insert(r: NewRating): Promise<Rating | 'not_resolved' | 'rated'> {
    try {
      // One statement reads the state and writes the row: a reopen between a check
      // and the write cannot slip a rating onto a conversation no longer resolved.
      const { affectedRows, insertId } = await this.db.run(
        `INSERT INTO \`${this.t.rating}\` (visitor_id, agent_id, score, comment, after_mid, resolution, created_at)
         SELECT id, assignee, ?, ?, ?, resolutions, ? FROM \`${this.t.visitor}\`
         WHERE id = ? AND status = 'resolved' AND resolutions > 0`,
        [r.score, r.comment, r.afterMid, sqlTime(r.at), r.visitorId],
      );
      if (!affectedRows) return 'not_resolved';
      const [row] = await this.db.all<RatingRow>(`SELECT ${COLUMNS} FROM \`${this.t.rating}\` WHERE id = ?`, [insertId]);
      return toRating(row);
    } catch (err) {
      if (this.db.isDuplicateKey(err)) return 'rated';
      throw err;
    }
  }

  async asked(visitorId: string): Promise<boolean> {
    const [row] = await this.db.all<{ status: string | null; resolutions: number | string | null; rated: number | string }>(
      `SELECT v.status, v.resolutions,
         (SELECT COUNT(*) FROM \`${this.t.rating}\` r WHERE r.visitor_id = v.id AND r.resolution = v.resolutions) AS rated
       FROM \`${this.t.visitor}\` v WHERE v.id = ?`,
      [visitorId],
    );
    return !!row && row.status === 'resolved' && Number(row.resolutions) > 0 && Number(row.rated) === 0;
  }

  async ofConversation(visitorId: string, limit: number): Promise<Rating[]> {
    const rows = await this.db.all<RatingRow>(
      `SELECT ${COLUMNS} FROM \`${this.t.rating}\` WHERE visitor_id = ? ORDER BY id LIMIT ?`,
      [visitorId, limit],
    );
    return rows.filter((r) => r.visitor_id === visitorId).map(toRating);
  }

  async dailyCounts(since: Date): Promise<DayCount[]> {
    // Days, not weeks, come from SQL: the first 10 characters of the stored UTC
    // time read alike in both engines; core/iso-week.ts folds them into weeks.
    const rows = await this.db.all<{ agent_id: string | null; day: string; good: number | string | null; bad: number | string | null }>(
      `SELECT agent_id, SUBSTR(created_at, 1, 10) AS day,
         SUM(CASE WHEN score = 'good' THEN 1 ELSE 0 END) AS good,
         SUM(CASE WHEN score = 'bad' THEN 1 ELSE 0 END) AS bad
       FROM \`${this.t.rating}\` WHERE created_at >= ? GROUP BY agent_id, day`,
      [sqlTime(since)],
    );
    return rows.map((r) => ({ agent: r.agent_id ? String(r.agent_id) : null, day: String(r.day), good: Number(r.good ?? 0), bad: Number(r.bad ?? 0) }));
  }

  async comments(since: Date, before: number | null, limit: number): Promise<Rating[]> {
    const rows = await this.db.all<RatingRow>(
      `SELECT ${COLUMNS} FROM \`${this.t.rating}\` WHERE created_at >= ? AND comment IS NOT NULL AND id < ? ORDER BY id DESC LIMIT ?`,
      [sqlTime(since), before ?? Number.MAX_SAFE_INTEGER, limit],
    );
    return rows.map(toRating);
  }
}
