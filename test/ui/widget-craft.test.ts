// The widget's finish, in Chromium against a real sidecar: who answers (faces,
// reply time), messages grouped with one time and one receipt, date lines,
// the open panel following the visitor to the next page, required pre-chat
// fields, the page held still behind the phone panel, the optional chime.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { AgentClient } from './agent-api.js';
import { launchBrowser, newContext, watchErrors } from './browser.js';
import { PUBLIC_DIR } from './public-dir.js';
import { ensureOpen, openWidget, ownMessageIn, TIMEOUT, visitorMessage, visitorSends, widget } from './chat-pages.js';

let sidecar: TestSidecar;
let browser: Browser;
let agent: AgentClient;
let avatar: string;

beforeAll(async () => {
  [sidecar, browser] = await Promise.all([startSidecar({ publicDir: PUBLIC_DIR }), launchBrowser()]);
  avatar = `${new URL(sidecar.url).origin}/avatars/mei.png`;
  agent = new AgentClient(sidecar.url, await sidecar.rt.tokens.agentToken('agent:31', 'Mei Lin', 600, false, avatar));
  await agent.online();
});

afterAll(async () => {
  await browser?.close();
  await sidecar?.stop();
});

describe('who answers', () => {
  it('shows the online team’s faces and the owner’s expected reply time in the header', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await page.goto(`${sidecar.url}/demo`);
    // The demo page tells a newcomer whether an agent is online yet.
    await page.locator('#team').filter({ hasText: 'Mei Lin is online' }).waitFor({ timeout: TIMEOUT });
    await page.locator('kefu-chat').evaluate((el) => el.setAttribute('reply-time', 'Usually replies in 2 minutes'));
    await ensureOpen(page);
    await widget(page, '[part=status]').filter({ hasText: 'Online · Usually replies in 2 minutes' }).waitFor({ timeout: TIMEOUT });
    const face = widget(page, '[part=faces] img[part=avatar]');
    await face.first().waitFor({ state: 'attached', timeout: TIMEOUT });
    expect(await face.first().getAttribute('src')).toBe(avatar);
    // A reply carries its sender's face and name above it, once per group.
    await visitorSends(page, 'hello team');
    const visitorId = await vi.waitFor(async () => {
      const c = (await agent.conversations()).find((x) => x.lastMessage?.content === 'hello team');
      if (!c) throw new Error('not listed yet');
      return c.visitorId;
    }, { timeout: TIMEOUT });
    await agent.reply(visitorId, 'Hi, Mei here.');
    await agent.reply(visitorId, 'What can I do for you?');
    await visitorMessage(page, 'What can I do for you?').waitFor({ timeout: TIMEOUT });
    expect(await visitorMessage(page, 'Hi, Mei here.').locator('.who').textContent()).toBe('Mei Lin');
    expect(await visitorMessage(page, 'Hi, Mei here.').locator('.who img').getAttribute('src')).toBe(avatar);
    expect(await visitorMessage(page, 'What can I do for you?').locator('.who').count()).toBe(0);
    await ctx.close();
  });
});

describe('the thread', () => {
  it('groups a run of messages: one time under the last, the receipt only under the latest, one date line', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await openWidget(page, `${sidecar.url}/demo`);
    for (const line of ['one', 'two', 'three']) await visitorSends(page, `line ${line}`);
    await ownMessageIn(page, 'line three', 'sent').waitFor({ timeout: TIMEOUT });
    await ownMessageIn(page, 'line one', 'sent').waitFor({ timeout: TIMEOUT });
    // Every own message knows its state; only the latest says it, and only the last of the run shows a time.
    expect(await widget(page, '.msg.own .state').count()).toBe(1);
    expect(await visitorMessage(page, 'line three').locator('.state').count()).toBe(1);
    expect(await visitorMessage(page, 'line one').locator('[part=meta]').count()).toBe(0);
    expect(await visitorMessage(page, 'line three').locator('time').count()).toBe(1);
    expect(await widget(page, '[part=day]').allTextContents()).toEqual(['Today']);
    // The greeting the visitor saw first stays first, with the team as its sender.
    const greeting = widget(page, '.msg.greeting');
    expect(await greeting.locator('.who').textContent()).toBe('Support team');
    expect(errors).toEqual([]);
    await ctx.close();
  });
});

describe('across pages', () => {
  it('keeps the panel open on the next page of the tab, and closed once closed', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await openWidget(page, `${sidecar.url}/demo`);
    await page.goto(`${sidecar.url}/demo?page=2`);
    await widget(page, '[part=panel]').waitFor({ timeout: TIMEOUT });
    expect(await page.locator('kefu-chat').getAttribute('open')).toBe('');
    await widget(page, '[part=close]').click();
    await page.goto(`${sidecar.url}/demo?page=3`);
    await widget(page, '[part=launcher]').waitFor({ timeout: TIMEOUT });
    expect(await page.locator('kefu-chat').getAttribute('open')).toBeNull();
    // Another tab starts closed: the state is per tab, like its history.
    const other = await ctx.newPage();
    await other.goto(`${sidecar.url}/demo`);
    await widget(other, '[part=launcher]').waitFor({ timeout: TIMEOUT });
    expect(await other.locator('kefu-chat').getAttribute('open')).toBeNull();
    await ctx.close();
  });
});

describe('pre-chat form', () => {
  it('cannot be sent without the fields the site requires', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const sessions: string[] = [];
    page.on('request', (r) => r.url().includes('/api/visitor/session') && sessions.push(r.url()));
    await page.goto(`${sidecar.url}/demo`);
    await page.locator('kefu-chat').evaluate((el) => {
      el.setAttribute('prechat', '');
      el.setAttribute('prechat-required', 'name email');
    });
    await ensureOpen(page);
    const form = widget(page, 'form.form');
    await form.waitFor({ timeout: TIMEOUT });
    expect(await form.locator('label').first().textContent()).toBe('Name');
    await form.locator('button[type=submit]').click();
    expect(await form.locator('input:invalid').count()).toBe(2);
    await form.locator('input[name=name]').fill('Ada');
    await form.locator('input[name=email]').fill('ada@example.com');
    await form.locator('button[type=submit]').click();
    await widget(page, 'textarea[part=input]').waitFor({ timeout: TIMEOUT });
    expect(sessions).toHaveLength(1);
    await ctx.close();
  });
});

describe('on a phone', () => {
  it('holds the page still behind the full-screen panel and lets it go on close', async () => {
    const ctx = await newContext(browser, { viewport: { width: 390, height: 844 } });
    const page = await ctx.newPage();
    await page.goto(`${sidecar.url}/demo`);
    const overflow = () => page.evaluate(() => document.documentElement.style.overflow);
    const before = await overflow();
    await ensureOpen(page);
    expect(await overflow()).toBe('hidden');
    await widget(page, '[part=close]').click();
    await vi.waitFor(async () => expect(await overflow()).toBe(before), { timeout: TIMEOUT });
    await ctx.close();
  });
});

describe('sound', () => {
  it('loads the chime only on sites that turn it on, when a reply reaches a closed panel', async () => {
    for (const sound of [false, true]) {
      const ctx = await newContext(browser);
      const page = await ctx.newPage();
      const scripts: string[] = [];
      page.on('request', (r) => scripts.push(new URL(r.url()).pathname));
      await page.goto(`${sidecar.url}/demo`);
      if (sound) await page.locator('kefu-chat').evaluate((el) => el.setAttribute('sound', ''));
      await ensureOpen(page);
      const text = `ring ${sound}`;
      await visitorSends(page, text);
      await ownMessageIn(page, text, 'sent').waitFor({ timeout: TIMEOUT });
      await widget(page, '[part=close]').click();
      const visitorId = (await agent.conversations()).find((x) => x.lastMessage?.content === text)!.visitorId;
      await agent.reply(visitorId, `answer ${sound}`);
      await widget(page, '[part=preview]').filter({ hasText: `answer ${sound}` }).waitFor({ timeout: TIMEOUT });
      // The chime's chunk is fetched right after the reply is handled.
      if (sound) await vi.waitFor(() => expect(scripts.some((s) => /\/chime-[\w-]+\.js$/.test(s))).toBe(true), { timeout: TIMEOUT });
      else expect(scripts.some((s) => /\/chime-/.test(s))).toBe(false);
      await ctx.close();
    }
  });
});
