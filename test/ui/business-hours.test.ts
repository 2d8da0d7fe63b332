// Business hours in Chromium against real sidecars, each with an agent
// online: outside hours the widget offers the leave-a-message form and says,
// in the visitor's language and clock, when the team is back; with
// KEFU_OUTSIDE_HOURS=hide a new visitor gets no launcher at all, one with a
// conversation still does; inside hours nothing changes. The schedules are
// built around now, in a zone where it is about noon (test/helpers/noon-zone.ts).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { newVisitor, send } from '../helpers/api.js';
import { etcZone, noonZone } from '../helpers/noon-zone.js';
import { AgentClient } from './agent-api.js';
import { launchBrowser, newContext, watchErrors } from './browser.js';
import { PUBLIC_DIR } from './public-dir.js';
import { openWidget, TIMEOUT, widget } from './chat-pages.js';

const z = noonZone();
/** Closed since a minute ago, every day: back tomorrow at 09:00 there. */
const CLOSED = `mon-sun 09:00-${z.hhmm(-1)}`;
const OPEN = 'mon-sun 09:00-16:00';

let browser: Browser;
let closed: TestSidecar;
let hidden: TestSidecar;
let open: TestSidecar;

async function withAgentOnline(env: Record<string, string>): Promise<TestSidecar> {
  const sidecar = await startSidecar({ publicDir: PUBLIC_DIR, env: { KEFU_BUSINESS_TZ: z.zone, ...env } });
  await new AgentClient(sidecar.url, await sidecar.agentToken(1, 'Ann')).online();
  return sidecar;
}

beforeAll(async () => {
  [browser, closed, hidden, open] = await Promise.all([
    launchBrowser(),
    withAgentOnline({ KEFU_BUSINESS_HOURS: CLOSED }),
    withAgentOnline({ KEFU_BUSINESS_HOURS: CLOSED, KEFU_OUTSIDE_HOURS: 'hide' }),
    withAgentOnline({ KEFU_BUSINESS_HOURS: OPEN, KEFU_OUTSIDE_HOURS: 'hide' }),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([closed, hidden, open].map((s) => s?.stop()));
});

/** The paths a page asked the sidecar for, besides the demo page's own status line. */
function requests(page: Page): string[] {
  const paths: string[] = [];
  page.on('request', (r) => !r.url().includes('page=demo') && paths.push(new URL(r.url()).pathname));
  return paths;
}

describe('outside business hours, an agent online', () => {
  it('shows the leave-a-message form and when the team is back, in the visitor\'s clock', async () => {
    // The visitor is an hour ahead of the team: back "tomorrow" at 10:00 on their clock.
    const ahead = z.offset < 14 ? 1 : -1;
    const ctx = await newContext(browser, { timezoneId: etcZone(z.offset + ahead) });
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await openWidget(page, `${closed.url}/demo`);
    await widget(page, 'form.offline').waitFor({ timeout: TIMEOUT });
    const line = widget(page, 'form.offline kefu-back-at');
    await line.filter({ hasText: `We're back tomorrow at ${ahead > 0 ? '10' : '08'}:00 AM.` }).waitFor({ timeout: TIMEOUT });
    expect(await widget(page, '[part=status]').textContent()).toContain('Away');
    // The demo page says why, though its newcomer has an agent online.
    await page.locator('#team').filter({ hasText: 'Outside business hours' }).waitFor({ timeout: TIMEOUT });
    // The form still sends, and the message is kept like any other.
    const form = widget(page, 'form.offline');
    await form.locator('textarea[name=message]').fill('Please call me tomorrow');
    await form.locator('button[type=submit]').click();
    await widget(page, '[part=message][data-state=sent]').filter({ hasText: 'Please call me tomorrow' }).waitFor({ timeout: TIMEOUT });
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('says it in Chinese to a Chinese browser', async () => {
    const ctx = await newContext(browser, { locale: 'zh-CN', timezoneId: z.zone });
    const page = await ctx.newPage();
    await openWidget(page, `${closed.url}/demo`);
    await widget(page, 'form.offline kefu-back-at').filter({ hasText: '我们将于明天 09:00 回来。' }).waitFor({ timeout: TIMEOUT });
    expect(await widget(page, '[part=status]').textContent()).toContain('暂时离开');
    await ctx.close();
  });
});

describe('outside business hours with hide', () => {
  it('draws no launcher for a new visitor, and asks the sidecar for nothing but widget.js', async () => {
    const ctx = await newContext(browser, { timezoneId: z.zone });
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    const paths = requests(page);
    await page.goto(`${hidden.url}/demo`);
    await page.waitForFunction(() => !!customElements.get('kefu-chat'), undefined, { timeout: TIMEOUT });
    await page.waitForLoadState('networkidle', { timeout: TIMEOUT });
    // Defined, and nothing drawn: no shadow root, no launcher, no room taken.
    expect(await page.locator('kefu-chat').evaluate((el) => ({ shadow: el.shadowRoot !== null, width: el.getBoundingClientRect().width }))).toEqual({ shadow: false, width: 0 });
    expect(await widget(page, '[part=launcher]').count()).toBe(0);
    expect(paths.filter((p) => p.endsWith('.js') || p.includes('/api/'))).toEqual(['/kefu/widget.js']);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('still shows a visitor with a conversation the launcher, and their conversation', async () => {
    const v = await newVisitor(hidden.url);
    expect((await send(hidden.url, v.token, 'My order has not arrived')).status).toBe(201);
    const ctx = await newContext(browser, { timezoneId: z.zone });
    // This browser talked to the sidecar before: its token is in localStorage (widget/visitor-storage.ts).
    await ctx.addInitScript(([key, token]) => localStorage.setItem(key, token), [`kefu.v1@${hidden.origin}.token`, v.token] as const);
    const page = await ctx.newPage();
    await openWidget(page, `${hidden.url}/demo`);
    await widget(page, '[part=message]').filter({ hasText: 'My order has not arrived' }).waitFor({ timeout: TIMEOUT });
    // A running conversation goes on: the box to write in, not the form.
    await widget(page, 'textarea[part=input]').waitFor({ timeout: TIMEOUT });
    expect(await widget(page, 'form.offline').count()).toBe(0);
    expect(await widget(page, '[part=status]').textContent()).toContain('Away');
    await ctx.close();
  });
});

describe('inside business hours', () => {
  it('changes nothing: the launcher, Online, the conversation box, no line about hours', async () => {
    const ctx = await newContext(browser, { timezoneId: z.zone });
    const page = await ctx.newPage();
    const paths = requests(page);
    await page.goto(`${open.url}/demo`);
    await widget(page, '[part=launcher]').waitFor({ timeout: TIMEOUT });
    await page.waitForLoadState('networkidle', { timeout: TIMEOUT });
    expect(paths.filter((p) => p.endsWith('.js') || p.includes('/api/'))).toEqual(['/kefu/widget.js']);
    await widget(page, '[part=launcher]').click();
    await widget(page, '[part=status]').filter({ hasText: 'Online' }).waitFor({ timeout: TIMEOUT });
    await widget(page, 'textarea[part=input]').waitFor({ timeout: TIMEOUT });
    expect(await widget(page, 'form.offline').count()).toBe(0);
    expect(await widget(page, 'kefu-back-at').count()).toBe(0);
    expect(paths.some((p) => p.startsWith('/kefu/kefu-back-at-'))).toBe(false);
    await ctx.close();
  });
});
