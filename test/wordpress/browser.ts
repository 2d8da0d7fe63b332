// What the WordPress end-to-end tests do in a browser or over HTTP against a
// test site: Chromium, logging in, fetching a page as a user, the REST nonce
// (these three take the site's address, Site.url or a SubSite's url, first),
// and retrying assertions on what a page shows.
import type { APIRequestContext, BrowserContext, Locator, Page } from 'playwright-core';
import { expect, vi } from 'vitest';
import { launchBrowser } from '../ui/browser.js';

/** Debian's Chromium, headless, with the launch flags the UI tests use (test/ui/browser.ts). */
export const launchChromium = launchBrowser;

/** A browser context (its cookies) or a bare request context. */
export type Requester = BrowserContext | APIRequestContext;

const requestOf = (context: Requester): APIRequestContext => ('request' in context ? context.request : context);

/** Logs in through wp-login.php in a new page of the context and returns that page, on the dashboard. */
export async function login(siteUrl: string, context: BrowserContext, who: { user: string; password: string }): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${siteUrl}/wp-login.php`);
  await page.fill('#user_login', who.user);
  await page.fill('#user_pass', who.password);
  await Promise.all([page.waitForURL(/\/wp-admin\/?/), page.click('#wp-submit')]);
  return page;
}

/** A page's HTML as a given context sees it, redirects not followed. */
export async function html(siteUrl: string, context: Requester, pathname = ''): Promise<{ status: number; body: string; headers: Record<string, string> }> {
  const res = await requestOf(context).get(`${siteUrl}${pathname}`, { maxRedirects: 0 });
  return { status: res.status(), body: await res.text(), headers: res.headers() };
}

/** The `wp_rest` nonce from core's own endpoint (independent of the plugin). */
export async function restNonce(siteUrl: string, context: Requester): Promise<string> {
  const res = await requestOf(context).get(`${siteUrl}/wp-admin/admin-ajax.php?action=rest-nonce`);
  expect(res.status()).toBe(200);
  return (await res.text()).trim();
}

// Retrying assertions on what the browser shows (playwright-core has no
// `expect` of its own); each gives up at its deadline.
export const retry = (timeout: number) => ({ timeout, interval: 100 });

export async function seeText(locator: Locator, text: string, timeout = 10_000): Promise<void> {
  await vi.waitFor(async () => expect(await locator.first().textContent({ timeout: 1_000 })).toContain(text), retry(timeout));
}

export async function seeExactText(locator: Locator, text: string, timeout = 10_000): Promise<void> {
  await vi.waitFor(async () => expect((await locator.first().textContent({ timeout: 1_000 }))?.trim()).toBe(text), retry(timeout));
}

export async function seeAttr(locator: Locator, name: string, value: string, timeout = 10_000): Promise<void> {
  await vi.waitFor(async () => expect(await locator.first().getAttribute(name, { timeout: 1_000 })).toBe(value), retry(timeout));
}

export async function seeClass(locator: Locator, pattern: RegExp, timeout = 10_000): Promise<void> {
  await vi.waitFor(async () => expect(await locator.first().getAttribute('class', { timeout: 1_000 })).toMatch(pattern), retry(timeout));
}

export async function seeCount(locator: Locator, count: number, timeout = 10_000): Promise<void> {
  await vi.waitFor(async () => expect(await locator.count()).toBe(count), retry(timeout));
}
