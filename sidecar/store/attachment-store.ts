// What each attachment is: its conversation, uploader, cleaned name, type,
// size and the message it was sent with. Its bytes are elsewhere (blob-store.ts),
// under its id, in the store its `store` column names. One row is written when
// an upload starts (`uploading`), so that an upload cut by a crash is found and
// removed later (core/attachments.ts, sweep), and completed when the bytes are safe.
import type { Attachment } from '../core/message.js';
import { isoTime, sqlTime, type SqlDriver, type SqlRunner, type TableNames } from './sql-store.js';

export interface AttachmentRecord extends Attachment {
  /** The conversation: the visitor's id. */
  visitorId: string;
  /** Who uploaded it: the visitor, or `agent:<id>`. */
  owner: string;
  clientId: string | null;
  status: 'uploading' | 'ready';
  /** The blob store holding its bytes (BlobStore.name). */
  store: string;
  createdAt: string | null;
}

export interface NewUpload {
  id: string;
  visitorId: string;
  owner: string;
  name: string;
  store: string;
}

export interface UploadFacts {
  name: string;
  type: string;
  size: number;
  width: number | null;
  height: number | null;
}

/** A file whose bytes are to be removed, and where they are. */
export interface StoredFile {
  id: string;
  store: string;
}

export interface AttachmentStore {
  /** Records an upload that has begun. */
  begin(u: NewUpload, now: Date): Promise<void>;
  /** Completes it with what the bytes turned out to be; false when the uploader already has a file under this clientId. */
  finish(id: string, facts: UploadFacts, clientId: string | null): Promise<boolean>;
  get(id: string): Promise<AttachmentRecord | null>;
  /** In the order of `ids`; unknown ids are left out. */
  getMany(ids: readonly string[]): Promise<AttachmentRecord[]>;
  byClientId(owner: string, clientId: string): Promise<AttachmentRecord | null>;
  /** The files sent with these messages, each message's in the sender's order. */
  forMessages(mids: readonly number[]): Promise<Map<number, Attachment[]>>;
  remove(ids: readonly string[]): Promise<void>;
  /**
   * Files to delete, at most `limit`: uploads still unfinished since
   * `uploadingBefore` (their process died), files never sent since
   * `unsentBefore`, files whose message is gone, and files of conversations
   * whose visitor record is gone (the CMS erased or expired it).
   */
  expired(uploadingBefore: Date, unsentBefore: Date, limit: number): Promise<StoredFile[]>;
}

interface AttachmentRow {
  id: string;
  visitor_id: string;
  owner: string;
  client_id: string | null;
  name: string | Buffer;
  type: string;
  size: number | string;
  width: number | string | null;
  height: number | string | null;
  mid: number | string | null;
  status: string;
  store: string;
  created_at: string | Date | null;
}

const COLS = 'id, visitor_id, owner, client_id, name, type, size, width, height, mid, status, store, created_at';
const marks = (n: number) => Array.from({ length: n }, () => '?').join(',');

/** The wire shape: width and height only for images. */
export function toAttachment(r: AttachmentRow): Attachment {
  const a: Attachment = { id: String(r.id), name: String(r.name), size: Number(r.size), type: String(r.type), mid: r.mid === null ? null : Number(r.mid) };
  if (r.width !== null && r.height !== null) {
    a.width = Number(r.width);
    a.height = Number(r.height);
  }
  return a;
}

function toRecord(r: AttachmentRow): AttachmentRecord {
  return {
    ...toAttachment(r),
    visitorId: String(r.visitor_id),
    owner: String(r.owner),
    clientId: r.client_id === null ? null : String(r.client_id),
    status: r.status === 'ready' ? 'ready' : 'uploading',
    store: String(r.store),
    createdAt: isoTime(r.created_at),
  };
}

export class SqlAttachmentStore implements AttachmentStore {
  constructor(private readonly db: SqlDriver, private readonly t: TableNames) {}

  async begin(u: NewUpload, now: Date): Promise<void> {
    await this.db.run(
      `INSERT INTO \`${this.t.attachment}\` (id, visitor_id, owner, name, type, size, status, store, created_at) VALUES (?, ?, ?, ?, '', 0, 'uploading', ?, ?)`,
      [u.id, u.visitorId, u.owner, u.name, u.store, sqlTime(now)],
    );
  }

  async finish(id: string, f: UploadFacts, clientId: string | null): Promise<boolean> {
    try {
      await this.db.run(
        `UPDATE \`${this.t.attachment}\` SET status = 'ready', client_id = ?, name = ?, type = ?, size = ?, width = ?, height = ? WHERE id = ?`,
        [clientId, f.name, f.type, f.size, f.width, f.height, id],
      );
      return true;
    } catch (err) {
      // The unique (owner, client_id): a retry of this upload finished first.
      if (this.db.isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async get(id: string): Promise<AttachmentRecord | null> {
    const [row] = await this.db.all<AttachmentRow>(`SELECT ${COLS} FROM \`${this.t.attachment}\` WHERE id = ?`, [id]);
    return row && row.id === id ? toRecord(row) : null;
  }

  async getMany(ids: readonly string[]): Promise<AttachmentRecord[]> {
    if (!ids.length) return [];
    const rows = await this.db.all<AttachmentRow>(`SELECT ${COLS} FROM \`${this.t.attachment}\` WHERE id IN (${marks(ids.length)})`, ids);
    const byId = new Map(rows.map((r) => [String(r.id), toRecord(r)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async byClientId(owner: string, clientId: string): Promise<AttachmentRecord | null> {
    const [row] = await this.db.all<AttachmentRow>(`SELECT ${COLS} FROM \`${this.t.attachment}\` WHERE owner = ? AND client_id = ?`, [owner, clientId]);
    return row ? toRecord(row) : null;
  }

  async forMessages(mids: readonly number[]): Promise<Map<number, Attachment[]>> {
    const out = new Map<number, Attachment[]>();
    if (!mids.length) return out;
    const rows = await this.db.all<AttachmentRow>(
      `SELECT ${COLS} FROM \`${this.t.attachment}\` WHERE mid IN (${marks(mids.length)}) AND status = 'ready' ORDER BY mid, position`,
      mids,
    );
    for (const r of rows) {
      const a = toAttachment(r);
      const list = out.get(a.mid!) ?? [];
      list.push(a);
      out.set(a.mid!, list);
    }
    return out;
  }

  /**
   * Ties the files to a message inside the transaction that writes it, so a
   * reader sees the message and its files together or not at all. Only ready
   * files of this conversation and uploader, not yet sent, are taken: false
   * when any is not (the caller rolls back).
   */
  async link(tx: SqlRunner, mid: number, ids: readonly string[], visitorId: string, owner: string): Promise<boolean> {
    for (const [position, id] of ids.entries()) {
      const { affectedRows } = await tx.run(
        `UPDATE \`${this.t.attachment}\` SET mid = ?, position = ? WHERE id = ? AND visitor_id = ? AND owner = ? AND status = 'ready' AND mid IS NULL`,
        [mid, position, id, visitorId, owner],
      );
      if (affectedRows !== 1) return false;
    }
    return true;
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    await this.db.run(`DELETE FROM \`${this.t.attachment}\` WHERE id IN (${marks(ids.length)})`, ids);
  }

  async expired(uploadingBefore: Date, unsentBefore: Date, limit: number): Promise<StoredFile[]> {
    const a = this.t.attachment;
    const [stuck, unsent, noMessage, noVisitor] = await Promise.all([
      this.db.all<StoredFile>(`SELECT id, store FROM \`${a}\` WHERE status = 'uploading' AND created_at < ? LIMIT ?`, [sqlTime(uploadingBefore), limit]),
      this.db.all<StoredFile>(`SELECT id, store FROM \`${a}\` WHERE status = 'ready' AND mid IS NULL AND created_at < ? LIMIT ?`, [sqlTime(unsentBefore), limit]),
      this.db.all<StoredFile>(
        `SELECT a.id, a.store FROM \`${a}\` AS a LEFT JOIN \`${this.t.msg}\` AS m ON m.mid = a.mid WHERE a.mid IS NOT NULL AND m.mid IS NULL LIMIT ?`, [limit]),
      this.db.all<StoredFile>(
        `SELECT a.id, a.store FROM \`${a}\` AS a LEFT JOIN \`${this.t.visitor}\` AS v ON v.id = a.visitor_id WHERE v.id IS NULL LIMIT ?`, [limit]),
    ]);
    const seen = new Map<string, StoredFile>();
    for (const f of [...stuck, ...unsent, ...noMessage, ...noVisitor]) seen.set(String(f.id), { id: String(f.id), store: String(f.store) });
    return [...seen.values()].slice(0, limit);
  }
}
