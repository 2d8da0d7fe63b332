// The plugin in a real WordPress, on the cases plugin.e2e.test.ts leaves out:
// a site in a subdirectory and percent-encoded paths for the excluded-path
// rule, another plugin's inline script before the widget's, the generated
// secret when wp-config.php defines none, and the Live Chat page while the
// chat server is down.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { jwtVerify } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { html, launchChromium, login, retry } from './browser.js';
import { createSite, ensureBuilt, missingPrerequisites, runPhpScript, startSidecar, until, ZIP_PATH, type Sidecar, type Site } from './rig.js';

const missing = missingPrerequisites();
if (missing.length) {
  throw new Error(`the WordPress end-to-end test needs ${missing.join(', ')}: run scripts/setup-test-env.sh`);
}

const editor = { user: 'eve', password: 'eve-pw-83b1d0', email: 'eve@example.test', displayName: 'Eve Editor', role: 'editor' };

/** The opening tag of the script WordPress printed for a handle. */
function scriptTag(body: string, id: string): string | undefined {
  return new RegExp(`<script\\b[^>]*\\bid=['"]${id}['"][^>]*>`).exec(body)?.[0];
}

const isModule = (tag: string | undefined) => tag !== undefined && /\stype=["']module["']/.test(tag);

/** The `.kefu-secret-notice`'s wp-config.php line, and the secret in it. */
function noticeSecret(body: string): string | undefined {
  return /kefu-secret-notice[\s\S]*?<code>define\( &#039;KEFU_SECRET&#039;, &#039;([0-9a-f]+)&#039; \);<\/code>/.exec(body)?.[1];
}

describe('the WordPress plugin: subdirectory sites, inline scripts, the generated secret, a stopped chat server', { timeout: 60_000 }, () => {
  let site: Site;
  let sidecar: Sidecar | undefined;
  let browser: Browser;
  let adminContext: BrowserContext;
  let admin: Page;
  let visitorContext: BrowserContext;

  /** Runs test/wordpress/php/fixes.php COMMAND inside the site. */
  const fixes = <T>(command: string, args: Record<string, unknown> = {}): Promise<T> => runPhpScript<T>('fixes.php', site.dir, site.url, command, args);

  beforeAll(async () => {
    await ensureBuilt();
    site = await createSite();
    const zip = path.join(site.dir, 'kefu-wordpress.zip');
    await copyFile(ZIP_PATH, zip);
    await site.wp('add-user', editor);
    browser = await launchChromium();
    adminContext = await browser.newContext();
    visitorContext = await browser.newContext();

    // Installed from the zip and activated the way an owner does it.
    admin = await login(site.url, adminContext, site.admin);
    await admin.goto(`${site.url}/wp-admin/plugin-install.php?tab=upload`);
    await admin.setInputFiles('#pluginzip', zip);
    await Promise.all([admin.waitForURL(/update\.php\?action=upload-plugin/), admin.click('#install-plugin-submit')]);
    await Promise.all([admin.waitForURL(/plugins\.php/), admin.click('a.button-primary[href*="action=activate"]')]);
    expect(await site.wp<{ active: boolean }>('state')).toMatchObject({ active: true });
  }, 300_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await sidecar?.stop();
    await site?.stop();
  });

  it('matches excluded paths relative to a home URL in a subdirectory, percent-decoded', async () => {
    const patterns = '/shop/*\n/café/\n/Contact/';
    type Answer = { home: string; results: { uri: string; path: string; match: boolean }[] };
    const cases = (uris: string[]) => uris.map((uri) => ({ uri, patterns }));

    const blog = await fixes<Answer>('paths', {
      homeUrl: `${site.url}/blog`,
      cases: cases(['/blog/shop/x', '/blog/shop/', '/blog/SHOP/x?page=2', '/blog/caf%C3%A9/', '/blog/caf%C3%A9', '/blog/contact', '/blog/', '/blog', '/blogger/shop/x', '/shop/x', '/blog/about/']),
    });
    expect(blog.home).toBe(`${site.url}/blog`);
    expect(blog.results.map((r) => [r.uri, r.path, r.match])).toEqual([
      ['/blog/shop/x', '/shop/x', true],
      ['/blog/shop/', '/shop/', true],
      ['/blog/SHOP/x?page=2', '/SHOP/x', true],
      ['/blog/caf%C3%A9/', '/café/', true],
      ['/blog/caf%C3%A9', '/café', true],
      ['/blog/contact', '/contact', true],
      ['/blog/', '/', false],
      ['/blog', '/', false],
      // Only a whole leading segment is the site's folder.
      ['/blogger/shop/x', '/blogger/shop/x', false],
      ['/shop/x', '/shop/x', true],
      ['/blog/about/', '/about/', false],
    ]);

    // A site at the root of its host is unchanged, apart from decoding.
    const root = await fixes<Answer>('paths', {
      homeUrl: site.url,
      cases: cases(['/shop/x', '/caf%C3%A9/', '/blog/shop/x', '/', '/a%2Bb/']),
    });
    expect(root.results.map((r) => [r.path, r.match])).toEqual([
      ['/shop/x', true],
      ['/café/', true],
      ['/blog/shop/x', false],
      ['/', false],
      ['/a+b/', false],
    ]);
  });

  it('prints the widget as a module when another script is added inline before it', async () => {
    const muPlugins = path.join(site.dir, 'wp-content', 'mu-plugins');
    await mkdir(muPlugins, { recursive: true });
    await writeFile(
      path.join(muPlugins, 'kefu-test-inline-before.php'),
      `<?php
add_action( 'wp_enqueue_scripts', function () {
	wp_add_inline_script( 'kefu-widget', 'window.kefuInlineBefore = typeof customElements.get( "kefu-chat" );', 'before' );
}, 20 );
`,
    );

    const { status, body } = await html(site.url, visitorContext, '/');
    expect(status).toBe(200);
    const inline = scriptTag(body, 'kefu-widget-js-before');
    const widget = scriptTag(body, 'kefu-widget-js');
    expect(inline, 'the inline script').toBeDefined();
    expect(isModule(inline), inline).toBe(false);
    expect(isModule(widget), widget).toBe(true);
    expect(body.indexOf(inline!)).toBeLessThan(body.indexOf(widget!));
    expect(widget).not.toMatch(/text\/javascript/);

    // In the browser the inline script runs first, as a classic script, and
    // the widget module then defines <kefu-chat>.
    const page = await visitorContext.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(String(err)));
    await page.goto(`${site.url}/`);
    await vi.waitFor(async () => expect(await page.evaluate(() => customElements.get('kefu-chat') !== undefined)).toBe(true), retry(10_000));
    expect(await page.evaluate(() => (window as unknown as { kefuInlineBefore?: string }).kefuInlineBefore)).toBe('undefined');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('enqueues both bundles with wp_enqueue_script_module where WordPress has it, and still prints <kefu-chat>', async () => {
    type Answer = {
      stub: boolean;
      calls: { id: string; src: string; version: string }[] | null;
      classic: Record<string, boolean>;
      widgetUrl: string;
      adminUrl: string;
      element: string;
    };
    const answer = await fixes<Answer>('modules', { userId: site.admin.id });
    expect(answer.classic).toEqual({ 'kefu-widget': false, 'kefu-admin': false });
    expect(answer.element).toMatch(new RegExp(`^<kefu-chat server="${site.url}"`));
    if (answer.stub) {
      expect(answer.calls!.map((c) => [c.id, c.src])).toEqual([
        ['kefu-widget', answer.widgetUrl],
        ['kefu-admin', answer.adminUrl],
      ]);
      expect(answer.calls!.every((c) => c.version.startsWith('0.1.0'))).toBe(true);
    }
  });

  it('shows the same generated secret on every load when wp-config.php defines none, and saves it', async () => {
    const config = await readFile(site.configPath, 'utf8');
    const settingsPage = '/wp-admin/options-general.php?page=kefu-settings';
    const line = `define( 'KEFU_SECRET', '${site.secret}' );`;
    expect(config).toContain(line);
    await writeFile(site.configPath, config.replace(line, '/* KEFU_SECRET left out for this test */'));
    try {
      expect(await site.wp<{ secret: string | null }>('state')).toMatchObject({ secret: null });

      // PHP's opcache may serve the old wp-config.php for up to two seconds.
      const first = await until('the secret notice', async () => noticeSecret((await html(site.url, adminContext, settingsPage)).body));
      const second = noticeSecret((await html(site.url, adminContext, settingsPage)).body);
      expect(first).toMatch(/^[0-9a-f]{64}$/);
      expect(second).toBe(first);
      expect(await site.wp<{ secret: string | null }>('state')).toMatchObject({ secret: first });
      const [rows] = await site.db.query<import('mysql2').RowDataPacket[]>(
        `SELECT autoload FROM \`${site.tablePrefix}options\` WHERE option_name = 'kefu_secret'`,
      );
      expect(rows.map((r) => r.autoload)).toEqual(['no']);

      // The Live Chat page shows the same line, and its token is signed with it.
      const { body } = await html(site.url, adminContext, '/wp-admin/admin.php?page=kefu');
      expect(noticeSecret(body)).toBe(first);
      const token = /<kefu-admin token="([^"]+)"/.exec(body)?.[1];
      expect(token, 'agent token').toBeDefined();
      await jwtVerify(token!, new TextEncoder().encode(first), { algorithms: ['HS256'] });
    } finally {
      await writeFile(site.configPath, config);
      await until('KEFU_SECRET back in wp-config.php', async () =>
        (await html(site.url, adminContext, settingsPage)).body.includes('kefu-secret-notice') ? undefined : true,
      );
    }
  });

  it('warns on the Live Chat page while the chat server is down, and not while it runs', async () => {
    sidecar = await startSidecar(site);
    await site.wp('set-option', { key: 'server_url', value: `${sidecar.url}/kefu` });
    const settingsLink = `${site.url}/wp-admin/options-general.php?page=kefu-settings`;

    const up = await html(site.url, adminContext, '/wp-admin/admin.php?page=kefu');
    expect(up.status).toBe(200);
    expect(up.body).toMatch(/<kefu-admin token="eyJ/);
    expect(up.body).not.toMatch(/class="notice notice-error/);
    // Light like wp-admin around it, and signing out is WordPress's own log-out.
    const tag = /<kefu-admin\b[^>]*>/.exec(up.body)?.[0] ?? '';
    expect(tag).toContain(' theme="light"');
    expect(tag).toMatch(/ sign-out-url="[^"]*\/wp-login\.php\?action=logout&amp;_wpnonce=[0-9a-f]+"/);

    await sidecar.stop();
    const healthUrl = `${sidecar.url}/kefu/health`;
    sidecar = undefined;

    const down = await html(site.url, adminContext, '/wp-admin/admin.php?page=kefu');
    expect(down.status).toBe(200);
    const notice = /<div class="notice notice-error[^"]*">[\s\S]*?<\/div>/.exec(down.body)?.[0];
    expect(notice, 'error notice').toBeDefined();
    expect(notice).toContain(`Not reachable: the chat server at ${healthUrl} did not answer`);
    expect(notice).toContain('Start the chat server');
    expect(notice).toContain(`href="${settingsLink}"`);
    // The console is still there, to connect by itself once the server is back.
    expect(down.body.indexOf(notice!)).toBeLessThan(down.body.indexOf('<kefu-admin token="eyJ'));

    // What the administrator sees.
    await admin.goto(`${site.url}/wp-admin/admin.php?page=kefu`);
    const shown = admin.locator('.notice-error', { hasText: 'Not reachable' });
    await vi.waitFor(async () => expect(await shown.first().isVisible()).toBe(true), retry(10_000));
    expect(await shown.first().textContent()).toContain('Settings → Kefu Live Chat');
    expect(await admin.locator('kefu-admin').count()).toBe(1);

    // An editor answers chats but cannot change settings: the same warning, no link.
    const editorContext = await browser.newContext();
    try {
      await (await login(site.url, editorContext, editor)).close();
      const { body } = await html(site.url, editorContext, '/wp-admin/admin.php?page=kefu');
      const editorNotice = /<div class="notice notice-error[^"]*">[\s\S]*?<\/div>/.exec(body)?.[0];
      expect(editorNotice).toContain('did not answer');
      expect(editorNotice).toContain('Settings → Kefu Live Chat');
      expect(editorNotice).not.toContain('href=');
      expect(body).toMatch(/<kefu-admin token="eyJ/);
    } finally {
      await editorContext.close();
    }
  });

  it('logged no PHP error, warning or notice from the plugin', async () => {
    expect(await site.pluginLogLines()).toEqual([]);
  });
});
