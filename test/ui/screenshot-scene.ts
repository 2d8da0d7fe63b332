// The conversation the README's pictures show, staged in Chromium against a
// real sidecar. test/ui/screenshots.test.ts checks that it renders (into the
// ignored test-results/); `npm run screenshots` (scripts/screenshots.ts) saves
// it into docs/screenshots/ when the pictures should change.
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { resolve } from 'node:path';
import { startSidecar } from '../helpers/sidecar.js';
import { launchBrowser, newContext } from './browser.js';
import { agentMessage, agentReplies, console_, conversationEntry, openConsole, openWidget, TIMEOUT, visitorMessage, visitorSends, widget } from './chat-pages.js';

/** Each picture's file name and size in CSS pixels (device scale 1, so also in image pixels). */
export const SHOTS = {
  widget: { file: 'widget.png', width: 960, height: 720 },
  console: { file: 'console.png', width: 1200, height: 640 },
} as const;

export type Shot = keyof typeof SHOTS;

/** Two visitors who wrote and left, so a console's list has something in it. */
export async function earlierVisitors(browser: Browser, url: string): Promise<void> {
  for (const [name, line] of [
    ['Chen Jing', 'Can I change the delivery address of order #1043?'],
    ['Tom', 'Is the blue one back in stock?'],
  ]) {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await openWidget(page, `${url}/demo`, { name });
    await visitorSends(page, line);
    await visitorMessage(page, line).locator('.state[data-state=sent]').waitFor({ timeout: TIMEOUT });
    await ctx.close();
  }
}

/** Stages the conversation and saves one PNG per shot into `outDir`; returns their paths. */
export async function takeScreenshots(outDir: string, publicDir: string): Promise<Record<Shot, string>> {
  mkdirSync(outDir, { recursive: true });
  const paths = { widget: resolve(outDir, SHOTS.widget.file), console: resolve(outDir, SHOTS.console.file) };
  const [sidecar, browser] = await Promise.all([startSidecar({ publicDir }), launchBrowser()]);
  try {
    const agent = await (await newContext(browser, { viewport: SHOTS.console })).newPage();
    await openConsole(agent, sidecar.url, await sidecar.agentToken(1, 'Alice'));

    // Two earlier visitors, so the list has something in it.
    await earlierVisitors(browser, sidecar.url);

    const visitorCtx = await newContext(browser, { viewport: SHOTS.widget });
    const visitor = await visitorCtx.newPage();
    await visitor.emulateMedia({ reducedMotion: 'reduce' });
    await openWidget(visitor, `${sidecar.url}/demo`, { name: 'Sarah Miller', email: 'sarah@example.com' });
    await visitorSends(visitor, 'Hi! Do you ship to Canada?');
    await conversationEntry(agent, 'Do you ship to Canada').click();
    await agentMessage(agent, 'Do you ship to Canada').waitFor({ timeout: TIMEOUT });
    await agentReplies(agent, 'Hi Sarah! Yes, we ship to Canada. Delivery takes 5–7 business days.');
    await visitorMessage(visitor, 'we ship to Canada').waitFor({ timeout: TIMEOUT });
    await visitorSends(visitor, 'Great, and is shipping free?');
    await visitorMessage(visitor, 'is shipping free').locator('.state[data-state=read]').waitFor({ timeout: TIMEOUT });
    await console_(agent, 'form.composer textarea').pressSequentially('Orders over $50 ship', { delay: 10 });
    await widget(visitor, '[part=typing]').waitFor({ timeout: TIMEOUT });

    await visitor.screenshot({ path: paths.widget, animations: 'disabled' });
    await agent.screenshot({ path: paths.console, animations: 'disabled' });
    return paths;
  } finally {
    await browser.close();
    await sidecar.stop();
  }
}
