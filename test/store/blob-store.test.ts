// The blob store contract for every place attachment bytes can live: the
// database's chunk table on SQLite and on the real MariaDB/MySQL, an
// S3-compatible bucket served locally by s3rver through the AWS SDK v3, and a
// folder on disk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { blobStoreContract } from './blob-store-contract.js';
import { SqliteStore } from '../../sidecar/store/sqlite-store.js';
import { MysqlStore } from '../../sidecar/store/mysql-store.js';
import { S3BlobStore } from '../../sidecar/store/s3-blob-store.js';
import { FolderBlobStore } from '../../sidecar/store/folder-blob-store.js';
import { createLogger } from '../../sidecar/logger.js';
import { loadConfig } from '../../sidecar/config.js';
import { connectTestDb, dropPrefixed, TEST_DATABASE_URL, uniquePrefix } from '../helpers/mysql.js';

blobStoreContract('database chunks on SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-blobs-'));
  const store = SqliteStore.open(join(dir, 'kefu.sqlite'), 'x_', 'x_kefu_msg');
  await store.migrate();
  return { blobs: store.blobs, cleanup: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
});

blobStoreContract('database chunks on MySQL', async () => {
  const prefix = uniquePrefix('blobs');
  const config = await loadConfig({ KEFU_DATABASE_URL: TEST_DATABASE_URL, KEFU_SECRET: 'x'.repeat(32) });
  const conn = await connectTestDb();
  const store = MysqlStore.create(config.mysql!, prefix, `${prefix}kefu_msg`, createLogger('silent'));
  await store.migrate();
  return {
    blobs: store.blobs,
    cleanup: async () => {
      await store.close();
      await dropPrefixed(conn, prefix);
      await conn.end();
    },
  };
});

blobStoreContract('S3 (s3rver)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-s3rver-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [{ name: 'kefu-test', configs: [] }] });
  const { port } = await server.run();
  const blobs = new S3BlobStore({
    bucket: 'kefu-test', region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`,
    accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true, prefix: 'site-1/',
  });
  return { blobs, cleanup: async () => { await server.close(); rmSync(dir, { recursive: true, force: true }); } };
});

blobStoreContract('a folder on disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-folder-'));
  const blobs = new FolderBlobStore(join(dir, 'kefu-files'));
  await blobs.start({ create: true });
  return { blobs, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});
