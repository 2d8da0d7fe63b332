// axe-core over what agents and visitors really see: the standalone console
// (empty, then with a conversation open, then with the help desk's notes and
// dialogs) and the widget on /demo with a
// conversation, on a desktop and on a phone. The rules are WCAG 2.0/2.1 A and
// AA plus axe's best practices (AXE_TAGS in axe.ts); a serious or critical
// finding fails, minor and moderate ones are left to the report.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { checkAccessibility } from './axe.js';
import { agentMessage, agentReplies, console_, conversationEntry, openConsole, openWidget, TIMEOUT, visitorMessage, visitorSends, widget } from './chat-pages.js';
import { useSidecarAndBrowser } from './rig.js';

const rig = useSidecarAndBrowser();

const SIZES = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];

async function newPage(viewport: { width: number; height: number }): Promise<Page> {
  const ctx = await rig.browser.newContext({ locale: 'en-US', viewport });
  const page = await ctx.newPage();
  // The panel fades in: axe must not measure its colours halfway.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  return page;
}

/**
 * Light and dark: the console follows prefers-color-scheme (its dark theme
 * must keep every contrast), the widget pins `color-scheme: light` today, so
 * a dark theme cannot arrive there with its contrast unchecked either.
 */
async function expectNoSeriousViolations(page: Page, within?: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const report = await checkAccessibility(page, within);
    expect({ colorScheme, violations: report.blocking }).toEqual({ colorScheme, violations: [] });
  }
}

describe.each(SIZES)('at $width×$height', (viewport) => {
  const text = `Do you deliver? (asked at ${viewport.width} px)`;
  const reply = `We do. (answered at ${viewport.width} px)`;

  /** An agent who answered a visitor, both pages still open: built by the first test that needs it. */
  let conversation: Promise<{ agent: Page; visitor: Page }> | undefined;
  const withConversation = () =>
    (conversation ??= (async () => {
      const agent = await newPage(viewport);
      await openConsole(agent, rig.sidecar.url, await rig.sidecar.agentToken(1, 'Alice'));
      const visitor = await newPage(viewport);
      await openWidget(visitor, `${rig.sidecar.url}/demo`);
      await widget(visitor, '[part=status]').filter({ hasText: 'Online' }).waitFor({ timeout: TIMEOUT });
      await visitorSends(visitor, text);
      await conversationEntry(agent, text).click();
      await agentMessage(agent, text).waitFor({ timeout: TIMEOUT });
      await agentReplies(agent, reply);
      await visitorMessage(visitor, reply).waitFor({ timeout: TIMEOUT });
      await agentMessage(agent, reply).locator('.state[data-state=seen]').waitFor({ timeout: TIMEOUT });
      return { agent, visitor };
    })());

  it('finds nothing serious in the console with no conversation open', async () => {
    const agent = await newPage(viewport);
    await openConsole(agent, rig.sidecar.url, await rig.sidecar.agentToken(2, 'Bob'));
    await expectNoSeriousViolations(agent);
  });

  it('finds nothing serious in the console with a conversation open', { timeout: 60_000 }, async () => {
    const { agent } = await withConversation();
    await expectNoSeriousViolations(agent);
  });

  it('finds nothing serious in the help desk: a note, the canned list, and each dialog open', { timeout: 90_000 }, async () => {
    const { agent } = await withConversation();
    const box = console_(agent, 'form.composer textarea');
    await console_(agent, 'kefu-composer button[data-mode=note]').click();
    await box.fill('A note for the team');
    await box.press('Enter');
    await console_(agent, '.team-note').first().waitFor({ timeout: TIMEOUT });
    await console_(agent, 'kefu-composer button[data-mode=reply]').click();
    await expectNoSeriousViolations(agent);
    for (const open of ['transfer', 'block'] as const) {
      await console_(agent, `kefu-conversation-actions [data-action=${open}]`).click();
      await console_(agent, `kefu-conversation-actions dialog[data-dialog=${open}] [data-field]`).first().waitFor({ timeout: TIMEOUT });
      await expectNoSeriousViolations(agent);
      await agent.keyboard.press('Escape');
    }
    for (const tool of ['search', 'canned', 'blocks', 'shortcuts'] as const) {
      await console_(agent, `kefu-desk-tools button[data-tool=${tool}]`).click();
      await console_(agent, `kefu-desk-tools dialog[data-tool=${tool}]`).waitFor({ timeout: TIMEOUT });
      if (tool === 'search') {
        await console_(agent, 'kefu-search-panel input').fill('deliver');
        await console_(agent, 'kefu-search-panel [part=hit]').first().waitFor({ timeout: TIMEOUT });
      }
      await expectNoSeriousViolations(agent);
      await console_(agent, 'kefu-desk-tools dialog button.close').click();
    }
  });

  it('finds nothing serious in the widget with a conversation', { timeout: 60_000 }, async () => {
    const { visitor } = await withConversation();
    // Only what the widget adds: the rest of /demo stands for the site's own page.
    await expectNoSeriousViolations(visitor, 'kefu-chat');
  });

  it('finds nothing serious in the widget with a message that failed to send', { timeout: 60_000 }, async () => {
    await withConversation(); // an agent online, so the widget offers its composer
    const page = await newPage(viewport);
    await openWidget(page, `${rig.sidecar.url}/demo`);
    await widget(page, '[part=status]').filter({ hasText: 'Online' }).waitFor({ timeout: TIMEOUT });
    await page.route('**/kefu/api/visitor/messages', (route) => (route.request().method() === 'POST' ? route.abort('connectionreset') : route.fallback()));
    const failed = `Lost on the way, see https://example.com/help (${viewport.width} px)`;
    await visitorSends(page, failed);
    await visitorMessage(page, failed).locator('button.retry').waitFor({ timeout: TIMEOUT });
    await expectNoSeriousViolations(page, 'kefu-chat');
  });
});
