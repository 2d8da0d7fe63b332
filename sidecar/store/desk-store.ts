// The help desk's storage: who owns a conversation and where it stands
// (columns of the visitor table), agent-only notes and blocks (tables of their
// own). The seed-shaped `msg` table is not touched: a note is never a row
// classic PHP could take for a message to the visitor.
import type { AgentEntry, Block, ConversationCounts, ConversationFilter, ConversationState, ConversationStatus, Note } from '../core/message.js';
import { isoTime, sqlTime, type SqlDriver, type TableNames } from './sql-store.js';

export const STATUSES: readonly ConversationStatus[] = ['open', 'pending', 'resolved'];

export type { ConversationCounts, ConversationFilter };
/** Which conversations a list shows (docs/PROTOCOL.md, "Help desk"). */
export const FILTERS: readonly ConversationFilter[] = ['all', 'open', 'mine', 'unassigned', 'resolved'];

/** A change to a conversation's state, made only while it still matches `when`. */
export interface StateChange {
  status?: ConversationStatus;
  assignee?: { id: string; name: string | null } | null;
  when?: { status?: ConversationStatus; notStatus?: ConversationStatus; assignee?: string | null };
}

export interface NewNote {
  visitorId: string;
  from: string;
  fromName: string | null;
  content: string;
  clientId: string | null;
  afterMid: number;
}

export interface NewBlock {
  visitorId: string;
  addressHash: string | null;
  reason: string;
  by: string;
  byName: string | null;
}

export interface DeskStore {
  state(visitorId: string): Promise<ConversationState | null>;
  /** Applies a change when the conversation matches `when`; the new state, or null when nothing changed. */
  changeState(visitorId: string, change: StateChange): Promise<ConversationState | null>;
  /** Open conversations owned by agents not seen (no request at all: console closed) since `before`. */
  ownedByAbsent(before: Date, limit: number): Promise<Array<{ visitorId: string; assignee: string }>>;
  counts(agentId: string): Promise<ConversationCounts>;
  /** How many unresolved conversations each of these agents owns. */
  openLoad(agentIds: readonly string[]): Promise<Map<string, number>>;
  /** The SQL condition (and its parameters) selecting a filter's conversations in the visitor table. */
  filterSql(filter: ConversationFilter, agentId: string): { sql: string; params: unknown[] };

  insertNote(n: NewNote): Promise<{ note: Note; created: boolean }>;
  /** A conversation's notes, oldest first (the whole list: notes are few). */
  notes(visitorId: string, limit: number): Promise<Note[]>;

  insertBlock(b: NewBlock): Promise<Block>;
  removeBlock(id: number): Promise<Block | null>;
  blocks(): Promise<Array<Block & { addressHash: string | null }>>;
  /** Records the keyed hash of a visitor's address, for blocking it later. */
  setAddressHash(visitorId: string, hash: string): Promise<void>;
  addressHash(visitorId: string): Promise<string | null>;

  agents(onlineSince: Date): Promise<AgentEntry[]>;
}

interface StateRow {
  id: string;
  status: string | null;
  assignee: string | null;
  assignee_name: string | null;
}

interface NoteRow {
  id: number | string;
  visitor_id: string;
  agent_id: string;
  agent_name: string | null;
  content: string | Buffer;
  client_id: string | null;
  after_mid: number | string;
  created_at: string | Date;
}

interface BlockRow {
  id: number | string;
  visitor_id: string;
  address_hash: string | null;
  reason: string;
  by_agent: string;
  by_name: string | null;
  created_at: string | Date;
}

export function toState(r: StateRow): ConversationState {
  const status = STATUSES.includes(r.status as ConversationStatus) ? (r.status as ConversationStatus) : 'open';
  return { visitorId: String(r.id), status, assignee: r.assignee ?? null, assigneeName: r.assignee_name ?? null };
}

const iso = (v: string | Date) => isoTime(v) ?? '';

function toNote(r: NoteRow): Note {
  const note: Note = {
    id: Number(r.id),
    visitorId: String(r.visitor_id),
    from: String(r.agent_id),
    fromName: r.agent_name,
    content: String(r.content),
    createdAt: iso(r.created_at),
    afterMid: Number(r.after_mid),
  };
  if (r.client_id) note.clientId = r.client_id;
  return note;
}

function toBlock(r: BlockRow): Block & { addressHash: string | null } {
  return {
    id: Number(r.id),
    visitorId: String(r.visitor_id),
    address: !!r.address_hash,
    addressHash: r.address_hash,
    reason: String(r.reason),
    by: String(r.by_agent),
    byName: r.by_name,
    createdAt: iso(r.created_at),
  };
}

export class SqlDeskStore implements DeskStore {
  constructor(private readonly db: SqlDriver, private readonly t: TableNames) {}

  async state(visitorId: string): Promise<ConversationState | null> {
    const [row] = await this.db.all<StateRow>(`SELECT id, status, assignee, assignee_name FROM \`${this.t.visitor}\` WHERE id = ?`, [visitorId]);
    return row && row.id === visitorId ? toState(row) : null;
  }

  async changeState(visitorId: string, change: StateChange): Promise<ConversationState | null> {
    const sets: string[] = [];
    const params: unknown[] = [];
    if (change.status) {
      sets.push('status = ?');
      params.push(change.status);
      // Resolutions are counted: a visitor's rating belongs to one (rating-store.ts).
      if (change.status === 'resolved') sets.push('resolutions = resolutions + 1');
    }
    if (change.assignee !== undefined) {
      sets.push('assignee = ?', 'assignee_name = ?');
      params.push(change.assignee?.id ?? null, change.assignee?.name ?? null);
    }
    if (!sets.length) return null;
    const where = ['id = ?'];
    params.push(visitorId);
    const when = change.when ?? {};
    if (when.status) {
      where.push('status = ?');
      params.push(when.status);
    }
    if (when.notStatus) {
      where.push('status <> ?');
      params.push(when.notStatus);
    }
    if (when.assignee === null) where.push('assignee IS NULL');
    else if (when.assignee !== undefined) {
      where.push('assignee = ?');
      params.push(when.assignee);
    }
    // Only a row that really changed counts: the same claim made twice, or by two
    // processes at once, reports one change and so one event.
    const differs: string[] = [];
    if (change.status) {
      differs.push('status <> ?');
      params.push(change.status);
    }
    if (change.assignee !== undefined) {
      if (change.assignee === null) differs.push('assignee IS NOT NULL');
      else {
        differs.push('(assignee IS NULL OR assignee <> ?)');
        params.push(change.assignee.id);
      }
    }
    const { affectedRows } = await this.db.run(
      `UPDATE \`${this.t.visitor}\` SET ${sets.join(', ')} WHERE ${where.join(' AND ')} AND (${differs.join(' OR ')})`,
      params,
    );
    return affectedRows > 0 ? this.state(visitorId) : null;
  }

  async ownedByAbsent(before: Date, limit: number): Promise<Array<{ visitorId: string; assignee: string }>> {
    const rows = await this.db.all<{ id: string; assignee: string }>(
      `SELECT v.id, v.assignee FROM \`${this.t.visitor}\` v LEFT JOIN \`${this.t.agent}\` a ON a.id = v.assignee
       WHERE v.assignee IS NOT NULL AND v.status <> 'resolved' AND (a.id IS NULL OR a.last_seen_at < ?)
       LIMIT ?`,
      [sqlTime(before), limit],
    );
    return rows.map((r) => ({ visitorId: String(r.id), assignee: String(r.assignee) }));
  }

  filterSql(filter: ConversationFilter, agentId: string): { sql: string; params: unknown[] } {
    switch (filter) {
      case 'open':
        return { sql: "status <> 'resolved'", params: [] };
      case 'mine':
        return { sql: "status <> 'resolved' AND assignee = ?", params: [agentId] };
      case 'unassigned':
        return { sql: "status <> 'resolved' AND assignee IS NULL", params: [] };
      case 'resolved':
        return { sql: "status = 'resolved'", params: [] };
      default:
        return { sql: '1 = 1', params: [] };
    }
  }

  async counts(agentId: string): Promise<ConversationCounts> {
    const [row] = await this.db.all<Record<keyof ConversationCounts, number | string | null>>(
      `SELECT
         SUM(CASE WHEN status <> 'resolved' THEN 1 ELSE 0 END) AS open,
         SUM(CASE WHEN status <> 'resolved' AND assignee = ? THEN 1 ELSE 0 END) AS mine,
         SUM(CASE WHEN status <> 'resolved' AND assignee IS NULL THEN 1 ELSE 0 END) AS unassigned,
         SUM(CASE WHEN status = 'resolved' THEN 1 ELSE 0 END) AS resolved
       FROM \`${this.t.visitor}\` WHERE last_mid > 0`,
      [agentId],
    );
    return { open: Number(row?.open ?? 0), mine: Number(row?.mine ?? 0), unassigned: Number(row?.unassigned ?? 0), resolved: Number(row?.resolved ?? 0) };
  }

  async openLoad(agentIds: readonly string[]): Promise<Map<string, number>> {
    if (!agentIds.length) return new Map();
    const rows = await this.db.all<{ assignee: string; n: number | string }>(
      `SELECT assignee, COUNT(*) AS n FROM \`${this.t.visitor}\` WHERE status <> 'resolved' AND assignee IN (${agentIds.map(() => '?').join(',')}) GROUP BY assignee`,
      [...agentIds],
    );
    return new Map(rows.map((r) => [String(r.assignee), Number(r.n)]));
  }

  async insertNote(n: NewNote): Promise<{ note: Note; created: boolean }> {
    const cols = 'id, visitor_id, agent_id, agent_name, content, client_id, after_mid, created_at';
    try {
      const { insertId } = await this.db.run(
        `INSERT INTO \`${this.t.note}\` (visitor_id, agent_id, agent_name, content, client_id, after_mid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [n.visitorId, n.from, n.fromName, n.content, n.clientId, n.afterMid, sqlTime(new Date())],
      );
      const [row] = await this.db.all<NoteRow>(`SELECT ${cols} FROM \`${this.t.note}\` WHERE id = ?`, [insertId]);
      return { note: toNote(row), created: true };
    } catch (err) {
      // The same clientId again (a retry after a lost answer): the first note, not a second.
      if (!n.clientId || !this.db.isDuplicateKey(err)) throw err;
      const [row] = await this.db.all<NoteRow>(`SELECT ${cols} FROM \`${this.t.note}\` WHERE agent_id = ? AND client_id = ?`, [n.from, n.clientId]);
      if (!row) throw err;
      return { note: toNote(row), created: false };
    }
  }

  async notes(visitorId: string, limit: number): Promise<Note[]> {
    const rows = await this.db.all<NoteRow>(
      `SELECT id, visitor_id, agent_id, agent_name, content, client_id, after_mid, created_at FROM \`${this.t.note}\` WHERE visitor_id = ? ORDER BY id LIMIT ?`,
      [visitorId, limit],
    );
    return rows.map(toNote);
  }

  async insertBlock(b: NewBlock): Promise<Block> {
    const { insertId } = await this.db.run(
      `INSERT INTO \`${this.t.block}\` (visitor_id, address_hash, reason, by_agent, by_name, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
      [b.visitorId, b.addressHash, b.reason, b.by, b.byName, sqlTime(new Date())],
    );
    const [row] = await this.db.all<BlockRow>(`SELECT * FROM \`${this.t.block}\` WHERE id = ?`, [insertId]);
    const { addressHash: _hidden, ...block } = toBlock(row);
    return block;
  }

  async removeBlock(id: number): Promise<Block | null> {
    const [row] = await this.db.all<BlockRow>(`SELECT * FROM \`${this.t.block}\` WHERE id = ?`, [id]);
    if (!row) return null;
    const { affectedRows } = await this.db.run(`DELETE FROM \`${this.t.block}\` WHERE id = ?`, [id]);
    if (!affectedRows) return null;
    const { addressHash: _hidden, ...block } = toBlock(row);
    return block;
  }

  async blocks(): Promise<Array<Block & { addressHash: string | null }>> {
    return (await this.db.all<BlockRow>(`SELECT * FROM \`${this.t.block}\` ORDER BY id`)).map(toBlock);
  }

  async setAddressHash(visitorId: string, hash: string): Promise<void> {
    await this.db.run(`UPDATE \`${this.t.visitor}\` SET address_hash = ? WHERE id = ?`, [hash, visitorId]);
  }

  async addressHash(visitorId: string): Promise<string | null> {
    const [row] = await this.db.all<{ address_hash: string | null }>(`SELECT address_hash FROM \`${this.t.visitor}\` WHERE id = ?`, [visitorId]);
    return row?.address_hash ?? null;
  }

  async agents(onlineSince: Date): Promise<AgentEntry[]> {
    const rows = await this.db.all<{ id: string; name: string | null; status: string; last_seen_at: string | Date }>(
      `SELECT id, name, status, last_seen_at FROM \`${this.t.agent}\` ORDER BY name, id`,
    );
    const since = onlineSince.getTime();
    return rows.map((r) => ({
      id: String(r.id),
      name: r.name,
      online: r.status === 'online' && Date.parse(iso(r.last_seen_at)) >= since,
    }));
  }
}
