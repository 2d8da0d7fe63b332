import { join, resolve } from 'node:path';

/**
 * The bundles the browser tests serve (built by test/global-setup.ts), passed
 * to startSidecar explicitly so the path never depends on whether the
 * sidecar runs from its sources or from dist/.
 */
export const PUBLIC_DIR = join(resolve(import.meta.dirname, '..', '..'), 'dist', 'public');
