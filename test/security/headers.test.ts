// Security headers on the pages the sidecar serves, and proof in Chromium that
// they allow exactly what the pages need: the console and the demo run with
// no CSP violation, the widget embeds on a foreign site, and the console can
// be framed only by the sidecar itself and listed sites.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { request } from '../helpers/http-probe.js';
import { launchBrowser, newContext } from '../ui/browser.js';
import { PUBLIC_DIR } from '../ui/public-dir.js';
import { openConsole, openWidget, visitorMessage, visitorSends, TIMEOUT } from '../ui/chat-pages.js';

let sc: TestSidecar;
let browser: Browser;
let allowedSite: http.Server;
let foreignSite: http.Server;
let allowedOrigin = '';
let foreignOrigin = '';

/** A stand-in for a customer's site: one page, on its own origin. */
function site(html: (sidecar: string) => string): Promise<http.Server> {
  const s = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html(sc.origin));
  });
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r(s)));
}

function parseCsp(h: string | null): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const part of (h ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) m.set(name, values);
  }
  return m;
}

/** Records CSP violations the page reports (event and console), for a test to assert none. */
async function watchCsp(page: Page): Promise<string[]> {
  const seen: string[] = [];
  page.on('console', (msg) => { if (/Content Security Policy|Refused to/i.test(msg.text())) seen.push(msg.text()); });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Refused to ${e.violatedDirective}: ${e.blockedURI} (Content Security Policy)`));
  });
  return seen;
}

beforeAll(async () => {
  // The sites' origins must be known before the sidecar lists one of them.
  let sidecarOrigin = '';
  const page = (body: string) => body.replaceAll('SIDECAR', () => sidecarOrigin);
  allowedSite = await new Promise((r) => {
    const s = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page(req.url === '/frame'
        ? '<!DOCTYPE html><title>cms</title><iframe id="f" src="SIDECAR/kefu/console" width="800" height="600"></iframe>'
        : '<!DOCTYPE html><title>shop</title><h1>A shop</h1><script type="module" src="SIDECAR/kefu/widget.js"></script><kefu-chat></kefu-chat>'));
    });
    s.listen(0, '127.0.0.1', () => r(s));
  });
  allowedOrigin = `http://localhost:${(allowedSite.address() as AddressInfo).port}`;
  foreignSite = await site(() => page('<!DOCTYPE html><title>evil</title><iframe id="f" src="SIDECAR/kefu/console" width="800" height="600"></iframe>'));
  foreignOrigin = `http://localhost:${(foreignSite.address() as AddressInfo).port}`;
  [sc, browser] = await Promise.all([
    startSidecar({ publicDir: PUBLIC_DIR, env: { KEFU_ALLOWED_ORIGINS: allowedOrigin } }),
    launchBrowser(),
  ]);
  sidecarOrigin = sc.origin;
  // An agent online, so the widget offers its composer rather than the offline form.
  await request(sc.url, '/api/agent/presence', { token: await sc.agentToken(9, 'On duty'), json: { status: 'online' } });
});

afterAll(async () => {
  await browser?.close();
  await sc?.stop();
  allowedSite?.close();
  foreignSite?.close();
});

describe('headers', () => {
  it('the console: strict CSP with a fresh nonce, frame-ancestors of itself and listed sites, nosniff', async () => {
    const a = await request(sc.url, '/console');
    const b = await request(sc.url, '/console');
    expect(a.status).toBe(200);
    const csp = parseCsp(a.headers.get('content-security-policy'));
    const scripts = csp.get('script-src')!;
    expect(scripts).toContain("'self'");
    expect(scripts.some((s) => /^'nonce-[A-Za-z0-9+/=]{16,}'$/.test(s))).toBe(true);
    for (const s of ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:', 'http:', 'https:']) expect(scripts).not.toContain(s);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'self'", allowedOrigin]);
    expect(a.headers.get('x-content-type-options')).toBe('nosniff');
    expect(a.headers.get('referrer-policy')).toBeTruthy();
    // Every inline script carries the nonce of its own answer, and nonces are not reused.
    const nonce = scripts.find((s) => s.startsWith("'nonce-"))!.slice(7, -1);
    const inline = [...a.text.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)];
    expect(inline.length).toBeGreaterThan(0);
    for (const m of inline) expect(m[1]).toContain(`nonce="${nonce}"`);
    expect(b.headers.get('content-security-policy')).not.toBe(a.headers.get('content-security-policy'));
  });

  it('the demo page: CSP framed by itself only, nosniff; absent in production', async () => {
    const a = await request(sc.url, '/demo');
    expect(a.status).toBe(200);
    const csp = parseCsp(a.headers.get('content-security-policy'));
    expect(csp.get('frame-ancestors')).toEqual(["'self'"]);
    expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
    expect(a.headers.get('x-content-type-options')).toBe('nosniff');
    const prod = await startSidecar({ env: { NODE_ENV: 'production' } });
    try {
      expect((await request(prod.url, '/demo')).status).toBe(404);
    } finally {
      await prod.stop();
    }
  });

  it('the bundles embed anywhere: CORS *, cross-origin resource policy, JavaScript type, nosniff, no framing headers', async () => {
    for (const name of ['widget.js', 'admin.js']) {
      const a = await request(sc.url, `/${name}`, { headers: { origin: 'https://any-site.example' } });
      expect(a.status).toBe(200);
      expect(a.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect(a.headers.get('access-control-allow-origin')).toBe('*');
      expect(a.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(a.headers.get('x-content-type-options')).toBe('nosniff');
      expect(a.headers.get('x-frame-options')).toBeNull();
      expect(a.headers.get('content-security-policy')).toBeNull();
    }
  });

  it('the API: CORS only for listed origins, no-store, nosniff', async () => {
    const listed = await request(sc.url, '/health', { headers: { origin: allowedOrigin } });
    expect(listed.headers.get('access-control-allow-origin')).toBe(allowedOrigin);
    const other = await request(sc.url, '/api/visitor/session', { json: {}, headers: { origin: foreignOrigin } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await request(sc.url, '/api/visitor/messages', { method: 'OPTIONS', headers: { origin: foreignOrigin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('cache-control')).toBe('no-store');
    expect(other.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('in Chromium', () => {
  it('the demo page and its widget run with no CSP violation', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const violations = await watchCsp(page);
    await openWidget(page, `${sc.url}/demo`);
    await visitorSends(page, 'csp check <b>bold?</b>');
    await visitorMessage(page, 'csp check <b>bold?</b>').waitFor({ timeout: TIMEOUT });
    expect(await page.locator('kefu-chat').locator('b').count()).toBe(0);
    expect(violations).toEqual([]);
    await ctx.close();
  });

  it('the console runs with no CSP violation', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const violations = await watchCsp(page);
    await openConsole(page, sc.url, await sc.agentToken(1, 'Ann'));
    expect(violations).toEqual([]);
    await ctx.close();
  });

  it('the demo and the console have an icon of their own and ask for nothing that is not there', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const missing: string[] = [];
    page.on('response', (r) => { if (r.status() >= 400) missing.push(`${r.status()} ${r.url()}`); });
    const violations = await watchCsp(page);
    await page.goto(`${sc.url}/demo`);
    expect(await page.locator('link[rel=icon]').getAttribute('href')).toMatch(/^data:image\/svg\+xml,/);
    await openConsole(page, sc.url, await sc.agentToken(1, 'Ann'));
    expect(await page.locator('link[rel=icon]').getAttribute('href')).toMatch(/^data:image\/svg\+xml,/);
    expect(missing).toEqual([]);
    expect(violations).toEqual([]);
    await ctx.close();
  });

  it('the widget embeds on a listed site of another origin and chats', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await openWidget(page, `${allowedOrigin}/`);
    await visitorSends(page, 'hello from the shop');
    await visitorMessage(page, 'hello from the shop').waitFor({ timeout: TIMEOUT });
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('the console can be framed by a listed site but not by a foreign one', async () => {
    const ctx = await newContext(browser);
    const ok = await ctx.newPage();
    await ok.goto(`${allowedOrigin}/frame`);
    const frame = ok.frameLocator('#f');
    await frame.locator('body').waitFor({ timeout: TIMEOUT });
    expect(await frame.locator('#signin, kefu-admin').count()).toBeGreaterThan(0);

    const bad = await ctx.newPage();
    const refused = new Promise<string>((resolve) => bad.on('console', (m) => { if (/frame-ancestors|Refused to frame/i.test(m.text())) resolve(m.text()); }));
    await bad.goto(foreignOrigin);
    expect(await Promise.race([refused, new Promise<string>((r) => setTimeout(() => r('no refusal seen'), TIMEOUT))])).toMatch(/frame-ancestors|Refused to frame/i);
    const inner = bad.frames().find((f) => f !== bad.mainFrame());
    expect(await inner?.locator('kefu-admin, #signin').count().catch(() => 0) ?? 0).toBe(0);
    await ctx.close();
  });
});
