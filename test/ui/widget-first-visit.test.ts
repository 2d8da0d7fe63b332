// What a stranger's page pays for the widget, the leave-a-message form when
// nobody is online, the Chinese interface and the phone layout. This sidecar
// never sees an agent come online.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { AgentClient } from './agent-api.js';
import { launchBrowser, newContext, watchErrors } from './browser.js';
import { PUBLIC_DIR } from './public-dir.js';
import { openWidget, TIMEOUT, visitorMessage, widget } from './chat-pages.js';

let sidecar: TestSidecar;
let browser: Browser;
let agent: AgentClient;

beforeAll(async () => {
  [sidecar, browser] = await Promise.all([startSidecar({ publicDir: PUBLIC_DIR }), launchBrowser()]);
  // An agent that reads but is away: agentsOnline stays 0. (Merely seen, an
  // agent would count as online from the sidecar's next presence batch, some
  // 15 s later: a slow run then met "We are online" in the later tests.)
  agent = new AgentClient(sidecar.url, await sidecar.agentToken(9, 'Reader'));
  await agent.away();
});

afterAll(async () => {
  await browser?.close();
  await sidecar?.stop();
});

const storageKeys = (page: Page) => page.evaluate(() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)]);

describe('first visit', () => {
  it('loads only the launcher, stores nothing and calls no API until the first click', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    const urls: string[] = [];
    // The demo page's own status line asks with ?page=demo: that request is the page's, not the widget's.
    page.on('request', (r) => !r.url().includes('page=demo') && urls.push(new URL(r.url()).pathname));
    await page.goto(`${sidecar.url}/demo`);
    await widget(page, '[part=launcher]').waitFor({ timeout: TIMEOUT });
    await page.waitForLoadState('networkidle', { timeout: TIMEOUT });
    expect(urls.filter((u) => u.endsWith('.js'))).toEqual(['/kefu/widget.js']);
    expect(urls.filter((u) => u.includes('/api/'))).toEqual([]);
    expect(await storageKeys(page)).toEqual([]);
    expect(await widget(page, '[part=launcher]').getAttribute('aria-label')).toBe('Open chat');

    await widget(page, '[part=launcher]').click();
    await widget(page, '[part=panel]').waitFor({ timeout: TIMEOUT });
    await vi.waitFor(() => expect(urls).toContain('/kefu/api/visitor/session'), { timeout: TIMEOUT });
    expect(urls.some((u) => /^\/kefu\/kefu-chat-panel-[A-Za-z0-9_-]+\.js$/.test(u))).toBe(true);
    expect(await widget(page, '[part=launcher]').getAttribute('aria-expanded')).toBe('true');
    await vi.waitFor(async () => expect((await storageKeys(page)).some((k) => k.endsWith('.token'))).toBe(true), { timeout: TIMEOUT });
    expect(errors).toEqual([]);
    await ctx.close();
  });
});

describe('nobody online', () => {
  it('offers a leave-a-message form, and the message with name and email reaches the agents', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await openWidget(page, `${sidecar.url}/demo`);
    const form = widget(page, 'form.offline');
    await form.waitFor({ timeout: TIMEOUT });
    expect(await widget(page, '[part=status]').textContent()).toContain('Away');
    // The demo page says why, and what to do first.
    await page.locator('#team').filter({ hasText: 'No agent is online yet' }).waitFor({ timeout: TIMEOUT });
    await form.locator('textarea[name=message]').fill('Please call me back about my order');
    await form.locator('input[name=name]').fill('Wang Fang');
    await form.locator('input[name=email]').fill('fang@example.com');
    await form.locator('button[type=submit]').click();
    await visitorMessage(page, 'Please call me back about my order').locator('.state[data-state=sent]').waitFor({ timeout: TIMEOUT });
    await widget(page, '.note').filter({ hasText: 'we will reply here' }).waitFor({ timeout: TIMEOUT });
    // The greeting was never shown (the form was): it must not appear above the message as if it came first.
    expect(await widget(page, '.greeting').count()).toBe(0);
    await vi.waitFor(
      async () => {
        const c = (await agent.conversations()).find((x) => x.lastMessage?.content === 'Please call me back about my order');
        expect(c).toMatchObject({ name: 'Wang Fang', email: 'fang@example.com' });
      },
      { timeout: TIMEOUT },
    );
    expect(errors).toEqual([]);
    await ctx.close();
  });
});

describe('languages', () => {
  it('speaks Simplified Chinese to a Chinese browser', async () => {
    const ctx = await newContext(browser, { locale: 'zh-CN' });
    const page = await ctx.newPage();
    await page.goto(`${sidecar.url}/demo`);
    expect(await widget(page, '[part=launcher]').getAttribute('aria-label')).toBe('打开对话');
    await widget(page, '[part=launcher]').click();
    await widget(page, '[part=heading]').filter({ hasText: '在线客服' }).waitFor({ timeout: TIMEOUT });
    await widget(page, 'form.offline h3').filter({ hasText: '给我们留言' }).waitFor({ timeout: TIMEOUT });
    expect(await widget(page, '[part=close]').getAttribute('aria-label')).toBe('关闭对话');
    expect(await widget(page, 'form.offline button[type=submit]').textContent()).toBe('发送留言');
    await ctx.close();
  });

  it('follows the lang attribute over the browser language', async () => {
    const ctx = await newContext(browser, { locale: 'en-US' });
    const page = await ctx.newPage();
    await openWidget(page, `${sidecar.url}/demo`, { lang: 'zh-CN', title: '售后服务' });
    await widget(page, '[part=heading]').filter({ hasText: '售后服务' }).waitFor({ timeout: TIMEOUT });
    expect(await widget(page, '[part=launcher]').getAttribute('aria-label')).toBe('关闭对话');
    await ctx.close();
  });
});

describe('phones', () => {
  it('fills a narrow screen and keeps inputs at 16 px so focusing does not zoom', async () => {
    const ctx = await newContext(browser, { viewport: { width: 375, height: 667 } });
    const page = await ctx.newPage();
    // No opening animation: the box is measured where it ends up.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await openWidget(page, `${sidecar.url}/demo`);
    const box = await widget(page, '[part=panel]').boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 375, height: 667 });
    const input = widget(page, 'form.offline textarea');
    await input.waitFor({ timeout: TIMEOUT });
    expect(await input.evaluate((el) => getComputedStyle(el).fontSize)).toBe('16px');
    // The launcher would sit on top of the form: the panel's own close button takes over.
    expect(await widget(page, '[part=launcher]').isVisible()).toBe(false);
    await widget(page, '[part=close]').click();
    await widget(page, '[part=launcher]').waitFor({ state: 'visible', timeout: TIMEOUT });
    await ctx.close();
  });
});

describe('history', () => {
  it('pages older messages in when the visitor scrolls up, each once and in order', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await openWidget(page, `${sidecar.url}/demo`);
    const form = widget(page, 'form.offline');
    await form.locator('textarea[name=message]').fill('first words');
    await form.locator('button[type=submit]').click();
    await visitorMessage(page, 'first words').locator('.state[data-state=sent]').waitFor({ timeout: TIMEOUT });
    const visitorId = (await agent.conversations()).find((c) => c.lastMessage?.content === 'first words')!.visitorId;
    // Rows written by other software (the site's own PHP) as the team.
    for (let i = 1; i <= 45; i++) {
      await sidecar.rt.store.insertMessage({ from: 'admin', to: visitorId, content: `team line ${i}`, clientId: null, fromName: null });
    }
    await page.reload();
    // Left open, the panel opens again by itself on the next page of this tab.
    await widget(page, '[part=panel]').waitFor({ timeout: TIMEOUT });
    await visitorMessage(page, 'team line 45').waitFor({ timeout: TIMEOUT });
    const bubbles = widget(page, '.msg[data-mid] [part=bubble]');
    expect(await bubbles.count()).toBe(30);
    expect(await visitorMessage(page, 'team line 45').locator('.who').count()).toBe(0);
    expect(await widget(page, '.msg[data-mid] .who').first().textContent()).toBe('Support team');
    await widget(page, '[part=messages]').evaluate((el) => (el.scrollTop = 0));
    await vi.waitFor(async () => expect(await bubbles.count()).toBe(46), { timeout: TIMEOUT });
    const texts = await bubbles.allTextContents();
    expect(texts).toEqual(['first words', ...Array.from({ length: 45 }, (_, i) => `team line ${i + 1}`)]);
    // The whole history is there, and no greeting above it: the visitor never saw one before writing.
    expect(await widget(page, '.greeting').count()).toBe(0);
    await ctx.close();
  });
});

describe('pre-chat form', () => {
  it('asks for name and email first when the prechat attribute is set, and the agents see them', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const urls: string[] = [];
    page.on('request', (r) => !r.url().includes('page=demo') && urls.push(new URL(r.url()).pathname));
    await openWidget(page, `${sidecar.url}/demo`, { prechat: '' });
    const form = widget(page, 'form.form:not(.offline)');
    await form.waitFor({ timeout: TIMEOUT });
    // Nothing is created until the visitor says who they are: only the public team answer (faces, Online or Away) is asked for.
    expect(urls.filter((u) => u.includes('/api/'))).toEqual(['/kefu/api/visitor/team']);
    await widget(page, '[part=status]').filter({ hasText: 'Away' }).waitFor({ timeout: TIMEOUT });
    await form.locator('input[name=name]').fill('Li Lei');
    await form.locator('input[name=email]').fill('lilei@example.com');
    await form.locator('input[name=email]').press('Enter');
    // Nobody is online here, so the leave-a-message form follows, already filled in.
    const offline = widget(page, 'form.offline');
    await offline.waitFor({ timeout: TIMEOUT });
    expect(await offline.locator('input[name=name]').inputValue()).toBe('Li Lei');
    await offline.locator('textarea[name=message]').fill('Do you ship to Shanghai?');
    await offline.locator('button[type=submit]').click();
    await vi.waitFor(
      async () =>
        expect(await agent.conversations()).toContainEqual(
          expect.objectContaining({ name: 'Li Lei', email: 'lilei@example.com', lastMessage: expect.objectContaining({ content: 'Do you ship to Shanghai?' }) }),
        ),
      { timeout: TIMEOUT },
    );
    await ctx.close();
  });
});

describe('theming', () => {
  it('takes the accent and position attributes, --kefu-* properties and ::part(), and ignores the page\'s own CSS', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await page.goto(`${sidecar.url}/demo`);
    const launcher = widget(page, '[part=launcher]');
    const background = () => launcher.evaluate((el) => getComputedStyle(el).backgroundColor);
    await page.locator('kefu-chat').evaluate((el) => {
      el.setAttribute('accent', '#0f766e');
      el.setAttribute('position', 'left');
    });
    expect(await background()).toBe('rgb(15, 118, 110)');
    expect((await launcher.boundingBox())!.x).toBeLessThan(100);
    // A hostile page stylesheet: element selectors do not cross the shadow boundary.
    await page.addStyleTag({ content: 'button { background: rgb(255, 0, 0) !important; width: 300px !important } * { font-size: 40px !important }' });
    expect(await background()).toBe('rgb(15, 118, 110)');
    expect((await launcher.boundingBox())!.width).toBe(56);
    // What the site is meant to use.
    await page.addStyleTag({ content: 'kefu-chat { --kefu-accent: rgb(124, 58, 237); --kefu-launcher-size: 64px } kefu-chat::part(launcher) { border-radius: 12px }' });
    expect(await background()).toBe('rgb(124, 58, 237)');
    expect((await launcher.boundingBox())!.width).toBe(64);
    expect(await launcher.evaluate((el) => getComputedStyle(el).borderRadius)).toBe('12px');
    await ctx.close();
  });
});
