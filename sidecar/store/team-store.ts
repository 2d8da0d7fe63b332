// What visitors may see of the team (the widget's header, `GET
// /kefu/api/visitor/team`): the agents' public faces, and the bare rows the
// reply time is measured from. Nothing here reads a visitor's profile, an
// agent's token or a message's content.
import type { TeamMember } from '../core/message.js';
import { isoTime, sqlTime, type SqlDriver, type TableNames } from './sql-store.js';

/** One message between a visitor and the team, without its content. */
export interface Exchange {
  mid: number;
  from: string;
  to: string;
  /** When it was written (ms since the epoch). */
  at: number;
}

export interface TeamStore {
  /**
   * Agents seen since `seenSince`, at most `limit`: the online ones (status
   * online, seen since `onlineSince`) first, then the most recently seen.
   */
  members(onlineSince: Date, seenSince: Date, limit: number): Promise<TeamMember[]>;
  /**
   * Messages written since `since`, oldest first; of a busier stretch only the
   * newest `limit`, so that the cost stays bounded however much the site chats.
   */
  exchanges(since: Date, limit: number): Promise<Exchange[]>;
}

interface MemberRow {
  id: string;
  name: string | null;
  avatar: string | null;
  status: string;
  last_seen_at: string | Date;
}

export class SqlTeamStore implements TeamStore {
  constructor(private readonly db: SqlDriver, private readonly t: TableNames) {}

  async members(onlineSince: Date, seenSince: Date, limit: number): Promise<TeamMember[]> {
    const online = sqlTime(onlineSince);
    const rows = await this.db.all<MemberRow>(
      `SELECT id, name, avatar, status, last_seen_at FROM \`${this.t.agent}\` WHERE last_seen_at >= ?
       ORDER BY CASE WHEN status = 'online' AND last_seen_at >= ? THEN 0 ELSE 1 END, last_seen_at DESC, id LIMIT ?`,
      [sqlTime(seenSince), online, limit],
    );
    const since = onlineSince.getTime();
    return rows.map((r) => ({
      id: String(r.id),
      name: r.name ?? '',
      avatar: r.avatar || null,
      online: r.status === 'online' && Date.parse(isoTime(r.last_seen_at) ?? '') >= since,
    }));
  }

  async exchanges(since: Date, limit: number): Promise<Exchange[]> {
    // Newest first by primary key, then cut by time: a walk back along the index
    // that stops after `limit` rows (created_at has no index, and needs none here).
    const rows = await this.db.all<{ mid: number | string; pos: string; rec: string; created_at: string | Date | null }>(
      `SELECT mid, pos, rec, created_at FROM (SELECT mid, pos, rec, created_at FROM \`${this.t.msg}\` ORDER BY mid DESC LIMIT ?) AS latest
       WHERE created_at >= ? ORDER BY mid`,
      [limit, sqlTime(since)],
    );
    return rows.map((r) => ({ mid: Number(r.mid), from: String(r.pos), to: String(r.rec), at: Date.parse(isoTime(r.created_at) ?? '') }));
  }
}
