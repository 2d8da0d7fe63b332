// Both components taken out of the page and put back (a single-page app
// moving them, a CMS re-rendering its admin screen): while out they stop
// (no requests), and back in they carry on from where their feed stopped, so
// a message sent meanwhile arrives, once.
import type { Page } from 'playwright-core';
import { expect, it, vi } from 'vitest';
import { AgentClient } from './agent-api.js';
import { newContext, watchErrors } from './browser.js';
import { useSidecarAndBrowser } from './rig.js';
import { agentMessage, conversationEntry, openConsole, openWidget, TIMEOUT, visitorMessage, visitorSends } from './chat-pages.js';

const rig = useSidecarAndBrowser();

/** Takes the element out of the document, keeping it (and its parent) for `reattach`. */
async function detach(page: Page, tag: 'kefu-admin' | 'kefu-chat'): Promise<void> {
  await page.evaluate((t) => {
    const el = document.querySelector(t)!;
    (window as unknown as { __kept: [Element, Element] }).__kept = [el, el.parentElement!];
    el.remove();
  }, tag);
}

async function reattach(page: Page): Promise<void> {
  await page.evaluate(() => {
    const [el, parent] = (window as unknown as { __kept: [Element, Element] }).__kept;
    parent.append(el);
  });
}

/** Counts the requests to `pattern` made from now on. */
function countRequests(page: Page, pattern: RegExp): () => number {
  let n = 0;
  page.on('request', (r) => void (pattern.test(r.url()) && n++));
  return () => n;
}

it('the console stops while out of the page and, put back, shows what was said meanwhile, once', async () => {
  const agent = await (await newContext(rig.browser)).newPage();
  const visitor = await (await newContext(rig.browser)).newPage();
  const errors = [watchErrors(agent), watchErrors(visitor)];
  await openConsole(agent, rig.sidecar.url, await rig.sidecar.agentToken(1, 'Alice'));
  await openWidget(visitor, `${rig.sidecar.url}/demo`);
  await visitorSends(visitor, 'first, with the console in the page');
  await conversationEntry(agent, 'first, with the console in the page').click();
  await agentMessage(agent, 'first, with the console in the page').waitFor({ timeout: TIMEOUT });

  await detach(agent, 'kefu-admin');
  const requests = countRequests(agent, /\/kefu\/(agent\/stream|api\/agent\/)/);
  await visitorSends(visitor, 'second, while the console was away');
  await visitorMessage(visitor, 'second, while the console was away').locator('.state[data-state=sent]').waitFor({ timeout: TIMEOUT });
  // Nothing can be awaited for requests that must not happen: a look of two seconds.
  await agent.waitForTimeout(2000);
  expect(requests()).toBe(0);

  await reattach(agent);
  await agentMessage(agent, 'second, while the console was away').waitFor({ timeout: TIMEOUT });
  expect(await agentMessage(agent, 'second, while the console was away').count()).toBe(1);
  expect(await agentMessage(agent, 'first, with the console in the page').count()).toBe(1);
  // One feed, not two: a message after the return also shows once.
  await visitorSends(visitor, 'third, after the return');
  await agentMessage(agent, 'third, after the return').waitFor({ timeout: TIMEOUT });
  await vi.waitFor(async () => expect(await agentMessage(agent, 'third, after the return').count()).toBe(1), { timeout: 1000 });
  expect(await agent.locator('kefu-admin').evaluate((el) => el.shadowRoot!.querySelectorAll('iframe').length)).toBeLessThanOrEqual(1);
  expect(errors.flat()).toEqual([]);
});

it('the widget stops while out of the page and, put back, shows the reply sent meanwhile, once', async () => {
  const agent = new AgentClient(rig.sidecar.url, await rig.sidecar.agentToken(2, 'Bob'));
  await agent.online();
  const visitor = await (await newContext(rig.browser)).newPage();
  const errors = watchErrors(visitor);
  await openWidget(visitor, `${rig.sidecar.url}/demo`);
  await visitorSends(visitor, 'hello before leaving');
  await visitorMessage(visitor, 'hello before leaving').locator('.state[data-state=sent]').waitFor({ timeout: TIMEOUT });
  const visitorId = (await agent.conversations()).find((c) => c.lastMessage?.content === 'hello before leaving')!.visitorId;

  await detach(visitor, 'kefu-chat');
  const polls = countRequests(visitor, /\/api\/visitor\/poll/);
  await agent.reply(visitorId, 'a reply while the widget was away');
  await visitor.waitForTimeout(2000);
  expect(polls()).toBe(0);

  await reattach(visitor);
  await visitorMessage(visitor, 'a reply while the widget was away').waitFor({ timeout: TIMEOUT });
  expect(await visitorMessage(visitor, 'a reply while the widget was away').count()).toBe(1);
  await agent.reply(visitorId, 'and one after the return');
  await visitorMessage(visitor, 'and one after the return').waitFor({ timeout: TIMEOUT });
  await vi.waitFor(async () => expect(await visitorMessage(visitor, 'and one after the return').count()).toBe(1), { timeout: 1000 });
  expect(errors).toEqual([]);
});
