// Runs once before all test files: builds dist/ (sidecar, bundles, plugin zip)
// when any source is newer than the last build, so that no two test files
// build at the same moment. After `npm ci` (which builds) this is a no-op.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const stamp = join(root, 'dist', '.built');

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let n = 0;
  for (const e of readdirSync(path)) n = Math.max(n, newest(join(path, e)));
  return n;
}

export default function setup(): void {
  const sources = Math.max(
    ...['protocol', 'sidecar', 'widget', 'admin-panel', 'client', 'wordpress', 'scripts', 'rollup.config.mjs', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((p) => newest(join(root, p))),
  );
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  if (built >= sources && existsSync(join(root, 'dist', 'sidecar', 'main.js')) && existsSync(join(root, 'dist', 'public', 'widget.js'))) return;
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  writeFileSync(stamp, new Date().toISOString());
}
