// The README's pictures can still be made: the staged conversation renders in
// Chromium into PNGs of the expected size. They go to the ignored
// test-results/ folder; `npm run screenshots` is what updates docs/screenshots/.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { PUBLIC_DIR } from './public-dir.js';
import { SHOTS, takeScreenshots, type Shot } from './screenshot-scene.js';

const root = resolve(import.meta.dirname, '..', '..');
const OUT = resolve(root, 'test-results', 'screenshots');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** When each committed picture was last written, to prove the test leaves them alone. */
function docsPictures(): Record<string, number | null> {
  return Object.fromEntries(Object.values(SHOTS).map(({ file }) => {
    const path = resolve(root, 'docs', 'screenshots', file);
    return [file, existsSync(path) ? statSync(path).mtimeMs : null];
  }));
}

it('renders the widget and the console in the middle of a conversation, as PNGs of the expected size', async () => {
  const before = docsPictures();
  const paths = await takeScreenshots(OUT, PUBLIC_DIR);
  for (const shot of Object.keys(SHOTS) as Shot[]) {
    expect(paths[shot].startsWith(OUT + '/'), paths[shot]).toBe(true);
    const png = readFileSync(paths[shot]);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE), shot).toBe(true);
    // IHDR, the first chunk: width and height as big-endian 32-bit numbers.
    expect({ shot, width: png.readUInt32BE(16), height: png.readUInt32BE(20) }).toEqual({ shot, width: SHOTS[shot].width, height: SHOTS[shot].height });
    // A blank or one-colour page compresses to a few hundred bytes; these hold text and avatars.
    expect(png.length, shot).toBeGreaterThan(10_000);
  }
  expect(docsPictures()).toEqual(before);
}, 90_000);
