// Where the bytes of attachments live, behind one small interface: the
// database's chunk table (db-blob-store.ts, the default: several sidecars need
// nothing shared but the database), an S3-compatible bucket (s3-blob-store.ts)
// or a folder on disk (folder-blob-store.ts: one machine, e.g. WordPress's
// uploads folder). All pass test/store/blob-store-contract.ts. What a file is (name, type,
// conversation) is kept apart, in the attachment table (attachment-store.ts).
import type { Readable } from 'node:stream';

/** Inclusive byte offsets, as in an HTTP Range (RFC 9110 §14.1.2). */
export interface ByteRange {
  start: number;
  end: number;
}

export interface BlobStore {
  /** The name the attachment table records for files kept here (`db`, `s3`, `folder`). */
  readonly name: string;
  /**
   * Writes `body` under `key`, reading it as it comes (never the whole of it
   * at once), and resolves with the number of bytes. When `body` throws (too
   * large, the client gone), nothing stays under `key` and the error is rethrown.
   */
  put(key: string, body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<number>;
  /** The bytes under `key` (only `range`, when given) as a stream; null when there are none. */
  get(key: string, range?: ByteRange): Promise<Readable | null>;
  /** Removes what is under these keys; keys with nothing are no error. */
  delete(keys: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
