// The pair most browser suites start with: a sidecar serving the built
// bundles and one Chromium, both closed when the file's tests are done.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { launchBrowser } from './browser.js';
import { PUBLIC_DIR } from './public-dir.js';

export interface SidecarAndBrowser {
  sidecar: TestSidecar;
  browser: Browser;
}

/** Filled in by the file's beforeAll; read its fields inside tests only. */
export function useSidecarAndBrowser(): SidecarAndBrowser {
  const rig = {} as SidecarAndBrowser;
  beforeAll(async () => {
    [rig.sidecar, rig.browser] = await Promise.all([startSidecar({ publicDir: PUBLIC_DIR }), launchBrowser()]);
  });
  afterAll(async () => {
    await rig.browser?.close();
    await rig.sidecar?.stop();
  });
  return rig;
}
