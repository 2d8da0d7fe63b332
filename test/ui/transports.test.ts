// Each delivery mechanism carries a message both ways in a real browser:
// the widget's long poll, hidden-iframe stream and interval poll, and the
// console's stream with its fall-back to the long poll.
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { AgentClient } from './agent-api.js';
import { launchBrowser, newContext, watchErrors } from './browser.js';
import { PUBLIC_DIR } from './public-dir.js';
import { agentMessage, console_, conversationEntry, openWidget, TIMEOUT, visitorIdIn, visitorMessage, visitorSends, widget } from './chat-pages.js';

let sidecar: TestSidecar;
let browser: Browser;
let agent: AgentClient;

beforeAll(async () => {
  [sidecar, browser] = await Promise.all([startSidecar({ publicDir: PUBLIC_DIR }), launchBrowser()]);
  agent = new AgentClient(sidecar.url, await sidecar.agentToken(2, 'Bob'));
  await agent.online();
});

afterAll(async () => {
  await browser?.close();
  await sidecar?.stop();
});

describe.each([
  { transport: 'long-poll', route: '/api/visitor/poll', wait: '25' },
  { transport: 'iframe', route: '/kefu/visitor/stream', wait: undefined },
  { transport: 'poll', route: '/api/visitor/poll', wait: '0' },
])('widget with transport="$transport"', ({ transport, route, wait }) => {
  let ctx: BrowserContext;
  let page: Page;
  const requests: Request[] = [];

  beforeAll(async () => {
    ctx = await newContext(browser);
    page = await ctx.newPage();
    const pageErrors = watchErrors(page);
    afterAll(() => expect(pageErrors).toEqual([]));
    page.on('request', (r) => requests.push(r));
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('carries a message from the visitor to the agents and a reply back', async () => {
    await openWidget(page, `${sidecar.url}/demo`, transport === 'long-poll' ? {} : { transport });
    const text = `hello over ${transport}`;
    await visitorSends(page, text);
    await visitorMessage(page, text).locator('.state[data-state=sent]').waitFor({ timeout: TIMEOUT });
    const visitorId = await visitorIdIn(page);
    expect(visitorId).toMatch(/^v_[A-Za-z0-9_-]{22}$/);
    await vi.waitFor(async () => expect((await agent.messages(visitorId)).map((m) => m.content)).toContain(text), { timeout: TIMEOUT });
    await agent.reply(visitorId, `answer over ${transport}`);
    await visitorMessage(page, `answer over ${transport}`).waitFor({ timeout: TIMEOUT });
    const used = requests.filter((r) => r.url().includes(route));
    expect(used.length).toBeGreaterThan(0);
    if (wait !== undefined) expect(new URL(used[0].url()).searchParams.get('wait')).toBe(wait);
    if (transport === 'iframe') expect(requests.filter((r) => r.url().includes('/api/visitor/poll'))).toEqual([]);
  });
});

describe('console', () => {
  it('falls back to the long poll by itself when the stream is blocked', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    // A proxy that refuses the stream: every attempt at the frame fails.
    await page.route('**/kefu/agent/stream**', (r) => r.fulfill({ status: 502, contentType: 'text/html', body: '<h1>Bad gateway</h1>' }));
    const polls: string[] = [];
    page.on('request', (r) => r.url().includes('/api/agent/poll') && polls.push(r.url()));
    await page.goto(`${sidecar.url}/console#token=${await sidecar.agentToken(3, 'Carol')}`);
    await vi.waitFor(() => expect(polls.length).toBeGreaterThan(0), { timeout: 20_000 });

    const visitorCtx = await newContext(browser);
    const visitor = await visitorCtx.newPage();
    await openWidget(visitor, `${sidecar.url}/demo`);
    await visitorSends(visitor, 'reaching a console behind a blocking proxy');
    await conversationEntry(page, 'reaching a console behind a blocking proxy').click();
    await agentMessage(page, 'reaching a console behind a blocking proxy').waitFor({ timeout: TIMEOUT });
    const input = console_(page, 'form.composer textarea');
    await input.fill('Carol answering through the long poll');
    await input.press('Enter');
    await visitorMessage(visitor, 'Carol answering through the long poll').waitFor({ timeout: TIMEOUT });
    await visitorCtx.close();
    await ctx.close();
  });
});

describe('unreliable networks', () => {
  it('offers a retry when sending failed, and the retry never stores the message twice', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await openWidget(page, `${sidecar.url}/demo`);
    await widget(page, '[part=status]').filter({ hasText: 'Online' }).waitFor({ timeout: TIMEOUT });
    // The first send never reaches the sidecar; the second one reaches it but
    // its answer is lost; the third goes through.
    let attempt = 0;
    await page.route('**/kefu/api/visitor/messages', async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      attempt++;
      if (attempt === 1) return route.abort('connectionreset');
      if (attempt === 2) {
        await route.fetch();
        return route.abort('connectionreset');
      }
      return route.fallback();
    });
    await visitorSends(page, 'sent on a bad line');
    const mine = visitorMessage(page, 'sent on a bad line');
    await mine.locator('.state[data-state=failed]').waitFor({ timeout: TIMEOUT });
    await mine.locator('button.retry').click();
    // The stored row shows up through the poll, or the next retry gets it back.
    // The poll may replace the failed row between the look and the click, so a
    // click that finds no button any more gives up quickly instead of waiting.
    const retry = mine.locator('button.retry');
    await vi.waitFor(
      async () => {
        if (await retry.isVisible()) await retry.click({ timeout: 500 }).catch((err: Error) => expect(err.name).toBe('TimeoutError'));
        expect(await mine.locator('.state[data-state=sent], .state[data-state=read]').count()).toBe(1);
      },
      { timeout: TIMEOUT, interval: 300 },
    );
    const visitorId = await visitorIdIn(page);
    const stored = (await agent.messages(visitorId)).filter((m) => m.content === 'sent on a bad line');
    expect(stored).toHaveLength(1);
    expect(await mine.count()).toBe(1);
    await ctx.close();
  });

  it('shows a quiet reconnecting state while the sidecar is unreachable and catches up by itself', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    // Every poll passes through here; while `down`, answers are dropped on the floor.
    let down = false;
    await page.route('**/kefu/api/visitor/poll**', async (route) => {
      if (down) return route.abort('internetdisconnected');
      const response = await route.fetch({ timeout: 0 }).catch(() => undefined);
      if (down || !response) return route.abort('internetdisconnected');
      return route.fulfill({ response });
    });
    await openWidget(page, `${sidecar.url}/demo`);
    await visitorSends(page, 'before the outage');
    await visitorMessage(page, 'before the outage').locator('.state[data-state=sent]').waitFor({ timeout: TIMEOUT });
    const visitorId = await visitorIdIn(page);
    down = true;
    // The held poll answers with this reply, but the answer is lost.
    await agent.reply(visitorId, 'sent during the outage');
    await widget(page, '[part=status]').filter({ hasText: 'Reconnecting' }).waitFor({ timeout: TIMEOUT });
    expect(await visitorMessage(page, 'sent during the outage').count()).toBe(0);
    expect(await widget(page, '[part=panel]').textContent()).not.toMatch(/refresh|reload/i);
    down = false;
    await visitorMessage(page, 'sent during the outage').waitFor({ timeout: 40_000 });
    expect(await visitorMessage(page, 'sent during the outage').count()).toBe(1);
    await vi.waitFor(async () => expect(await widget(page, '[part=status]').textContent()).not.toContain('Reconnecting'), { timeout: TIMEOUT });
    await ctx.close();
  });
});
