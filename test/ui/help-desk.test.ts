// The console as a team's help desk, in Chromium, with two agents and two
// visitors on one sidecar (and a third for blocking): claiming by answering, colleagues seen viewing and
// typing, a canned reply with its placeholders filled, a note the visitor
// never gets, a transfer with a note the receiver sees, resolving by keyboard
// and a visitor reopening, the tabs and their counts following live on the
// other console, search opening a conversation at its message, and a block.
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { newContext, watchErrors } from './browser.js';
import { useSidecarAndBrowser } from './rig.js';
import { AgentClient } from './agent-api.js';
import { agentMessage, console_, conversationEntry, openConsole, openWidget, TIMEOUT, visitorMessage, visitorSends, widget } from './chat-pages.js';

const rig = useSidecarAndBrowser();

const tab = (page: Page, filter: string) => console_(page, `.tabs button[data-filter=${filter}]`);
const tabCount = async (page: Page, filter: string) => Number(await tab(page, filter).locator('.tab-count').textContent());
const composer = (page: Page) => console_(page, 'form.composer textarea');
const action = (page: Page, name: string) => console_(page, `kefu-conversation-actions [data-action=${name}]`);

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + TIMEOUT;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('runs a conversation from first message to resolved across two agents, and never shows a note to the visitor', async () => {
  const { sidecar, browser } = rig;
  const annToken = await sidecar.agentToken(1, 'Ann');
  const bobToken = await sidecar.agentToken(2, 'Bob');
  await new AgentClient(sidecar.url, bobToken).online();
  // A shared canned reply with placeholders, made over the API (the manager has its own test).
  const made = await fetch(`${sidecar.url}/api/agent/canned`, {
    method: 'POST',
    headers: { authorization: `Bearer ${annToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ shortcut: 'hello', content: 'Hello {visitor.name}, {agent.name} here.' }),
  });
  expect(made.status).toBe(201);

  const ann = await (await newContext(browser)).newPage();
  const bob = await (await newContext(browser)).newPage();
  const visitor = await (await newContext(browser)).newPage();
  const errors = [...watchErrors(ann), ...watchErrors(bob)];
  await openConsole(ann, sidecar.url, annToken);
  await openConsole(bob, sidecar.url, bobToken);

  // A second visitor who stays unassigned throughout.
  const other = await (await newContext(browser)).newPage();
  await openWidget(other, `${sidecar.url}/demo`);
  await visitorSends(other, 'a second visitor is waiting here');
  await openWidget(visitor, `${sidecar.url}/demo`);
  await visitorSends(visitor, 'I was charged twice for my refund order');
  await conversationEntry(bob, 'charged twice').waitFor({ timeout: TIMEOUT });
  // By id from here on: the entry's text changes with every message.
  const visitorId = await conversationEntry(bob, 'charged twice').getAttribute('data-visitor');
  const entry = (page: Page) => console_(page, `button.conv[data-visitor="${visitorId}"]`);
  const entryOnBob = entry(bob);
  expect(await entryOnBob.locator('.owner').textContent()).toContain('Unassigned');
  // Nobody has answered yet: the entry says the visitor is waiting.
  expect(await entryOnBob.locator('.waiting').textContent()).toBe('Awaiting reply');
  await waitFor(async () => (await tabCount(bob, 'unassigned')) === 2, 'the unassigned count of both visitors');
  const bobUnassigned = await tabCount(bob, 'unassigned');

  // Both open it: each sees the other looking.
  await entry(ann).click();
  await entryOnBob.click();
  await console_(ann, '.presence-line .viewers').filter({ hasText: 'Bob' }).waitFor({ timeout: TIMEOUT });
  await console_(bob, '.presence-line .viewers').filter({ hasText: 'Ann' }).waitFor({ timeout: TIMEOUT });
  // Bob starts typing: Ann sees it before she answers too.
  await composer(bob).pressSequentially('Let me', { delay: 20 });
  await console_(ann, '.presence-line .typing').filter({ hasText: 'Bob' }).waitFor({ timeout: TIMEOUT });
  await composer(bob).fill('');

  // Ann answers with the canned reply: "/hel" offers it, Enter inserts it filled in, Enter sends.
  await composer(ann).click();
  await composer(ann).pressSequentially('/hel', { delay: 20 });
  await console_(ann, '.canned-option[data-shortcut=hello]').waitFor({ timeout: TIMEOUT });
  await composer(ann).press('Enter');
  expect(await composer(ann).inputValue()).toBe('Hello there, Ann here.');
  await composer(ann).press('Enter');
  await visitorMessage(visitor, 'Hello there, Ann here.').waitFor({ timeout: TIMEOUT });
  // Answering claimed it: Bob's list says so at once, and his unassigned count went down.
  await entryOnBob.locator('.owner').filter({ hasText: 'Ann' }).waitFor({ timeout: TIMEOUT });
  await waitFor(async () => (await tabCount(bob, 'unassigned')) === bobUnassigned - 1, 'Bob\'s unassigned count to drop');
  expect(await entryOnBob.locator('.last').textContent()).toBe('Hello there, Ann here.');
  expect(await entry(ann).locator('.last').textContent()).toBe('You: Hello there, Ann here.');
  expect(await entry(ann).locator('.waiting').count()).toBe(0);
  // Bob's Unassigned tab: the other visitor, not Ann's conversation (the one he has open stays listed until he leaves it).
  await conversationEntry(bob, 'a second visitor').click();
  await tab(bob, 'unassigned').click();
  await conversationEntry(bob, 'a second visitor').waitFor({ timeout: TIMEOUT });
  await expect.poll(() => entryOnBob.count(), { timeout: TIMEOUT }).toBe(0);
  await tab(bob, 'open').click();
  await entryOnBob.click();

  // A note: both agents see it in the thread; the visitor never does.
  await console_(ann, 'kefu-composer button[data-mode=note]').click();
  await composer(ann).fill('Checked the payment log: refund is fine');
  await composer(ann).press('Enter');
  await console_(bob, '.team-note').filter({ hasText: 'Checked the payment log' }).waitFor({ timeout: TIMEOUT });
  await console_(ann, '.team-note').filter({ hasText: 'Checked the payment log' }).waitFor({ timeout: TIMEOUT });

  // Ann hands it to Bob with a note; Bob's console says so, and it is his.
  await console_(ann, 'kefu-composer button[data-mode=reply]').click();
  await action(ann, 'transfer').click();
  await console_(ann, 'kefu-conversation-actions dialog[data-dialog=transfer] [data-field=agent]').selectOption('agent:2');
  await console_(ann, 'kefu-conversation-actions dialog[data-dialog=transfer] [data-field=note]').fill('Over to you for the refund');
  await console_(ann, 'kefu-conversation-actions dialog[data-dialog=transfer] button[type=submit]').click();
  await console_(bob, '.banner.handoff').filter({ hasText: 'Over to you for the refund' }).waitFor({ timeout: TIMEOUT });
  await console_(bob, '.team-note').filter({ hasText: 'Over to you for the refund' }).waitFor({ timeout: TIMEOUT });
  await entryOnBob.locator('.owner').filter({ hasText: 'You' }).waitFor({ timeout: TIMEOUT });
  await waitFor(async () => (await tabCount(bob, 'mine')) === 1, 'Bob\'s mine count');
  await console_(ann, 'kefu-conversation-actions').filter({ hasText: 'Bob' }).waitFor({ timeout: TIMEOUT });

  // Bob resolves with the keyboard (E, outside the reply box); Ann's tabs follow.
  const annResolved = await tabCount(ann, 'resolved');
  await console_(bob, '.conv-head h2').click();
  await bob.keyboard.press('e');
  await console_(bob, 'kefu-conversation-actions [data-action=reopen]').waitFor({ timeout: TIMEOUT });
  await waitFor(async () => (await tabCount(ann, 'resolved')) === annResolved + 1, 'Ann\'s resolved count');
  // The visitor writes again: open again on both consoles.
  await visitorSends(visitor, 'one more question please');
  await action(bob, 'resolve').waitFor({ timeout: TIMEOUT });
  await waitFor(async () => (await tabCount(ann, 'resolved')) === annResolved, 'Ann\'s resolved count back');

  // The note never reached the visitor: not on the page, not in their history.
  expect(await widget(visitor, '[part=messages]').textContent()).not.toContain('payment log');
  const history = await visitor.evaluate(async () => {
    const el = document.querySelector('kefu-chat') as unknown as { shadowRoot: ShadowRoot };
    return el.shadowRoot.textContent ?? '';
  });
  expect(history).not.toContain('Over to you');
  const rows = await new AgentClient(sidecar.url, annToken).messages(visitorId!);
  expect(rows.map((m) => m.content).join('\n')).not.toMatch(/payment log|Over to you/);

  // Search from the keyboard opens the conversation at the message.
  await console_(ann, '.conv-head h2').click();
  await ann.keyboard.press('Control+k');
  const box = console_(ann, 'kefu-search-panel input');
  await box.waitFor({ timeout: TIMEOUT });
  await box.fill('charged twice');
  await console_(ann, 'kefu-search-panel [part=hit]').first().click();
  await console_(ann, '.msg.found').filter({ hasText: 'charged twice' }).waitFor({ timeout: TIMEOUT });
  expect(errors).toEqual([]);
});

it('blocks a visitor from the conversation: the console says so and their next message is refused', async () => {
  const { sidecar, browser } = rig;
  const ann = await (await newContext(browser)).newPage();
  const visitor = await (await newContext(browser)).newPage();
  await openConsole(ann, sidecar.url, await sidecar.agentToken(1, 'Ann'));
  await openWidget(visitor, `${sidecar.url}/demo`);
  await visitorSends(visitor, 'buy cheap watches now');
  await conversationEntry(ann, 'cheap watches').click();
  await agentMessage(ann, 'cheap watches').waitFor({ timeout: TIMEOUT });
  await action(ann, 'block').click();
  await console_(ann, 'kefu-conversation-actions dialog[data-dialog=block] [data-field=reason]').fill('Spam');
  await console_(ann, 'kefu-conversation-actions dialog[data-dialog=block] button[type=submit]').click();
  await console_(ann, '.blocked').waitFor({ timeout: TIMEOUT });
  await action(ann, 'unblock').waitFor({ timeout: TIMEOUT });
  await visitorSends(visitor, 'more spam');
  await widget(visitor, '[data-state=failed]').waitFor({ timeout: TIMEOUT });
  // Listed in the blocked dialog, and lifted from there.
  await console_(ann, 'kefu-desk-tools button[data-tool=blocks]').click();
  await console_(ann, 'kefu-blocks-panel [part=unblock]').click();
  await action(ann, 'block').waitFor({ timeout: TIMEOUT });
  await expect.poll(() => console_(ann, '.blocked').count(), { timeout: TIMEOUT }).toBe(0);
});
