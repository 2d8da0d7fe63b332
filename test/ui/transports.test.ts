// Each delivery mechanism carries a message both ways in a real browser:
// the widget's long poll, hidden-iframe stream and interval poll, and the
// console's stream with its fall-back to the long poll.
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { AgentClient } from './agent-api.js';
import { launchBrowser, newContext, watchErrors } from './browser.js';
import { PUBLIC_DIR } from './public-dir.js';
import { agentMessage, console_, conversationEntry, openWidget, TIMEOUT, visitorMessage, visitorSends } from './chat-pages.js';

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

async function visitorIdOf(page: Page): Promise<string> {
  return page.evaluate(() => {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i)!;
      if (key.endsWith('.token')) return JSON.parse(atob(localStorage.getItem(key)!.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).sub;
    }
    return '';
  });
}

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
    const visitorId = await visitorIdOf(page);
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
