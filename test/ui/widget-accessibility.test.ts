// axe-core over the widget's states before a conversation exists, with no
// agent online: the closed launcher, the offline form, and the pre-chat
// form, on a desktop and on a phone, light and dark. (The widget in a
// conversation is checked in accessibility.test.ts.) Serious or critical
// findings fail.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { checkAccessibility } from './axe.js';
import { openWidget, TIMEOUT, widget } from './chat-pages.js';
import { useSidecarAndBrowser } from './rig.js';

const rig = useSidecarAndBrowser();

async function newPage(viewport: { width: number; height: number }): Promise<Page> {
  const page = await (await rig.browser.newContext({ locale: 'en-US', viewport })).newPage();
  await page.emulateMedia({ reducedMotion: 'reduce' });
  return page;
}

async function expectNoSeriousViolations(page: Page): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const report = await checkAccessibility(page, 'kefu-chat');
    expect({ colorScheme, violations: report.blocking }).toEqual({ colorScheme, violations: [] });
  }
}

describe.each([
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
])('at $width×$height, nobody online', (viewport) => {
  it('finds nothing serious in the closed launcher', async () => {
    const page = await newPage(viewport);
    await page.goto(`${rig.sidecar.url}/demo`);
    await widget(page, '[part=launcher]').waitFor({ timeout: TIMEOUT });
    await expectNoSeriousViolations(page);
  });

  it('finds nothing serious in the offline form', async () => {
    const page = await newPage(viewport);
    await openWidget(page, `${rig.sidecar.url}/demo`);
    await widget(page, 'form.offline').waitFor({ timeout: TIMEOUT });
    await expectNoSeriousViolations(page);
  });

  it('finds nothing serious in the pre-chat form', async () => {
    const page = await newPage(viewport);
    await openWidget(page, `${rig.sidecar.url}/demo`, { prechat: '' });
    await widget(page, 'form.form').first().waitFor({ timeout: TIMEOUT });
    await expectNoSeriousViolations(page);
  });
});
