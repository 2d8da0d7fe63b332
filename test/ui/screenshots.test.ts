// Saves docs/screenshots/widget.png and console.png from a short, ordinary
// conversation, so that the README shows what people will see.
import { mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { launchBrowser, newContext } from './browser.js';
import { PUBLIC_DIR } from './public-dir.js';
import { agentMessage, agentReplies, console_, conversationEntry, openConsole, openWidget, TIMEOUT, visitorMessage, visitorSends, widget } from './chat-pages.js';

const dir = resolve(import.meta.dirname, '..', '..', 'docs', 'screenshots');

let sidecar: TestSidecar;
let browser: Browser;

beforeAll(async () => {
  [sidecar, browser] = await Promise.all([startSidecar({ publicDir: PUBLIC_DIR }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await sidecar?.stop();
});

it('saves screenshots of the widget and the console in the middle of a conversation', async () => {
  mkdirSync(dir, { recursive: true });
  const agent = await (await newContext(browser, { viewport: { width: 1200, height: 640 } })).newPage();
  await openConsole(agent, sidecar.url, await sidecar.agentToken(1, 'Alice'));

  // Two earlier visitors, so the list has something in it.
  for (const [name, line] of [
    ['Chen Jing', 'Can I change the delivery address of order #1043?'],
    ['Tom', 'Is the blue one back in stock?'],
  ]) {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await openWidget(page, `${sidecar.url}/demo`, { name });
    await visitorSends(page, line);
    await visitorMessage(page, line).locator('.state[data-state=sent]').waitFor({ timeout: TIMEOUT });
    await ctx.close();
  }

  const visitorCtx = await newContext(browser, { viewport: { width: 960, height: 720 } });
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

  await visitor.screenshot({ path: resolve(dir, 'widget.png'), animations: 'disabled' });
  await agent.screenshot({ path: resolve(dir, 'console.png'), animations: 'disabled' });
  expect(statSync(resolve(dir, 'widget.png')).size).toBeGreaterThan(10_000);
  expect(statSync(resolve(dir, 'console.png')).size).toBeGreaterThan(10_000);
});
