// The real MariaDB/MySQL the tests use: from KEFU_TEST_DATABASE_URL, default
// the local server's `test` database. Each test file gets its own table prefix.
import mysql from 'mysql2/promise';
import { randomBytes } from 'node:crypto';

export const TEST_DATABASE_URL = process.env.KEFU_TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/test';

export function uniquePrefix(label: string): string {
  return `t_${label.replace(/[^a-z0-9]/gi, '').slice(0, 12)}_${randomBytes(3).toString('hex')}_`;
}

/** A connection for the test's own SQL (as PHP would write), after waiting for the server. */
export async function connectTestDb(url = TEST_DATABASE_URL): Promise<mysql.Connection> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await mysql.createConnection({ uri: url, charset: 'UTF8MB4_UNICODE_CI', dateStrings: true, timezone: 'Z' });
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (Date.now() > deadline || !/ECONNREFUSED|ECONNRESET|PROTOCOL_CONNECTION_LOST|ETIMEDOUT/.test(code)) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Drops every table whose name starts with the prefix. */
export async function dropPrefixed(conn: mysql.Connection, prefix: string): Promise<void> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>(
    'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE ?',
    [prefix.replace(/_/g, '\\_') + '%'],
  );
  for (const r of rows) await conn.query(`DROP TABLE IF EXISTS \`${r.t as string}\``);
}
