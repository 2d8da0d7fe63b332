// A built sidecar for the benches that start their own: compiled once when
// the TypeScript is newer than dist/, started on a port with the bench's
// environment, ready once /kefu/health answers, and killed if the bench dies
// before stopping it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from './procs.mjs';

const children = new Set();
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Kills `child` (a browser, a server) with the bench if it is still running then. */
export function killOnExit(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : e.name.endsWith('.ts') ? statSync(p).mtimeMs : 0);
  }
  return newest;
}

/** Compiles the sidecar when a source file is newer than its build. */
export function buildSidecar(log) {
  const main = join(ROOT, 'dist/sidecar/main.js');
  if (existsSync(main) && statSync(main).mtimeMs >= newestMtime(join(ROOT, 'sidecar'))) return;
  log('building the sidecar (tsc -p tsconfig.build.json)');
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0 && !existsSync(main)) throw new Error(`sidecar build failed:\n${r.stdout}${r.stderr}`);
  if (r.status !== 0) log('warning: tsc reported errors; using the sidecar as built');
}

/**
 * `kefu serve` on 127.0.0.1:`port` with `env` over the bench's own; resolves
 * once it answers. `origin` is http://127.0.0.1:port; `stop()` ends it with
 * SIGTERM (SIGKILL after 10 s).
 */
export async function startSidecar({ label = 'kefu', port, env }) {
  const child = spawn(process.execPath, [join(ROOT, 'bin/kefu.js'), 'serve'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KEFU_PORT: String(port), KEFU_HOST: '127.0.0.1', KEFU_LOG_LEVEL: 'warn', NODE_ENV: 'production', ...env },
  });
  killOnExit(child);
  let output = '';
  const keep = (d) => { output = (output + d).slice(-4000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${label} exited: ${output}`);
    try {
      if ((await fetch(`${origin}/kefu/health`, { signal: AbortSignal.timeout(1000) })).ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`${label} did not start: ${output}`);
    await sleep(100);
  }
  return {
    origin,
    pid: child.pid,
    get output() { return output; },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}
