// The widget outside business hours for docs/ui.md: an agent is signed in,
// but the hours are over, so the visitor gets the leave-a-message form and
// when the team is back; light and dark, 1280×800 and 390×844, English and
// Chinese. Staged in Chromium against a real sidecar whose schedule opens
// next on the day after tomorrow (a weekday name in the line);
// `npm run screenshots` saves them as docs/screenshots/widget-hours*.png.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startSidecar } from '../helpers/sidecar.js';
import { noonZone } from '../helpers/noon-zone.js';
import { AgentClient } from './agent-api.js';
import { launchBrowser, newContext } from './browser.js';
import { ensureOpen, TIMEOUT, widget } from './chat-pages.js';

const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
/** A stand-in for a CMS avatar, as in widget-scene.ts. */
const AVATAR_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96"><rect width="96" height="96" fill="#f4b183"/><circle cx="48" cy="38" r="18" fill="#7c4a2d"/><rect x="20" y="62" width="56" height="40" rx="28" fill="#2f5597"/></svg>`;

/** Stages the form in every variant and saves one PNG each into `outDir`; returns their paths. */
export async function takeHoursScreenshots(outDir: string, publicDir: string): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const z = noonZone();
  // Open only on the day after tomorrow (there): the line names its weekday.
  const day = DAYS[z.at(2, 12).getUTCDay()];
  const paths: string[] = [];
  const [sidecar, browser] = await Promise.all([
    startSidecar({ publicDir, env: { KEFU_BUSINESS_HOURS: `${day} 09:00-17:30`, KEFU_BUSINESS_TZ: z.zone } }),
    launchBrowser(),
  ]);
  try {
    const origin = new URL(sidecar.url).origin;
    // Signed in and online: outside the hours the widget still says Away.
    await new AgentClient(sidecar.url, await sidecar.rt.tokens.agentToken('agent:1', 'Alice Chen', 3600, false, `${origin}/avatars/alice.svg`)).online();
    for (const lang of ['en', 'zh-CN'] as const) {
      for (const scheme of ['light', 'dark'] as const) {
        for (const size of ['desktop', 'phone'] as const) {
          const ctx = await newContext(browser, { locale: lang, viewport: SIZES[size], timezoneId: z.zone });
          const page = await ctx.newPage();
          await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
          await page.route('**/avatars/*', (r) => r.fulfill({ status: 200, contentType: 'image/svg+xml', body: AVATAR_SVG }));
          await page.goto(`${sidecar.url}/demo`);
          await page.locator('kefu-chat').evaluate((el, l) => el.setAttribute('lang', l), lang);
          await ensureOpen(page);
          await widget(page, 'form.offline kefu-back-at strong').waitFor({ timeout: TIMEOUT });
          await widget(page, '[part=faces]').waitFor({ timeout: TIMEOUT });
          const path = resolve(outDir, `widget-hours${size === 'phone' ? '-phone' : ''}${lang === 'zh-CN' ? '-zh-CN' : ''}${scheme === 'dark' ? '-dark' : ''}.png`);
          await page.screenshot({ path, animations: 'disabled' });
          paths.push(path);
          await ctx.close();
        }
      }
    }
    return paths;
  } finally {
    await browser.close();
    await sidecar.stop();
  }
}
