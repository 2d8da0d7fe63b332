// Attachment bytes in the database, as rows of at most 256 KiB: the default
// store, so that several sidecars on several machines share files through the
// database they already share, and the embedded SQLite store has files too.
// Each row records where it starts in the file, so a range is read from the
// first row it touches without reading the ones before it.
import { Readable } from 'node:stream';
import type { BlobStore, ByteRange } from './blob-store.js';
import type { SqlDriver, TableNames } from './sql-store.js';

/** Bytes per row: small enough for MySQL's default packet (16 MiB) many times over, large enough for few rows per file. */
export const CHUNK_BYTES = 256 * 1024;

const marks = (n: number) => Array.from({ length: n }, () => '?').join(',');

export class DbBlobStore implements BlobStore {
  readonly name = 'db';

  constructor(private readonly db: SqlDriver, private readonly t: Pick<TableNames, 'attachmentChunk'>) {}

  async put(key: string, body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<number> {
    let seq = 0;
    let size = 0;
    // One row's worth, filled and written again and again: the drivers copy the
    // bytes when the statement is sent, so an upload leaves no trail of buffers.
    const row = Buffer.allocUnsafe(CHUNK_BYTES);
    let filled = 0;
    const write = async () => {
      await this.db.run(`INSERT INTO \`${this.t.attachmentChunk}\` (blob_key, seq, start_at, data) VALUES (?, ?, ?, ?)`, [key, seq, size, row.subarray(0, filled)]);
      seq++;
      size += filled;
      filled = 0;
    };
    try {
      for await (const piece of body) {
        for (let at = 0; at < piece.byteLength;) {
          const n = Math.min(CHUNK_BYTES - filled, piece.byteLength - at);
          row.set(piece.subarray(at, at + n), filled);
          filled += n;
          at += n;
          if (filled === CHUNK_BYTES) await write();
        }
      }
      // The last row; an empty file still gets one, so that it exists.
      if (filled > 0 || seq === 0) await write();
      return size;
    } catch (err) {
      await this.delete([key]).catch(() => undefined);
      throw err;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable | null> {
    const start = range?.start ?? 0;
    const end = range?.end ?? Number.MAX_SAFE_INTEGER;
    const [first] = await this.db.all<{ seq: number | string }>(
      `SELECT seq FROM \`${this.t.attachmentChunk}\` WHERE blob_key = ? AND start_at <= ? ORDER BY start_at DESC LIMIT 1`,
      [key, start],
    );
    if (!first) return null;
    const db = this.db;
    const table = this.t.attachmentChunk;
    // One row at a time, when the reader wants more: a download holds one chunk, not the file.
    async function* rows(): AsyncGenerator<Buffer> {
      for (let seq = Number(first.seq); ; seq++) {
        const [row] = await db.all<{ start_at: number | string; data: Buffer | Uint8Array }>(
          `SELECT start_at, data FROM \`${table}\` WHERE blob_key = ? AND seq = ?`, [key, seq]);
        if (!row) return;
        const at = Number(row.start_at);
        if (at > end) return;
        const data = Buffer.isBuffer(row.data) ? row.data : Buffer.from(row.data);
        const piece = data.subarray(Math.max(0, start - at), Math.min(data.length, end - at + 1));
        if (piece.length) yield piece;
        if (at + data.length > end) return;
      }
    }
    return Readable.from(rows(), { objectMode: false, highWaterMark: CHUNK_BYTES });
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (!keys.length) return;
    await this.db.run(`DELETE FROM \`${this.t.attachmentChunk}\` WHERE blob_key IN (${marks(keys.length)})`, keys);
  }

  /** The database belongs to the store, which closes it. */
  async close(): Promise<void> {}
}
