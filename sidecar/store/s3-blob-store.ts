// Attachment bytes in an S3-compatible bucket, through the AWS SDK v3
// (KEFU_ATTACHMENTS_STORE=s3). Objects are named `<KEFU_S3_PREFIX><attachment id>`:
// ids, never the sender's file name. The SDK (about 20 MiB and 300 ms to load)
// is loaded when the bucket is first used, never by a sidecar without one.
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Settings } from '../config.js';
import type { BlobStore, ByteRange } from './blob-store.js';

/**
 * S3's smallest part of a multipart upload. A file's length is not known while
 * it streams in (an image's only once re-encoded), so it goes up in parts, one
 * at a time: an upload to S3 holds at most this much, a smaller file goes up
 * in one PUT of its size.
 */
const PART_BYTES = 5 * 1024 * 1024;

/** `take` bytes of `body` after the first `skip`. */
async function* slice(body: Readable, skip: number, take: number): AsyncGenerator<Uint8Array> {
  try {
    for await (const piece of body as AsyncIterable<Buffer>) {
      const from = Math.min(piece.length, skip);
      skip -= from;
      const part = piece.subarray(from, from + take);
      take -= part.length;
      if (part.length) yield part;
      if (take <= 0) return;
    }
  } finally {
    body.destroy();
  }
}

let loading: Promise<typeof import('@aws-sdk/client-s3') & typeof import('@aws-sdk/lib-storage')> | null = null;
const sdk = () => (loading ??= Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/lib-storage')]).then(([s3, storage]) => ({ ...s3, ...storage })));

export class S3BlobStore implements BlobStore {
  readonly name = 's3';
  private client: Promise<S3Client> | null = null;

  constructor(private readonly s3: S3Settings) {}

  private connect(): Promise<S3Client> {
    const s3 = this.s3;
    return (this.client ??= sdk().then(({ S3Client }) => new S3Client({
      region: s3.region,
      ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
      forcePathStyle: s3.forcePathStyle,
      ...(s3.accessKeyId && s3.secretAccessKey ? { credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } } : {}),
      // Checksums only where S3 requires them: many S3-compatible servers refuse
      // the SDK's newer default (CRC32 trailers on every upload, aws-sdk-js-v3#6810).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    })));
  }

  private objectKey(key: string): string {
    return this.s3.prefix + key;
  }

  async put(key: string, body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<number> {
    let size = 0;
    // The body's own error (too large, the client gone) is the one to report, not the SDK's account of it.
    let bodyError: unknown = null;
    async function* counted(): AsyncGenerator<Uint8Array> {
      try {
        for await (const piece of body) {
          size += piece.byteLength;
          yield piece;
        }
      } catch (err) {
        bodyError = err;
        throw err;
      }
    }
    const [{ Upload }, client] = await Promise.all([sdk(), this.connect()]);
    const upload = new Upload({
      client,
      params: { Bucket: this.s3.bucket, Key: this.objectKey(key), Body: Readable.from(counted(), { objectMode: false }), ContentType: 'application/octet-stream' },
      queueSize: 1,
      partSize: PART_BYTES,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
      return size;
    } catch (err) {
      // A failed multipart upload is aborted by the SDK; a failed single PUT wrote nothing.
      throw bodyError ?? err;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable | null> {
    const [{ GetObjectCommand, S3ServiceException }, client] = await Promise.all([sdk(), this.connect()]);
    try {
      const r = await client.send(new GetObjectCommand({
        Bucket: this.s3.bucket,
        Key: this.objectKey(key),
        ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
      }));
      if (!(r.Body instanceof Readable)) return null;
      if (!range) return r.Body;
      // What the server sent, by its Content-Range: all of the object when it
      // ignored the Range, more than asked when it widened it (s3rver answers
      // `bytes=0-0` with the whole object). Either way the caller gets its range.
      const sent = /^bytes (\d+)-(\d+)\//.exec(r.ContentRange ?? '');
      const from = sent ? Number(sent[1]) : 0;
      if (sent && from === range.start && Number(sent[2]) === range.end) return r.Body;
      return Readable.from(slice(r.Body, range.start - from, range.end - range.start + 1), { objectMode: false });
    } catch (err) {
      if (err instanceof S3ServiceException && (err.name === 'NoSuchKey' || err.$metadata?.httpStatusCode === 404)) return null;
      throw err;
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    // One DELETE per object: DeleteObjects carries a checksum header whatever the
    // setting above (aws-sdk-js-v3#6819), which S3-compatible servers that want Content-MD5 refuse.
    if (!keys.length) return;
    const [{ DeleteObjectCommand }, client] = await Promise.all([sdk(), this.connect()]);
    for (const key of keys) {
      await client.send(new DeleteObjectCommand({ Bucket: this.s3.bucket, Key: this.objectKey(key) }));
    }
  }

  async close(): Promise<void> {
    if (this.client) (await this.client).destroy();
  }
}
