// Trust in the WordPress plugin, end to end in a real WordPress with the real
// sidecar and Chromium: visitors are verified only by an identity token the
// site signs; an identity token is never an agent token; a demoted agent's
// console stops within one (here 20-second) token lifetime; the privacy eraser
// removes a verified user's chats and says so, or says why it could not; the
// consent box and retention work; the console runs only the plugin's own
// file; table names come from wp-config.php for the plugin and the sidecar alike.
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { jwtVerify, SignJWT } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RowDataPacket } from 'mysql2';
import { launchChromium, login, retry, seeAttr, seeText } from './browser.js';
import { createSite, ensureBuilt, missingPrerequisites, sendFile, startSidecar, ZIP_PATH, type Sidecar, type Site } from './rig.js';

const run = promisify(execFile);

const missing = missingPrerequisites();
if (missing.length) throw new Error(`the WordPress end-to-end test needs ${missing.join(', ')}: run scripts/setup-test-env.sh`);

const TOKEN_LIFE_S = 20;
const PREFIX = 'chat_';
const grace = { user: 'grace', password: 'grace-pw-81c2', email: 'grace@example.test', displayName: 'Grace Customer', role: 'subscriber' };
const eddie = { user: 'eddie', password: 'eddie-pw-5d1a', email: 'eddie@example.test', displayName: 'Eddie Editor', role: 'editor' };

describe('trust in the WordPress plugin', { timeout: 90_000 }, () => {
  let site: Site;
  let sidecar: Sidecar;
  let browser: Browser;
  let graceId: number;
  let eddieId: number;
  const contexts: BrowserContext[] = [];

  const key = () => new TextEncoder().encode(site.secret);
  const rows = async (sql: string, params: unknown[] = []) => (await site.db.query<RowDataPacket[]>(sql, params))[0];

  async function context(): Promise<BrowserContext> {
    const ctx = await browser.newContext();
    contexts.push(ctx);
    return ctx;
  }

  /** Opens the widget on the front page and sends a message; resolves with the page. */
  async function chat(page: Page, text: string): Promise<void> {
    await page.goto(`${site.url}/`);
    await page.locator('kefu-chat [part="launcher"]').click();
    const input = page.locator('kefu-chat [part="input"]');
    await input.first().waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill(text);
    await page.locator('kefu-chat [part="send"]').click();
  }

  /** The visitor record holding a message. */
  async function visitorOf(text: string): Promise<RowDataPacket> {
    return vi.waitFor(async () => {
      const [m] = await rows(`SELECT pos FROM \`${PREFIX}kefu_msg\` WHERE content = ?`, [text]);
      expect(m, `message "${text}" stored`).toBeDefined();
      const [v] = await rows(`SELECT * FROM \`${PREFIX}kefu_visitor\` WHERE id = ?`, [m.pos]);
      expect(v).toBeDefined();
      return v;
    }, retry(10_000));
  }

  beforeAll(async () => {
    await ensureBuilt();
    site = await createSite();
    // One source of truth for table names: a constant the plugin and the sidecar both read.
    const config = await readFile(site.configPath, 'utf8');
    await writeFile(site.configPath, config.replace('/* That\'s all', `define( 'KEFU_TABLE_PREFIX', '${PREFIX}' );\n\n/* That's all`));
    const muPlugins = path.join(site.dir, 'wp-content', 'mu-plugins');
    await mkdir(muPlugins, { recursive: true });
    await writeFile(path.join(muPlugins, 'kefu-short-tokens.php'), `<?php\nadd_filter( 'kefu_agent_token_ttl', function () { return ${TOKEN_LIFE_S}; } );\n`);
    await run('unzip', ['-q', ZIP_PATH, '-d', path.join(site.dir, 'wp-content', 'plugins')]);
    expect(await site.wp('activate')).toEqual({ ok: true });
    ({ userId: graceId } = await site.wp<{ userId: number }>('add-user', grace));
    ({ userId: eddieId } = await site.wp<{ userId: number }>('add-user', eddie));
    sidecar = await startSidecar(site);
    await site.wp('set-option', { key: 'server_url', value: `${sidecar.url}/kefu` });
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await sidecar?.stop();
    await site?.stop();
  });

  it('keeps the chat tables where wp-config.php says, for the sidecar and the plugin', async () => {
    const tables = (await rows('SHOW TABLES')).map((r) => String(Object.values(r)[0]));
    expect(tables).toEqual(expect.arrayContaining([`${PREFIX}kefu_msg`, `${PREFIX}kefu_visitor`, `${PREFIX}kefu_event`]));
    expect(tables.filter((t) => t.startsWith(`${site.tablePrefix}kefu_`))).toEqual([]);
    const answer = await site.wp<{ tables: string[]; exists: boolean }>('tables', { table: `${PREFIX}kefu_msg` });
    expect(answer).toMatchObject({ exists: true, tables: [`${PREFIX}kefu_msg`, `${PREFIX}kefu_visitor`, `${PREFIX}kefu_event`, `${PREFIX}kefu_agent`, `${PREFIX}kefu_ticket`, `${PREFIX}kefu_note`, `${PREFIX}kefu_block`, `${PREFIX}kefu_canned`, `${PREFIX}kefu_attachment`, `${PREFIX}kefu_attachment_chunk`, `${PREFIX}kefu_rating`, `${PREFIX}kefu_mail`, `${PREFIX}kefu_setting`, `${PREFIX}kefu_push_subscription`, `${PREFIX}kefu_push_sent`] });
    // The unread badge reads the same tables the sidecar writes.
    const visitor = (await (await fetch(`${sidecar.url}/kefu/api/visitor/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { token: string };
    await fetch(`${sidecar.url}/kefu/api/visitor/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${visitor.token}` }, body: JSON.stringify({ content: 'Counted?' }) });
    const dashboard = await (await login(site.url, await context(), site.admin)).content();
    expect(dashboard).toMatch(/<span class="pending-count" aria-hidden="true">1<\/span>/);
  });

  it('verifies a logged-in user and labels what a visitor typed as unverified', async () => {
    const agentPage = await login(site.url, await context(), site.admin);
    await agentPage.goto(`${site.url}/wp-admin/admin.php?page=kefu`);

    // A visitor who claims Grace's name and email, in the page and in a forged identity token.
    const forger = await (await context()).newPage();
    await forger.goto(`${site.url}/`);
    await forger.evaluate(() => {
      const el = document.querySelector('kefu-chat')!;
      el.setAttribute('name', 'Grace Customer');
      el.setAttribute('email', 'grace@example.test');
      const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
      const now = Math.floor(Date.now() / 1000);
      el.setAttribute('identity', `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ typ: 'identity', sub: 'user:2', name: 'Grace Customer', email: 'grace@example.test', iat: now, exp: now + 600 })}.forgedsignatureforgedsignatureforged`);
    });
    await forger.locator('kefu-chat [part="launcher"]').click();
    const input = forger.locator('kefu-chat [part="input"]');
    await input.first().waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill('I am Grace, send me her order');
    await forger.locator('kefu-chat [part="send"]').click();

    const graceContext = await context();
    const gracePage = await login(site.url, graceContext, grace);
    await chat(gracePage, 'Hello, this is really Grace');

    const forgedRow = await visitorOf('I am Grace, send me her order');
    const realRow = await visitorOf('Hello, this is really Grace');
    expect(forgedRow.user_ref).toBeNull();
    expect(realRow.user_ref).toBe(`user:${graceId}`);
    expect(forgedRow.id).not.toBe(realRow.id);

    const forgedEntry = agentPage.locator('kefu-admin button.conv', { hasText: 'I am Grace' });
    await forgedEntry.first().click();
    await seeAttr(agentPage.locator('kefu-admin .conv-head .identity'), 'data-verified', 'false');
    await seeText(agentPage.locator('kefu-admin .conv-head .identity'), 'Unverified');
    await agentPage.locator('kefu-admin button.conv', { hasText: 'really Grace' }).first().click();
    await seeAttr(agentPage.locator('kefu-admin .conv-head .identity'), 'data-verified', 'true');

    // The same user on another browser is the same conversation.
    const laptop = await login(site.url, await context(), grace);
    await chat(laptop, 'And from my laptop');
    expect((await visitorOf('And from my laptop')).id).toBe(realRow.id);
    await seeText(laptop.locator('kefu-chat [part="messages"]'), 'Hello, this is really Grace');
  });

  it('renews an identity token that expired in a page left open', async () => {
    const page = await login(site.url, await context(), grace);
    await page.goto(`${site.url}/`);
    const now = Math.floor(Date.now() / 1000);
    const stale = await new SignJWT({ typ: 'identity', name: grace.displayName, email: grace.email, site: 1 })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(`user:${graceId}`)
      .setIssuedAt(now - 1200)
      .setExpirationTime(now - 600)
      .sign(key());
    await page.evaluate((token) => document.querySelector('kefu-chat')!.setAttribute('identity', token), stale);
    const renewal = page.waitForResponse((r) => r.url().includes('/wp-json/kefu/v1/identity-token') && r.request().method() === 'POST');
    await page.locator('kefu-chat [part="launcher"]').click();
    expect((await renewal).status()).toBe(200);
    const input = page.locator('kefu-chat [part="input"]');
    await input.first().waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill('Back after lunch');
    await page.locator('kefu-chat [part="send"]').click();
    expect((await visitorOf('Back after lunch')).user_ref).toBe(`user:${graceId}`);
  });

  it('never turns a subscriber\'s identity token into an agent token', async () => {
    const ctx = await context();
    const page = await login(site.url, ctx, grace);
    await page.goto(`${site.url}/`);
    const identity = (await page.locator('kefu-chat').getAttribute('identity'))!;
    const { payload } = await jwtVerify(identity, key(), { algorithms: ['HS256'] });
    expect(payload).toMatchObject({ typ: 'identity', sub: `user:${graceId}` });

    // Used as an agent's bearer token: refused by the sidecar.
    for (const route of ['/kefu/api/agent/conversations', '/kefu/api/agent/poll?wait=0']) {
      const res = await fetch(`${sidecar.url}${route}`, { headers: { authorization: `Bearer ${identity}` } });
      expect(res.status, route).toBe(401);
    }
    // And the plugin mints agent tokens only for the capability; identity tokens only on POST for the user.
    const nonce = await page.evaluate(() => document.querySelector('kefu-chat')!.getAttribute('identity-nonce'));
    expect((await ctx.request.post(`${site.url}/wp-json/kefu/v1/agent-token`, { headers: { 'X-WP-Nonce': nonce! } })).status()).toBe(403);
    const renewed = await ctx.request.post(`${site.url}/wp-json/kefu/v1/identity-token`, { headers: { 'X-WP-Nonce': nonce! } });
    expect(renewed.status()).toBe(200);
    const fresh = (await jwtVerify(((await renewed.json()) as { token: string }).token, key(), { algorithms: ['HS256'] })).payload;
    expect(fresh).toMatchObject({ typ: 'identity', sub: `user:${graceId}`, email: grace.email });
    expect((await ctx.request.get(`${site.url}/wp-json/kefu/v1/identity-token`, { headers: { 'X-WP-Nonce': nonce! } })).status()).toBe(404);
    // Logged out: no identity at all.
    const anon = await (await context()).request.post(`${site.url}/wp-json/kefu/v1/identity-token`);
    expect(anon.status()).toBe(401);
  });

  it('stops a demoted agent\'s console within one token lifetime', async () => {
    const page = await login(site.url, await context(), eddie);
    await page.goto(`${site.url}/wp-admin/admin.php?page=kefu`);
    const token = (await page.locator('kefu-admin').getAttribute('token'))!;
    const { payload } = await jwtVerify(token, key(), { algorithms: ['HS256'] });
    expect(payload.exp! - payload.iat!).toBe(TOKEN_LIFE_S);
    // An editor answers chats but does not manage the site: no shared canned replies to edit.
    expect(payload.manage).toBeUndefined();

    const visitor = await (await context()).newPage();
    await chat(visitor, 'Before the demotion');
    await page.locator('kefu-admin button.conv', { hasText: 'Before the demotion' }).first().waitFor({ state: 'visible', timeout: 15_000 });

    await site.wp('set-role', { userId: eddieId, role: 'subscriber' });
    const demotedAt = Date.now();
    await seeText(page.locator('kefu-admin .banner'), 'expired', (TOKEN_LIFE_S + 15) * 1000);
    const stoppedAfter = (Date.now() - demotedAt) / 1000;
    console.log(`[trust] the demoted agent's console stopped ${stoppedAfter.toFixed(1)} s after the demotion (token life ${TOKEN_LIFE_S} s)`);
    expect(stoppedAfter).toBeLessThanOrEqual(TOKEN_LIFE_S + 15);

    // Nothing reaches the stopped console any more.
    const input = visitor.locator('kefu-chat [part="input"]');
    await input.fill('After the demotion');
    await visitor.locator('kefu-chat [part="send"]').click();
    await visitorOf('After the demotion');
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await page.locator('kefu-admin button.conv', { hasText: 'After the demotion' }).count()).toBe(0);
    await site.wp('set-role', { userId: eddieId, role: 'editor' });
  });

  it('erases a verified user\'s chats and says so, or says why it could not', async () => {
    const before = await visitorOf('Hello, this is really Grace');
    // Break the tables the eraser needs: it must report, not claim success.
    await rows(`RENAME TABLE \`${PREFIX}kefu_visitor\` TO \`${PREFIX}kefu_visitor_away\``);
    type Erased = { items_removed: boolean; items_retained: boolean; messages: string[]; done: boolean };
    try {
      const failed = await site.wp<Erased[]>('erase', { email: grace.email });
      expect(failed.at(-1)).toMatchObject({ items_removed: false, items_retained: true, done: true });
      expect(failed.at(-1)!.messages.join(' ')).toMatch(/could not be erased.*kefu_visitor/);
    } finally {
      await rows(`RENAME TABLE \`${PREFIX}kefu_visitor_away\` TO \`${PREFIX}kefu_visitor\``);
    }

    const erased = await site.wp<Erased[]>('erase', { email: grace.email });
    expect(erased.at(-1)).toMatchObject({ items_removed: true, items_retained: false, done: true });
    expect(erased.flatMap((p) => p.messages).join(' ')).toMatch(/Erased \d+ live chat conversation/);
    const [left] = await rows(`SELECT COUNT(*) AS n FROM \`${PREFIX}kefu_msg\` WHERE pos = ? OR rec = ?`, [before.id, before.id]);
    expect(Number(left.n)).toBe(0);
    expect(await rows(`SELECT id FROM \`${PREFIX}kefu_visitor\` WHERE id = ?`, [before.id])).toEqual([]);
    // The forger's unverified conversation typed with Grace's address goes too: it is hers to erase.
    const [forged] = await rows(`SELECT COUNT(*) AS n FROM \`${PREFIX}kefu_msg\` WHERE content = ?`, ['I am Grace, send me her order']);
    expect(Number(forged.n)).toBe(0);
    // Other visitors' chats stay.
    const [others] = await rows(`SELECT COUNT(*) AS n FROM \`${PREFIX}kefu_msg\``);
    expect(Number(others.n)).toBeGreaterThan(0);
  });

  it('asks for consent before the first message, records it and exports it', async () => {
    await site.wp('set-option', { key: 'consent', value: true });
    await site.wp('set-option', { key: 'consent_text', value: 'I agree that Kefu Test Site keeps this chat.' });
    const page = await (await context()).newPage();
    await page.goto(`${site.url}/`);
    await page.locator('kefu-chat [part="launcher"]').click();
    const input = page.locator('kefu-chat [part="input"]');
    await input.first().waitFor({ state: 'visible', timeout: 15_000 });
    await seeText(page.locator('kefu-chat [part="consent"]'), 'I agree that Kefu Test Site keeps this chat.');
    await input.fill('Without consent');
    await page.locator('kefu-chat [part="send"]').click();
    await seeText(page.locator('kefu-chat [role="alert"]'), 'tick the box');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await rows(`SELECT mid FROM \`${PREFIX}kefu_msg\` WHERE content = ?`, ['Without consent'])).toEqual([]);

    await page.locator('kefu-chat [part="consent"] input').check();
    await page.locator('kefu-chat [part="send"]').click();
    const v = await visitorOf('Without consent');
    expect(v.consent_at).toBeInstanceOf(Date);
    expect(await page.locator('kefu-chat [part="consent"]').count()).toBe(0);

    await rows(`UPDATE \`${PREFIX}kefu_visitor\` SET email = ? WHERE id = ?`, ['consent@example.test', v.id]);
    type ExportPage = { data: { data: { name: string; value: string }[] }[] };
    const exported = await site.wp<ExportPage[]>('export', { email: 'consent@example.test' });
    const names = exported.flatMap((p) => p.data.flatMap((item) => item.data.map((d) => d.name)));
    expect(names).toContain('Consent given');
    await site.wp('set-option', { key: 'consent', value: false });
  });

  it('deletes conversations quiet for longer than the retention limit, and only those, their files included', async () => {
    const page = await (await context()).newPage();
    await chat(page, 'An old conversation');
    const old = await visitorOf('An old conversation');
    // A file the team uploaded into it and never sent: the sidecar's sweep leaves
    // such a file for a day, so only retention can have removed it below.
    const { token: agentToken } = await site.wp<{ token: string }>('agent-token', { userId: site.admin.id });
    const unsent = await sendFile(sidecar.url, { agentToken, visitorId: String(old.id) }, 'old-invoice.txt', Buffer.from('An old invoice\n'), null);
    expect(await rows(`SELECT seq FROM \`${PREFIX}kefu_attachment_chunk\` WHERE blob_key = ?`, [unsent.id])).toHaveLength(1);
    // And one whose bytes a bucket keeps: its record stays for the sweep of a sidecar that reaches the bucket.
    const inBucket = `a_${'R'.repeat(22)}`;
    await rows(
      `INSERT INTO \`${PREFIX}kefu_attachment\` (id, visitor_id, owner, name, type, size, status, store, created_at) VALUES (?, ?, 'agent:1', 'old-scan.pdf', 'application/pdf', 99, 'ready', 's3', UTC_TIMESTAMP())`,
      [inBucket, old.id],
    );
    await rows(`UPDATE \`${PREFIX}kefu_msg\` SET created_at = UTC_TIMESTAMP() - INTERVAL 40 DAY WHERE pos = ? OR rec = ?`, [old.id, old.id]);
    await rows(`UPDATE \`${PREFIX}kefu_visitor\` SET last_seen_at = UTC_TIMESTAMP() - INTERVAL 40 DAY WHERE id = ?`, [old.id]);
    await rows(`INSERT INTO \`${PREFIX}kefu_event\` (visitor_id, audience, payload, created_at) VALUES (?, 'agents', '{}', UTC_TIMESTAMP())`, [old.id]);
    await rows(`INSERT INTO \`${PREFIX}kefu_note\` (visitor_id, agent_id, content, created_at) VALUES (?, 'agent:1', 'old note', UTC_TIMESTAMP())`, [old.id]);
    await rows(`INSERT INTO \`${PREFIX}kefu_rating\` (visitor_id, agent_id, score, comment, resolution, created_at) VALUES (?, 'agent:1', 'bad', 'an old comment', 1, UTC_TIMESTAMP())`, [old.id]);
    const [total] = await rows(`SELECT COUNT(*) AS n FROM \`${PREFIX}kefu_visitor\``);

    // Off by default: nothing scheduled, nothing deleted.
    expect(await site.wp('retention')).toMatchObject({ conversations: 0 });
    expect((await site.wp<{ next: unknown }>('cron')).next).toBe(false);

    await site.wp('set-option', { key: 'retention_days', value: 30 });
    expect(typeof (await site.wp<{ next: unknown }>('cron')).next).toBe('number');
    // The sidecar writes last_seen_at every 15 s for each visitor seen in the
    // last minute (core/presence.ts): one such write between back-dating and
    // the run would make the conversation recent again. So wait for one to land,
    // then back-date and run at once, 15 s before the next.
    await page.close();
    const backdate = () => rows(`UPDATE \`${PREFIX}kefu_visitor\` SET last_seen_at = UTC_TIMESTAMP() - INTERVAL 40 DAY WHERE id = ?`, [old.id]);
    await backdate();
    await vi.waitFor(async () => {
      const [seen] = await rows(`SELECT last_seen_at > UTC_TIMESTAMP() - INTERVAL 1 DAY AS recent FROM \`${PREFIX}kefu_visitor\` WHERE id = ?`, [old.id]);
      expect(Number(seen.recent), 'the sidecar wrote last_seen_at').toBe(1);
    }, retry(20_000));
    await backdate();
    const result = await site.wp<{ conversations: number; messages: number; done: boolean }>('retention');
    expect(result).toMatchObject({ conversations: 1, messages: 1, files: 1, done: true });
    expect(await rows(`SELECT id FROM \`${PREFIX}kefu_attachment\` WHERE id = ?`, [unsent.id])).toEqual([]);
    expect(await rows(`SELECT seq FROM \`${PREFIX}kefu_attachment_chunk\` WHERE blob_key = ?`, [unsent.id])).toEqual([]);
    expect(await rows(`SELECT id FROM \`${PREFIX}kefu_attachment\` WHERE id = ?`, [inBucket])).toHaveLength(1);
    expect(await rows(`SELECT id FROM \`${PREFIX}kefu_visitor\` WHERE id = ?`, [old.id])).toEqual([]);
    expect(await rows(`SELECT mid FROM \`${PREFIX}kefu_msg\` WHERE pos = ? OR rec = ?`, [old.id, old.id])).toEqual([]);
    expect(await rows(`SELECT id FROM \`${PREFIX}kefu_event\` WHERE visitor_id = ?`, [old.id])).toEqual([]);
    expect(await rows(`SELECT id FROM \`${PREFIX}kefu_note\` WHERE visitor_id = ?`, [old.id])).toEqual([]);
    expect(await rows(`SELECT id FROM \`${PREFIX}kefu_rating\` WHERE visitor_id = ?`, [old.id])).toEqual([]);
    const [after] = await rows(`SELECT COUNT(*) AS n FROM \`${PREFIX}kefu_visitor\``);
    expect(Number(after.n)).toBe(Number(total.n) - 1);

    const admin = await login(site.url, await context(), site.admin);
    await admin.goto(`${site.url}/wp-admin/privacy-policy-guide.php`);
    await seeText(admin.locator('body'), 'Conversations are deleted 30 days after their last message.');
    await site.wp('set-option', { key: 'retention_days', value: 0 });
    expect((await site.wp<{ next: unknown }>('cron')).next).toBe(false);
  });

  it('runs only the plugin\'s own console file in wp-admin, and refuses unsafe sidecar URLs', async () => {
    await site.wp('set-option', { key: 'asset_source', value: 'sidecar' });
    const ctx = await context();
    const page = await login(site.url, ctx, site.admin);
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(r.url());
    });
    await page.goto(`${site.url}/wp-admin/admin.php?page=kefu`);
    await page.locator('kefu-admin').waitFor({ state: 'attached' });
    expect(scripts.some((u) => u.startsWith(`${site.url}/wp-content/plugins/kefu/assets/admin.js`))).toBe(true);
    expect(scripts.filter((u) => u.startsWith(sidecar.url))).toEqual([]);
    await site.wp('set-option', { key: 'asset_source', value: 'site' });

    type Sanitized = { clean: { server_url: string }; errors: string[] };
    const withPassword = await site.wp<Sanitized>('sanitize', { siteHome: site.url, input: { server_url: 'https://kefu:hunter2@chat.example.test/kefu' } });
    expect(withPassword.errors.join(' ')).toMatch(/user name or password/);
    expect(withPassword.clean.server_url).not.toContain('hunter2');
    const plain = await site.wp<Sanitized>('sanitize', { siteHome: 'https://shop.example.test', input: { server_url: 'http://chat.example.test' } });
    expect(plain.errors.join(' ')).toMatch(/https/);
    expect(plain.clean.server_url).not.toBe('http://chat.example.test/kefu');
    const fine = await site.wp<Sanitized>('sanitize', { siteHome: 'https://shop.example.test', input: { server_url: 'https://chat.example.test' } });
    expect(fine).toMatchObject({ errors: [], clean: { server_url: 'https://chat.example.test/kefu' } });
  });

  it('logged no PHP error, warning or notice from the plugin', async () => {
    expect(await site.pluginLogLines()).toEqual([]);
  });
});
