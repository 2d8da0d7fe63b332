// Named values the sidecar makes once and every process shares, in a table of
// their own (`<prefix>kefu_setting`): today the VAPID key pair of Web Push
// (push/vapid-keys.ts). Written with INSERT IGNORE and read back, so when two
// processes start at once and both make a value, both use the one stored first.
import { sqlTime, type SqlDriver, type TableNames } from './sql-store.js';

export interface SettingStore {
  get(name: string): Promise<string | null>;
  /** Stores `value` unless `name` has one already; true when this call stored it. */
  addIfAbsent(name: string, value: string, now: Date): Promise<boolean>;
}

export class SqlSettingStore implements SettingStore {
  constructor(private readonly db: SqlDriver, private readonly t: TableNames) {}

  async get(name: string): Promise<string | null> {
    const [row] = await this.db.all<{ name: string; value: string | Buffer }>(`SELECT name, value FROM \`${this.t.setting}\` WHERE name = ?`, [name]);
    return row && String(row.name) === name ? String(row.value) : null;
  }

  async addIfAbsent(name: string, value: string, now: Date): Promise<boolean> {
    const { affectedRows } = await this.db.run(
      `${this.db.insertIgnore} INTO \`${this.t.setting}\` (name, value, updated_at) VALUES (?, ?, ?)`,
      [name, value, sqlTime(now)],
    );
    return affectedRows > 0;
  }
}
