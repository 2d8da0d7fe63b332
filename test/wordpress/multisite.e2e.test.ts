// The WordPress plugin on a real WordPress network (Debian's package, a
// subdirectory multisite made by core's own set-up functions, PHP's built-in
// server on 127.0.0.1:80, MariaDB): network-activated from the built zip, one
// sidecar per site, and agents, visitors and administrators of different sites
// kept apart. HTTP only (cookies through playwright-core's request contexts);
// the browser side is covered by plugin.e2e.test.ts.
import { existsSync } from 'node:fs';
import { readFile, copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { RowDataPacket } from 'mysql2';
import { request, type APIRequestContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html, restNonce } from './browser.js';
import { CHROMIUM, ensureBuilt, missingPrerequisites, ROOT, ZIP_PATH } from './rig.js';
import { createNetwork, NETWORK_URL, type Network, type NetworkSidecar, type NetworkUser, type SubSite } from './multisite-rig.js';

const missing = missingPrerequisites().filter((what) => what !== CHROMIUM);
if (missing.length) {
  throw new Error(`the WordPress multisite end-to-end test needs ${missing.join(', ')}: run scripts/setup-test-env.sh`);
}

/** A signed JWT anywhere in a page. */
const JWT = /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{20,}/;

/** Administrator of site 2 only. */
const siteTwoAdmin = { user: 'tess', password: 'tess-pw-6b1d0a', email: 'tess@example.test', displayName: 'Tess Two', role: 'administrator' };
/** Administrator of site 3 only: no role on site 2. */
const siteThreeAdmin = { user: 'theo', password: 'theo-pw-93e7c5', email: 'theo@example.test', displayName: 'Theo Three', role: 'administrator' };

interface State {
  site: number;
  networkActive: boolean;
  files: boolean;
  settings: Record<string, unknown> | null;
  version: string | null;
  secret: string | null;
  caps: Record<string, boolean>;
  /** The site's wp_upload_dir()['basedir']. */
  uploads: string;
}

interface LiveChatPage {
  status: number;
  body: string;
  token?: string;
  tokenUrl?: string;
  nonce?: string;
}

/** A string as a literal inside a RegExp. */
const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const decode = (s: string) => s.replace(/&#0?38;|&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#0?39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

describe('the WordPress plugin on a multisite network', { timeout: 60_000 }, () => {
  let network: Network;
  let site2: SubSite;
  let site3: SubSite;
  let site4: SubSite | undefined;
  let pluginVersion: string;
  let twoId: number;
  let threeId: number;
  const sidecars: Record<number, NetworkSidecar> = {};
  const contexts: APIRequestContext[] = [];
  let superAdmin: APIRequestContext;
  /** The super administrator's agent tokens, by site. */
  const superTokens: Record<number, string> = {};

  async function newContext(): Promise<APIRequestContext> {
    const context = await request.newContext({ extraHTTPHeaders: { 'User-Agent': 'kefu-multisite-e2e' } });
    contexts.push(context);
    return context;
  }

  /** Logs in on one site's wp-login.php the way a browser does. */
  async function login(context: APIRequestContext, site: SubSite, who: NetworkUser): Promise<void> {
    const form = await context.get(`${site.url}/wp-login.php`);
    expect(form.status(), `wp-login.php on ${site.path}`).toBe(200);
    const res = await context.post(`${site.url}/wp-login.php`, {
      form: { log: who.user, pwd: who.password, 'wp-submit': 'Log In', redirect_to: `${site.url}/wp-admin/`, testcookie: '1' },
      maxRedirects: 0,
    });
    expect(res.status(), `login of ${who.user} on ${site.path}: ${(await res.text()).slice(0, 300)}`).toBe(302);
    expect(res.headers().location).toBe(`${site.url}/wp-admin/`);
  }

  /** The Live Chat page and what its `<kefu-admin>` carries. */
  async function liveChat(context: APIRequestContext, site: SubSite): Promise<LiveChatPage> {
    const { status, body } = await html(site.url, context, '/wp-admin/admin.php?page=kefu');
    const tag = /<kefu-admin\b[^>]*>/.exec(body)?.[0] ?? '';
    const attr = (name: string) => {
      const m = new RegExp(`\\s${name}=(["'])(.*?)\\1`).exec(tag);
      return m ? decode(m[2]) : undefined;
    };
    return { status, body, token: attr('token'), tokenUrl: attr('token-url'), nonce: attr('nonce') };
  }

  async function mint(context: APIRequestContext, site: SubSite, nonce?: string, method: 'post' | 'get' = 'post') {
    const res = await context[method](`${site.url}/wp-json/kefu/v1/agent-token`, {
      headers: nonce ? { 'X-WP-Nonce': nonce } : {},
      maxRedirects: 0,
    });
    return { status: res.status(), body: await res.text() };
  }

  async function claims(token: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(network.secret), { algorithms: ['HS256'] });
    return payload;
  }

  /** The Live Chat item of the admin menu on a site's dashboard, and its unread bubble. */
  async function menuBadge(context: APIRequestContext, site: SubSite): Promise<{ menu: boolean; count: string | null }> {
    const { status, body } = await html(site.url, context, '/wp-admin/index.php');
    expect(status, `dashboard of ${site.path}`).toBe(200);
    const item = /<li\b[^>]*\bid="toplevel_page_kefu"[\s\S]*?<\/li>/.exec(body)?.[0];
    if (!item) return { menu: false, count: null };
    return { menu: true, count: /<span class="pending-count"[^>]*>([^<]*)<\/span>/.exec(item)?.[1] ?? null };
  }

  async function sidecarGet(sidecar: NetworkSidecar, pathname: string, token: string): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${sidecar.url}${pathname}`, { headers: { Authorization: `Bearer ${token}` } });
    const text = await res.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, json };
  }

  async function conversationIds(sidecar: NetworkSidecar, token: string): Promise<string[]> {
    const { status, json } = await sidecarGet(sidecar, '/kefu/api/agent/conversations', token);
    // Soft, so that one refused token does not hide the other checks; a
    // refused list is empty, and the failed status is on record.
    expect.soft(status, `conversations on the sidecar of site ${sidecar.siteId}: ${JSON.stringify(json)}`).toBe(200);
    if (status !== 200) return [];
    return (json as { conversations: { visitorId: string }[] }).conversations.map((c) => c.visitorId);
  }

  /** The kefu tables of one site: `wp_kefu_…` for site 1, `wp_N_kefu_…` for site N. */
  async function kefuTables(siteId: number): Promise<string[]> {
    const prefix = siteId === 1 ? network.tablePrefix : `${network.tablePrefix}${siteId}_`;
    const like = `${prefix}kefu_`.replace(/_/g, '\\_') + '%';
    const [rows] = await network.db.query<RowDataPacket[]>('SHOW TABLES LIKE ?', [like]);
    return rows.map((r) => String(Object.values(r)[0])).sort();
  }

  async function messagesContaining(table: string, text: string): Promise<number> {
    const [rows] = await network.db.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${table}\` WHERE content LIKE ?`, [`%${text}%`]);
    return Number(rows[0].n);
  }

  beforeAll(async () => {
    const started = Date.now();
    await ensureBuilt();
    pluginVersion = /^\s*\*\s*Version:\s*(\S+)/m.exec(await readFile(path.join(ROOT, 'wordpress', 'kefu', 'kefu.php'), 'utf8'))![1];
    network = await createNetwork();
    site2 = await network.addSite('site2', 'Site Two');
    site3 = await network.addSite('site3', 'Site Three');
    twoId = (await network.wp<{ userId: number }>('add-user', { ...siteTwoAdmin, site: site2.id })).userId;
    threeId = (await network.wp<{ userId: number }>('add-user', { ...siteThreeAdmin, site: site3.id })).userId;
    expect(twoId).toBeGreaterThan(1);
    expect(threeId).toBeGreaterThan(1);
    if (process.env.KEFU_DEBUG) console.log(`network ready in ${Date.now() - started} ms at ${network.dir}`);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.dispose().catch(() => {})));
    if (process.env.KEFU_DEBUG) for (const s of Object.values(sidecars)) console.log(`sidecar ${s.siteId}:\n${s.output()}`);
    await network?.stop();
  });

  it('is a subdirectory network whose sites answer through the router', async () => {
    const info = await network.wp<{ multisite: boolean; subdomain: boolean; superAdmins: string[]; sites: { id: number; path: string; url: string; prefix: string }[] }>('sites');
    expect(info).toMatchObject({ multisite: true, subdomain: false, superAdmins: [network.superAdmin.user] });
    expect(info.sites.map((s) => ({ ...s, url: s.url.replace(/\/$/, '') }))).toEqual([
      { id: 1, path: '/', url: NETWORK_URL, prefix: 'wp_' },
      { id: site2.id, path: '/site2/', url: site2.url, prefix: `wp_${site2.id}_` },
      { id: site3.id, path: '/site3/', url: site3.url, prefix: `wp_${site3.id}_` },
    ]);
    expect([site2.id, site3.id]).toEqual([2, 3]);

    // Each path reaches its own site.
    const anonymous = await newContext();
    for (const [site, title] of [
      [network.mainSite, 'Kefu Network'],
      [site2, 'Site Two'],
      [site3, 'Site Three'],
    ] as const) {
      const front = await html(site.url, anonymous, '/');
      expect(front.status, `front page of ${site.path}`).toBe(200);
      expect(/<title>([^<]*)<\/title>/.exec(front.body)?.[1], `title on ${site.path}`).toContain(title);
      const rest = await anonymous.get(`${site.url}/wp-json/`);
      expect(rest.status(), `/wp-json/ on ${site.path}`).toBe(200);
      expect(((await rest.json()) as { name: string }).name).toBe(title);
    }

    // Core's .htaccess rules: root files under a site's path, and wp-admin's slash.
    const css = await anonymous.get(`${site2.url}/wp-includes/css/dashicons.min.css`);
    expect(css.status()).toBe(200);
    expect(css.headers()['content-type']).toMatch(/^text\/css/);
    const bare = await html(site2.url, anonymous, '/wp-admin');
    expect(bare.status).toBe(301);
    expect(bare.headers.location).toBe('/site2/wp-admin/');
    const guarded = await html(site2.url, anonymous, '/wp-admin/');
    expect(guarded.status).toBe(302);
    expect(guarded.headers.location).toMatch(new RegExp(`^${literal(site2.url)}/wp-login\\.php\\?redirect_to=`));

    // Logging in on a subsite opens that site's dashboard.
    superAdmin = await newContext();
    await login(superAdmin, site2, network.superAdmin);
    const dashboard = await html(site2.url, superAdmin, '/wp-admin/');
    expect(dashboard.status).toBe(200);
    expect(dashboard.body).toContain('wp-admin-bar');
    expect(/<title>([^<]*)<\/title>/.exec(dashboard.body)?.[1]).toContain('Site Two');
  });

  it('network activation sets up every site, and a site created afterwards', async () => {
    const zip = path.join(network.dir, 'kefu-wordpress.zip');
    // KEFU_WORDPRESS_ZIP: try another build of the plugin (e.g. a changed one) against the same network.
    await copyFile(process.env.KEFU_WORDPRESS_ZIP ?? ZIP_PATH, zip);
    await network.installPlugin(zip);
    expect(await network.wp('network-activate')).toEqual({ ok: true });

    // The widget on a subsite: its bundle comes through the site's own path.
    const front = await html(site2.url, await newContext(), '/');
    expect.soft(front.body, 'widget on site 2\'s front page').toContain('<kefu-chat');
    const tag = /<script\b[^>]*\bid=['"]kefu-widget-js['"][^>]*>/.exec(front.body)?.[0] ?? '';
    const widgetSrc = /\bsrc=(["'])(.*?)\1/.exec(tag)?.[2];
    expect.soft(widgetSrc && decode(widgetSrc), 'widget script on site 2').toMatch(new RegExp(`^${literal(site2.url)}/wp-content/plugins/kefu/assets/widget\\.js\\?ver=`));
    if (widgetSrc) {
      const bundle = await fetch(decode(widgetSrc));
      expect.soft(bundle.status, `${widgetSrc}`).toBe(200);
      expect.soft(bundle.headers.get('content-type'), `${widgetSrc}`).toMatch(/javascript/);
    }

    // A site made while the plugin is network-active is set up as it is created.
    site4 = await network.addSite('site4', 'Site Four');

    // Soft: one line per site and setting that is missing.
    for (const id of [1, site2.id, site3.id, site4.id]) {
      const state = await network.wp<State>('state', { site: id });
      expect(state.site).toBe(id);
      expect.soft(state.networkActive, `network-active seen from site ${id}`).toBe(true);
      expect.soft(state.caps, `capability on site ${id}`).toMatchObject({ administrator: true, editor: true, author: false, contributor: false, subscriber: false });
      expect.soft(state.settings, `kefu_settings on site ${id}`).toMatchObject({ asset_source: 'site', visibility: 'all', delete_data: false });
      expect.soft(state.version, `kefu_version on site ${id}`).toBe(pluginVersion);
      // wp-config.php defines KEFU_SECRET: no site generates one of its own.
      expect.soft(state.secret, `kefu_secret on site ${id}`).toBeNull();
    }
  });

  it('runs one sidecar per site, each creating that site\'s own tables', async () => {
    expect(await kefuTables(site2.id)).toEqual([]);
    expect(await kefuTables(site3.id)).toEqual([]);
    const started = await Promise.all([1, site2.id, site3.id].map((id) => network.startSidecar(id)));
    for (const s of started) sidecars[s.siteId] = s;

    const main = await kefuTables(1);
    expect(main).toContain('wp_kefu_msg');
    expect(main).toContain('wp_kefu_visitor');
    const suffixes = main.map((t) => t.slice('wp_'.length));
    for (const id of [site2.id, site3.id]) {
      expect(await kefuTables(id), `tables of site ${id}`).toEqual(suffixes.map((s) => `wp_${id}_${s}`).sort());
    }
    // Nothing started for site 4.
    expect(await kefuTables(site4!.id)).toEqual([]);

    // The sidecars alone, with tokens signed here: each takes its own site's
    // agents only, and a token without a site claim is the main site's.
    const signed = (site: number | undefined) =>
      new SignJWT({ typ: 'agent', name: 'Probe', ...(site === undefined ? {} : { site }) })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject('agent:999')
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(network.secret));
    for (const sidecarSite of [1, site2.id, site3.id]) {
      for (const tokenSite of [undefined, 1, site2.id, site3.id]) {
        const { status } = await sidecarGet(sidecars[sidecarSite], '/kefu/api/agent/conversations', await signed(tokenSite));
        expect.soft(status, `a token for site ${tokenSite ?? '(none)'} on site ${sidecarSite}'s sidecar`).toBe((tokenSite ?? 1) === sidecarSite ? 200 : 403);
      }
    }
  });

  it('mints agent tokens that name the site they were minted on', async () => {
    const nonces: Record<number, string> = {};
    for (const site of [network.mainSite, site2, site3]) {
      const page = await liveChat(superAdmin, site);
      expect(page.status, `Live Chat on ${site.path}`).toBe(200);
      expect(page.token, `token on the Live Chat page of ${site.path}`).toMatch(JWT);
      expect(page.tokenUrl).toBe(`${site.url}/wp-json/kefu/v1/agent-token`);
      expect(page.nonce).toMatch(/^[0-9a-f]{10}$/);
      nonces[site.id] = page.nonce!;
      const fromPage = await claims(page.token!);
      expect(fromPage).toMatchObject({ sub: `agent:${network.superAdmin.id}`, typ: 'agent' });

      const minted = await mint(superAdmin, site, page.nonce);
      expect(minted.status, `POST agent-token on ${site.path}: ${minted.body.slice(0, 300)}`).toBe(200);
      const token = (JSON.parse(minted.body) as { token: string }).token;
      const fromRoute = await claims(token);
      expect(fromRoute).toMatchObject({ sub: `agent:${network.superAdmin.id}`, typ: 'agent' });
      superTokens[site.id] = token;

      // The same user, a different site: the claim follows the site, not the user.
      if (site.id === 1) {
        // The main site's tokens may carry site 1 or leave it out (the sidecar reads absent as 1).
        expect.soft(fromPage.site ?? 1, 'site claim of the page\'s token on /').toBe(1);
        expect.soft(fromRoute.site ?? 1, 'site claim of the route\'s token on /').toBe(1);
      } else {
        expect.soft(fromPage.site, `site claim of the page's token on ${site.path}`).toBe(site.id);
        expect.soft(fromRoute.site, `site claim of the route's token on ${site.path}`).toBe(site.id);
      }
    }

    for (const site of [network.mainSite, site2, site3]) {
      // Only POST mints; the cookie alone (no nonce) is anonymous.
      const viaGet = await mint(superAdmin, site, nonces[site.id], 'get');
      expect.soft([404, 405], `GET agent-token on ${site.path} answered ${viaGet.status}`).toContain(viaGet.status);
      expect.soft(JWT.test(viaGet.body), `a token from GET on ${site.path}`).toBe(false);
      const noNonce = await mint(superAdmin, site);
      expect.soft(noNonce.status, `POST agent-token without nonce on ${site.path}`).toBe(401);
      expect.soft(JWT.test(noNonce.body)).toBe(false);
    }
  });

  it('lets each site\'s sidecar accept only that site\'s agent tokens', async () => {
    const ids = [1, site2.id, site3.id];
    for (const tokenSite of ids) expect(superTokens[tokenSite], `token of site ${tokenSite}`).toBeDefined();
    for (const sidecarSite of ids) {
      for (const tokenSite of ids) {
        const { status, json } = await sidecarGet(sidecars[sidecarSite], '/kefu/api/agent/conversations', superTokens[tokenSite]);
        expect.soft(status, `site ${tokenSite}'s token on site ${sidecarSite}'s sidecar: ${JSON.stringify(json)}`).toBe(sidecarSite === tokenSite ? 200 : 403);
      }
    }
  });

  it('keeps a visitor\'s conversation on site 2 from site 3\'s agents', async () => {
    const s2 = sidecars[site2.id];
    const s3 = sidecars[site3.id];
    const headers = { 'Content-Type': 'application/json', Origin: NETWORK_URL };
    const session = await fetch(`${s2.url}/kefu/api/visitor/session`, { method: 'POST', headers, body: JSON.stringify({ page: `${site2.url}/` }) });
    expect(session.status).toBe(200);
    const { visitorId, token: visitorToken } = (await session.json()) as { visitorId: string; token: string };
    const question = `Do you ship to Porto? ${Date.now()}`;
    const sent = await fetch(`${s2.url}/kefu/api/visitor/messages`, {
      method: 'POST',
      headers: { ...headers, Authorization: `Bearer ${visitorToken}` },
      body: JSON.stringify({ content: question }),
    });
    expect(sent.status, await sent.clone().text()).toBe(201);

    // Stored in site 2's table only.
    expect(await messagesContaining(`wp_${site2.id}_kefu_msg`, question)).toBe(1);
    expect(await messagesContaining(`wp_${site3.id}_kefu_msg`, question)).toBe(0);
    expect(await messagesContaining('wp_kefu_msg', question)).toBe(0);

    // The visitor's token is site 2's too.
    const elsewhere = await fetch(`${s3.url}/kefu/api/visitor/messages`, {
      method: 'POST',
      headers: { ...headers, Authorization: `Bearer ${visitorToken}` },
      body: JSON.stringify({ content: 'sneaking into site 3' }),
    });
    expect(elsewhere.status).toBe(403);
    expect(await messagesContaining(`wp_${site3.id}_kefu_msg`, 'sneaking into site 3')).toBe(0);

    // Agents of site 2 see it; those of site 3 do not, and cannot ask site 2's sidecar.
    expect.soft(await conversationIds(s2, superTokens[site2.id]), 'site 2\'s conversations').toContain(visitorId);
    expect.soft(await conversationIds(s3, superTokens[site3.id]), 'site 3\'s conversations').not.toContain(visitorId);
    expect.soft((await sidecarGet(s2, '/kefu/api/agent/conversations', superTokens[site3.id])).status).toBe(403);

    // The unread bubble on the Live Chat menu item: 1 on site 2, none on site 3 or the main site.
    expect.soft(await menuBadge(superAdmin, site2), 'Live Chat menu of site 2').toEqual({ menu: true, count: '1' });
    expect.soft(await menuBadge(superAdmin, site3), 'Live Chat menu of site 3').toEqual({ menu: true, count: null });
    expect.soft(await menuBadge(superAdmin, network.mainSite), 'Live Chat menu of the main site').toEqual({ menu: true, count: null });

    // The same through each site's own administrator (a role, not super admin powers).
    const two = await newContext();
    await login(two, site2, siteTwoAdmin);
    const twoPage = await liveChat(two, site2);
    expect.soft(twoPage.status, 'Live Chat on site 2 for its administrator').toBe(200);
    if (twoPage.token) {
      expect.soft(await claims(twoPage.token)).toMatchObject({ sub: `agent:${twoId}`, site: site2.id });
      expect.soft(await conversationIds(s2, twoPage.token)).toContain(visitorId);
    }
    expect.soft(await menuBadge(two, site2), 'Live Chat menu of site 2 for its administrator').toEqual({ menu: true, count: '1' });

    const three = await newContext();
    await login(three, site3, siteThreeAdmin);
    const threePage = await liveChat(three, site3);
    expect.soft(threePage.status, 'Live Chat on site 3 for its administrator').toBe(200);
    if (threePage.token) {
      expect.soft(await claims(threePage.token)).toMatchObject({ sub: `agent:${threeId}`, site: site3.id });
      expect.soft(await conversationIds(s3, threePage.token)).not.toContain(visitorId);
      expect.soft((await sidecarGet(s2, '/kefu/api/agent/conversations', threePage.token)).status).toBe(403);
    }
    expect.soft(await menuBadge(three, site3), 'Live Chat menu of site 3 for its administrator').toEqual({ menu: true, count: null });
  });

  it('gives an administrator of site 3 no token and no Live Chat page on site 2', async () => {
    const three = await newContext();
    await login(three, site3, siteThreeAdmin);
    const nonce = await restNonce(site3.url, three);

    // The same nonce works where they are administrator...
    const home = await mint(three, site3, nonce);
    expect.soft(home.status, `POST agent-token on site 3 for its administrator: ${home.body.slice(0, 300)}`).toBe(200);
    if (home.status === 200) {
      expect.soft(await claims((JSON.parse(home.body) as { token: string }).token)).toMatchObject({ sub: `agent:${threeId}`, site: site3.id });
    }

    // ...and not on site 2, where they have no role.
    const denied = await mint(three, site2, nonce);
    expect([401, 403], `POST agent-token on site 2 for site 3's administrator: ${denied.body.slice(0, 300)}`).toContain(denied.status);
    expect(JWT.test(denied.body)).toBe(false);

    const page = await liveChat(three, site2);
    expect(page.status, 'site 2 Live Chat page for site 3\'s administrator').toBe(403);
    expect(JWT.test(page.body)).toBe(false);
    const dashboard = await html(site2.url, three, '/wp-admin/');
    expect(JWT.test(dashboard.body)).toBe(false);
  });

  it('uninstall clears every site and drops chat tables and files only where that site asked', async () => {
    await Promise.all(Object.values(sidecars).map((s) => s.stop()));
    const before = { 1: await kefuTables(1), 2: await kefuTables(site2.id), 3: await kefuTables(site3.id) };
    expect(before[1].length).toBeGreaterThan(0);
    expect(before[2].length).toBeGreaterThan(0);
    expect(before[3].length).toBeGreaterThan(0);
    // Each site's folder for file bytes, in that site's uploads folder.
    const filesFolder: Record<number, string> = {};
    for (const id of [1, site2.id, site3.id]) {
      filesFolder[id] = path.join((await network.wp<State>('state', { site: id })).uploads, 'kefu-files');
      await mkdir(path.join(filesFolder[id], 'Zz'), { recursive: true });
      await writeFile(path.join(filesFolder[id], '.htaccess'), 'Require all denied\n');
      await writeFile(path.join(filesFolder[id], 'Zz', `a_Zz${'s'.repeat(20)}`), `a file of site ${id}`);
    }
    expect(new Set(Object.values(filesFolder)).size).toBe(3);

    // Only site 3 ticked 'Delete chat history when the plugin is uninstalled'
    // (set on every site, so that this holds whatever activation stored).
    for (const [id, value] of [[1, false], [site2.id, false], [site3.id, true]] as const) {
      expect(await network.wp('set-option', { site: id, key: 'delete_data', value })).toMatchObject({ delete_data: value });
    }

    expect(await network.wp('uninstall')).toEqual({ ok: true });

    for (const id of [1, site2.id, site3.id, site4!.id]) {
      const state = await network.wp<State>('state', { site: id });
      expect(state.networkActive).toBe(false);
      expect.soft(state.settings, `kefu_settings on site ${id}`).toBeNull();
      expect.soft(state.version, `kefu_version on site ${id}`).toBeNull();
      expect.soft(
        Object.entries(state.caps).filter(([, has]) => has).map(([role]) => role),
        `roles keeping the capability on site ${id}`,
      ).toEqual([]);
    }
    expect.soft(await kefuTables(1), 'site 1 kept its chat history').toEqual(before[1]);
    expect.soft(await kefuTables(site2.id), 'site 2 kept its chat history').toEqual(before[2]);
    expect.soft(await kefuTables(site3.id), 'site 3 asked for its chat history to go').toEqual([]);
    expect.soft(existsSync(filesFolder[1]), 'site 1 kept its files').toBe(true);
    expect.soft(existsSync(filesFolder[site2.id]), 'site 2 kept its files').toBe(true);
    expect.soft(existsSync(filesFolder[site3.id]), 'site 3 asked for its files to go').toBe(false);
  });

  it('logged no PHP error, warning or notice from the plugin', async () => {
    expect(await network.pluginLogLines()).toEqual([]);
  });
});
