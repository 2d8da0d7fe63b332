// Front-end figures in headless Chromium (Debian's /usr/bin/chromium through
// playwright-core; no browser is ever downloaded): the gzipped script bytes a
// page fetches for the widget before and after the first click and for the
// agent console, and the time from <kefu-chat> in the page to a visible launcher.
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.KEFU_BENCH_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const PAGE = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>bench</title></head><body>
<script type="module" src="/kefu/widget.js"></script>
<kefu-chat></kefu-chat>
<script>
window.__kefuT0 = performance.now();
(function watch() {
  const el = document.querySelector('kefu-chat');
  const b = el && el.shadowRoot && el.shadowRoot.querySelector('[part~="launcher"]');
  if (b) {
    const r = b.getBoundingClientRect();
    const s = getComputedStyle(b);
    if (r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) > 0) {
      window.__kefuVisible = performance.now() - window.__kefuT0;
      return;
    }
  }
  requestAnimationFrame(watch);
})();
</script></body></html>`;

export async function measureFrontend(base, agentToken, runs = 5) {
  if (!existsSync(CHROMIUM)) return { error: `no browser at ${CHROMIUM}` };
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    return { error: 'playwright-core is not installed' };
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  try {
    const scriptBytes = (page) => {
      const list = [];
      page.on('requestfinished', async (req) => {
        if (req.resourceType() !== 'script') return;
        const sizes = await req.sizes().catch(() => null);
        list.push({ url: new URL(req.url()).pathname, bytes: sizes?.responseBodySize ?? 0 });
      });
      return list;
    };
    const times = [];
    let before = null;
    let after = null;
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.route(`${base}/bench-page`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: PAGE }));
      const scripts = scriptBytes(page);
      await page.goto(`${base}/bench-page`);
      await page.waitForFunction(() => window.__kefuVisible !== undefined, null, { timeout: 15_000 });
      times.push(await page.evaluate(() => window.__kefuVisible));
      if (i === 0) {
        // The widget keeps a poll open once its panel runs, so "network idle" never comes: fixed settle times.
        await page.waitForTimeout(1500);
        before = [...scripts];
        await page.locator('kefu-chat').locator('[part~="launcher"]').click();
        await page.waitForFunction(() => customElements.get('kefu-chat-panel') !== undefined, null, { timeout: 15_000 }).catch(() => {});
        await page.waitForTimeout(2000);
        after = [...scripts];
      }
      await context.close();
    }
    const context = await browser.newContext();
    const page = await context.newPage();
    const consoleScripts = scriptBytes(page);
    await page.goto(`${base}/kefu/console#token=${agentToken}`);
    await page.waitForFunction(() => customElements.get('kefu-admin') !== undefined, null, { timeout: 15_000 }).catch(() => {});
    await page.waitForTimeout(2500);
    await context.close();
    const sum = (l) => l.reduce((n, x) => n + x.bytes, 0);
    times.sort((a, b) => a - b);
    return {
      beforeBytes: sum(before), beforeFiles: before.map((x) => x.url),
      afterBytes: sum(after), afterFiles: after.map((x) => x.url),
      consoleBytes: sum(consoleScripts), consoleFiles: consoleScripts.map((x) => x.url),
      launcherMs: times[Math.floor(times.length / 2)], launcherRuns: times,
    };
  } finally {
    await browser.close();
  }
}
