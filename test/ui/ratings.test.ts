// Ratings in Chromium, end to end on one sidecar: an agent resolves in the
// console, the visitor's widget shows the rating card (and again after a
// reload), the visitor rates 👎 with a comment, the console shows the rating
// in the thread and in the report dialog; writing again takes the card away.
// axe-core finds nothing serious in the card or the report, light and dark.
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { checkAccessibility } from './axe.js';
import { newContext, watchErrors } from './browser.js';
import { agentMessage, agentReplies, console_, conversationEntry, openConsole, openWidget, TIMEOUT, visitorMessage, visitorSends, widget } from './chat-pages.js';
import { useSidecarAndBrowser } from './rig.js';

const rig = useSidecarAndBrowser();

async function expectNoSeriousViolations(page: Page, within: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
    const report = await checkAccessibility(page, within);
    expect({ colorScheme, within, violations: report.blocking }).toEqual({ colorScheme, within, violations: [] });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

it('asks the visitor to rate a resolved conversation and shows their rating to the team, in the thread and in the report', async () => {
  const { sidecar, browser } = rig;
  const agent = await (await newContext(browser)).newPage();
  const visitor = await (await newContext(browser)).newPage();
  const errors = [...watchErrors(agent), ...watchErrors(visitor)];
  await openConsole(agent, sidecar.url, await sidecar.agentToken(1, 'Ann'));
  await openWidget(visitor, `${sidecar.url}/demo`, { name: 'Sarah' });
  await widget(visitor, '[part=status]').filter({ hasText: 'Online' }).waitFor({ timeout: TIMEOUT });
  await visitorSends(visitor, 'My parcel is late.');
  await conversationEntry(agent, 'parcel is late').click();
  await agentMessage(agent, 'parcel is late').waitFor({ timeout: TIMEOUT });
  await agentReplies(agent, 'It arrives tomorrow.');
  await visitorMessage(visitor, 'arrives tomorrow').waitFor({ timeout: TIMEOUT });
  // No card while the conversation is open.
  expect(await widget(visitor, '[part=rating]').count()).toBe(0);

  await console_(agent, 'kefu-conversation-actions [data-action=resolve]').click();
  const card = widget(visitor, '[part=rating]');
  await card.waitFor({ timeout: TIMEOUT });
  await expect.poll(() => card.locator('p').first().textContent()).toBe('How was this conversation?');
  // Real buttons, named by their words (the emoji is decoration).
  const bad = card.getByRole('button', { name: 'Bad', exact: true });
  await card.getByRole('button', { name: 'Good', exact: true }).waitFor({ timeout: TIMEOUT });
  await expectNoSeriousViolations(visitor, 'kefu-chat');

  // A reload asks again: the session says a rating is due.
  await visitor.reload();
  await widget(visitor, '[part=rating] button[data-score=bad]').waitFor({ timeout: TIMEOUT });

  await bad.click();
  await expect.poll(() => bad.getAttribute('aria-pressed')).toBe('true');
  const comment = card.locator('textarea');
  await expect.poll(() => comment.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
  await comment.fill('Nobody told me it was late.');
  await expectNoSeriousViolations(visitor, 'kefu-chat');
  await card.getByRole('button', { name: 'Send' }).click();
  await card.getByRole('status').filter({ hasText: 'Thanks for your feedback!' }).waitFor({ timeout: TIMEOUT });

  // The console: a line in the thread, live, where the rating was given.
  const line = console_(agent, 'kefu-rating-line[data-score=bad]');
  await line.waitFor({ timeout: TIMEOUT });
  // Its words are in its shadow root (a chunk of its own, loaded with the first rating shown).
  await expect.poll(() => line.locator('span').first().textContent()).toBe('Rated 👎 Bad: Nobody told me it was late.');
  const thread = await console_(agent, '.messages > *').evaluateAll((els) => els.map((e) => e.tagName.toLowerCase()));
  expect(thread.slice(-2)).toEqual(['div', 'kefu-rating-line']);

  // The report: Ann's week with one bad rating, and the comment.
  await console_(agent, 'kefu-desk-tools [data-tool=ratings]').click();
  const report = console_(agent, 'kefu-ratings-report');
  const row = report.locator('tr[data-agent="agent:1"]');
  await row.waitFor({ timeout: TIMEOUT });
  expect(await row.locator('th').textContent()).toBe('Ann');
  const thisWeek = row.locator('td').nth(7);
  expect([await thisWeek.getAttribute('data-good'), await thisWeek.getAttribute('data-bad')]).toEqual(['0', '1']);
  expect(await thisWeek.locator('.share').textContent()).toBe('0%');
  expect(await report.locator('th[scope=col]').count()).toBe(10); // agent, 8 weeks, total
  await expect.poll(() => report.locator('[part=comment]').first().textContent()).toContain('Nobody told me it was late.');
  await expectNoSeriousViolations(agent, 'kefu-admin');
  // Fewer weeks: the table follows.
  await report.locator('select').selectOption('4');
  await expect.poll(() => report.locator('th[scope=col]').count()).toBe(6);
  await agent.keyboard.press('Escape');

  // The visitor writes again: the thanks go, the conversation is open again, nothing to rate.
  await visitorSends(visitor, 'One more question.');
  await expect.poll(() => widget(visitor, '[part=rating]').count()).toBe(0);
  await console_(agent, 'kefu-conversation-actions [data-action=resolve]').waitFor({ timeout: TIMEOUT });
  await visitor.reload();
  await visitorMessage(visitor, 'One more question').waitFor({ timeout: TIMEOUT });
  expect(await widget(visitor, '[part=rating]').count()).toBe(0);
  expect(errors).toEqual([]);
}, 90_000);
