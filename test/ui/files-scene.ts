// The pictures of files for docs/ui.md ("Files in both faces"): a visitor
// sends a photo with a line, an agent answers with a PDF and a line. The
// widget with that conversation at 1280×800 and 390×844, light and dark, in
// English and Chinese; its tray with a file uploading (over a slowed line);
// the console with the conversation open, light and dark and on a phone, and
// its lightbox on the photo. Staged in Chromium against a real sidecar;
// `npm run screenshots` saves them into docs/screenshots/ (scripts/screenshots.ts).
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import type { Attachment } from '../../protocol/wire.js';
import { raw } from '../helpers/files.js';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { AgentClient } from './agent-api.js';
import { launchBrowser, newContext } from './browser.js';
import { agentMessage, console_, conversationEntry, ensureOpen, openConsole, ownMessageIn, TIMEOUT, visitorMessage, visitorSends, widget } from './chat-pages.js';
import { earlierVisitors } from './screenshot-scene.js';
import { AVATAR_SVG, SIZES, suffix, visitorIdOf, visitorPage } from './scene-kit.js';


const WORDS = {
  en: {
    photo: 'vase.jpg',
    visitor: 'The vase arrived with a crack. Here is a photo.',
    pdf: 'invoice-2041.pdf',
    agent: 'So sorry, Sarah! Your refund is on its way; here is the invoice.',
    more: 'vase-base.jpg',
    typing: 'And the base is chipped too',
    replyTime: 'Usually replies in a few minutes',
  },
  'zh-CN': {
    photo: '花瓶.jpg',
    visitor: '花瓶收到时有一道裂纹，照片在这里。',
    pdf: '发票-2041.pdf',
    agent: '非常抱歉！退款已在处理，这是发票。',
    more: '花瓶底部.jpg',
    typing: '底部也有缺口',
    replyTime: '通常在几分钟内回复',
  },
} as const;


/** The visitor's photo: a cracked blue vase on a table, drawn, so the thumbnail reads as a picture. */
const VASE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="900" viewBox="0 0 1200 900">
<defs>
<linearGradient id="wall" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#f6ecdc"/><stop offset="1" stop-color="#cdb08a"/></linearGradient>
<linearGradient id="table" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#a2714a"/><stop offset="1" stop-color="#553520"/></linearGradient>
<linearGradient id="vase" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#173b61"/><stop offset="0.38" stop-color="#5a9bd3"/><stop offset="0.55" stop-color="#3a78b3"/><stop offset="1" stop-color="#102a46"/></linearGradient>
<radialGradient id="sun" cx="0.18" cy="0.12" r="0.9"><stop offset="0" stop-color="#fff8e6" stop-opacity="0.9"/><stop offset="0.5" stop-color="#fff8e6" stop-opacity="0.15"/><stop offset="1" stop-color="#fff8e6" stop-opacity="0"/></radialGradient>
<radialGradient id="shadow" cx="0.5" cy="0.5" r="0.5"><stop offset="0" stop-color="#000" stop-opacity="0.45"/><stop offset="1" stop-color="#000" stop-opacity="0"/></radialGradient>
</defs>
<rect width="1200" height="900" fill="url(#wall)"/>
<rect x="880" y="80" width="220" height="300" rx="6" fill="#e9dcc6" stroke="#b99f7c" stroke-width="10"/>
<path d="M900 350 L960 240 L1010 300 L1050 220 L1085 350 Z" fill="#8fae7a"/>
<circle cx="1030" cy="150" r="28" fill="#f2c46d"/>
<rect y="660" width="1200" height="240" fill="url(#table)"/>
<g stroke="#4a2d1a" stroke-opacity="0.35" stroke-width="3" fill="none"><path d="M0 700 C300 690 600 715 1200 695"/><path d="M0 760 C400 748 700 778 1200 752"/><path d="M0 830 C350 815 800 850 1200 822"/></g>
<ellipse cx="610" cy="800" rx="300" ry="46" fill="url(#shadow)"/>
<path d="M535 150 h130 c0 70 -34 100 -34 150 c0 45 190 120 190 310 c0 120 -90 190 -250 190 c-160 0 -250 -70 -250 -190 c0 -190 190 -265 190 -310 c0 -50 -34 -80 -34 -150 z" fill="url(#vase)"/>
<ellipse cx="600" cy="150" rx="65" ry="16" fill="#0d2238"/>
<g fill="none" stroke="#e8f1fa" stroke-width="9" stroke-opacity="0.85"><path d="M435 560 C500 520 700 520 765 560"/><path d="M412 640 C500 600 700 600 788 640"/></g>
<g fill="#e8f1fa" fill-opacity="0.85"><circle cx="520" cy="600" r="14"/><circle cx="600" cy="596" r="14"/><circle cx="680" cy="600" r="14"/></g>
<path d="M655 300 L640 360 L668 410 L630 470 L655 520 L620 585 L642 640" fill="none" stroke="#08131f" stroke-width="7" stroke-linejoin="round"/>
<path d="M660 300 L645 360 L673 410 L635 470 L660 520 L625 585 L647 640" fill="none" stroke="#dfeaf5" stroke-width="2" stroke-opacity="0.6"/>
<rect width="1200" height="900" fill="url(#sun)"/>
</svg>`;

/**
 * A one-page invoice with the vase's picture on it: a real PDF (catalogue,
 * page, font, text, the JPEG as an image, cross-reference table) that any
 * reader opens, of a believable size.
 */
export function invoicePdf(picture: Buffer, width: number, height: number): Buffer {
  const lines = ['Invoice 2041', '', 'Blue ceramic vase, 32 cm      1 x  89.00', 'Shipping                             6.50', '', 'Total                          EUR 95.50'];
  const text = `q 240 0 0 180 72 420 cm /Im1 Do Q BT /F1 14 Tf 18 TL 72 770 Td ${lines.map((l) => `(${l}) '`).join(' ')} ET`;
  const objects: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> /XObject << /Im1 6 0 R >> >> /Contents 5 0 R >>'),
    Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>'),
    Buffer.from(`<< /Length ${text.length} >>\nstream\n${text}\nendstream`),
    Buffer.concat([
      Buffer.from(`<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length ${picture.length} >>\nstream\n`),
      picture,
      Buffer.from('\nendstream'),
    ]),
  ];
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n')];
  let length = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(length);
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), o, Buffer.from('\nendobj\n')]);
    parts.push(obj);
    length += obj.length;
  });
  parts.push(Buffer.from(
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((n) => `${String(n).padStart(10, '0')} 00000 n \n`).join('')}` +
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`,
  ));
  return Buffer.concat(parts);
}

/** Every picture in view inside the page's shadow roots has loaded (thumbnails, avatars, the lightbox's image). */
async function picturesLoaded(page: Page, thumbs: string): Promise<void> {
  await page.locator(thumbs).first().waitFor({ timeout: TIMEOUT });
  await page.waitForFunction(
    () => {
      const imgs: HTMLImageElement[] = [];
      const walk = (root: Document | ShadowRoot) => {
        for (const el of root.querySelectorAll('*')) {
          if (el instanceof HTMLImageElement) imgs.push(el);
          if (el.shadowRoot) walk(el.shadowRoot);
        }
      };
      walk(document);
      const inView = imgs.filter((img) => {
        const r = img.getBoundingClientRect();
        return r.width > 0 && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
      });
      return inView.length > 0 && inView.every((img) => img.complete && img.naturalWidth > 0);
    },
    undefined,
    { timeout: TIMEOUT },
  );
}

/** What an agent's console does to send files: each uploaded with the agent's token, then a message naming them. */
async function agentSendsFiles(sidecar: TestSidecar, token: string, visitorId: string, content: string, files: Array<[string, Buffer]>): Promise<void> {
  const ids: string[] = [];
  for (const [name, bytes] of files) {
    const up = await raw(`${sidecar.url}/api/agent/conversations/${visitorId}/attachments?${new URLSearchParams({ name, clientId: randomUUID() })}`, { token, body: bytes });
    if (up.status !== 201) throw new Error(`the upload of ${name} answered ${up.status}`);
    ids.push((up.body as { attachment: Attachment }).attachment.id);
  }
  const res = await fetch(`${sidecar.url}/api/agent/conversations/${visitorId}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ content, attachments: ids }),
  });
  if (res.status !== 201) throw new Error(`the message answered ${res.status}: ${await res.text()}`);
}

/** Stages the conversation in each face and saves one PNG per picture into `outDir`; returns their paths. */
export async function takeFileScreenshots(outDir: string, publicDir: string): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const paths: string[] = [];
  const [sidecar, browser] = await Promise.all([startSidecar({ publicDir }), launchBrowser()]);
  try {
    const origin = new URL(sidecar.url).origin;
    const aliceToken = await sidecar.rt.tokens.agentToken('agent:1', 'Alice Chen', 3600, false, `${origin}/avatars/alice.svg`);
    const alice = new AgentClient(sidecar.url, aliceToken);
    const mei = new AgentClient(sidecar.url, await sidecar.rt.tokens.agentToken('agent:2', 'Mei Lin', 3600));
    const photo = await sharp(Buffer.from(VASE_SVG)).jpeg({ quality: 85 }).toBuffer();
    // A closer look at the base, large enough (about 80 KB) for its upload to take a few seconds on the slow line below.
    const more = await sharp(Buffer.from(VASE_SVG)).extract({ left: 300, top: 450, width: 600, height: 450 }).resize(1200, 900).jpeg({ quality: 92 }).toBuffer();
    const invoice = invoicePdf(await sharp(photo).resize(480, 360).jpeg({ quality: 80 }).toBuffer(), 480, 360);
    const save = async (page: Page, name: string) => {
      const path = resolve(outDir, `${name}.png`);
      await page.screenshot({ path, animations: 'disabled' });
      paths.push(path);
    };
    const thumbsInWidget = 'kefu-chat >> [part=message] button.thumb img[src]';
    const thumbsInConsole = 'kefu-admin >> .messages .thumb img[src]';

    await Promise.all([alice.online(), mei.online()]);
    // Two earlier visitors, so the console's list has something besides Sarah.
    await earlierVisitors(browser, sidecar.url);

    for (const lang of ['en', 'zh-CN'] as const) {
      const w = WORDS[lang];
      for (const scheme of ['light', 'dark'] as const) {
        for (const size of ['desktop', 'phone'] as const) {
          // The visitor attaches the photo by the file picker and sends it with a line.
          const page = await visitorPage(browser, sidecar, lang, scheme, size, { name: 'Sarah Miller', email: 'sarah@example.com', 'reply-time': WORDS[lang].replyTime });
          await ensureOpen(page);
          await widget(page, '[part=faces]').waitFor({ timeout: TIMEOUT });
          await widget(page, 'button[part=attach]').waitFor({ timeout: TIMEOUT });
          await widget(page, 'input.pick').setInputFiles({ name: w.photo, mimeType: 'image/jpeg', buffer: photo });
          await widget(page, '[part=tray] li[data-state=done]').waitFor({ timeout: TIMEOUT });
          await visitorSends(page, w.visitor);
          await ownMessageIn(page, w.visitor, 'sent').waitFor({ timeout: TIMEOUT });
          await widget(page, '[part=tray]').waitFor({ state: 'detached', timeout: TIMEOUT });
          // The agent answers with the invoice.
          const visitorId = await visitorIdOf(alice, w.visitor);
          await agentSendsFiles(sidecar, aliceToken, visitorId, w.agent, [[w.pdf, invoice]]);
          await visitorMessage(page, w.agent).locator('button.file').waitFor({ timeout: TIMEOUT });
          await picturesLoaded(page, thumbsInWidget);
          await save(page, `widget-files${suffix(lang, scheme, size)}`);

          if (lang === 'en' && scheme === 'light') {
            // The tray: one more photo uploading, a line being written. The upload goes through a slow
            // line (Chromium's network emulation), so its bar shows real progress; it is lifted after the picture.
            const cdp = await page.context().newCDPSession(page);
            await cdp.send('Network.enable');
            await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 8_000 });
            await widget(page, 'input.pick').setInputFiles({ name: w.more, mimeType: 'image/jpeg', buffer: more });
            await widget(page, 'textarea[part=input]').fill(w.typing);
            await widget(page, '[part=tray] li[data-state=uploading] progress').waitFor({ timeout: TIMEOUT });
            const bar = widget(page, '[part=tray] progress');
            for (const deadline = Date.now() + 30_000; (await bar.evaluate((p: HTMLProgressElement) => p.value)) < 0.3; ) {
              if (Date.now() > deadline) throw new Error('the upload made no progress');
              await new Promise((r) => setTimeout(r, 50));
            }
            await save(page, `widget-files-tray${size === 'phone' ? '-phone' : ''}`);
            await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
            await widget(page, '[part=tray] li[data-state=done]').waitFor({ timeout: TIMEOUT });
          }
          await page.context().close();

          if (lang === 'en' && scheme === 'light' && size === 'desktop') {
            // The console with Sarah's conversation open, light and dark; the lightbox on her photo.
            const desk = await (await newContext(browser, { viewport: SIZES.desktop })).newPage();
            await desk.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
            await desk.route('**/avatars/*', (r) => r.fulfill({ status: 200, contentType: 'image/svg+xml', body: AVATAR_SVG }));
            await openConsole(desk, sidecar.url, aliceToken);
            await conversationEntry(desk, 'Sarah').click();
            await agentMessage(desk, w.agent).locator('.card .download:not(.pending)').waitFor({ timeout: TIMEOUT });
            await picturesLoaded(desk, thumbsInConsole);
            await save(desk, 'console-files');
            await desk.emulateMedia({ colorScheme: 'dark' });
            await save(desk, 'console-files-dark');
            await desk.emulateMedia({ colorScheme: 'light' });
            await console_(desk, '.messages .thumb').first().click();
            await console_(desk, 'dialog.lightbox img').waitFor({ timeout: TIMEOUT });
            await picturesLoaded(desk, 'kefu-admin >> dialog.lightbox img[src]');
            await save(desk, 'console-files-lightbox');
            await desk.context().close();

            const phone = await (await newContext(browser, { viewport: SIZES.phone })).newPage();
            await phone.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
            await openConsole(phone, sidecar.url, aliceToken);
            await conversationEntry(phone, 'Sarah').click();
            await agentMessage(phone, w.agent).locator('.card .download:not(.pending)').waitFor({ timeout: TIMEOUT });
            // The thread scrolled to its end before the files' component (a chunk of its own) drew the
            // card, which then grew below the fold; an agent scrolls down to it, as this does.
            await console_(phone, '.messages').evaluate((el) => el.scrollTo(0, el.scrollHeight));
            await picturesLoaded(phone, thumbsInConsole);
            await save(phone, 'console-files-phone');
            await phone.context().close();
          }
        }
      }
    }
    return paths;
  } finally {
    await browser.close();
    await sidecar.stop();
  }
}
