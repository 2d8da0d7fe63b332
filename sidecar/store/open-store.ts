// Picks the store the configuration asks for: MySQL when a database is
// configured, else the embedded SQLite file.
import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { MysqlStore } from './mysql-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

export function openStore(config: Config, log: Logger): { store: Store; description: string } {
  if (config.mysql) {
    const c = config.mysql;
    const where = c.socketPath ? c.socketPath : `${c.host}:${c.port ?? 3306}`;
    return { store: MysqlStore.create(c, config.tablePrefix, config.msgTable, log), description: `MySQL ${where}/${c.database}, table ${config.msgTable}` };
  }
  const file = join(config.dataDir, 'kefu.sqlite');
  return { store: SqliteStore.open(file, config.tablePrefix, config.msgTable), description: `embedded store ${file}` };
}
