// The console's details column in Chromium, for a visitor on an iPhone in
// Shanghai whose widget told their time zone itself: browser and system, the
// device, their local time, and their past conversation (same email, typed in
// another case) that opens with a click. Checked with axe, light and dark, and
// in Chinese; a visitor with no past shows no such section at all.
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { watchErrors } from './browser.js';
import { checkAccessibility } from './axe.js';
import { useSidecarAndBrowser } from './rig.js';
import { AgentClient } from './agent-api.js';
import { agentMessage, console_, conversationEntry, openConsole, openWidget, TIMEOUT, visitorSends } from './chat-pages.js';
import { call, send } from '../helpers/api.js';

const rig = useSidecarAndBrowser();

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

const details = (page: Page, css: string) => console_(page, `kefu-visitor-details ${css}`);
const oneSpace = (s: string | null) => (s ?? '').replace(/\s+/gu, ' ').trim();

it('shows browser, device, local time and a past conversation that opens with a click', { timeout: 90_000 }, async () => {
  const { sidecar, browser } = rig;
  const token = await sidecar.agentToken(1, 'Ann');
  const api = new AgentClient(sidecar.url, token);
  await api.online();

  // Last week's conversation, from a Windows PC, resolved.
  const before = await call(sidecar.url, '/api/visitor/session', { body: { name: 'Lin', email: 'lin@example.test' }, headers: { 'user-agent': WINDOWS } });
  await send(sidecar.url, before.body.token, 'Where is my parcel from last week?');
  await api.reply(before.body.visitorId, 'It is on its way.');
  const resolved = await fetch(`${sidecar.url}/api/agent/conversations/${before.body.visitorId}/status`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'resolved' }),
  });
  expect(resolved.status).toBe(200);

  // Today: the same person on an iPhone in Shanghai; the widget reports the zone itself.
  const phone = await (await browser.newContext({ locale: 'en-US', timezoneId: 'Asia/Shanghai', userAgent: IPHONE, viewport: { width: 1280, height: 800 } })).newPage();
  await openWidget(phone, `${sidecar.url}/demo`, { name: 'Lin', email: 'LIN@example.test' });
  await visitorSends(phone, 'Hello again, a new question');

  // The agent sits in London: the visitor's local time is not the agent's.
  const agent = await (await browser.newContext({ locale: 'en-US', timezoneId: 'Europe/London', viewport: { width: 1280, height: 800 } })).newPage();
  await agent.emulateMedia({ reducedMotion: 'reduce' });
  const errors = watchErrors(agent);
  await openConsole(agent, sidecar.url, token);
  await conversationEntry(agent, 'Hello again').click();
  await details(agent, '.browser dd').filter({ hasText: 'Safari 17 on iOS 17.5' }).waitFor({ timeout: TIMEOUT });
  expect(await details(agent, '.device dd').textContent()).toBe('Phone');
  const shown = oneSpace(await details(agent, '.local-time dd').textContent());
  const clock = (at: number) => oneSpace(new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit' }).format(at));
  expect(shown).toMatch(/\(Asia\/Shanghai\)$/);
  expect([clock(Date.now()), clock(Date.now() - 60_000)].some((t) => shown.includes(t))).toBe(true);

  // The past conversation: its last message, when, and how it stands.
  await details(agent, '.past-list h4').filter({ hasText: 'Past conversations' }).waitFor({ timeout: TIMEOUT });
  const past = details(agent, `button.past[data-visitor="${before.body.visitorId}"]`);
  expect(oneSpace(await past.textContent())).toMatch(/^It is on its way\. .+ · Resolved$/);
  expect(await details(agent, 'button.past').count()).toBe(1);

  for (const colorScheme of ['light', 'dark'] as const) {
    await agent.emulateMedia({ colorScheme });
    const report = await checkAccessibility(agent);
    expect({ colorScheme, violations: report.blocking }).toEqual({ colorScheme, violations: [] });
  }

  // In Chinese.
  await agent.locator('kefu-admin').evaluate((el) => el.setAttribute('lang', 'zh-CN'));
  await details(agent, '.past-list h4').filter({ hasText: '历史会话' }).waitFor({ timeout: TIMEOUT });
  expect(await details(agent, '.browser dt').textContent()).toBe('浏览器');
  expect(await details(agent, '.browser dd').textContent()).toBe('Safari 17（iOS 17.5）');
  expect(await details(agent, '.device dd').textContent()).toBe('手机');
  expect(await details(agent, '.local-time dt').textContent()).toBe('当地时间');
  expect(await details(agent, '.past-list .meta').textContent()).toContain('已解决');
  await agent.locator('kefu-admin').evaluate((el) => el.setAttribute('lang', 'en'));

  // A click opens it as the list would: its thread, its details, and today's conversation as its past.
  await past.click();
  await agentMessage(agent, 'Where is my parcel from last week?').waitFor({ timeout: TIMEOUT });
  await details(agent, '.id dd').filter({ hasText: before.body.visitorId }).waitFor({ timeout: TIMEOUT });
  await details(agent, 'button.past').filter({ hasText: 'Hello again, a new question' }).waitFor({ timeout: TIMEOUT });
  // Resolved, so not in the open tab's list: what the past entry knew stands in for it.
  expect(await details(agent, '[data-verified]').getAttribute('data-verified')).toBe('false');
  expect((await details(agent, 'dd').allTextContents()).slice(0, 2)).toEqual(['Lin', 'lin@example.test']);
  expect(errors).toEqual([]);
});

it('shows no past-conversations section, not even its heading, for a visitor with none', { timeout: 60_000 }, async () => {
  const { sidecar, browser } = rig;
  const token = await sidecar.agentToken(2, 'Bob');
  const visitor = await (await browser.newContext({ locale: 'en-US', timezoneId: 'America/New_York' })).newPage();
  await openWidget(visitor, `${sidecar.url}/demo`, { name: 'Only Once', email: 'once@example.test' });
  await visitorSends(visitor, 'My first time here');
  const agent = await (await browser.newContext({ locale: 'en-US' })).newPage();
  await openConsole(agent, sidecar.url, token);
  const answered = agent.waitForResponse((r) => r.url().endsWith('/related'), { timeout: TIMEOUT });
  await conversationEntry(agent, 'My first time here').click();
  expect(await (await answered).json()).toEqual({ conversations: [] });
  await details(agent, '.local-time dd').filter({ hasText: '(America/New_York)' }).waitFor({ timeout: TIMEOUT });
  // A frame after the (empty) answer: whatever it rendered is on screen.
  await agent.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
  expect(await details(agent, '.past-list').count()).toBe(0);
  expect(await details(agent, 'h4').count()).toBe(0);
});
