// Starts a real sidecar on port 0 inside the test process, against the embedded
// store (a fresh SQLite file) or the real MySQL (a fresh table prefix).
import { afterAll, beforeAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../sidecar/config.js';
import { createLogger } from '../../sidecar/logger.js';
import { openStore } from '../../sidecar/store/open-store.js';
import { createRuntime, type Runtime } from '../../sidecar/runtime.js';
import { listen } from '../../sidecar/server.js';
import { connectTestDb, dropPrefixed, TEST_DATABASE_URL, uniquePrefix } from './mysql.js';

export const TEST_SECRET = 'test-secret-0123456789abcdef0123456789';

export interface TestSidecar {
  url: string;
  origin: string;
  secret: string;
  prefix: string;
  rt: Runtime;
  agentToken(id: number, name: string): Promise<string>;
  /** Stops the server; with `keepData` the tables stay (for a restart test). */
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

export interface StartOptions {
  store?: 'sqlite' | 'mysql';
  env?: Record<string, string>;
  /** Reuse a table prefix (a second process on the same tables, or a restart). */
  prefix?: string;
  /** SQLite folder to reuse. */
  dataDir?: string;
  publicDir?: string;
}

export async function startSidecar(opts: StartOptions = {}): Promise<TestSidecar> {
  const kind = opts.store ?? 'sqlite';
  const prefix = opts.prefix ?? uniquePrefix(kind);
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'kefu-test-'));
  const env: Record<string, string> = {
    KEFU_SECRET: TEST_SECRET,
    KEFU_PORT: '0',
    KEFU_LOG_LEVEL: 'silent',
    KEFU_TABLE_PREFIX: prefix,
    KEFU_TAIL_INTERVAL_MS: '100',
    // Every test visitor comes from 127.0.0.1; the per-address limits get their own tests.
    KEFU_IP_SEND_PER_MINUTE: '100000',
    ...(kind === 'mysql' ? { KEFU_DATABASE_URL: TEST_DATABASE_URL } : { KEFU_DATA_DIR: dataDir }),
    ...opts.env,
  };
  const config = await loadConfig(env);
  const log = createLogger(config.logLevel);
  const { store } = openStore(config, log);
  const rt = createRuntime(config, log, store);
  const running = await listen(rt, { publicDir: opts.publicDir });
  return {
    url: running.url + '/kefu',
    origin: running.url,
    secret: TEST_SECRET,
    prefix,
    rt,
    agentToken: (id, name) => rt.tokens.agentToken(`agent:${id}`, name),
    async stop(stopOpts = {}) {
      await running.close();
      if (stopOpts.keepData) return;
      if (kind === 'mysql' && !opts.prefix) {
        const conn = await connectTestDb(env.KEFU_DATABASE_URL ?? TEST_DATABASE_URL);
        await dropPrefixed(conn, prefix);
        await conn.end();
      }
      if (kind === 'sqlite' && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Two sidecar processes on the same MySQL tables, for the file's (or describe block's) tests. */
export function useTwoProcesses(): { a: TestSidecar; b: TestSidecar } {
  const pair = {} as { a: TestSidecar; b: TestSidecar };
  beforeAll(async () => {
    pair.a = await startSidecar({ store: 'mysql' });
    pair.b = await startSidecar({ store: 'mysql', prefix: pair.a.prefix });
  });
  afterAll(async () => {
    await pair.b?.stop({ keepData: true });
    await pair.a?.stop();
  });
  return pair;
}
