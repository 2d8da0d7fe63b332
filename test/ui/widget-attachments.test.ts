// Files in the widget, in Chromium against a real sidecar: attached by the
// button, by a drop and by a paste; the tray's progress, cancel and Retry
// (one stored file however often it is tried); Send waiting for uploads;
// refusals worded for the visitor; the thread's thumbnails with their
// lightbox and cards that download; the files chunk loaded only where the
// server takes files; links in messages; and axe over all of it.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Page, Route } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Attachment, Message } from '../../protocol/wire.js';
import { elf, jpegWithGps, pdf, raw } from '../helpers/files.js';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { AgentClient } from './agent-api.js';
import { checkAccessibility } from './axe.js';
import { launchBrowser, newContext, watchErrors } from './browser.js';
import { openWidget, ownMessageIn, TIMEOUT, visitorMessage, visitorSends, waitForComposer, widget } from './chat-pages.js';
import { PUBLIC_DIR } from './public-dir.js';

let sidecar: TestSidecar;
let browser: Browser;
let agent: AgentClient;
let agentToken: string;
let photo: Buffer;
let png: Buffer;

const UPLOADS = '**/kefu/api/visitor/attachments?*';

beforeAll(async () => {
  [sidecar, browser] = await Promise.all([startSidecar({ publicDir: PUBLIC_DIR }), launchBrowser()]);
  agentToken = await sidecar.agentToken(7, 'Mei Lin');
  agent = new AgentClient(sidecar.url, agentToken);
  await agent.online();
  photo = await jpegWithGps(640, 480);
  png = await sharp({ create: { width: 300, height: 600, channels: 3, background: { r: 20, g: 120, b: 200 } } }).png().toBuffer();
});

afterAll(async () => {
  await browser?.close();
  await sidecar?.stop();
});

async function newPage(opts: { viewport?: { width: number; height: number }; locale?: string } = {}): Promise<Page> {
  const ctx = await newContext(browser, opts);
  return ctx.newPage();
}

/** The visitor's conversation, found by a line they sent. */
async function conversationOf(text: string): Promise<string> {
  return vi.waitFor(
    async () => {
      const c = (await agent.conversations()).find((x) => x.lastMessage?.content === text);
      if (!c) throw new Error(`no conversation says "${text}" yet`);
      return c.visitorId;
    },
    { timeout: TIMEOUT },
  );
}

/** The stored message with this text, as the agents read it. */
async function storedMessage(visitorId: string, match: (m: Message) => boolean): Promise<Message> {
  return vi.waitFor(
    async () => {
      const m = (await agent.messages(visitorId)).find(match);
      if (!m) throw new Error('not stored yet');
      return m;
    },
    { timeout: TIMEOUT },
  );
}

/** What an agent sends: files uploaded with the agent's token, then a message naming them. */
async function agentSendsFiles(visitorId: string, content: string, files: Array<[string, Buffer]>): Promise<Message> {
  const ids: string[] = [];
  for (const [name, bytes] of files) {
    const up = await raw(`${sidecar.url}/api/agent/conversations/${visitorId}/attachments?${new URLSearchParams({ name, clientId: randomUUID() })}`, { token: agentToken, body: bytes });
    expect(up.status).toBe(201);
    ids.push((up.body as { attachment: Attachment }).attachment.id);
  }
  const res = await fetch(`${sidecar.url}/api/agent/conversations/${visitorId}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${agentToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ content, attachments: ids }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { message: Message }).message;
}

/** Dispatches what a browser does for files dragged onto `css` and dropped, or pasted into it. */
async function dropOrPaste(page: Page, css: string, kind: 'drop' | 'paste', files: Array<[string, string, Buffer]>): Promise<void> {
  await widget(page, css).evaluate(
    (el, [kind, list]) => {
      const dt = new DataTransfer();
      for (const [name, type, b64] of list) dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name, { type }));
      const init = { bubbles: true, composed: true, cancelable: true };
      if (kind === 'paste') el.dispatchEvent(new ClipboardEvent('paste', { ...init, clipboardData: dt }));
      else for (const type of ['dragenter', 'dragover', 'drop']) el.dispatchEvent(new DragEvent(type, { ...init, dataTransfer: dt }));
    },
    [kind, files.map(([name, type, bytes]) => [name, type, bytes.toString('base64')])] as const,
  );
}

/** Picks files with the paperclip button, through the browser's file chooser. */
async function attach(page: Page, files: Array<{ name: string; mimeType: string; buffer: Buffer }>): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: TIMEOUT }), widget(page, 'button[part=attach]').click()]);
  expect(chooser.isMultiple()).toBe(true);
  await chooser.setFiles(files);
}

const trayItem = (page: Page, name: string) => widget(page, '[part=tray] li').filter({ hasText: name });

/** The element that has the focus, inside shadow roots. */
const focused = (page: Page) =>
  page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el ? `${el.tagName.toLowerCase()}.${el.className}` : '';
  });

/** Opens the widget in a conversation with an agent online, and says a first line. */
async function startConversation(page: Page, first: string, attrs: Record<string, string> = {}): Promise<string> {
  await openWidget(page, `${sidecar.url}/demo`, attrs);
  await widget(page, 'button[part=attach]').waitFor({ timeout: TIMEOUT });
  await visitorSends(page, first);
  await ownMessageIn(page, first, 'sent').waitFor({ timeout: TIMEOUT });
  return conversationOf(first);
}

describe('attaching', () => {
  it('sends an image and a PDF picked with the paperclip, with text, to the agent; the thread shows a thumbnail and a card that downloads', async () => {
    const page = await newPage();
    const errors = watchErrors(page);
    const visitorId = await startConversation(page, 'files by the button');
    await attach(page, [
      { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: photo },
      { name: 'invoice.pdf', mimeType: 'application/pdf', buffer: pdf(20_000) },
    ]);
    await trayItem(page, 'photo.jpg').and(widget(page, 'li[data-state=done]')).waitFor({ timeout: TIMEOUT });
    await trayItem(page, 'invoice.pdf').and(widget(page, 'li[data-state=done]')).waitFor({ timeout: TIMEOUT });
    expect(await trayItem(page, 'invoice.pdf').locator('.fsize').textContent()).toBe('20 KB');
    await visitorSends(page, 'Here they are');
    await widget(page, '[part=tray]').waitFor({ state: 'detached', timeout: TIMEOUT });

    const stored = await storedMessage(visitorId, (m) => m.content === 'Here they are');
    expect(stored.attachments?.map((a) => [a.name, a.type])).toEqual([
      ['photo.jpg', 'image/jpeg'],
      ['invoice.pdf', 'application/pdf'],
    ]);
    expect(stored.attachments?.[0]).toMatchObject({ width: 640, height: 480 });

    const own = ownMessageIn(page, 'Here they are', 'sent');
    await own.waitFor({ timeout: TIMEOUT });
    const thumb = own.locator('button.thumb img');
    await vi.waitFor(async () => expect(await thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(640), { timeout: TIMEOUT });
    expect(await thumb.getAttribute('alt')).toBe('photo.jpg');
    // Drawn to fit 220×200 in its own shape before it loads: nothing jumps.
    expect([await thumb.getAttribute('width'), await thumb.getAttribute('height')]).toEqual(['220', '165']);
    const card = own.locator('button.file');
    expect(await card.textContent()).toMatch(/invoice\.pdf\s*20 KB/);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), card.click()]);
    expect(download.suggestedFilename()).toBe('invoice.pdf');
    expect(readFileSync(await download.path()).subarray(0, 5).toString()).toBe('%PDF-');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('attaches a file dropped on the panel and a screenshot pasted into the box, and sends them without text', async () => {
    const page = await newPage();
    const visitorId = await startConversation(page, 'files by drop and paste');
    await widget(page, '.messages').evaluate((el) => {
      const dt = new DataTransfer();
      dt.items.add(new File(['x'], 'x.txt', { type: 'text/plain' }));
      el.dispatchEvent(new DragEvent('dragenter', { bubbles: true, composed: true, cancelable: true, dataTransfer: dt }));
    });
    // While files are dragged over it, the panel says where they go.
    await widget(page, '.drop').filter({ hasText: 'Drop files to attach them' }).waitFor({ timeout: TIMEOUT });
    await dropOrPaste(page, '.messages', 'drop', [['notes.txt', 'text/plain', Buffer.from('Order 1234: the lid is cracked.\n')]]);
    await widget(page, '.drop').waitFor({ state: 'detached', timeout: TIMEOUT });
    await dropOrPaste(page, 'textarea[part=input]', 'paste', [['image.png', 'image/png', png]]);
    await trayItem(page, 'notes.txt').and(widget(page, 'li[data-state=done]')).waitFor({ timeout: TIMEOUT });
    await trayItem(page, 'image.png').and(widget(page, 'li[data-state=done]')).waitFor({ timeout: TIMEOUT });
    // The paste put no file name into the box.
    expect(await widget(page, 'textarea[part=input]').inputValue()).toBe('');
    await widget(page, 'button[part=send]').click();
    const stored = await storedMessage(visitorId, (m) => !!m.attachments?.length);
    expect(stored.content).toBe('');
    expect(stored.attachments?.map((a) => a.name)).toEqual(['notes.txt', 'image.png']);
    // A message of files alone has no empty bubble.
    const own = widget(page, `[part=message][data-mid="${stored.mid}"]`);
    await own.locator('button.thumb').waitFor({ timeout: TIMEOUT });
    expect(await own.locator('[part=bubble]').count()).toBe(0);
    await page.context().close();
  });
});

describe('the tray', () => {
  it('shows an upload’s progress, cancels it, and holds Send until the uploads end', async () => {
    const page = await newPage();
    const visitorId = await startConversation(page, 'files held back');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const posted: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && posted.push(new URL(r.url()).pathname));
    await page.route(UPLOADS, async (route: Route) => {
      await held;
      await route.continue().catch(() => undefined);
    });
    await attach(page, [{ name: 'first.pdf', mimeType: 'application/pdf', buffer: pdf() }]);
    const first = trayItem(page, 'first.pdf');
    await first.locator('progress[aria-label="Uploading first.pdf"]').waitFor({ timeout: TIMEOUT });
    expect(await first.getAttribute('data-state')).toBe('uploading');
    // Cancel: the file leaves the tray.
    await first.getByRole('button', { name: 'Remove first.pdf' }).click();
    await widget(page, '[part=tray]').waitFor({ state: 'detached', timeout: TIMEOUT });

    await attach(page, [{ name: 'second.pdf', mimeType: 'application/pdf', buffer: pdf(100) }]);
    await trayItem(page, 'second.pdf').locator('progress').waitFor({ timeout: TIMEOUT });
    await visitorSends(page, 'waits for its file');
    await widget(page, '[part=tray] [role=status]').filter({ hasText: 'Sending once the files are uploaded' }).waitFor({ timeout: TIMEOUT });
    expect(posted.filter((p) => p.endsWith('/visitor/messages'))).toEqual([]);
    await page.unroute(UPLOADS);
    release();
    const stored = await storedMessage(visitorId, (m) => m.content === 'waits for its file');
    expect(stored.attachments?.map((a) => a.name)).toEqual(['second.pdf']);
    await widget(page, '[part=tray]').waitFor({ state: 'detached', timeout: TIMEOUT });
    await page.context().close();
  });

  it('retries a failed upload under the same key: the server keeps one file', async () => {
    const page = await newPage();
    const visitorId = await startConversation(page, 'files retried');
    let tries = 0;
    await page.route(UPLOADS, async (route: Route) => {
      // The first upload reaches the server, but its answer is lost on the way back.
      if (++tries === 1) {
        await route.fetch();
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    await attach(page, [{ name: 'receipt.pdf', mimeType: 'application/pdf', buffer: pdf(500) }]);
    const item = trayItem(page, 'receipt.pdf');
    await item.and(widget(page, 'li[data-state=failed]')).waitFor({ timeout: TIMEOUT });
    expect(await item.locator('.why').textContent()).toBe('Upload failed.');
    // Send refuses to go without it, and says what to do.
    await visitorSends(page, 'with the receipt');
    await widget(page, '[part=tray] [role=alert]').filter({ hasText: 'A file did not upload: retry or remove it.' }).waitFor({ timeout: TIMEOUT });
    await item.getByRole('button', { name: 'Retry' }).click();
    await item.and(widget(page, 'li[data-state=done]')).waitFor({ timeout: TIMEOUT });
    expect(tries).toBe(2);
    await widget(page, 'button[part=send]').click();
    const stored = await storedMessage(visitorId, (m) => m.content === 'with the receipt');
    expect(stored.attachments).toHaveLength(1);
    // No second copy waits unsent on the server: the retry got the first upload's file.
    const unsent = await sidecar.rt.store.attachments.expired(new Date(0), new Date(Date.now() + 3600_000), 1000);
    const records = await sidecar.rt.store.attachments.getMany(unsent.map((f) => f.id));
    expect(records.filter((r) => r.visitorId === visitorId)).toEqual([]);
    await page.context().close();
  });

  it('refuses, in the visitor’s words, a program renamed .pdf (by the server) and one that says what it is (before any upload)', async () => {
    const page = await newPage();
    await startConversation(page, 'files refused');
    const uploads: string[] = [];
    page.on('request', (r) => r.url().includes('/visitor/attachments') && uploads.push(r.url()));
    await attach(page, [{ name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: elf() }]);
    await widget(page, '[part=tray] [role=alert]').filter({ hasText: 'setup.exe: files of this type cannot be sent.' }).waitFor({ timeout: TIMEOUT });
    expect(uploads).toEqual([]);

    await attach(page, [{ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: elf() }]);
    const item = trayItem(page, 'invoice.pdf');
    await item.and(widget(page, 'li[data-state=failed]')).waitFor({ timeout: TIMEOUT });
    expect(await item.locator('.why').textContent()).toBe('invoice.pdf: files of this type cannot be sent.');
    // Trying again cannot help: no Retry, only Remove.
    expect(await item.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    await item.getByRole('button', { name: 'Remove invoice.pdf' }).click();
    await widget(page, '[part=tray]').waitFor({ state: 'detached', timeout: TIMEOUT });
    await page.context().close();
  });

  it('uploads nothing before the visitor has ticked the site’s consent box', async () => {
    const page = await newPage();
    const uploads: string[] = [];
    page.on('request', (r) => r.url().includes('/visitor/attachments') && uploads.push(r.url()));
    await openWidget(page, `${sidecar.url}/demo`, { consent: 'I agree that my messages and files are stored.' });
    await widget(page, 'button[part=attach]').waitFor({ timeout: TIMEOUT });
    await attach(page, [{ name: 'id-card.png', mimeType: 'image/png', buffer: png }]);
    await widget(page, '[role=alert]').filter({ hasText: 'Please tick the box above' }).waitFor({ timeout: TIMEOUT });
    expect(await widget(page, '[part=tray] li').count()).toBe(0);
    expect(uploads).toEqual([]);
    await widget(page, 'input[name=consent]').check();
    await attach(page, [{ name: 'id-card.png', mimeType: 'image/png', buffer: png }]);
    await trayItem(page, 'id-card.png').and(widget(page, 'li[data-state=done]')).waitFor({ timeout: TIMEOUT });
    expect(uploads).toHaveLength(1);
    await page.context().close();
  });

  it('says it in Chinese for a Chinese visitor, and keeps to the files a message may carry', async () => {
    const page = await newPage({ locale: 'zh-CN' });
    await startConversation(page, '文件', { lang: 'zh-CN' });
    expect(await widget(page, 'button[part=attach]').getAttribute('aria-label')).toBe('添加文件');
    await attach(page, [{ name: 'tool.exe', mimeType: 'application/x-msdownload', buffer: elf() }]);
    await widget(page, '[part=tray] [role=alert]').filter({ hasText: 'tool.exe：不支持发送此类型的文件。' }).waitFor({ timeout: TIMEOUT });
    const six = Array.from({ length: 6 }, (_, i) => ({ name: `page-${i}.pdf`, mimeType: 'application/pdf', buffer: pdf() }));
    await attach(page, six);
    await widget(page, '[part=tray] [role=alert]').filter({ hasText: '每条消息最多 5 个文件。' }).waitFor({ timeout: TIMEOUT });
    expect(await widget(page, '[part=tray] li').count()).toBe(5);
    await page.context().close();
  });
});

describe('files from the team', () => {
  it('shows an agent’s image as a thumbnail that opens in a lightbox; Esc and the close button return focus to it', async () => {
    const page = await newPage();
    const visitorId = await startConversation(page, 'show me the part');
    await agentSendsFiles(visitorId, 'This one?', [['part.png', png]]);
    const thumb = visitorMessage(page, 'This one?').locator('button.thumb');
    await thumb.waitFor({ timeout: TIMEOUT });
    await vi.waitFor(async () => expect(await thumb.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(300), { timeout: TIMEOUT });
    expect(await thumb.getAttribute('aria-haspopup')).toBe('dialog');

    await thumb.click();
    const box = widget(page, 'dialog.lightbox');
    await box.waitFor({ timeout: TIMEOUT });
    expect(await box.evaluate((d: HTMLDialogElement) => d.open && d.matches(':modal'))).toBe(true);
    expect(await box.getAttribute('aria-label')).toBe('part.png');
    expect(await box.locator('img').getAttribute('alt')).toBe('part.png');
    expect(await focused(page)).toBe('button.icon-button');
    await page.keyboard.press('Escape');
    await box.waitFor({ state: 'detached', timeout: TIMEOUT });
    // Esc closed the picture, not the chat.
    expect(await page.locator('kefu-chat').getAttribute('open')).toBe('');
    expect(await focused(page)).toBe('button.thumb');

    await thumb.click();
    await box.waitFor({ timeout: TIMEOUT });
    await box.getByRole('button', { name: 'Close' }).click();
    await box.waitFor({ state: 'detached', timeout: TIMEOUT });
    expect(await focused(page)).toBe('button.thumb');
    await page.context().close();
  });

  it('makes web and mail addresses in messages links, and nothing else', async () => {
    const page = await newPage();
    const visitorId = await startConversation(page, 'links please');
    await agent.reply(visitorId, 'See https://example.com/help?a=1, mail help@example.com via mailto:help@example.com or javascript:alert(1).');
    const reply = visitorMessage(page, 'See https://example.com/help');
    await reply.locator('a').first().waitFor({ timeout: TIMEOUT });
    const links = await reply.locator('a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.getAttribute('rel'), a.getAttribute('target')]));
    expect(links).toEqual([
      ['https://example.com/help?a=1', 'noopener noreferrer nofollow', '_blank'],
      ['mailto:help@example.com', 'noopener noreferrer nofollow', '_blank'],
    ]);
    expect(await reply.locator('[part=bubble]').textContent()).toBe('See https://example.com/help?a=1, mail help@example.com via mailto:help@example.com or javascript:alert(1).');
    await page.context().close();
  });
});

describe('the files chunk', () => {
  it('loads where the server takes files, and not where it does not', async () => {
    const off = await startSidecar({ publicDir: PUBLIC_DIR, env: { KEFU_ATTACHMENTS_MAX_BYTES: '0' } });
    try {
      await new AgentClient(off.url, await off.agentToken(1, 'Ann')).online();
      for (const [url, on] of [[sidecar.url, true], [off.url, false]] as const) {
        const page = await newPage();
        const scripts: string[] = [];
        page.on('request', (r) => scripts.push(new URL(r.url()).pathname));
        await page.goto(`${url}/demo`);
        await widget(page, '[part=launcher]').waitFor({ timeout: TIMEOUT });
        // Nothing about files before the first click.
        expect(scripts.filter((s) => /attachments|attachment-parts/.test(s))).toEqual([]);
        const limits = page.waitForResponse((r) => r.url().endsWith('/kefu/api/attachments/limits'), { timeout: TIMEOUT });
        await openWidget(page, `${url}/demo`);
        await waitForComposer(page);
        expect(((await (await limits).json()) as { maxBytes: number }).maxBytes > 0).toBe(on);
        if (on) await widget(page, 'button[part=attach]').waitFor({ timeout: TIMEOUT });
        else {
          // The answer is drawn within a frame or two.
          await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
          expect(await widget(page, 'button[part=attach]').count()).toBe(0);
        }
        expect(scripts.some((s) => /\/attachment-parts-[\w-]+\.js$/.test(s))).toBe(on);
        await page.context().close();
      }
    } finally {
      await off.stop();
    }
  });
});

describe('accessibility', () => {
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    it(`finds nothing serious in the tray, the thread’s files and the lightbox at ${viewport.width}×${viewport.height}, light and dark`, async () => {
      const page = await newPage({ viewport });
      await page.emulateMedia({ reducedMotion: 'reduce' });
      const visitorId = await startConversation(page, `axe ${viewport.width}`);
      await agentSendsFiles(visitorId, 'A photo and a form', [['photo.jpg', photo], ['form.pdf', pdf()]]);
      await visitorMessage(page, 'A photo and a form').locator('button.file').waitFor({ timeout: TIMEOUT });
      await page.route(UPLOADS, (route: Route) => (route.request().url().includes('broken') ? route.abort() : new Promise(() => undefined)));
      await attach(page, [
        { name: 'slow.pdf', mimeType: 'application/pdf', buffer: pdf() },
        { name: 'broken.pdf', mimeType: 'application/pdf', buffer: pdf() },
        { name: 'virus.exe', mimeType: 'application/x-msdownload', buffer: elf() },
      ]);
      await trayItem(page, 'broken.pdf').and(widget(page, 'li[data-state=failed]')).waitFor({ timeout: TIMEOUT });
      await trayItem(page, 'slow.pdf').locator('progress').waitFor({ timeout: TIMEOUT });
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme });
        const report = await checkAccessibility(page, 'kefu-chat');
        expect({ colorScheme, violations: report.blocking }).toEqual({ colorScheme, violations: [] });
      }
      await visitorMessage(page, 'A photo and a form').locator('button.thumb').click();
      await widget(page, 'dialog.lightbox').waitFor({ timeout: TIMEOUT });
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme });
        const report = await checkAccessibility(page, 'kefu-chat');
        expect({ colorScheme, lightbox: report.blocking }).toEqual({ colorScheme, lightbox: [] });
      }
      await page.context().close();
    });
  }
});
