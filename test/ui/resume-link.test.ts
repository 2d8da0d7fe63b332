// The link of a reply mail (docs/email.md) in Chromium, with the widget users
// load: a browser that never saw the conversation opens it from
// `#kefu-resume=<token>`, and the token leaves the address bar.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { call, newVisitor, send } from '../helpers/api.js';
import { launchBrowser, newContext, watchErrors } from './browser.js';
import { PUBLIC_DIR } from './public-dir.js';
import { ensureOpen, TIMEOUT, visitorMessage, widget } from './chat-pages.js';

let sidecar: TestSidecar;
let browser: Browser;

beforeAll(async () => {
  [sidecar, browser] = await Promise.all([startSidecar({ publicDir: PUBLIC_DIR }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await sidecar?.stop();
});

describe('a reply mail\'s link', () => {
  it('opens the panel on its conversation in a browser that never had it, and takes the token off the address', async () => {
    const v = await newVisitor(sidecar.url, { name: 'Bo', email: 'bo@example.com' });
    await send(sidecar.url, v.token, 'Is the blue one in stock?');
    const agent = await sidecar.agentToken(1, 'Ann');
    await call(sidecar.url, `/api/agent/conversations/${v.visitorId}/messages`, { token: agent, body: { content: 'Yes, ships today.' } });
    const token = await sidecar.rt.tokens.resumeToken(v.visitorId);

    const page = await (await newContext(browser)).newPage();
    const errors = watchErrors(page);
    await page.goto(`${sidecar.url}/demo?from=mail#kefu-resume=${token}`);
    await widget(page, '[part=panel]').waitFor({ timeout: TIMEOUT });
    await visitorMessage(page, 'Yes, ships today.').waitFor({ timeout: TIMEOUT });
    await visitorMessage(page, 'Is the blue one in stock?').waitFor({ timeout: TIMEOUT });
    expect(page.url()).toBe(`${sidecar.url}/demo?from=mail`);
    // This browser keeps the conversation: the next page (the panel reopens in this tab) resumes it without the link.
    await page.goto(`${sidecar.url}/demo`);
    await ensureOpen(page);
    await visitorMessage(page, 'Yes, ships today.').waitFor({ timeout: TIMEOUT });
    expect(errors).toEqual([]);
  });

  it('opens the panel on this browser\'s own conversation when the link is no good', async () => {
    const page = await (await newContext(browser)).newPage();
    await page.goto(`${sidecar.url}/demo#kefu-resume=not.a.token`);
    await widget(page, '[part=panel]').waitFor({ timeout: TIMEOUT });
    expect(page.url()).toBe(`${sidecar.url}/demo`);
    expect(await visitorMessage(page, 'ships today').count()).toBe(0);
  });
});
