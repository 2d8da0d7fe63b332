// The WordPress plugin in a real WordPress (Debian's package, PHP's built-in
// server, MariaDB) driven by headless Chromium: installed from the built zip,
// activated through WordPress, then used by a visitor, an administrator and a
// subscriber against a sidecar that reads only the site's wp-config.php.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { jwtVerify } from 'jose';
import type { RowDataPacket } from 'mysql2';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html, launchChromium, login, restNonce, seeAttr, seeClass, seeCount, seeExactText, seeText } from './browser.js';
import { createSite, ensureBuilt, missingPrerequisites, sendFile, startSidecar, ZIP_PATH, type Sidecar, type Site } from './rig.js';

const run = promisify(execFile);

const missing = missingPrerequisites();
if (missing.length) {
  throw new Error(`the WordPress end-to-end test needs ${missing.join(', ')}: run scripts/setup-test-env.sh`);
}

/** A signed JWT anywhere in a page. */
const JWT = /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{20,}/;

const subscriber = { user: 'sam', password: 'sam-pw-4f9c2e', email: 'sam@example.test', displayName: 'Sam Subscriber', role: 'subscriber' };

/** With KEFU_SCREENSHOTS=<dir>, saves what the page shows at this step. */
async function snapshot(page: Page, name: string): Promise<void> {
  const dir = process.env.KEFU_SCREENSHOTS;
  if (dir) await page.screenshot({ path: path.join(dir, `wordpress-${name}.png`), fullPage: name.startsWith('settings') });
}

/** The src of a script WordPress printed for a handle, entities decoded. */
function scriptSrc(body: string, handle: string): string | undefined {
  const tag = new RegExp(`<script\\b[^>]*\\bid=['"]${handle}-js['"][^>]*>`).exec(body)?.[0];
  if (!tag || !/\btype=["']module["']/.test(tag)) return undefined;
  return /\bsrc=(["'])(.*?)\1/.exec(tag)?.[2].replace(/&#038;|&amp;/g, '&');
}

interface State {
  active: boolean;
  files: boolean;
  settings: Record<string, unknown> | null;
  secret: string | null;
  version: string | null;
  caps: Record<string, boolean>;
  /** wp_upload_dir()['basedir']. */
  uploads: string;
}

describe('the WordPress plugin in a real WordPress', { timeout: 60_000 }, () => {
  let site: Site;
  let sidecar: Sidecar | undefined;
  let browser: Browser;
  let adminContext: BrowserContext;
  let admin: Page;
  let liveChat: Page;
  let visitorContext: BrowserContext;
  let subscriberContext: BrowserContext;
  let subscriberId: number;
  /** This run's copy of the zip: `npm run build` elsewhere may replace dist/ meanwhile. */
  let zip: string;

  /** A file inside the zip. */
  async function fromZip(entry: string): Promise<Buffer> {
    const { stdout } = await run('unzip', ['-p', zip, entry], { encoding: 'buffer', maxBuffer: 32 << 20 });
    expect(stdout.length, entry).toBeGreaterThan(0);
    return stdout;
  }

  async function saveSettings(fill: (page: Page) => Promise<void>): Promise<Page> {
    await admin.goto(`${site.url}/wp-admin/options-general.php?page=kefu-settings`);
    await fill(admin);
    await Promise.all([admin.waitForURL(/settings-updated=true/), admin.click('#submit')]);
    return admin;
  }

  beforeAll(async () => {
    await ensureBuilt();
    site = await createSite();
    zip = path.join(site.dir, 'kefu-wordpress.zip');
    await copyFile(ZIP_PATH, zip);
    ({ userId: subscriberId } = await site.wp<{ userId: number }>('add-user', subscriber));
    browser = await launchChromium();
    adminContext = await browser.newContext();
    visitorContext = await browser.newContext();
    subscriberContext = await browser.newContext();
  }, 300_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await sidecar?.stop();
    await site?.stop();
  });

  it('installs from the built zip and activates through WordPress', async () => {
    admin = await login(site.url, adminContext, site.admin);
    await admin.goto(`${site.url}/wp-admin/plugin-install.php?tab=upload`);
    await admin.setInputFiles('#pluginzip', zip);
    await Promise.all([admin.waitForURL(/update\.php\?action=upload-plugin/), admin.click('#install-plugin-submit')]);
    await seeText(admin.locator('body'), 'Plugin installed successfully.');

    await Promise.all([admin.waitForURL(/plugins\.php/), admin.click('a.button-primary[href*="action=activate"]')]);
    await seeText(admin.locator('#message, .notice-success').first(), 'activated');
    await seeClass(admin.locator('tr[data-plugin="kefu/kefu.php"]'), /active/);

    // The activation hook ran: capability granted, defaults stored, no
    // generated secret since wp-config.php defines KEFU_SECRET.
    const state = await site.wp<State>('state');
    expect(state.active).toBe(true);
    expect(state.caps).toMatchObject({ administrator: true, editor: true, author: false, subscriber: false });
    expect(state.settings).toMatchObject({ asset_source: 'site', visibility: 'all', delete_data: false });
    expect(state.secret).toBeNull();
    expect(state.version).toBe('0.1.0');
  });

  it('serves the bundles shipped in the zip by default and copes with missing chat tables', async () => {
    const front = await html(site.url, visitorContext, '/');
    expect(front.status).toBe(200);
    const src = scriptSrc(front.body, 'kefu-widget');
    expect(src, 'widget script tag').toMatch(new RegExp(`^${site.url}/wp-content/plugins/kefu/assets/widget\\.js\\?ver=`));
    expect(front.body).toContain(`<kefu-chat server="${site.url}"`);
    const served = await visitorContext.request.get(src!);
    expect(served.status()).toBe(200);
    expect(Buffer.from(await served.body()).equals(await fromZip('kefu/assets/widget.js'))).toBe(true);

    // Before the sidecar's first start there are no chat tables: the page
    // still renders, with a token and the shipped admin.js, and no count.
    const page = await html(site.url, adminContext, '/wp-admin/admin.php?page=kefu');
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<kefu-admin token="eyJ/);
    expect(page.body).not.toMatch(/toplevel_page_kefu[\s\S]{0,400}awaiting-mod/);
    const adminJs = scriptSrc(page.body, 'kefu-admin');
    expect(adminJs).toMatch(new RegExp(`^${site.url}/wp-content/plugins/kefu/assets/admin\\.js\\?ver=`));
    const servedAdmin = await adminContext.request.get(adminJs!);
    expect(Buffer.from(await servedAdmin.body()).equals(await fromZip('kefu/assets/admin.js'))).toBe(true);

    // The status line says plainly that nothing answers at the default URL.
    await admin.goto(`${site.url}/wp-admin/options-general.php?page=kefu-settings`);
    await seeAttr(admin.locator('#kefu-status-text'), 'data-ok', '0');
    await seeText(admin.locator('#kefu-status-text'), 'Not reachable');
    await seeCount(admin.locator('.kefu-secret-notice'), 0);
  });

  it('saves settings from the settings page and rejects a request without a valid nonce', async () => {
    sidecar = await startSidecar(site);

    await saveSettings(async (page) => {
      await page.fill('#kefu-server-url', `${sidecar!.url}/kefu`);
      await page.check('input[name="kefu_settings[asset_source]"][value="sidecar"]');
      await page.fill('#kefu-greeting', 'Hello from the Kefu test site');
      await page.fill('#kefu-title', 'Ask us anything');
      await page.selectOption('#kefu-position', 'left');
      await page.selectOption('#kefu-language', 'en');
      await page.check('input[name="kefu_settings[visibility]"][value="exclude"]');
      await page.fill('#kefu-exclude-paths', '/sample-page/\n/shop/*');
    });
    await seeText(admin.locator('#setting-error-settings_updated'), 'Settings saved.');
    await snapshot(admin, 'settings');
    await seeAttr(admin.locator('#kefu-status-text'), 'data-ok', '1');
    await seeText(admin.locator('#kefu-status-text'), 'Reachable');

    const saved = (await site.wp<State>('state')).settings;
    expect(saved).toMatchObject({
      server_url: `${sidecar.url}/kefu`,
      asset_source: 'sidecar',
      greeting: 'Hello from the Kefu test site',
      position: 'left',
      visibility: 'exclude',
      exclude_paths: '/sample-page/\n/shop/*',
    });

    // A URL that is no http(s) address is refused and the previous one kept;
    // a bare origin means its /kefu.
    await saveSettings((page) => page.fill('#kefu-server-url', 'ftp://example.com/kefu'));
    await seeText(admin.locator('#setting-error-kefu_server_url'), 'must be a full http:// or https:// address');
    expect((await site.wp<State>('state')).settings).toMatchObject({ server_url: `${sidecar.url}/kefu` });
    await saveSettings((page) => page.fill('#kefu-server-url', `${sidecar!.url}/`));
    expect((await site.wp<State>('state')).settings).toMatchObject({ server_url: `${sidecar.url}/kefu` });

    // options.php checks the settings group's nonce before saving anything.
    const forged = { option_page: 'kefu-settings', action: 'update', 'kefu_settings[greeting]': 'forged' };
    for (const nonce of [undefined, 'not-a-nonce']) {
      const res = await adminContext.request.post(`${site.url}/wp-admin/options.php`, {
        form: nonce ? { ...forged, _wpnonce: nonce, _wp_http_referer: '/wp-admin/options-general.php?page=kefu-settings' } : forged,
        maxRedirects: 0,
      });
      expect(res.status()).toBe(403);
    }
    expect((await site.wp<State>('state')).settings).toMatchObject({ greeting: 'Hello from the Kefu test site' });

    // The front end follows: scripts from the sidecar, the new attributes,
    // and no widget on an excluded path.
    const front = await html(site.url, visitorContext, '/');
    expect(scriptSrc(front.body, 'kefu-widget')).toMatch(new RegExp(`^${sidecar.url}/kefu/widget\\.js\\?ver=`));
    expect(front.body).toMatch(/<kefu-chat [^>]*greeting="Hello from the Kefu test site"/);
    expect(front.body).toMatch(/<kefu-chat [^>]*position="left"/);
    expect(front.body).toContain(`server="${sidecar.url}"`);
    expect(front.body).not.toMatch(/<kefu-chat [^>]*\sname=/);
    const excluded = await html(site.url, visitorContext, '/sample-page/');
    expect(excluded.status).toBe(200);
    expect(excluded.body).not.toContain('<kefu-chat');
    expect(excluded.body).not.toContain('kefu-widget-js');
  });

  it('passes theme, reply time, sound and the required pre-chat fields from the settings page to <kefu-chat>', async () => {
    const widgetTag = async () => /<kefu-chat\b[^>]*>/.exec((await html(site.url, visitorContext, '/')).body)?.[0] ?? '';
    const bare = (name: string) => new RegExp(`\\s${name}(?=[\\s>])`);

    await saveSettings(async (page) => {
      await page.selectOption('#kefu-theme', 'dark');
      await page.fill('#kefu-reply-time', 'Usually replies within an hour');
      await page.check('#kefu-sound');
      await page.check('#kefu-prechat');
      await page.check('#kefu-prechat-require-name');
      await page.check('#kefu-prechat-require-email');
    });
    expect((await site.wp<State>('state')).settings).toMatchObject({
      theme: 'dark',
      reply_time: 'Usually replies within an hour',
      sound: true,
      prechat: true,
      prechat_required: 'name email',
    });
    // The form shows what was saved.
    expect(await admin.inputValue('#kefu-theme')).toBe('dark');
    expect(await admin.getAttribute('#kefu-reply-time', 'placeholder')).toBe('Empty: measured automatically');
    expect(await admin.isChecked('#kefu-prechat-require-name')).toBe(true);
    expect(await admin.isChecked('#kefu-prechat-require-email')).toBe(true);

    let tag = await widgetTag();
    expect(tag).toContain(' theme="dark"');
    expect(tag).toContain(' reply-time="Usually replies within an hour"');
    expect(tag).toMatch(bare('sound'));
    expect(tag).toMatch(bare('prechat'));
    expect(tag).toContain(' prechat-required="name email"');

    // Markup in the reply time is stored as plain text and printed escaped;
    // a forged field name is not required, and the text is cut at 120 characters.
    const hostile = 'Soon"><script>alert(1)</script><img src=x onerror=alert(2)>';
    await saveSettings(async (page) => {
      await page.fill('#kefu-reply-time', hostile);
      await page.uncheck('#kefu-prechat-require-name');
      await page.$eval('#kefu-prechat-require-email', (box) => box.setAttribute('value', 'phone'));
    });
    let saved = (await site.wp<State>('state')).settings!;
    expect(saved).toMatchObject({ reply_time: 'Soon">', prechat_required: '' });
    const front = await html(site.url, visitorContext, '/');
    expect(front.body).toContain(' reply-time="Soon&quot;&gt;"');
    expect(front.body).not.toContain('alert(');
    expect(front.body).not.toContain(' prechat-required=');
    // What the browser reads back is the stored text, in the one attribute.
    const visitor = await visitorContext.newPage();
    try {
      await visitor.goto(`${site.url}/`);
      expect(await visitor.locator('kefu-chat').getAttribute('reply-time')).toBe('Soon">');
      expect(await visitor.locator('kefu-chat').evaluate((el) => el.getAttributeNames())).not.toContain('onerror');
    } finally {
      await visitor.close();
    }
    await saveSettings((page) => page.fill('#kefu-reply-time', `${'一'.repeat(100)} ${'x'.repeat(100)}`));
    expect((await site.wp<State>('state')).settings).toMatchObject({ reply_time: `${'一'.repeat(100)} ${'x'.repeat(19)}` });

    // An unknown theme falls back to auto, and the defaults leave every new
    // attribute out (the required fields are kept for when the form is back).
    await saveSettings(async (page) => {
      await page.$eval('#kefu-theme', (select: HTMLSelectElement) => {
        const option = select.ownerDocument.createElement('option');
        option.value = 'purple';
        select.append(option);
        select.value = 'purple';
      });
      await page.fill('#kefu-reply-time', '');
      await page.uncheck('#kefu-sound');
      await page.check('#kefu-prechat-require-name');
      await page.uncheck('#kefu-prechat');
    });
    saved = (await site.wp<State>('state')).settings!;
    expect(saved).toMatchObject({ theme: 'auto', reply_time: '', sound: false, prechat: false, prechat_required: 'name' });
    tag = await widgetTag();
    expect(tag).toMatch(/^<kefu-chat server="/);
    for (const name of ['theme', 'reply-time', 'sound', 'prechat', 'prechat-required']) {
      expect(tag).not.toMatch(new RegExp(`\\s${name}(?=[\\s=>])`));
    }
  });

  it('counts unread visitor messages on the Live Chat menu item', async () => {
    const table = `${site.tablePrefix}kefu_msg`;
    const visitor = 'v_' + 'U'.repeat(22);
    await site.db.query(`INSERT INTO \`${table}\` (pos, rec, content, isread) VALUES (?, 'admin', 'one', 0), (?, 'admin', 'two', 0)`, [visitor, visitor]);
    try {
      await admin.goto(`${site.url}/wp-admin/index.php`);
      await seeExactText(admin.locator('#toplevel_page_kefu .awaiting-mod .pending-count'), '2');
    } finally {
      await site.db.query(`DELETE FROM \`${table}\` WHERE pos = ?`, [visitor]);
    }
    await admin.reload();
    await admin.locator('#toplevel_page_kefu').first().waitFor({ state: 'visible', timeout: 10_000 });
    await seeCount(admin.locator('#toplevel_page_kefu .awaiting-mod'), 0);
  });

  it('carries a visitor message to the Live Chat page without reload and the reply back', async () => {
    liveChat = await adminContext.newPage();
    // The panel announces the agent online; until then a visitor would get
    // the offline form instead of the conversation.
    const online = liveChat.waitForResponse((r) => r.url().endsWith('/kefu/api/agent/presence') && r.status() === 204, { timeout: 15_000 });
    await liveChat.goto(`${site.url}/wp-admin/admin.php?page=kefu`);
    await online;

    const visitor = await visitorContext.newPage();
    await visitor.goto(`${site.url}/`);
    await visitor.locator('kefu-chat [part="launcher"]').click();
    const input = visitor.locator('kefu-chat [part="input"]');
    await input.first().waitFor({ state: 'visible', timeout: 15_000 });
    await seeText(visitor.locator('kefu-chat [part="panel"]'), 'Hello from the Kefu test site');
    const question = `Do you ship to Lisbon? ${Date.now()}`;
    await input.fill(question);
    await visitor.locator('kefu-chat [part="send"]').click();

    // Appears on the already open Live Chat page.
    const conversation = liveChat.locator('kefu-admin button.conv', { hasText: question });
    await conversation.first().waitFor({ state: 'visible', timeout: 15_000 });
    await conversation.click();
    await liveChat.locator('kefu-admin .msg.visitor .bubble', { hasText: question }).first().waitFor({ state: 'visible', timeout: 10_000 });

    const answer = `Yes, within three days ${Date.now()}`;
    await liveChat.locator('kefu-admin form.composer textarea').fill(answer);
    await liveChat.locator('kefu-admin form.composer button.send').click();
    await visitor.locator('kefu-chat [part="message"]', { hasText: answer }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await snapshot(liveChat, 'live-chat');
    await snapshot(visitor, 'visitor');
    await visitor.close();
  });

  it('shows a logged-in subscriber to the agent with their display name', async () => {
    // Back to the default: the widget comes from the plugin's assets folder on
    // the site and talks to the sidecar across origins.
    await site.wp('set-option', { key: 'asset_source', value: 'site' });
    const page = await login(site.url, subscriberContext, subscriber);
    const shipped = page.waitForResponse((r) => r.url().startsWith(`${site.url}/wp-content/plugins/kefu/assets/widget.js`));
    await page.goto(`${site.url}/`);
    expect((await shipped).status()).toBe(200);
    // Who the user is comes as an identity token the site signed, not as plain attributes anyone could write.
    const element = page.locator('kefu-chat');
    expect(await element.getAttribute('name')).toBeNull();
    expect(await element.getAttribute('email')).toBeNull();
    const identity = (await element.getAttribute('identity'))!;
    const { payload } = await jwtVerify(identity, new TextEncoder().encode(site.secret), { algorithms: ['HS256'] });
    expect(payload).toMatchObject({ typ: 'identity', sub: `user:${subscriberId}`, name: subscriber.displayName, email: subscriber.email, site: 1 });
    expect(payload.exp! - payload.iat!).toBe(600);
    expect(await element.getAttribute('identity-url')).toBe(`${site.url}/wp-json/kefu/v1/identity-token`);

    // The panel is a chunk the widget imports on first open: the zip carries it too.
    const chunk = page.waitForResponse((r) => r.url().startsWith(`${site.url}/wp-content/plugins/kefu/assets/`) && !r.url().includes('/widget.js'));
    await page.locator('kefu-chat [part="launcher"]').click();
    expect((await chunk).status()).toBe(200);
    const input = page.locator('kefu-chat [part="input"]');
    await input.first().waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill('Hello from Sam');
    await page.locator('kefu-chat [part="send"]').click();

    const entry = liveChat.locator('kefu-admin button.conv', { hasText: 'Hello from Sam' });
    await entry.first().waitFor({ state: 'visible', timeout: 15_000 });
    await seeExactText(entry.locator('.who'), subscriber.displayName);
    await entry.first().click();
    await seeAttr(liveChat.locator('kefu-admin .conv-head .identity'), 'data-verified', 'true');
    await page.close();
  });

  it('signs the agent\'s avatar only as an https address, or http while the site itself is http', async () => {
    const mint = async (args: Record<string, unknown>) => {
      const minted = await site.wp<{ token?: string; error?: string }>('agent-token', { userId: site.admin.id, ...args });
      expect(minted.token, JSON.stringify(minted)).toBeTruthy();
      return (await jwtVerify(minted.token!, new TextEncoder().encode(site.secret), { algorithms: ['HS256'] })).payload.avatar;
    };
    const https = 'https://cdn.example.test/u/1.png?s=96';
    const http = 'http://cdn.example.test/u/1.png?s=96';
    expect(await mint({ siteHome: 'https://shop.example.test', avatar: https })).toBe(https);
    expect(await mint({ siteHome: 'https://shop.example.test', avatar: http })).toBeUndefined();
    expect(await mint({ siteHome: 'http://shop.example.test', avatar: http })).toBe(http);
    expect(await mint({ siteHome: 'http://shop.example.test', avatar: 'javascript:alert(1)' })).toBeUndefined();
    expect(await mint({ siteHome: 'https://shop.example.test', avatar: https + 'x'.repeat(512) })).toBeUndefined();
    expect(await mint({ siteHome: 'https://shop.example.test', avatar: false })).toBeUndefined();
    expect(await mint({ siteHome: 'https://shop.example.test', avatar: https, showAvatars: false })).toBeUndefined();
  });

  it('keeps the Live Chat page and agent tokens from users without the capability', async () => {
    // Administrator: the route mints a valid agent token, on POST only, for ten minutes.
    const adminNonce = await restNonce(site.url, adminContext);
    const minted = await adminContext.request.post(`${site.url}/wp-json/kefu/v1/agent-token`, { headers: { 'X-WP-Nonce': adminNonce } });
    expect(minted.status()).toBe(200);
    expect(minted.headers()['cache-control']).toMatch(/no-store|no-cache/);
    const body = (await minted.json()) as { token: string; expiresAt: string };
    const { payload, protectedHeader } = await jwtVerify(body.token, new TextEncoder().encode(site.secret), { algorithms: ['HS256'] });
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toMatchObject({ sub: `agent:${site.admin.id}`, typ: 'agent', name: site.admin.displayName, site: 1, manage: true });
    expect(payload.exp! - payload.iat!).toBe(600);
    expect(Date.parse(body.expiresAt)).toBe(payload.exp! * 1000);
    // The widget's picture of this agent: WordPress's avatar, Gravatar's http address on this http site.
    const emailHash = createHash('md5').update(site.admin.email.trim().toLowerCase()).digest('hex');
    expect(payload.avatar).toMatch(new RegExp(`^http://[0-2]\\.gravatar\\.com/avatar/${emailHash}\\?s=96&`));
    const get = await adminContext.request.get(`${site.url}/wp-json/kefu/v1/agent-token`, { headers: { 'X-WP-Nonce': adminNonce } });
    expect(get.status()).toBe(404);
    expect(JWT.test(await get.text())).toBe(false);

    // The cookie alone is not enough: without the nonce WordPress treats the
    // request as anonymous.
    const noNonce = await adminContext.request.post(`${site.url}/wp-json/kefu/v1/agent-token`);
    expect(noNonce.status()).toBe(401);

    // Subscriber: no menu item, no page, 403 from the route.
    const dashboard = await html(site.url, subscriberContext, '/wp-admin/');
    expect(dashboard.status).toBe(200);
    expect(dashboard.body).toContain('wp-admin-bar');
    expect(dashboard.body).not.toContain('toplevel_page_kefu');
    expect((await html(site.url, subscriberContext, '/wp-admin/admin.php?page=kefu')).status).toBe(403);
    expect((await html(site.url, subscriberContext, '/wp-admin/options-general.php?page=kefu-settings')).status).toBe(403);

    const nonce = await restNonce(site.url, subscriberContext);
    const denied = await subscriberContext.request.post(`${site.url}/wp-json/kefu/v1/agent-token`, { headers: { 'X-WP-Nonce': nonce } });
    expect(denied.status()).toBe(403);
    expect(JWT.test(await denied.text())).toBe(false);

    for (const pathname of ['/wp-admin/', '/wp-admin/profile.php', '/wp-admin/admin.php?page=kefu', '/wp-admin/options-general.php?page=kefu-settings']) {
      const { body } = await html(site.url, subscriberContext, pathname);
      expect(JWT.test(body), `token on ${pathname} for a subscriber`).toBe(false);
    }
    // On the front page a subscriber gets only their own identity token.
    const front = (await html(site.url, subscriberContext, '/')).body;
    for (const token of front.match(new RegExp(JWT.source, 'g')) ?? []) {
      const { payload } = await jwtVerify(token, new TextEncoder().encode(site.secret), { algorithms: ['HS256'] });
      expect(payload.typ).toBe('identity');
    }
    expect(JWT.test((await html(site.url, visitorContext, '/')).body), 'token on the front page for a visitor').toBe(false);

    // A subscriber cannot save settings either, even with the form's fields.
    const res = await subscriberContext.request.post(`${site.url}/wp-admin/options.php`, {
      form: { option_page: 'kefu-settings', action: 'update', 'kefu_settings[greeting]': 'forged' },
      maxRedirects: 0,
    });
    expect(res.status()).toBe(403);
  });

  it('speaks Simplified Chinese to a user whose language is zh_CN', async () => {
    await site.wp('user-locale', { userId: site.admin.id, locale: 'zh_CN' });
    try {
      const { body } = await html(site.url, adminContext, '/wp-admin/admin.php?page=kefu');
      expect(body).toContain('<h1>在线客服</h1>');
      expect(body).toMatch(/<kefu-admin [^>]*lang="zh-CN"/);
      const settings = await html(site.url, adminContext, '/wp-admin/options-general.php?page=kefu-settings');
      expect(settings.body).toContain('边车服务地址');
      expect(settings.body).toContain('可以连接');
      expect(settings.body).toContain('placeholder="留空：自动统计"');
      expect(settings.body).toContain('姓名为必填项');
    } finally {
      await site.wp('user-locale', { userId: site.admin.id, locale: '' });
    }
  });

  it('exports and erases a user\'s chats with the privacy tools, their files included, and suggests policy text', async () => {
    await admin.goto(`${site.url}/wp-admin/privacy-policy-guide.php`);
    await seeText(admin.locator('body'), 'Kefu Live Chat');

    const rows = async (sql: string, params: unknown[] = []) => (await site.db.query<RowDataPacket[]>(sql, params))[0];
    const files = `${site.tablePrefix}kefu_attachment`;
    const chunks = `${site.tablePrefix}kefu_attachment_chunk`;
    const chunkCount = async (id: string) => Number((await rows(`SELECT COUNT(*) AS n FROM \`${chunks}\` WHERE blob_key = ?`, [id]))[0].n);

    // Sam's verified conversation, resumed through the sidecar with the identity token the site prints for Sam.
    const identity = /<kefu-chat [^>]*\bidentity="([^"]+)"/.exec((await html(site.url, subscriberContext, '/')).body)?.[1];
    expect(identity, 'identity token on the front page').toBeTruthy();
    const session = await fetch(`${sidecar!.url}/kefu/api/visitor/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identity }) });
    expect(session.status).toBe(200);
    const sam = (await session.json()) as { visitorId: string; token: string };
    expect((await rows(`SELECT user_ref FROM \`${site.tablePrefix}kefu_visitor\` WHERE id = ?`, [sam.visitorId]))[0]).toMatchObject({ user_ref: `user:${subscriberId}` });

    // A file Sam sends (300 KiB: two chunks in the database), one the team sends Sam, and another visitor's.
    const receipt = await sendFile(sidecar!.url, { visitorToken: sam.token }, 'receipt.txt', Buffer.alloc(300 * 1024, 'Receipt line\n'));
    expect(receipt).toMatchObject({ name: 'receipt.txt', size: 300 * 1024, type: expect.stringMatching(/^text\/plain/) });
    expect(await chunkCount(receipt.id)).toBe(2);
    const minted = await site.wp<{ token: string }>('agent-token', { userId: site.admin.id });
    const steps = await sendFile(sidecar!.url, { agentToken: minted.token, visitorId: sam.visitorId }, 'steps.txt', Buffer.from('1. Open the box\n2. Plug it in\n'));
    const stranger = (await (await fetch(`${sidecar!.url}/kefu/api/visitor/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { token: string };
    const notSams = await sendFile(sidecar!.url, { visitorToken: stranger.token }, 'not-sams.txt', Buffer.from('someone else\n'));
    // And one whose bytes a sidecar keeps in a bucket: only that sidecar can delete them.
    const inBucket = `a_${'B'.repeat(22)}`;
    await rows(
      `INSERT INTO \`${files}\` (id, visitor_id, owner, name, type, size, mid, status, store, created_at) VALUES (?, ?, ?, 'scan.pdf', 'application/pdf', 1234, ?, 'ready', 's3', UTC_TIMESTAMP())`,
      [inBucket, sam.visitorId, sam.visitorId, receipt.mid],
    );
    // Stopped, so that only the eraser can have removed Sam's files below (the sidecar's sweep would too, within a minute).
    await sidecar!.stop();
    sidecar = undefined;

    type ExportItem = { group_id: string; group_label: string; data: { name: string; value: string }[] };
    type ExportPage = { data: ExportItem[]; done: boolean };
    const exported = await site.wp<ExportPage[]>('export', { email: subscriber.email });
    const values = exported.flatMap((p) => p.data.flatMap((item) => item.data.map((d) => d.value)));
    expect(values).toContain('Hello from Sam');
    expect(values).toContain(subscriber.displayName);
    expect(exported.at(-1)!.done).toBe(true);
    // The files of Sam's conversation, each an item of its own group, and no one else's.
    const exportedFiles = exported.flatMap((p) => p.data).filter((item) => item.group_id === 'kefu-files');
    const fields = (item: ExportItem) => Object.fromEntries(item.data.map((d) => [d.name, d.value]));
    const byName = new Map(exportedFiles.map((item) => [fields(item)['File name'], fields(item)]));
    expect([...byName.keys()].sort()).toEqual(['receipt.txt', 'scan.pdf', 'steps.txt']);
    expect(exportedFiles.every((item) => item.group_label === 'Chat files')).toBe(true);
    expect(byName.get('receipt.txt')).toMatchObject({ Size: '300 KB', Type: expect.stringMatching(/^text\/plain/), From: 'You', 'Visitor id': sam.visitorId, Sent: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d/) });
    expect(byName.get('steps.txt')).toMatchObject({ Size: `${steps.size} B`, From: 'Support team', 'Visitor id': sam.visitorId });
    expect(values).not.toContain('not-sams.txt');

    const [visitors] = await site.db.query<RowDataPacket[]>(`SELECT id FROM \`${site.tablePrefix}kefu_visitor\` WHERE email = ?`, [subscriber.email]);
    expect(visitors.length).toBeGreaterThan(0);
    const ids = visitors.map((v) => v.id as string);
    expect(ids).toContain(sam.visitorId);

    const erased = await site.wp<{ items_removed: boolean; messages: string[]; done: boolean }[]>('erase', { email: subscriber.email });
    expect(erased.at(-1)).toMatchObject({ items_removed: true, done: true });
    const said = erased.flatMap((p) => p.messages).join(' ');
    expect(said).toContain('Erased 2 live chat files.');
    expect(said).toContain('The chat server deletes 1 more file');
    // The files whose bytes are in the database are gone at once, records and bytes.
    for (const file of [receipt, steps]) {
      expect(await rows(`SELECT id FROM \`${files}\` WHERE id = ?`, [file.id]), file.name).toEqual([]);
      expect(await chunkCount(file.id), `chunks of ${file.name}`).toBe(0);
    }
    // The bucket's record stays for the sidecar's sweep: its message and visitor record are gone, so the sweep takes it.
    expect(await rows(`SELECT id FROM \`${files}\` WHERE id = ?`, [inBucket])).toHaveLength(1);
    // Another visitor's file is untouched.
    expect(await rows(`SELECT id FROM \`${files}\` WHERE id = ?`, [notSams.id])).toHaveLength(1);
    expect(await chunkCount(notSams.id)).toBe(1);
    const [left] = await site.db.query<RowDataPacket[]>(
      `SELECT COUNT(*) AS n FROM \`${site.tablePrefix}kefu_msg\` WHERE pos IN (?) OR rec IN (?)`,
      [ids, ids],
    );
    expect(Number(left[0].n)).toBe(0);
    // Someone else's chat is untouched.
    const [others] = await site.db.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${site.tablePrefix}kefu_msg\``);
    expect(Number(others[0].n)).toBeGreaterThan(0);
  });

  it('uninstall removes options and the capability, and keeps chat history and files unless asked', async () => {
    if (process.env.KEFU_DEBUG) console.log(sidecar?.output());
    await sidecar?.stop();
    sidecar = undefined;

    // The folder a sidecar keeps file bytes in by default, as it lays it out:
    // protection files, and each file under a sub-folder. A link in it leads
    // outside, to something uninstall must not touch.
    const { uploads } = await site.wp<State>('state');
    const folder = path.join(uploads, 'kefu-files');
    const kept = path.join(site.dir, 'not-kefu', 'keep.txt');
    await mkdir(path.join(folder, 'Qx'), { recursive: true });
    await mkdir(path.dirname(kept), { recursive: true });
    await writeFile(kept, 'not the chat server\'s');
    for (const name of ['.htaccess', 'index.php', 'index.html', 'web.config']) await writeFile(path.join(folder, name), '');
    const fileInFolder = path.join(folder, 'Qx', `a_Qx${'f'.repeat(20)}`);
    await writeFile(fileInFolder, 'bytes of a chat file');
    await symlink(path.dirname(kept), path.join(folder, 'Qx', 'elsewhere'));

    await site.wp('uninstall');
    let state = await site.wp<State>('state');
    expect(state.active).toBe(false);
    expect(state.settings).toBeNull();
    expect(state.version).toBeNull();
    expect(Object.values(state.caps).some(Boolean)).toBe(false);
    const tables = async () =>
      ((await site.db.query<RowDataPacket[]>(`SHOW TABLES LIKE '${site.tablePrefix}kefu\\_%'`))[0]).map((r) => Object.values(r)[0]);
    expect(await tables()).toEqual(expect.arrayContaining([`${site.tablePrefix}kefu_msg`, `${site.tablePrefix}kefu_attachment`, `${site.tablePrefix}kefu_attachment_chunk`]));
    expect(await readFile(fileInFolder, 'utf8')).toBe('bytes of a chat file');

    // Again with 'delete chat history on uninstall' ticked, through the
    // Plugins screen's delete path (which also removes the files).
    await site.wp('activate');
    await site.wp('set-option', { key: 'delete_data', value: true });
    expect((await site.wp<State>('state')).caps.administrator).toBe(true);
    await site.wp('delete');
    state = await site.wp<State>('state');
    expect(state.files).toBe(false);
    expect(state.settings).toBeNull();
    expect(Object.values(state.caps).some(Boolean)).toBe(false);
    expect(await tables()).toEqual([]);
    // The files' folder went with the tables; what its link led to stays.
    expect(existsSync(folder)).toBe(false);
    expect(existsSync(uploads)).toBe(true);
    expect(await readFile(kept, 'utf8')).toBe('not the chat server\'s');
  });

  it('logged no PHP error, warning or notice from the plugin', async () => {
    expect(await site.pluginLogLines()).toEqual([]);
  });
});
