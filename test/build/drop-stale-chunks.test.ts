// The bundles' folder keeps exactly this run's chunks: an older hash of a
// chunk goes, and a chunk of the same module written by the other build of
// the same run (the widget's and the console's copies of a shared module)
// stays, which a set per build once got wrong and so lost a chunk a page loads.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
// @ts-expect-error: a build script in plain JavaScript, without types
import dropStaleChunks from '../../scripts/rollup-drop-stale-chunks.mjs';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes the files as a build would, then runs the plugin's hook for that build. */
function build(plugin: { writeBundle: (o: { dir: string }, b: Record<string, unknown>) => void }, files: string[]): void {
  for (const f of files) writeFileSync(join(dir, f), '');
  plugin.writeBundle({ dir }, Object.fromEntries(files.map((f) => [f, {}])));
}

it('drops older hashes of a chunk and keeps what either build of the run wrote', () => {
  dir = mkdtempSync(join(tmpdir(), 'kefu-chunks-'));
  writeFileSync(join(dir, 'iframe-feed-OLDhash1.js'), '');
  writeFileSync(join(dir, 'kefu-chat-panel-OLDhash2.js'), '');
  writeFileSync(join(dir, 'notes.txt'), '');
  const run = new Set<string>();
  build(dropStaleChunks(run), ['widget.js', 'kefu-chat-panel-NEWhash1.js', 'iframe-feed-Widget01.js']);
  build(dropStaleChunks(run), ['admin.js', 'iframe-feed-Console1.js']);
  expect(readdirSync(dir).sort()).toEqual(['admin.js', 'iframe-feed-Console1.js', 'iframe-feed-Widget01.js', 'kefu-chat-panel-NEWhash1.js', 'notes.txt', 'widget.js']);
});
