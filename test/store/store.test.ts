import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeContract } from './store-contract.js';
import { SqliteStore } from '../../sidecar/store/sqlite-store.js';
import { MysqlStore } from '../../sidecar/store/mysql-store.js';
import { createLogger } from '../../sidecar/logger.js';
import { connectTestDb, dropPrefixed, TEST_DATABASE_URL, uniquePrefix } from '../helpers/mysql.js';
import { loadConfig } from '../../sidecar/config.js';

storeContract('embedded SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-store-'));
  const store = SqliteStore.open(join(dir, 'kefu.sqlite'), 'x_', 'x_kefu_msg');
  return { store, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

storeContract('MySQL', async () => {
  const prefix = uniquePrefix('contract');
  const config = await loadConfig({ KEFU_DATABASE_URL: TEST_DATABASE_URL, KEFU_SECRET: 'x'.repeat(32) });
  const conn = await connectTestDb();
  const store = MysqlStore.create(config.mysql!, prefix, `${prefix}kefu_msg`, createLogger('silent'));
  return {
    store,
    cleanup: async () => {
      await dropPrefixed(conn, prefix);
      await conn.end();
    },
  };
});
