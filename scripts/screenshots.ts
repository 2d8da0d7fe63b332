// `npm run screenshots`: saves the README's pictures, docs/screenshots/widget.png
// and console.png, from the conversation test/ui/screenshots.test.ts checks
// (test/ui/screenshot-scene.ts). The npm script builds the bundles first and
// runs this from the repository root.
import { relative, resolve } from 'node:path';
import { takeScreenshots } from '../test/ui/screenshot-scene.js';

const root = process.cwd();
try {
  const paths = await takeScreenshots(resolve(root, 'docs', 'screenshots'), resolve(root, 'dist', 'public'));
  console.log(`wrote ${Object.values(paths).map((p) => relative(root, p)).join(' and ')}`);
} catch (err) {
  console.error(err);
  process.exitCode = 1;
}
