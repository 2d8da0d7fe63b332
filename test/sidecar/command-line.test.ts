import { afterAll, describe, expect, it } from 'vitest';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { call, newVisitor } from '../helpers/api.js';
import { TEST_SECRET } from '../helpers/sidecar.js';
import { Tokens } from '../../sidecar/auth/tokens.js';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'kefu.js');
const run = promisify(execFile);
const dirs: string[] = [];
const tmp = () => { const d = mkdtempSync(join(tmpdir(), 'kefu-cli-')); dirs.push(d); return d; };
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** Starts `kefu serve` on a free port and waits for its first log line. */
async function serve(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; out: () => string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`no start-up line: ${out}`)), 15_000);
    const check = () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); ok(m[1]); }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.on('exit', () => fail(new Error(`exited: ${out}`)));
  });
  return { child, url: url + '/kefu', out: () => out };
}

describe('the kefu command', () => {
  it('prints an agent token the sidecar accepts', async () => {
    const { stdout } = await run(process.execPath, [BIN, 'token', '--agent', '7', '--name', 'Mei'], { env: { ...process.env, KEFU_SECRET: TEST_SECRET } });
    const who = await new Tokens(TEST_SECRET).identify(`Bearer ${stdout.trim()}`);
    expect(who).toMatchObject({ kind: 'agent', agent: { id: 'agent:7', name: 'Mei' } });
    // 8 hours by default from the command line; the identity ends with the token.
    expect((who as { until: number }).until).toBeGreaterThan(Date.now() + 7.9 * 3600_000);
  });

  it('puts an https --avatar in the token, and refuses one the sidecar would drop', async () => {
    const env = { ...process.env, KEFU_SECRET: TEST_SECRET };
    const avatar = 'https://cdn.example.test/mei.png?s=96';
    const { stdout } = await run(process.execPath, [BIN, 'token', '--agent', '7', '--name', 'Mei', '--avatar', avatar], { env });
    expect(await new Tokens(TEST_SECRET).identify(`Bearer ${stdout.trim()}`)).toMatchObject({ kind: 'agent', agent: { id: 'agent:7', name: 'Mei', avatar } });
    for (const bad of ['http://cdn.example.test/mei.png', 'javascript:alert(1)', `https://cdn.example.test/${'x'.repeat(600)}`, '']) {
      const r = await run(process.execPath, [BIN, 'token', '--agent', '7', `--avatar=${bad}`], { env }).catch((e) => e);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toMatch(/--avatar must be an https URL/);
      expect(r.stdout).toBe('');
    }
  });

  it('refuses to print a token without the shared secret in production', async () => {
    const r = await run(process.execPath, [BIN, 'token', '--agent', '7'], { env: { ...process.env, KEFU_SECRET: '', NODE_ENV: 'production' } }).catch((e) => e);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs the shared secret/);
  });

  it('signs development tokens with the secret the development server keeps', async () => {
    const dir = tmp();
    const env = { ...process.env, KEFU_SECRET: '', KEFU_DATA_DIR: dir };
    const { stdout } = await run(process.execPath, [BIN, 'token', '--agent', '2', '--name', 'Dev'], { env });
    const s = await serve({ KEFU_DATA_DIR: dir, KEFU_SECRET: '' });
    try {
      expect((await call(s.url, '/api/agent/conversations', { token: stdout.trim() })).status).toBe(200);
    } finally {
      s.child.kill('SIGKILL');
    }
  });

  it('migrates the embedded store and exits', async () => {
    const dir = tmp();
    const { stdout } = await run(process.execPath, [BIN, 'migrate'], { env: { ...process.env, KEFU_DATA_DIR: dir } });
    expect(stdout).toMatch(/tables ready \(embedded store/);
  });

  it('serves the embedded store with no configuration and prints the two links', async () => {
    const s = await serve({ KEFU_DATA_DIR: tmp(), KEFU_SECRET: '' });
    try {
      expect((await call(s.url, '/health')).body).toEqual({ ok: true });
      await expect.poll(() => s.out(), { timeout: 5000 }).toMatch(/\/kefu\/demo/);
      expect(s.out()).toMatch(/\/kefu\/console#token=ey/);
    } finally {
      s.child.kill('SIGKILL');
    }
  });

  it('on SIGTERM answers held polls, then exits within a few seconds', async () => {
    const s = await serve({ KEFU_DATA_DIR: tmp(), KEFU_SECRET: TEST_SECRET, KEFU_LOG_LEVEL: 'warn' });
    const v = await newVisitor(s.url);
    const held = call(s.url, `/api/visitor/poll?cursor=${encodeURIComponent(v.cursor)}&wait=25`, { token: v.token });
    await new Promise((r) => setTimeout(r, 300));
    const exited = new Promise<number | null>((ok) => s.child.on('exit', (code) => ok(code)));
    const t0 = performance.now();
    s.child.kill('SIGTERM');
    const answer = await held;
    expect(answer.status).toBe(200);
    expect(answer.body.messages).toEqual([]);
    expect(typeof answer.body.cursor).toBe('string');
    expect(await exited).toBe(0);
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
