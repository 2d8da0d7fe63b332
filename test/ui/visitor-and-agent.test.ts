// A visitor on /kefu/demo and an agent on /kefu/console, both real pages in
// Chromium against a real sidecar (embedded store): the whole conversation.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { launchBrowser, newContext, recordNotifications, watchErrors } from './browser.js';
import { PUBLIC_DIR } from './public-dir.js';
import {
  agentMessage,
  agentReplies,
  conversationEntry,
  openConsole,
  openWidget,
  TIMEOUT,
  visitorMessage,
  visitorSends,
  waitForComposer,
  widget,
  console_,
} from './chat-pages.js';

let sidecar: TestSidecar;
let browser: Browser;
let visitorCtx: BrowserContext;
let agentCtx: BrowserContext;
let visitor: Page;
let agent: Page;
const errors: string[][] = [];

beforeAll(async () => {
  [sidecar, browser] = await Promise.all([startSidecar({ publicDir: PUBLIC_DIR }), launchBrowser()]);
  visitorCtx = await newContext(browser);
  agentCtx = await newContext(browser);
  await recordNotifications(agentCtx);
  visitor = await visitorCtx.newPage();
  agent = await agentCtx.newPage();
  errors.push(watchErrors(visitor), watchErrors(agent));
  await openConsole(agent, sidecar.url, await sidecar.agentToken(1, 'Alice'));
});

afterAll(async () => {
  await browser?.close();
  await sidecar?.stop();
});

describe('visitor and agent', () => {
  it('delivers a visitor message to the open console without a reload', async () => {
    await openWidget(visitor, `${sidecar.url}/demo`);
    await widget(visitor, '[part=status]').filter({ hasText: 'Online' }).waitFor({ timeout: TIMEOUT });
    await visitorSends(visitor, 'Hello, is anyone there?');
    await visitorMessage(visitor, 'Hello, is anyone there?').locator('.state[data-state=sent]').waitFor({ timeout: TIMEOUT });
    await conversationEntry(agent, 'Hello, is anyone there?').waitFor({ timeout: TIMEOUT });
    expect(await conversationEntry(agent, 'Hello, is anyone there?').locator('.count').textContent()).toBe('1');
    // Attention: the count in the title and a desktop notification.
    await agent.waitForFunction(() => document.title === '(1) Kefu console', undefined, { timeout: TIMEOUT });
    const notes = await agent.evaluate(() => (window as unknown as { __notifications: unknown[] }).__notifications);
    expect(notes).toContainEqual({ title: expect.stringContaining('New message from Visitor'), body: 'Hello, is anyone there?' });
  });

  it('shows the visitor "read" once the agent opens the conversation, and the reply with the agent\'s name', async () => {
    await conversationEntry(agent, 'Hello, is anyone there?').click();
    await agentMessage(agent, 'Hello, is anyone there?').waitFor({ timeout: TIMEOUT });
    await visitorMessage(visitor, 'Hello, is anyone there?').locator('.state[data-state=read]').waitFor({ timeout: TIMEOUT });
    await agent.waitForFunction(() => document.title === 'Kefu console', undefined, { timeout: TIMEOUT });
    await agentReplies(agent, 'Hi! Alice here. How can I help?');
    const reply = visitorMessage(visitor, 'Hi! Alice here. How can I help?');
    await reply.waitFor({ timeout: TIMEOUT });
    expect(await reply.locator('.who').textContent()).toBe('Alice');
    expect(await reply.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    // The agent sees the reply as seen once the visitor's poll has taken it.
    await agentMessage(agent, 'Hi! Alice here.').locator('.state[data-state=seen]').waitFor({ timeout: TIMEOUT });
  });

  it('shows typing both ways', async () => {
    const input = await waitForComposer(visitor);
    await input.pressSequentially('I am typ', { delay: 20 });
    await console_(agent, '.typing').waitFor({ timeout: TIMEOUT });
    await input.fill('');
    await console_(agent, 'form.composer textarea').pressSequentially('One mo', { delay: 20 });
    await widget(visitor, '[part=typing]').filter({ hasText: 'Alice is typing' }).waitFor({ timeout: TIMEOUT });
    await console_(agent, 'form.composer textarea').fill('');
  });

  it('shows markup in a message as text, on both sides', async () => {
    const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold?</b>';
    await visitorSends(visitor, evil);
    await agentMessage(agent, '<b>bold?</b>').waitFor({ timeout: TIMEOUT });
    expect(await agentMessage(agent, '<b>bold?</b>').locator('.bubble').textContent()).toBe(evil);
    expect(await visitorMessage(visitor, '<b>bold?</b>').locator('[part=bubble]').textContent()).toBe(evil);
    expect(await visitorMessage(visitor, '<b>bold?</b>').locator('img, script, b').count()).toBe(0);
    expect(await agentMessage(agent, '<b>bold?</b>').locator('img, script, b').count()).toBe(0);
    expect(await visitor.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await agent.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('makes web addresses in a message links in the console, and nothing else', async () => {
    await visitorSends(visitor, 'My order page: https://shop.example/orders/1051. Or javascript:alert(1)');
    const bubble = agentMessage(agent, 'My order page').locator('.bubble');
    await bubble.waitFor({ timeout: TIMEOUT });
    const links = bubble.locator('a');
    expect(await links.count()).toBe(1);
    expect(await links.getAttribute('href')).toBe('https://shop.example/orders/1051');
    expect(await links.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(await links.getAttribute('target')).toBe('_blank');
    expect(await bubble.textContent()).toBe('My order page: https://shop.example/orders/1051. Or javascript:alert(1)');
  });

  it('keeps the conversation across a reload, each message once and in order', async () => {
    await visitor.reload();
    // Left open, the panel comes back open on the next page of this tab.
    await widget(visitor, '[part=panel]').waitFor({ timeout: TIMEOUT });
    await visitorMessage(visitor, 'Hi! Alice here.').waitFor({ timeout: TIMEOUT });
    const texts = await widget(visitor, '.msg[data-mid] [part=bubble]').allTextContents();
    expect(texts[0]).toBe('Hello, is anyone there?');
    expect(texts[1]).toBe('Hi! Alice here. How can I help?');
    expect(new Set(texts).size).toBe(texts.length);
    const mids = await widget(visitor, '.msg[data-mid]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-mid'))));
    expect(mids).toEqual([...mids].sort((a, b) => a - b));
  });

  it('keeps a second tab of the same visitor in step, through one connection', async () => {
    const second = await visitorCtx.newPage();
    errors.push(watchErrors(second));
    const polls = new Map<Page, number>();
    for (const p of [visitor, second]) p.on('request', (r) => r.url().includes('/api/visitor/poll') && polls.set(p, (polls.get(p) ?? 0) + 1));
    await openWidget(second, `${sidecar.url}/demo`);
    await visitorMessage(second, 'Hi! Alice here.').waitFor({ timeout: TIMEOUT });
    await agentReplies(agent, 'Both tabs should see this');
    await visitorMessage(second, 'Both tabs should see this').waitFor({ timeout: TIMEOUT });
    await visitorMessage(visitor, 'Both tabs should see this').waitFor({ timeout: TIMEOUT });
    // The first tab leads; the second never polls on its own.
    expect(polls.get(second) ?? 0).toBe(0);
    await visitorSends(second, 'Sent from the second tab');
    await visitorMessage(visitor, 'Sent from the second tab').waitFor({ timeout: TIMEOUT });
    // The leader leaves: the second tab takes over the connection.
    await visitor.close();
    await agentReplies(agent, 'Still there?');
    await visitorMessage(second, 'Still there?').waitFor({ timeout: 20_000 });
    expect(polls.get(second) ?? 0).toBeGreaterThan(0);
    visitor = second;
  });

  it('sends by keyboard alone, and Esc closes the panel and returns focus to the launcher', async () => {
    await visitor.reload();
    await visitor.locator('kefu-chat').evaluate((el) => el.removeAttribute('open'));
    await visitor.locator('body').click({ position: { x: 5, y: 5 } });
    // Tab from the page into the launcher, then Enter opens it.
    for (let i = 0; i < 20; i++) {
      await visitor.keyboard.press('Tab');
      const onLauncher = await visitor.evaluate(() => document.activeElement?.tagName === 'KEFU-CHAT' && document.activeElement.shadowRoot?.activeElement?.getAttribute('part') === 'launcher');
      if (onLauncher) break;
    }
    await visitor.keyboard.press('Enter');
    await waitForComposer(visitor);
    await visitor.waitForFunction(() => {
      const chat = document.querySelector('kefu-chat');
      const panel = chat?.shadowRoot?.querySelector('kefu-chat-panel');
      return panel?.shadowRoot?.activeElement?.getAttribute('part') === 'input';
    }, undefined, { timeout: TIMEOUT });
    await visitor.keyboard.type('Typed without a mouse');
    await visitor.keyboard.press('Shift+Enter');
    await visitor.keyboard.type('second line');
    await visitor.keyboard.press('Enter');
    await agentMessage(agent, 'Typed without a mouse').waitFor({ timeout: TIMEOUT });
    expect(await agentMessage(agent, 'Typed without a mouse').locator('.bubble').textContent()).toBe('Typed without a mouse\nsecond line');
    await visitor.keyboard.press('Escape');
    await widget(visitor, '[part=panel]').waitFor({ state: 'hidden', timeout: TIMEOUT });
    expect(
      await visitor.evaluate(() => document.querySelector('kefu-chat')?.shadowRoot?.activeElement?.getAttribute('part')),
    ).toBe('launcher');
  });

  it('counts a reply on the launcher badge while closed and announces it in the live region', async () => {
    await agentReplies(agent, 'A reply while the panel is closed');
    await widget(visitor, '[part=badge]').filter({ hasText: '1' }).waitFor({ timeout: TIMEOUT });
    // A preview bubble by the launcher shows who wrote what; a click on it opens the chat.
    const preview = widget(visitor, '[part=preview]');
    await preview.filter({ hasText: 'A reply while the panel is closed' }).waitFor({ timeout: TIMEOUT });
    expect(await preview.locator('strong').textContent()).toBe('Alice');
    await preview.locator('.show').click();
    await preview.waitFor({ state: 'hidden', timeout: TIMEOUT });
    await widget(visitor, '[aria-live=polite]').filter({ hasText: 'Alice: A reply while the panel is closed' }).waitFor({ timeout: TIMEOUT });
    await widget(visitor, '[part=badge]').waitFor({ state: 'hidden', timeout: TIMEOUT });
  });

  it('flashes the page title while the tab is hidden, until the visitor comes back', async () => {
    const setHidden = (hidden: boolean) =>
      visitor.evaluate((h) => {
        Object.defineProperty(document, 'hidden', { value: h, configurable: true });
        Object.defineProperty(document, 'visibilityState', { value: h ? 'hidden' : 'visible', configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      }, hidden);
    await setHidden(true);
    await agentReplies(agent, 'Are you still on the page?');
    await visitor.waitForFunction(() => /New message/.test(document.title), undefined, { timeout: TIMEOUT });
    await setHidden(false);
    await visitor.waitForFunction(() => document.title === 'Kefu demo', undefined, { timeout: TIMEOUT });
  });

  it('raised no errors in either page', () => {
    expect(errors.flat()).toEqual([]);
  });
});
