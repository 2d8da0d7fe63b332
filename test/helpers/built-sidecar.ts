// The sidecar as a real process (`kefu serve`), for faults that need one:
// SIGKILL, two processes behind one address, what it writes to its logs.
// The TypeScript is compiled once into node_modules/.cache (inside the
// project, so the compiled files resolve the project's node_modules), rebuilt
// when a source under sidecar/ is newer; dist/ is left to the real build.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The project folder (this file also runs compiled, from node_modules/.cache, for the soak). */
function findRoot(from: string): string {
  for (let d = from; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json')) && existsSync(join(d, 'sidecar', 'main.ts'))) return d;
    if (dirname(d) === d) throw new Error(`no Kefu project above ${from}`);
  }
}

const root = findRoot(import.meta.dirname);
export const BUILD_DIR = join(root, 'node_modules', '.cache', 'kefu-process-tests');
const ENTRY = join(BUILD_DIR, 'kefu.mjs');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function fresh(): boolean {
  return existsSync(ENTRY) && statSync(ENTRY).mtimeMs >= newest(join(root, 'sidecar'));
}

/** Compiles sidecar/ once, even when several test files ask at the same moment. */
export async function buildSidecarOnce(): Promise<string> {
  if (fresh()) return ENTRY;
  mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
  const lock = BUILD_DIR + '.lock';
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error('timed out waiting for another sidecar build');
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (!fresh()) {
      rmSync(BUILD_DIR, { recursive: true, force: true });
      execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json', '--outDir', BUILD_DIR, '--sourceMap', 'false'], { cwd: root, stdio: 'inherit' });
      writeFileSync(
        ENTRY,
        `import { main } from './sidecar/main.js';\n` +
          `main(process.argv.slice(2)).then((c) => { if (typeof c === 'number') process.exitCode = c; }, (e) => { console.error(e instanceof Error ? e.message : String(e)); process.exit(1); });\n`,
      );
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return ENTRY;
}

export interface SidecarProcess {
  proc: ChildProcess;
  port: number;
  origin: string;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  exited: Promise<number | null>;
  /** Resolves when /kefu/health answers 200. */
  ready(timeoutMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnSidecar(entry: string, port: number, env: Record<string, string>, nodeArgs: readonly string[] = []): SidecarProcess {
  const proc = spawn(process.execPath, [...nodeArgs, entry, 'serve'], {
    env: { PATH: process.env.PATH ?? '', KEFU_HOST: '127.0.0.1', KEFU_PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  proc.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const origin = `http://127.0.0.1:${port}`;
  return {
    proc,
    port,
    origin,
    output: () => out,
    exited,
    async ready(timeoutMs = 20_000) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        if (proc.exitCode !== null) throw new Error(`sidecar exited with ${proc.exitCode}: ${out}`);
        try {
          const r = await fetch(`${origin}/kefu/health`, { signal: AbortSignal.timeout(2_000) });
          if (r.status === 200) return;
        } catch { /* not listening yet */ }
        if (performance.now() > deadline) throw new Error(`sidecar not ready: ${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async kill(signal = 'SIGKILL') {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill(signal);
      await exited;
    },
  };
}
