// The widget in Chromium (the built bundle on /kefu/demo) when its poll
// answers are lost: the server answers with messages, the connection is cut
// before the page reads them. What must hold: the next poll delivers them
// again and the widget shows each message exactly once, in order, also after
// a reload.
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { request } from '../helpers/http-probe.js';
import { launchBrowser, newContext, watchErrors } from '../ui/browser.js';
import { PUBLIC_DIR } from '../ui/public-dir.js';
import { ensureOpen, openWidget, visitorMessage, visitorSends, widget, TIMEOUT } from '../ui/chat-pages.js';

let sc: TestSidecar;
let browser: Browser;
let agent: string;

beforeAll(async () => {
  [sc, browser] = await Promise.all([startSidecar({ publicDir: PUBLIC_DIR }), launchBrowser()]);
  agent = await sc.agentToken(1, 'Ann');
  await request(sc.url, '/api/agent/presence', { token: agent, json: { status: 'online' } });
});

afterAll(async () => {
  await browser?.close();
  await sc?.stop();
});

async function visitorIdOf(text: string): Promise<string> {
  let id = '';
  await vi.waitFor(async () => {
    const list = (await request(sc.url, '/api/agent/conversations', { token: agent })).json as { conversations: Array<{ visitorId: string; lastMessage: { content: string } | null }> };
    id = list.conversations.find((c) => c.lastMessage?.content === text)?.visitorId ?? '';
    if (!id) throw new Error('conversation not listed yet');
  }, { timeout: TIMEOUT });
  return id;
}

/** The conversation's messages as shown (the static greeting bubble left out). */
const shownTexts = async (page: Page, expected: readonly string[]) => {
  const all = await widget(page, '[part=message] [part=bubble]').allTextContents();
  return all.filter((t) => expected.includes(t) || /^(hello|reply) /.test(t));
};

describe('the widget with poll answers cut in flight', () => {
  it('shows every reply exactly once, in order, and again once after a reload', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    let cuts = 0;
    let answered = 0;
    await page.route('**/kefu/api/visitor/poll**', async (route: Route) => {
      let res;
      try {
        res = await route.fetch();
      } catch {
        return route.abort().catch(() => undefined);
      }
      const body = (await res.json().catch(() => ({}))) as { messages?: unknown[] };
      // The server has answered (and will count the next cursor as the acknowledgement); the page never sees it.
      if (body.messages?.length && cuts < 4) {
        cuts++;
        return route.abort('connectionreset');
      }
      answered++;
      return route.fulfill({ response: res, json: body });
    });
    await openWidget(page, `${sc.url}/demo`);
    const hello = `hello ${Date.now()}`;
    await visitorSends(page, hello);
    await visitorMessage(page, hello).waitFor({ timeout: TIMEOUT });
    const visitorId = await visitorIdOf(hello);

    const replies: string[] = [];
    for (let i = 0; i < 6; i++) {
      const text = `reply ${i} to ${visitorId.slice(-4)}`;
      replies.push(text);
      const r = await request(sc.url, `/api/agent/conversations/${visitorId}/messages`, { token: agent, json: { content: text } });
      expect(r.status).toBe(201);
      if (i % 2 === 1) await visitorMessage(page, text).waitFor({ timeout: TIMEOUT });
    }
    for (const text of replies) await visitorMessage(page, text).waitFor({ timeout: TIMEOUT });
    expect(cuts).toBeGreaterThanOrEqual(3);
    // One more full poll round after the last reply (a typing notice wakes it), so a late duplicate would have arrived.
    const mark = answered;
    await request(sc.url, '/api/agent/typing', { token: agent, json: { visitorId, typing: true } });
    await vi.waitFor(() => { if (answered < mark + 1) throw new Error('no further poll answered'); }, { timeout: TIMEOUT });
    expect(await shownTexts(page, [hello, ...replies])).toEqual([hello, ...replies]);

    await page.unroute('**/kefu/api/visitor/poll**');
    await page.reload();
    await ensureOpen(page);
    await visitorMessage(page, replies[5]).waitFor({ timeout: TIMEOUT });
    expect(await shownTexts(page, [hello, ...replies])).toEqual([hello, ...replies]);
    expect(errors.filter((e) => !/ERR_CONNECTION_RESET|net::|Failed to fetch/.test(e))).toEqual([]);
    console.info(`[widget] ${cuts} poll answers cut in flight; ${replies.length + 1} messages shown once each, also after a reload`);
    await ctx.close();
  }, 60_000);
});
