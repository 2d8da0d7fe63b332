// The transcript at the end of a chat (docs/email.md), in Chromium: under the
// rating card a visitor asks for the conversation by mail, the address they
// gave already filled in, and it arrives at a real SMTP server; a site that
// sends no mail says so when the card asks, and no link shows. axe-core
// finds nothing serious in the form, light and dark.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { call } from '../helpers/api.js';
import { SmtpSink } from '../helpers/smtp-sink.js';
import { checkAccessibility } from './axe.js';
import { launchBrowser, newContext, watchErrors } from './browser.js';
import { PUBLIC_DIR } from './public-dir.js';
import { openWidget, TIMEOUT, visitorIdIn, visitorMessage, visitorSends, widget } from './chat-pages.js';

let browser: Browser;
let sink: SmtpSink;
let withMail: TestSidecar;
let withoutMail: TestSidecar;

beforeAll(async () => {
  sink = await SmtpSink.start();
  [browser, withMail, withoutMail] = await Promise.all([
    launchBrowser(),
    startSidecar({ publicDir: PUBLIC_DIR, env: { KEFU_SMTP_URL: sink.url, KEFU_MAIL_FROM: 'Shop chat <kefu@shop.example>', KEFU_SITE_URL: 'https://shop.example' } }),
    startSidecar({ publicDir: PUBLIC_DIR }),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([withMail?.stop(), withoutMail?.stop()]);
  await sink?.stop();
});

/** A visitor who wrote and got an answer, the conversation then resolved by the agent: the rating card is up. */
async function chatUntilResolved(sidecar: TestSidecar, text: string, page: Page) {
  const agent = await sidecar.agentToken(1, 'Ann');
  await call(sidecar.url, '/api/agent/presence', { token: agent, body: { status: 'online' } });
  const errors = watchErrors(page);
  await openWidget(page, `${sidecar.url}/demo`, { name: 'Sarah', email: 'sarah@example.com' });
  await widget(page, '[part=status]').filter({ hasText: 'Online' }).waitFor({ timeout: TIMEOUT });
  await visitorSends(page, text);
  await visitorMessage(page, text).locator('.state').waitFor({ timeout: TIMEOUT });
  const visitorId = await visitorIdIn(page);
  await call(sidecar.url, `/api/agent/conversations/${visitorId}/messages`, { token: agent, body: { content: 'It ships on Monday.' } });
  await call(sidecar.url, `/api/agent/conversations/${visitorId}/status`, { token: agent, body: { status: 'resolved' } });
  await widget(page, '[part=rating]').waitFor({ timeout: TIMEOUT });
  return errors;
}

describe('the transcript by mail', () => {
  it('mails the conversation to the address the visitor gave, filled in for them', async () => {
    const page = await (await newContext(browser)).newPage();
    const errors = await chatUntilResolved(withMail, 'When does my order ship?', page);
    await widget(page, '[part=rating] button.rating-transcript').click();
    const email = widget(page, '[part=rating] input[name=email]');
    await expect.poll(() => email.inputValue()).toBe('sarah@example.com');
    await expect.poll(() => email.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
      expect({ colorScheme, violations: (await checkAccessibility(page, 'kefu-chat')).blocking }).toEqual({ colorScheme, violations: [] });
    }
    await widget(page, '[part=rating]').getByRole('button', { name: 'Send the transcript' }).click();
    await widget(page, '[part=rating]').getByRole('status').filter({ hasText: 'On its way to your inbox.' }).waitFor({ timeout: TIMEOUT });
    await expect.poll(() => sink.arrived.filter((a) => a.to.includes('sarah@example.com')).length, { timeout: 20_000 }).toBe(1);
    const mail = sink.arrived.find((a) => a.to.includes('sarah@example.com'))!.mail;
    expect(mail.text).toContain('When does my order ship?');
    expect(mail.text).toContain('It ships on Monday.');
    expect(mail.subject).not.toContain('ship');
    expect(errors).toEqual([]);
  });

  it('offers no transcript where the site sends no mail', async () => {
    const page = await (await newContext(browser)).newPage();
    const asked = page.waitForResponse((r) => r.url().endsWith('/kefu/api/visitor/transcript') && r.request().method() === 'GET', { timeout: 30_000 });
    await chatUntilResolved(withoutMail, 'Do you send transcripts?', page);
    expect((await asked).status()).toBe(404);
    await widget(page, '[part=rating] button[data-score=good]').waitFor({ timeout: TIMEOUT });
    expect(await widget(page, '[part=rating] .rating-transcript').count()).toBe(0);
  });
});
