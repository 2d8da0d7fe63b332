// Canned replies: shared ones (owner '') that site managers edit, personal ones
// each agent keeps for themselves. Stored raw; placeholders such as
// `{visitor.name}` are filled in by the console when a reply is inserted.
import type { CannedReply } from '../core/message.js';
import { isoTime, sqlTime, type SqlDriver, type TableNames } from './sql-store.js';

export interface CannedInput {
  shortcut: string;
  title: string;
  content: string;
}

export interface CannedStore {
  /** Shared replies and the agent's own, by shortcut. */
  list(agentId: string): Promise<CannedReply[]>;
  get(id: number): Promise<CannedReply | null>;
  /** null when the owner already has a reply with this shortcut. */
  insert(owner: string | null, c: CannedInput): Promise<CannedReply | null>;
  /** null when the shortcut is taken by another of the owner's replies; undefined when there is no such reply. */
  update(id: number, c: CannedInput): Promise<CannedReply | null | undefined>;
  remove(id: number): Promise<boolean>;
}

interface CannedRow {
  id: number | string;
  owner: string;
  shortcut: string;
  title: string;
  content: string | Buffer;
  updated_at: string | Date;
}

function toCanned(r: CannedRow): CannedReply {
  return {
    id: Number(r.id),
    owner: r.owner ? String(r.owner) : null,
    shortcut: String(r.shortcut),
    title: String(r.title),
    content: String(r.content),
    updatedAt: isoTime(r.updated_at) ?? '',
  };
}

export class SqlCannedStore implements CannedStore {
  constructor(private readonly db: SqlDriver, private readonly t: TableNames) {}

  async list(agentId: string): Promise<CannedReply[]> {
    const rows = await this.db.all<CannedRow>(`SELECT * FROM \`${this.t.canned}\` WHERE owner IN ('', ?) ORDER BY shortcut, owner`, [agentId]);
    return rows.map(toCanned);
  }

  async get(id: number): Promise<CannedReply | null> {
    const [row] = await this.db.all<CannedRow>(`SELECT * FROM \`${this.t.canned}\` WHERE id = ?`, [id]);
    return row ? toCanned(row) : null;
  }

  async insert(owner: string | null, c: CannedInput): Promise<CannedReply | null> {
    try {
      const { insertId } = await this.db.run(
        `INSERT INTO \`${this.t.canned}\` (owner, shortcut, title, content, updated_at) VALUES (?, ?, ?, ?, ?)`,
        [owner ?? '', c.shortcut, c.title, c.content, sqlTime(new Date())],
      );
      return this.get(insertId);
    } catch (err) {
      if (this.db.isDuplicateKey(err)) return null;
      throw err;
    }
  }

  async update(id: number, c: CannedInput): Promise<CannedReply | null | undefined> {
    try {
      const { affectedRows } = await this.db.run(
        `UPDATE \`${this.t.canned}\` SET shortcut = ?, title = ?, content = ?, updated_at = ? WHERE id = ?`,
        [c.shortcut, c.title, c.content, sqlTime(new Date()), id],
      );
      if (!affectedRows) return undefined;
      return this.get(id);
    } catch (err) {
      if (this.db.isDuplicateKey(err)) return null;
      throw err;
    }
  }

  async remove(id: number): Promise<boolean> {
    return (await this.db.run(`DELETE FROM \`${this.t.canned}\` WHERE id = ?`, [id])).affectedRows > 0;
  }
}
