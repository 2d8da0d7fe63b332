// A sidecar whose files go to an S3-compatible bucket (s3rver, on loopback),
// its messages in the real MariaDB: the bytes land in the bucket under the
// attachment's id, come back by range, and go when the conversation is erased.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type mysql from 'mysql2/promise';
import S3rver from 's3rver';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { newVisitor } from '../helpers/api.js';
import { connectTestDb } from '../helpers/mysql.js';
import { pdf, raw } from '../helpers/files.js';

describe('attachments in an S3-compatible bucket', () => {
  let s: TestSidecar;
  let db: mysql.Connection;
  let server: S3rver;
  let dir: string;
  let client: S3Client;
  const object = async (key: string) => {
    try {
      const r = await client.send(new GetObjectCommand({ Bucket: 'kefu-files', Key: key }));
      return Buffer.from(await r.Body!.transformToByteArray());
    } catch {
      return null;
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kefu-s3-'));
    server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [{ name: 'kefu-files', configs: [] }] });
    const { port } = await server.run();
    const endpoint = `http://127.0.0.1:${port}`;
    client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    s = await startSidecar({
      store: 'mysql',
      env: {
        KEFU_ATTACHMENTS_STORE: 's3', KEFU_S3_BUCKET: 'kefu-files', KEFU_S3_ENDPOINT: endpoint,
        KEFU_S3_ACCESS_KEY_ID: 'S3RVER', KEFU_S3_SECRET_ACCESS_KEY: 'S3RVER', KEFU_S3_PREFIX: 'site-1/',
      },
    });
    db = await connectTestDb();
  });
  afterAll(async () => {
    await db?.end();
    await s?.stop();
    client?.destroy();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the bytes in the bucket under the id, serves them and their ranges, and removes them with the conversation', async () => {
    const v = await newVisitor(s.url);
    const file = pdf(6 * 1024 * 1024); // more than one 5 MiB part
    const up = await raw(`${s.url}/api/visitor/attachments?name=big.pdf`, { token: v.token, body: file });
    expect(up.status).toBe(201);
    const { id } = up.body.attachment;
    expect((await object(`site-1/${id}`))?.equals(file)).toBe(true);
    const [[row]] = (await db.query(`SELECT store FROM \`${s.prefix}kefu_attachment\` WHERE id = ?`, [id])) as any;
    expect(row.store).toBe('s3');
    const [[chunks]] = (await db.query(`SELECT COUNT(*) AS n FROM \`${s.prefix}kefu_attachment_chunk\``)) as any;
    expect(Number(chunks.n)).toBe(0);

    const whole = await raw(`${s.url}/api/attachments/${id}`, { token: v.token });
    expect(whole.bytes.equals(file)).toBe(true);
    const part = await raw(`${s.url}/api/attachments/${id}`, { token: v.token, headers: { range: 'bytes=0-0' } });
    expect(part.status).toBe(206);
    expect(part.bytes.equals(file.subarray(0, 1))).toBe(true);

    await db.query(`DELETE FROM \`${s.prefix}kefu_visitor\` WHERE id = ?`, [v.visitorId]);
    expect(await s.rt.attachments.sweep()).toBeGreaterThanOrEqual(1);
    expect(await object(`site-1/${id}`)).toBeNull();
    expect((await raw(`${s.url}/api/attachments/${id}`, { token: v.token })).status).toBe(404);
  });
});
