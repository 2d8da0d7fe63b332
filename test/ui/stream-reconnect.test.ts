// A stream that ends with `reconnect` is followed at once by the next one:
// the frame's `load` can reach the page before its last message, and was
// taken for a failed attempt (a backoff of up to a second, about half the time).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { launchBrowser, newContext, watchErrors } from './browser.js';
import { PUBLIC_DIR } from './public-dir.js';
import { console_, openConsole } from './chat-pages.js';

let sidecar: TestSidecar;
let browser: Browser;

beforeAll(async () => {
  // Streams end every second: many reconnects in a few seconds.
  [sidecar, browser] = await Promise.all([
    startSidecar({ publicDir: PUBLIC_DIR, env: { KEFU_STREAM_MAX_MS: '1000' } }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await sidecar?.stop();
});

it('opens the next stream straight after each reconnect, never through a retry', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  const starts: number[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/kefu/agent/stream?')) starts.push(performance.now());
  });
  await openConsole(page, sidecar.url, await sidecar.agentToken(1, 'Alice'));
  // Every status the connection shows, as it changes.
  await console_(page, '.conn').evaluate((el) => {
    const seen: string[] = [];
    (window as unknown as { __statuses: string[] }).__statuses = seen;
    new MutationObserver(() => seen.push(el.getAttribute('data-status') ?? '')).observe(el, { attributes: true, attributeFilter: ['data-status'] });
  });
  const from = starts.length;
  await page.waitForTimeout(9000);
  const gaps = starts.slice(from).map((t, i, a) => (i ? t - a[i - 1] : 0)).slice(1);
  expect(gaps.length).toBeGreaterThanOrEqual(5);
  // A stream lives 1 s; the next follows after a ticket request, not after a backoff.
  expect(Math.max(...gaps)).toBeLessThan(1000 + 400);
  expect(await page.evaluate(() => (window as unknown as { __statuses: string[] }).__statuses)).not.toContain('reconnecting');
  expect(errors).toEqual([]);
  await ctx.close();
});
