// The ratings' pictures for docs/ui.md, staged in Chromium against a real
// sidecar: the widget's rating card at 1280×800 and 390×844, light and dark,
// English and Chinese, then a comment being written and the thanks; the
// console's thread with the rating in it, and the report (two agents, several
// weeks, comments) light and dark. Saved as docs/screenshots/ratings-*.png.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { call, newVisitor, send } from '../helpers/api.js';
import { AgentClient } from './agent-api.js';
import { launchBrowser, newContext } from './browser.js';
import { console_, ensureOpen, openConsole, ownMessageIn, TIMEOUT, visitorMessage, visitorSends, widget } from './chat-pages.js';
import { visitorIdOf } from './scene-kit.js';

type Lang = 'en' | 'zh-CN';
type Scheme = 'light' | 'dark';
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
type Size = keyof typeof SIZES;
const DAY = 86_400_000;

const WORDS = {
  en: { visitor: 'Can I still change my delivery address?', agent: 'Done: your parcel now goes to the new address.', comment: 'Quick and friendly, thank you!' },
  'zh-CN': { visitor: '还能修改收货地址吗？', agent: '已改好，包裹会寄到新地址。', comment: '回复很快，谢谢！' },
} as const;

/** Earlier ratings for the report: owner, verdict, words, and how many days ago. */
const HISTORY: Array<[owner: string | null, score: 'good' | 'bad', comment: string | null, daysAgo: number, name: string]> = [
  ['agent:1', 'good', 'Ann sorted it out in two minutes.', 1, 'Chen Jing'],
  ['agent:1', 'good', null, 2, 'Tom'],
  ['agent:2', 'bad', 'I had to explain my problem three times.', 3, 'Maria'],
  ['agent:2', 'good', null, 4, 'Li Wei'],
  ['agent:1', 'good', null, 8, 'Ola'],
  ['agent:1', 'bad', 'The refund took a week.', 9, 'Sam'],
  ['agent:2', 'good', 'Very patient, thanks Bob.', 10, 'Yuki'],
  ['agent:2', 'good', null, 16, 'Priya'],
  ['agent:1', 'good', null, 17, 'Noah'],
  [null, 'bad', 'Nobody answered until the next day.', 18, 'Emma'],
  ['agent:2', 'good', null, 24, 'Zhang Min'],
  ['agent:1', 'good', null, 31, 'Lucas'],
  ['agent:1', 'good', null, 38, 'Ava'],
  ['agent:2', 'bad', null, 45, 'Omar'],
];

async function visitorPage(browser: Browser, sidecar: TestSidecar, lang: Lang, scheme: Scheme, size: Size): Promise<Page> {
  const ctx = await newContext(browser, { locale: lang, viewport: SIZES[size] });
  const page = await ctx.newPage();
  await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
  await page.goto(`${sidecar.url}/demo`);
  await page.locator('kefu-chat').evaluate((el, a) => {
    for (const [k, v] of Object.entries(a)) el.setAttribute(k, v);
  }, { lang, name: lang === 'en' ? 'Sarah' : '王芳' });
  return page;
}

/** Stages every picture and saves one PNG each into `outDir`; returns their paths. */
export async function takeRatingScreenshots(outDir: string, publicDir: string): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const paths: string[] = [];
  const [sidecar, browser] = await Promise.all([startSidecar({ publicDir }), launchBrowser()]);
  try {
    const annToken = await sidecar.agentToken(1, 'Ann Lee');
    const ann = new AgentClient(sidecar.url, annToken);
    const bob = new AgentClient(sidecar.url, await sidecar.agentToken(2, 'Bob Wang'));
    await Promise.all([ann.online(), bob.online()]);
    const resolveConversation = (visitorId: string) => call(sidecar.url, `/api/agent/conversations/${visitorId}/status`, { token: annToken, body: { status: 'resolved' } });
    const save = async (page: Page, name: string) => {
      const path = resolve(outDir, `${name}.png`);
      await page.screenshot({ path, animations: 'disabled' });
      paths.push(path);
    };
    const suffix = (lang: Lang, scheme: Scheme, size: Size) => `${size === 'phone' ? '-phone' : ''}${lang === 'zh-CN' ? '-zh-CN' : ''}${scheme === 'dark' ? '-dark' : ''}`;

    // The report's weeks: earlier conversations, resolved and rated at their time, oldest first (as they came).
    for (const [owner, score, comment, daysAgo, name] of [...HISTORY].reverse()) {
      const v = await newVisitor(sidecar.url, { name });
      await send(sidecar.url, v.token, 'Hello, I have a question about my order.');
      if (owner) await call(sidecar.url, `/api/agent/conversations/${v.visitorId}/assign`, { token: annToken, body: { agent: owner } });
      await resolveConversation(v.visitorId);
      await sidecar.rt.ratings.rate(v.visitorId, score, comment, new Date(Date.now() - daysAgo * DAY));
    }

    // The card, in every language, theme and size: Ann answered and resolved.
    let rated = '';
    for (const lang of ['en', 'zh-CN'] as const) {
      const w = WORDS[lang];
      for (const scheme of ['light', 'dark'] as const) {
        for (const size of ['desktop', 'phone'] as const) {
          const page = await visitorPage(browser, sidecar, lang, scheme, size);
          await ensureOpen(page);
          await visitorSends(page, w.visitor);
          await ownMessageIn(page, w.visitor, 'sent').waitFor({ timeout: TIMEOUT });
          const visitorId = await visitorIdOf(ann, w.visitor);
          await ann.reply(visitorId, w.agent);
          await visitorMessage(page, w.agent).waitFor({ timeout: TIMEOUT });
          await resolveConversation(visitorId);
          await widget(page, '[part=rating] button[data-score=good]').waitFor({ timeout: TIMEOUT });
          await save(page, `ratings-card${suffix(lang, scheme, size)}`);
          if (lang === 'en' && scheme === 'light' && size === 'desktop') {
            // Then 👍 with a few words, and the thanks.
            await widget(page, '[part=rating] button[data-score=good]').click();
            await widget(page, '[part=rating] textarea').fill(w.comment);
            await save(page, 'ratings-card-comment');
            await widget(page, '[part=rating] button[type=submit]').click();
            await widget(page, '[part=rating] [role=status]').waitFor({ timeout: TIMEOUT });
            await save(page, 'ratings-card-thanks');
            rated = visitorId;
          }
          await page.context().close();
        }
      }
    }

    // The console: the rating in Sarah's thread, then the report.
    const desk = await (await newContext(browser, { viewport: SIZES.desktop })).newPage();
    await desk.emulateMedia({ reducedMotion: 'reduce' });
    await openConsole(desk, sidecar.url, annToken);
    await console_(desk, '.tabs button[data-filter=resolved]').click();
    await console_(desk, `button.conv[data-visitor="${rated}"]`).click();
    await console_(desk, 'kefu-rating-line[data-score=good]').waitFor({ timeout: TIMEOUT });
    await save(desk, 'ratings-thread');
    await console_(desk, 'kefu-desk-tools [data-tool=ratings]').click();
    await console_(desk, 'kefu-ratings-report tr[data-agent="agent:1"]').waitFor({ timeout: TIMEOUT });
    await console_(desk, 'kefu-ratings-report [part=comment]').first().waitFor({ timeout: TIMEOUT });
    await save(desk, 'ratings-report');
    await desk.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    await save(desk, 'ratings-report-dark');
    return paths;
  } finally {
    await browser.close();
    await sidecar.stop();
  }
}
