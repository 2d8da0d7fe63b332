// One Chromium per test file, Debian's own (never a downloaded one), and the
// one place that reaches into the components' shadow roots.
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const EXECUTABLE = process.env.KEFU_CHROMIUM ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: EXECUTABLE,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Hidden tabs must keep their timers: a background console still alerts.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
    ],
  });
}

/** A fresh visitor or agent: its own cookies and localStorage (and, if given, time zone). */
export function newContext(browser: Browser, opts: { locale?: string; viewport?: { width: number; height: number }; timezoneId?: string } = {}): Promise<BrowserContext> {
  return browser.newContext({ locale: opts.locale ?? 'en-US', viewport: opts.viewport ?? { width: 1280, height: 800 }, timezoneId: opts.timezoneId });
}

/**
 * Elements inside a component's shadow root. Playwright's CSS engine pierces
 * open shadow roots, so `host >> css` finds `css` anywhere below the host,
 * including the panel nested inside <kefu-chat>.
 */
export function shadow(page: Page, host: 'kefu-chat' | 'kefu-admin', css: string): Locator {
  return page.locator(host).locator(css);
}

/** Collects page errors so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text());
  });
  return errors;
}

/**
 * Grants notifications and records those the page raises in
 * `window.__notifications` (headless Chromium shows none).
 */
export async function recordNotifications(ctx: BrowserContext): Promise<void> {
  await ctx.grantPermissions(['notifications']);
  await ctx.addInitScript(() => {
    const shown: { title: string; body?: string }[] = [];
    (window as unknown as { __notifications: typeof shown }).__notifications = shown;
    const Real = window.Notification;
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push({ title, body: options?.body });
      }
    }
    Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
    window.Notification = Recorded as typeof Notification;
  });
}
