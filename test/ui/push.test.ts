// Web Push in Chromium, joined to the sidecar half (test/sidecar/push.test.ts)
// through a push service on this machine: no browser vendor's push service is
// reachable here, so the page's PushManager.subscribe answers with a
// subscription of that local service (keys made in Node, as a browser makes
// them). Everything else is real: the console's opt-in registers the built
// service worker and posts the subscription; a visitor writes; the sidecar
// signs and encrypts the notification for that subscription; the local
// service checks and decrypts it; the DevTools protocol delivers exactly that
// payload to the real worker (ServiceWorker.deliverPushMessage), which shows
// the notification. A headless browser has no notification to click: the
// test calls the worker's click handling itself, and checks that the console
// opens the conversation from its message, and from a #conversation= address.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, BrowserContext, Page, Worker } from 'playwright-core';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { call, newVisitor, send } from '../helpers/api.js';
import { startPushService, type LocalPushService, type PushDevice } from '../helpers/push-service.js';
import { launchBrowser, watchErrors } from './browser.js';
import { console_, openConsole, TIMEOUT } from './chat-pages.js';
import { PUBLIC_DIR } from './public-dir.js';
import { fakePushManager } from './fake-push-manager.js';
import { checkAccessibility } from './axe.js';

describe('web push in the console', () => {
  let svc: LocalPushService;
  let sidecar: TestSidecar;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let token: string;
  let device: PushDevice;

  beforeAll(async () => {
    svc = await startPushService();
    [sidecar, browser] = await Promise.all([
      startSidecar({ publicDir: PUBLIC_DIR, env: { KEFU_PUSH_ALLOW_HTTP_ENDPOINTS: '1' } }),
      launchBrowser(),
    ]);
    device = svc.device('chromium');
    context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 }, permissions: ['notifications'] });
    await context.addInitScript(fakePushManager, device.subscription);
    page = await context.newPage();
    token = await sidecar.agentToken(1, 'Ann');
  });
  afterAll(async () => {
    await browser?.close();
    await sidecar?.stop();
    await svc?.close();
  });

  const worker = async (): Promise<Worker> => {
    await vi.waitFor(() => expect(context.serviceWorkers().some((w) => w.url().endsWith('/kefu/console-sw.js'))).toBe(true), { timeout: TIMEOUT });
    return context.serviceWorkers().find((w) => w.url().endsWith('/kefu/console-sw.js'))!;
  };

  it('is an installable app: a manifest with icons, linked from the console', async () => {
    const r = await call(sidecar.url, '/console.webmanifest');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    expect(r.body).toMatchObject({ start_url: 'console', scope: './', display: 'standalone', theme_color: '#2563eb' });
    for (const icon of r.body.icons as Array<{ src: string; sizes: string }>) {
      const png = await fetch(new URL(icon.src, sidecar.url + '/console.webmanifest'));
      expect(png.headers.get('content-type')).toBe('image/png');
      const bytes = Buffer.from(await png.arrayBuffer());
      expect(bytes.readUInt32BE(16)).toBe(Number(icon.sizes.split('x')[0]));
    }
    const sw = await fetch(sidecar.url + '/console-sw.js');
    expect(sw.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(sw.headers.get('cache-control')).toBe('no-cache');
  });

  it('turns push on for this device, shows the sidecar\'s notification from the real worker, opens its conversation on a click', async () => {
    const errors = watchErrors(page);
    await openConsole(page, sidecar.url, token);
    expect(await page.locator('link[rel=manifest]').getAttribute('href')).toBe('/kefu/console.webmanifest');

    await console_(page, '[data-tool=push]').click();
    const state = console_(page, 'kefu-push-settings .state');
    await expect.poll(() => state.getAttribute('data-state'), { timeout: TIMEOUT }).toBe('off');
    await console_(page, 'kefu-push-settings [data-push=on]').click();
    await expect.poll(() => state.getAttribute('data-state'), { timeout: TIMEOUT }).toBe('on');
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration('/kefu/'))?.scope);
    expect(scope).toBe(`${sidecar.origin}/kefu/`);
    const [stored] = await sidecar.rt.store.push.targets(['agent:1'], new Date(0));
    expect(stored).toMatchObject({ endpoint: device.subscription.endpoint, lang: 'en', page: `${sidecar.origin}/kefu/console`, label: expect.stringMatching(/^Chrome/) });
    await console_(page, 'dialog .close').click();

    // A visitor writes; the sidecar's notification reaches the local push service, checked and decrypted.
    const visitor = await newVisitor(sidecar.url, { name: 'Mei' });
    expect((await send(sidecar.url, visitor.token, 'Do you ship to Chengdu?')).status).toBe(201);
    await vi.waitFor(() => expect(svc.received.length).toBe(1), { timeout: TIMEOUT });
    expect(svc.rejected).toEqual([]);
    const payload = svc.received[0].payload;
    expect(payload).toEqual({ title: 'New conversation: Mei', body: 'Do you ship to Chengdu?', visitorId: visitor.visitorId, url: `${sidecar.origin}/kefu/console#conversation=${visitor.visitorId}` });

    // That payload, delivered to the real worker as a push service would.
    const cdp = await context.newCDPSession(page);
    const registrations: Array<{ registrationId: string; scopeURL: string }> = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
    await cdp.send('ServiceWorker.enable');
    await vi.waitFor(() => expect(registrations.some((r) => r.scopeURL === `${sidecar.origin}/kefu/`)).toBe(true), { timeout: TIMEOUT });
    const { registrationId } = registrations.find((r) => r.scopeURL === `${sidecar.origin}/kefu/`)!;
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: sidecar.origin, registrationId, data: JSON.stringify(payload) });

    const shown = () => page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration('/kefu/');
      return (await reg!.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data as unknown, icon: n.icon }));
    });
    await expect.poll(shown, { timeout: TIMEOUT }).toHaveLength(1);
    const [notification] = await shown();
    expect(notification).toEqual({
      title: 'New conversation: Mei',
      body: 'Do you ship to Chengdu?',
      tag: visitor.visitorId,
      data: { url: payload.url, visitorId: visitor.visitorId },
      icon: `${sidecar.origin}/kefu/console-icon-192.png`,
    });

    // The click: the worker finds this console window and tells it which conversation to open.
    expect(await console_(page, `button.conv[data-visitor="${visitor.visitorId}"]`).getAttribute('aria-current')).not.toBe('true');
    const sw = await worker();
    await sw.evaluate((data) => (globalThis as unknown as { kefuConsoleWorker: { openConversation(d: unknown): Promise<void> } }).kefuConsoleWorker.openConversation(data), notification.data);
    await expect.poll(() => console_(page, `button.conv[data-visitor="${visitor.visitorId}"]`).getAttribute('aria-current'), { timeout: TIMEOUT }).toBe('true');
    await console_(page, '.messages .msg').filter({ hasText: 'Do you ship to Chengdu?' }).waitFor({ timeout: TIMEOUT });
    expect(errors).toEqual([]);
  });

  it('opens the conversation a notification\'s address names, past the sign-in token', async () => {
    const visitor = await newVisitor(sidecar.url, { name: 'Jun' });
    await send(sidecar.url, visitor.token, 'A question about my order');
    const fresh = await context.newPage();
    await fresh.goto(`${sidecar.url}/console#token=${token}&conversation=${encodeURIComponent(visitor.visitorId)}`);
    await console_(fresh, '.messages .msg').filter({ hasText: 'A question about my order' }).waitFor({ timeout: 40_000 });
    // The token left the address; the conversation stayed.
    expect(new URL(fresh.url()).hash).toBe(`#conversation=${visitor.visitorId}`);
    await fresh.close();
  });

  it('turns push off: the browser unsubscribes and the sidecar forgets the device', async () => {
    await console_(page, '[data-tool=push]').click();
    const state = console_(page, 'kefu-push-settings .state');
    await expect.poll(() => state.getAttribute('data-state'), { timeout: TIMEOUT }).toBe('on');
    await page.emulateMedia({ reducedMotion: 'reduce' });
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      expect({ colorScheme, violations: (await checkAccessibility(page)).blocking }).toEqual({ colorScheme, violations: [] });
    }
    await console_(page, 'kefu-push-settings [data-push=off]').click();
    await expect.poll(() => state.getAttribute('data-state'), { timeout: TIMEOUT }).toBe('off');
    expect(await sidecar.rt.store.push.targets(['agent:1'], new Date(0))).toEqual([]);
    expect(await page.evaluate(() => localStorage.getItem('kefu.test.subscribed'))).toBeNull();
  });
});
