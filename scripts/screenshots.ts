// `npm run screenshots`: saves the README's pictures, docs/screenshots/widget.png
// and console.png, from the conversation test/ui/screenshots.test.ts checks
// (test/ui/screenshot-scene.ts), and the help desk's for docs/ui.md
// (test/ui/help-desk-scene.ts), the widget's states (test/ui/widget-scene.ts),
// its form outside business hours (test/ui/hours-scene.ts), files in both
// faces (test/ui/files-scene.ts), the Push tool (test/ui/push-scene.ts) and
// ratings in both faces (test/ui/ratings-scene.ts).
// The npm script builds the bundles first and runs this from the repository
// root.
import { relative, resolve } from 'node:path';
import { takeFileScreenshots } from '../test/ui/files-scene.js';
import { takeHelpDeskScreenshots } from '../test/ui/help-desk-scene.js';
import { takeScreenshots } from '../test/ui/screenshot-scene.js';
import { takeWidgetScreenshots } from '../test/ui/widget-scene.js';
import { takeHoursScreenshots } from '../test/ui/hours-scene.js';
import { takePushScreenshots } from '../test/ui/push-scene.js';
import { takeRatingScreenshots } from '../test/ui/ratings-scene.js';

const root = process.cwd();
try {
  const out = resolve(root, 'docs', 'screenshots');
  const publicDir = resolve(root, 'dist', 'public');
  const paths = [...Object.values(await takeScreenshots(out, publicDir)), ...(await takeHelpDeskScreenshots(out, publicDir)), ...(await takeWidgetScreenshots(out, publicDir)), ...(await takeHoursScreenshots(out, publicDir)), ...(await takeFileScreenshots(out, publicDir)), ...(await takePushScreenshots(out, publicDir)), ...(await takeRatingScreenshots(out, publicDir))];
  console.log(`wrote ${paths.map((p) => relative(root, p)).join(', ')}`);
} catch (err) {
  console.error(err);
  process.exitCode = 1;
}
