// Web Push in a real WordPress (docs/push.md, "WordPress"): the plugin serves
// the console's service worker and manifest under wp-admin, the Live Chat page
// links the manifest and gives <kefu-admin> the worker; turning push on there
// registers the worker for /wp-admin/, and a notification, checked and
// decrypted by a push service on this machine, shows from that worker and
// opens its conversation on the Live Chat page. As in test/ui/push.test.ts,
// PushManager.subscribe is the one stand-in (no browser vendor's push service
// is reachable), and the click is the worker's click handling called directly.
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { call, newVisitor, send } from '../helpers/api.js';
import { startPushService, type LocalPushService } from '../helpers/push-service.js';
import { fakePushManager } from '../ui/fake-push-manager.js';
import { launchChromium, login } from './browser.js';
import { createSite, ensureBuilt, missingPrerequisites, startSidecar, ZIP_PATH, type Sidecar, type Site } from './rig.js';

const run = promisify(execFile);

const missing = missingPrerequisites();
if (missing.length) throw new Error(`the WordPress end-to-end test needs ${missing.join(', ')}: run scripts/setup-test-env.sh`);

describe('web push in WordPress', { timeout: 60_000 }, () => {
  let site: Site;
  let sidecar: Sidecar;
  let svc: LocalPushService;
  let browser: Browser;
  let context: BrowserContext;
  let liveChat: Page;

  beforeAll(async () => {
    await ensureBuilt();
    site = await createSite();
    const plugins = path.join(site.dir, 'wp-content', 'plugins');
    await mkdir(plugins, { recursive: true });
    await run('unzip', ['-q', '-o', ZIP_PATH, '-d', plugins]);
    await site.wp('activate');
    svc = await startPushService();
    sidecar = await startSidecar(site, { env: { KEFU_PUSH_ALLOW_HTTP_ENDPOINTS: '1', KEFU_VAPID_SUBJECT: 'mailto:owner@example.test' } });
    await site.wp('set-option', { key: 'server_url', value: `${sidecar.url}/kefu` });
    browser = await launchChromium();
    context = await browser.newContext({ permissions: ['notifications'] });
    await context.addInitScript(fakePushManager, svc.device('wp-admin').subscription);
  }, 300_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await sidecar?.stop();
    await svc?.close();
    await site?.stop();
  });

  it('serves the service worker for /wp-admin/ and the manifest, also without a login', async () => {
    const worker = await fetch(`${site.url}/wp-admin/admin-ajax.php?action=kefu_console_sw`);
    expect(worker.status).toBe(200);
    expect(worker.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(worker.headers.get('service-worker-allowed')).toBe('/wp-admin/');
    expect(await worker.text()).toContain('kefuConsoleWorker');

    const manifest = await fetch(`${site.url}/wp-admin/admin-ajax.php?action=kefu_console_manifest`);
    expect(manifest.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    const m = (await manifest.json()) as { start_url: string; scope: string; display: string; icons: Array<{ src: string }> };
    expect(m).toMatchObject({ start_url: `${site.url}/wp-admin/admin.php?page=kefu`, scope: '/wp-admin/', display: 'standalone' });
    for (const icon of m.icons) expect((await fetch(icon.src)).headers.get('content-type')).toBe('image/png');
  });

  it('turns push on from the Live Chat page, and a notification opens its conversation there', async () => {
    liveChat = await login(site.url, context, site.admin);
    await liveChat.goto(`${site.url}/wp-admin/admin.php?page=kefu`);
    expect(await liveChat.locator('link[rel=manifest]').getAttribute('href')).toBe(`${site.url}/wp-admin/admin-ajax.php?action=kefu_console_manifest`);
    const worker = await liveChat.locator('kefu-admin').getAttribute('push-worker');
    expect(worker).toMatch(new RegExp(`^${site.url}/wp-admin/admin-ajax\\.php\\?action=kefu_console_sw&console=`));
    await liveChat.locator('kefu-admin .conn[data-status=live]').waitFor({ timeout: 40_000 });

    await liveChat.locator('kefu-admin [data-tool=push]').click();
    const state = liveChat.locator('kefu-admin kefu-push-settings .state');
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 10_000 }).toBe('off');
    await liveChat.locator('kefu-admin kefu-push-settings [data-push=on]').click();
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 10_000 }).toBe('on');
    expect(await liveChat.evaluate(async () => (await navigator.serviceWorker.getRegistration('/wp-admin/'))?.scope)).toBe(`${site.url}/wp-admin/`);
    await liveChat.locator('kefu-admin dialog .close').click();

    const visitor = await newVisitor(`${sidecar.url}/kefu`, { name: 'Lin' });
    expect((await send(`${sidecar.url}/kefu`, visitor.token, 'Is there a discount for schools?')).status).toBe(201);
    await vi.waitFor(() => expect(svc.received.length).toBe(1), { timeout: 10_000 });
    expect(svc.rejected).toEqual([]);
    const payload = svc.received[0].payload;
    expect(payload).toEqual({
      title: 'New conversation: Lin',
      body: 'Is there a discount for schools?',
      visitorId: visitor.visitorId,
      url: `${site.url}/wp-admin/admin.php?page=kefu#conversation=${visitor.visitorId}`,
    });

    const cdp = await context.newCDPSession(liveChat);
    const registrations: Array<{ registrationId: string; scopeURL: string }> = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
    await cdp.send('ServiceWorker.enable');
    await vi.waitFor(() => expect(registrations.some((r) => r.scopeURL === `${site.url}/wp-admin/`)).toBe(true), { timeout: 10_000 });
    const { registrationId } = registrations.find((r) => r.scopeURL === `${site.url}/wp-admin/`)!;
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: site.url, registrationId, data: JSON.stringify(payload) });
    const shown = () => liveChat.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration('/wp-admin/');
      return (await reg!.getNotifications()).map((n) => ({ title: n.title, tag: n.tag, icon: n.icon, data: n.data as unknown }));
    });
    await expect.poll(shown, { timeout: 10_000 }).toHaveLength(1);
    const [notification] = await shown();
    expect(notification).toEqual({
      title: 'New conversation: Lin',
      tag: visitor.visitorId,
      icon: `${site.url}/wp-content/plugins/kefu/assets/console-icon-192.png`,
      data: { url: payload.url, visitorId: visitor.visitorId },
    });

    const sw = context.serviceWorkers().find((w) => w.url().includes('action=kefu_console_sw'))!;
    expect(sw).toBeDefined();
    await sw.evaluate((data) => (globalThis as unknown as { kefuConsoleWorker: { openConversation(d: unknown): Promise<void> } }).kefuConsoleWorker.openConversation(data), notification.data);
    await expect.poll(() => liveChat.locator(`kefu-admin button.conv[data-visitor="${visitor.visitorId}"]`).getAttribute('aria-current'), { timeout: 10_000 }).toBe('true');
    // The routes the console used answered for the WordPress user's agent token.
    const token = await liveChat.locator('kefu-admin').getAttribute('token');
    expect((await call(`${sidecar.url}/kefu`, '/api/agent/push/key', { token: token! })).status).toBe(200);
  });

  it('logged no PHP error, warning or notice from the plugin', async () => {
    expect(await site.pluginLogLines()).toEqual([]);
  });
});
