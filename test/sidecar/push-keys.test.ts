// The VAPID key pair: made once and shared by every process that starts at
// the same moment, or taken from the configuration (sidecar/push/vapid-keys.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { SqliteStore } from '../../sidecar/store/sqlite-store.js';
import { loadVapidKeys } from '../../sidecar/push/vapid-keys.js';
import { loadConfig } from '../../sidecar/config.js';

describe('VAPID keys', () => {
  let dir: string;
  let store: SqliteStore;
  const none = { vapidPublicKey: null, vapidPrivateKey: null };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kefu-vapid-'));
    store = SqliteStore.open(join(dir, 'kefu.sqlite'), 'v_', 'v_kefu_msg');
    await store.migrate();
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes one pair for every process starting at once, and keeps it', async () => {
    let made = 0;
    const generate = () => {
      made++;
      return webpush.generateVAPIDKeys();
    };
    const pairs = await Promise.all([1, 2, 3].map(() => loadVapidKeys(none, store.settings, generate)));
    expect(made).toBeGreaterThanOrEqual(1);
    expect(new Set(pairs.map((p) => JSON.stringify(p))).size).toBe(1);
    expect(pairs[0].publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
    expect(await loadVapidKeys(none, store.settings, () => { throw new Error('made again'); })).toEqual(pairs[0]);
  });

  it('takes a configured pair as it is, and checks its shape', async () => {
    const pair = webpush.generateVAPIDKeys();
    expect(await loadVapidKeys({ vapidPublicKey: pair.publicKey, vapidPrivateKey: pair.privateKey }, store.settings)).toEqual(pair);
    const base = { KEFU_SECRET: 'x'.repeat(32), KEFU_DATA_DIR: dir };
    const config = await loadConfig({ ...base, KEFU_VAPID_PUBLIC_KEY: pair.publicKey, KEFU_VAPID_PRIVATE_KEY: pair.privateKey, KEFU_VAPID_SUBJECT: 'https://example.com/contact' });
    expect(config.push).toMatchObject({ vapidPublicKey: pair.publicKey, vapidSubject: 'https://example.com/contact', escalateAfterMs: 5 * 60_000, allowHttpEndpoints: false });
    await expect(loadConfig({ ...base, KEFU_VAPID_PUBLIC_KEY: pair.publicKey })).rejects.toThrow(/go together/);
    await expect(loadConfig({ ...base, KEFU_VAPID_PUBLIC_KEY: 'short', KEFU_VAPID_PRIVATE_KEY: pair.privateKey })).rejects.toThrow(/87/);
    await expect(loadConfig({ ...base, KEFU_VAPID_SUBJECT: 'http://example.com' })).rejects.toThrow(/mailto/);
    expect((await loadConfig({ ...base, KEFU_PUSH_ESCALATE_AFTER_MIN: '0' })).push.escalateAfterMs).toBe(0);
  });
});
