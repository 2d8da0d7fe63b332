#!/usr/bin/env node
// Prints the gzipped size of what each page loads, from dist/public (run
// `npx rollup -c` first): the widget before the first click (the launcher,
// widget.js), after it (plus the panel chunk, one language's strings and what
// they import; the iframe stream, opt-in, loads only when chosen), the same
// where the server takes files (plus the files chunk the panel imports once
// GET /kefu/api/attachments/limits says so), the agent console (admin.js
// and its imports; in Chinese, plus its strings' chunk), and the console's
// service worker (console-sw.js).
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'public');
const gz = (file) => gzipSync(readFileSync(join(dir, file)), { level: 9 }).length;

/** A file and everything it imports statically (relative specifiers only). */
function closure(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const code = readFileSync(join(dir, file), 'utf8');
  for (const m of code.matchAll(/(?:import|export)\s*(?:[^'"()]*?from\s*)?["']\.\/([A-Za-z0-9_.-]+\.js)["']/g)) closure(m[1], seen);
  return seen;
}

const jsFiles = readdirSync(dir).filter((f) => f.endsWith('.js'));
// What widget.js imports dynamically: the panel, and the panel's strings, one
// chunk per language (a visitor loads one: the larger is counted).
const lazy = [...readFileSync(join(dir, 'widget.js'), 'utf8').matchAll(/import\(\s*["']\.\/([A-Za-z0-9_.-]+\.js)["']\s*\)/g)].map((m) => m[1]);
const panel = lazy.find((f) => f.startsWith('kefu-chat-panel-'));
const strings = lazy.filter((f) => f !== panel).sort((a, b) => gz(b) - gz(a))[0];
const kb = (n) => (n / 1024).toFixed(1) + ' KB';
const total = (set) => [...set].reduce((sum, f) => sum + gz(f), 0);

const before = closure('widget.js');
const after = new Set([...before, ...(panel ? closure(panel) : []), ...(strings ? closure(strings) : [])]);
const files = panel && /import\(\s*["']\.\/(attachment-parts-[A-Za-z0-9_-]+\.js)["']\s*\)/.exec(readFileSync(join(dir, panel), 'utf8'))?.[1];
const withFiles = new Set([...after, ...(files ? closure(files) : [])]);
const consoleFiles = closure('admin.js');
// The console's Chinese strings: a chunk the console imports when its language is Chinese.
const consoleZh = [...consoleFiles].flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/import\(\s*["']\.\/(zh-CN-[A-Za-z0-9_-]+\.js)["']\s*\)/g)].map((m) => m[1]))[0];
const consoleChinese = new Set([...consoleFiles, ...(consoleZh ? closure(consoleZh) : [])]);

const rows = [
  ['widget, before the first click', before, 5 * 1024],
  ['widget, after the first click', after, 21 * 1024],
  ['widget, with files on', withFiles, 25 * 1024],
  ['agent console, English', consoleFiles, 40 * 1024],
  ['agent console, Chinese', consoleChinese, 42 * 1024],
  // Its own bundle (docs/push.md), loaded by the browser beside the console, never by it.
  ['console service worker', new Set(['console-sw.js']), 2 * 1024],
];
let over = false;
for (const [label, set, budget] of rows) {
  const size = total(set);
  const ok = size <= budget;
  over ||= !ok;
  console.log(`${label.padEnd(32)} ${kb(size).padStart(9)} gzipped, ${String(size).padStart(6)} bytes  (budget ${kb(budget)}${ok ? '' : ', OVER'})  ${[...set].join(' + ')}`);
}
console.log('\nper file:');
for (const f of jsFiles.sort()) console.log(`  ${f.padEnd(34)} ${kb(gz(f)).padStart(9)}`);
if (process.argv.includes('--check') && over) process.exitCode = 1;
