// What the picture scenes (widget-scene.ts, files-scene.ts, …) share: the two
// sizes every picture is taken at, a visitor's page of /demo in a language and
// a colour scheme with the widget's attributes set, a drawn stand-in for a
// CMS avatar, and finding a conversation by its last message.
import type { Browser, Page } from 'playwright-core';
import type { TestSidecar } from '../helpers/sidecar.js';
import type { AgentClient } from './agent-api.js';
import { newContext } from './browser.js';
import { TIMEOUT } from './chat-pages.js';

export type Lang = 'en' | 'zh-CN';
export type Scheme = 'light' | 'dark';
export const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
export type Size = keyof typeof SIZES;

/** The file-name suffix of a picture: `-phone`, `-zh-CN`, `-dark`, in that order. */
export const suffix = (lang: Lang, scheme: Scheme, size: Size): string =>
  `${size === 'phone' ? '-phone' : ''}${lang === 'zh-CN' ? '-zh-CN' : ''}${scheme === 'dark' ? '-dark' : ''}`;

/** A stand-in for a CMS avatar (WordPress would give a Gravatar URL): a drawn face, served for any /avatars/ address. */
export const AVATAR_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96"><rect width="96" height="96" fill="#f4b183"/><circle cx="48" cy="38" r="18" fill="#7c4a2d"/><rect x="20" y="62" width="56" height="40" rx="28" fill="#2f5597"/></svg>`;

/** /demo in a fresh context, motion reduced, with `lang` and `attrs` set on <kefu-chat>. */
export async function visitorPage(browser: Browser, sidecar: TestSidecar, lang: Lang, scheme: Scheme, size: Size, attrs: Record<string, string> = {}): Promise<Page> {
  const ctx = await newContext(browser, { locale: lang, viewport: SIZES[size] });
  const page = await ctx.newPage();
  await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
  await page.route('**/avatars/*', (r) => r.fulfill({ status: 200, contentType: 'image/svg+xml', body: AVATAR_SVG }));
  await page.goto(`${sidecar.url}/demo`);
  await page.locator('kefu-chat').evaluate((el, a) => {
    for (const [k, v] of Object.entries(a)) el.setAttribute(k, v);
  }, { lang, ...attrs });
  return page;
}

/** The visitor id of the conversation whose last message is `text`, as an agent's list shows it. */
export async function visitorIdOf(agent: AgentClient, text: string): Promise<string> {
  const deadline = Date.now() + TIMEOUT;
  while (Date.now() < deadline) {
    const c = (await agent.conversations()).find((x) => x.lastMessage?.content === text);
    if (c) return c.visitorId;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no conversation ends with ${text}`);
}
