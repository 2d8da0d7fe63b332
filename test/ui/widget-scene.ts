// The widget's pictures for docs/ui.md: a conversation, a reply to a closed
// panel (the preview bubble), the leave-a-message form and the pre-chat form,
// in light and dark, at 1280×800 and 390×844, in English and Chinese. Staged
// in Chromium against a real sidecar; `npm run screenshots` saves them.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { startSidecar } from '../helpers/sidecar.js';
import { AgentClient } from './agent-api.js';
import { launchBrowser } from './browser.js';
import { ensureOpen, ownMessageIn, TIMEOUT, visitorMessage, visitorSends, widget } from './chat-pages.js';
import { suffix, visitorIdOf, visitorPage } from './scene-kit.js';


const WORDS = {
  en: {
    visitor: ['Hi! Do you ship to Canada?', 'And how long does it take?'],
    agent: ['Hi Sarah! Yes, we ship to Canada.', 'Delivery takes 5–7 business days.'],
    after: 'Great, thank you!',
    closed: 'Your parcel left our warehouse this morning',
    replyTime: 'Usually replies in a few minutes',
  },
  'zh-CN': {
    visitor: ['你好！可以寄到上海吗？', '大概需要几天？'],
    agent: ['您好！可以寄到上海。', '一般 3–5 个工作日送达。'],
    after: '好的，谢谢！',
    closed: '您的包裹今天上午已经发出',
    replyTime: '通常在几分钟内回复',
  },
} as const;


/** Stages every state and saves one PNG each into `outDir`; returns their paths. */
export async function takeWidgetScreenshots(outDir: string, publicDir: string): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const paths: string[] = [];
  const [sidecar, browser] = await Promise.all([startSidecar({ publicDir }), launchBrowser()]);
  try {
    const origin = new URL(sidecar.url).origin;
    const alice = new AgentClient(sidecar.url, await sidecar.rt.tokens.agentToken('agent:1', 'Alice Chen', 3600, false, `${origin}/avatars/alice.svg`));
    const mei = new AgentClient(sidecar.url, await sidecar.rt.tokens.agentToken('agent:2', 'Mei Lin', 3600));
    const save = async (page: Page, name: string) => {
      const path = resolve(outDir, `${name}.png`);
      await page.screenshot({ path, animations: 'disabled' });
      paths.push(path);
    };

    await Promise.all([alice.online(), mei.online()]);
    for (const lang of ['en', 'zh-CN'] as const) {
      const w = WORDS[lang];
      for (const scheme of ['light', 'dark'] as const) {
        for (const size of ['desktop', 'phone'] as const) {
          // A conversation: faces and reply time in the header, grouped messages, one receipt.
          const page = await visitorPage(browser, sidecar, lang, scheme, size, { 'reply-time': w.replyTime, name: 'Sarah' });
          await ensureOpen(page);
          await widget(page, '[part=faces]').waitFor({ timeout: TIMEOUT });
          for (const line of w.visitor) await visitorSends(page, line);
          await ownMessageIn(page, w.visitor[1], 'sent').waitFor({ timeout: TIMEOUT });
          const visitorId = await visitorIdOf(alice, w.visitor[1]);
          for (const line of w.agent) await alice.reply(visitorId, line);
          await visitorMessage(page, w.agent[1]).waitFor({ timeout: TIMEOUT });
          await visitorSends(page, w.after);
          await ownMessageIn(page, w.after, 'sent').waitFor({ timeout: TIMEOUT });
          await save(page, `widget-chat${suffix(lang, scheme, size)}`);
          // Closed, with a reply: the preview bubble by the launcher.
          await widget(page, '[part=close]').click();
          await mei.reply(visitorId, w.closed);
          await widget(page, '[part=preview]').filter({ hasText: w.closed }).waitFor({ timeout: TIMEOUT });
          await save(page, `widget-preview${suffix(lang, scheme, size)}`);
          // The pre-chat form, with a required name.
          const pre = await visitorPage(browser, sidecar, lang, scheme, size, { prechat: '', 'prechat-required': 'name' });
          await ensureOpen(pre);
          await widget(pre, 'input[name=name]').waitFor({ timeout: TIMEOUT });
          await widget(pre, '[part=faces]').waitFor({ timeout: TIMEOUT });
          await save(pre, `widget-prechat${suffix(lang, scheme, size)}`);
          await page.context().close();
          await pre.context().close();
        }
      }
    }
    // Nobody online: the leave-a-message form.
    await Promise.all([alice.away(), mei.away()]);
    for (const lang of ['en', 'zh-CN'] as const) {
      for (const scheme of ['light', 'dark'] as const) {
        for (const size of ['desktop', 'phone'] as const) {
          const page = await visitorPage(browser, sidecar, lang, scheme, size);
          await ensureOpen(page);
          await widget(page, 'form.offline').waitFor({ timeout: TIMEOUT });
          await save(page, `widget-offline${suffix(lang, scheme, size)}`);
          await page.context().close();
        }
      }
    }
    return paths;
  } finally {
    await browser.close();
    await sidecar.stop();
  }
}
