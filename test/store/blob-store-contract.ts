// One contract every place for attachment bytes passes (run by
// blob-store.test.ts for the database's chunks on SQLite and MySQL, an
// S3-compatible server and a folder on disk).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { BlobStore } from '../../sidecar/store/blob-store.js';

const MiB = 1024 * 1024;

/** `bytes` in pieces of `size`, as a request body arrives. */
async function* pieces(bytes: Buffer, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function read(stream: AsyncIterable<Uint8Array> | null): Promise<Buffer | null> {
  if (!stream) return null;
  const parts: Buffer[] = [];
  for await (const p of stream) parts.push(Buffer.from(p));
  return Buffer.concat(parts);
}

export function blobStoreContract(name: string, open: () => Promise<{ blobs: BlobStore; cleanup: () => Promise<void> }>) {
  describe(`${name} blob store contract`, () => {
    let blobs: BlobStore;
    let cleanup: () => Promise<void>;
    const key = () => 'a_' + randomBytes(16).toString('base64url');

    beforeAll(async () => {
      ({ blobs, cleanup } = await open());
    });
    afterAll(async () => {
      await blobs.close();
      await cleanup();
    });

    it('stores a file of several megabytes in pieces and gives back the same bytes', async () => {
      const bytes = randomBytes(6 * MiB + 12_345);
      const k = key();
      expect(await blobs.put(k, pieces(bytes))).toBe(bytes.length);
      const back = await read(await blobs.get(k));
      expect(back!.length).toBe(bytes.length);
      expect(back!.equals(bytes)).toBe(true);
    }, 60_000);

    it('reads a range from anywhere: the start, across piece boundaries, the end', async () => {
      const bytes = randomBytes(700 * 1024 + 3);
      const k = key();
      await blobs.put(k, pieces(bytes, 10_000));
      for (const [start, end] of [[0, 0], [0, 99], [262_140, 262_150], [256 * 1024 - 1, 512 * 1024], [bytes.length - 5, bytes.length - 1], [123_456, 654_321]]) {
        const part = await read(await blobs.get(k, { start, end }));
        expect(part!.equals(bytes.subarray(start, end + 1)), `${start}-${end}`).toBe(true);
      }
    });

    it('keeps an empty file and a one-piece file', async () => {
      const empty = key();
      expect(await blobs.put(empty, pieces(Buffer.alloc(0)))).toBe(0);
      expect((await read(await blobs.get(empty)))!.length).toBe(0);
      const one = key();
      await blobs.put(one, [Buffer.from('hello')]);
      expect((await read(await blobs.get(one)))!.toString()).toBe('hello');
    });

    it('answers null for a key with nothing, before and after delete, and deleting nothing is no error', async () => {
      const k = key();
      expect(await blobs.get(k)).toBeNull();
      await blobs.put(k, [Buffer.from('x')]);
      await blobs.delete([k, key()]);
      expect(await blobs.get(k)).toBeNull();
      await blobs.delete([]);
    });

    it('leaves nothing when the body fails half way, and reports the body\'s own error', async () => {
      const k = key();
      const boom = new Error('the client went away');
      async function* failing(): AsyncGenerator<Uint8Array> {
        yield randomBytes(3 * MiB);
        yield randomBytes(3 * MiB);
        throw boom;
      }
      await expect(blobs.put(k, failing())).rejects.toBe(boom);
      expect(await blobs.get(k)).toBeNull();
    }, 60_000);

    it('keeps files under different keys apart', async () => {
      const [a, b] = [key(), key()];
      await blobs.put(a, [Buffer.from('first')]);
      await blobs.put(b, [Buffer.from('second')]);
      await blobs.delete([a]);
      expect(await blobs.get(a)).toBeNull();
      expect((await read(await blobs.get(b)))!.toString()).toBe('second');
    });
  });
}
