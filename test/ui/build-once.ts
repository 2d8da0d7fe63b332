// Builds dist/public with rollup when it is missing or older than the
// sources, once even when several test files ask at the same moment.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const outputs = ['widget.js', 'admin.js'].map((f) => join(root, 'dist', 'public', f));

function newestSource(): number {
  let newest = statSync(join(root, 'rollup.config.mjs')).mtimeMs;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of ['widget', 'admin-panel', 'client']) walk(join(root, d));
  return newest;
}

function fresh(): boolean {
  if (!outputs.every((f) => existsSync(f))) return false;
  const built = Math.min(...outputs.map((f) => statSync(f).mtimeMs));
  return built >= newestSource();
}

export async function buildOnce(): Promise<void> {
  if (fresh()) return;
  const lock = join(root, 'dist', '.build-lock');
  mkdirSync(join(root, 'dist'), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error('timed out waiting for another build');
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (!fresh()) execFileSync(join(root, 'node_modules', '.bin', 'rollup'), ['-c', '--silent'], { cwd: root, stdio: 'inherit' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The bundles the tests serve (passed to startSidecar explicitly, so the path never depends on where the sidecar's sources run from). */
export const PUBLIC_DIR = join(root, 'dist', 'public');
