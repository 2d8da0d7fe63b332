// What a visitor and an agent do, in words the tests read well with. Every
// wait has a deadline.
import type { Locator, Page } from 'playwright-core';
import { shadow } from './browser.js';

export const TIMEOUT = 10_000;

export const widget = (page: Page, css: string): Locator => shadow(page, 'kefu-chat', css);
export const console_ = (page: Page, css: string): Locator => shadow(page, 'kefu-admin', css);

/** Opens a page with the widget, sets attributes on it, then opens the panel (a click on the launcher). */
export async function openWidget(page: Page, url: string, attrs: Record<string, string> = {}): Promise<void> {
  await page.goto(url);
  await page.locator('kefu-chat').evaluate((el, a) => {
    for (const [name, value] of Object.entries(a)) el.setAttribute(name, value);
  }, attrs);
  await ensureOpen(page);
}

/** Opens the panel with a click unless it is open already (it reopens by itself on the next page of a tab where it was left open). */
export async function ensureOpen(page: Page): Promise<void> {
  if (!(await page.locator('kefu-chat').evaluate((el) => el.hasAttribute('open')))) await widget(page, '[part=launcher]').click();
  await widget(page, '[part=panel]').waitFor({ timeout: TIMEOUT });
}

export async function waitForComposer(page: Page): Promise<Locator> {
  const input = widget(page, 'textarea[part=input]');
  await input.waitFor({ timeout: TIMEOUT });
  return input;
}

export async function visitorSends(page: Page, text: string): Promise<void> {
  const input = await waitForComposer(page);
  await input.fill(text);
  await input.press('Enter');
}

/** The visitor's view of one message, by its text. */
export const visitorMessage = (page: Page, text: string): Locator => widget(page, '[part=message]').filter({ hasText: text });

/**
 * One of the visitor's own messages in a delivery state ('sent', 'read'):
 * every own message carries its state as `data-state`, though only the latest
 * shows the word.
 */
export const ownMessageIn = (page: Page, text: string, state: string): Locator =>
  widget(page, `[part=message][data-state=${state}]`).filter({ hasText: text });

/** Opens the standalone console with a token in the fragment. */
export async function openConsole(page: Page, url: string, token: string, attrs: Record<string, string> = {}): Promise<void> {
  await page.goto(`${url}/console#token=${token}`);
  const admin = page.locator('kefu-admin');
  await admin.waitFor({ state: 'attached', timeout: TIMEOUT });
  for (const [k, v] of Object.entries(attrs)) await admin.evaluate((el, [name, value]) => el.setAttribute(name, value), [k, v]);
  await console_(page, '.conn[data-status=live]').waitFor({ timeout: 40_000 });
}

export const conversationEntry = (page: Page, text: string): Locator => console_(page, 'button.conv').filter({ hasText: text });

export const agentMessage = (page: Page, text: string): Locator => console_(page, '.messages .msg').filter({ hasText: text });

export async function agentReplies(page: Page, text: string): Promise<void> {
  const input = console_(page, 'form.composer textarea');
  await input.fill(text);
  await input.press('Enter');
}

/** The visitor id of the conversation this page's widget holds, read from its stored token. */
export function visitorIdIn(page: Page): Promise<string> {
  return page.evaluate(() => {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i)!;
      if (key.endsWith('.token')) return JSON.parse(atob(localStorage.getItem(key)!.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).sub as string;
    }
    return '';
  });
}
