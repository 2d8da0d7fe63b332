// Files in the agent console, in Chromium against a real sidecar: attaching
// by the paperclip (keyboard and file chooser), by a drop on the conversation
// and by a pasted screenshot, the visitor receiving the files, a visitor's
// image as a thumbnail with its lightbox, files refused before and after
// upload, a cancelled upload and a retried one stored once.
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { expect, it } from 'vitest';
import type { Attachment } from '../../protocol/wire.js';
import { call, newVisitor, type VisitorSession } from '../helpers/api.js';
import { elf, pdf, raw, windowsExe } from '../helpers/files.js';
import { checkAccessibility } from './axe.js';
import { newContext, watchErrors } from './browser.js';
import { console_, conversationEntry, openConsole, TIMEOUT } from './chat-pages.js';
import { useSidecarAndBrowser } from './rig.js';

const rig = useSidecarAndBrowser();

const png = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: { r: 30, g: 120, b: 200 } } }).png().toBuffer();
const jpeg = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: { r: 200, g: 60, b: 40 } } }).jpeg().toBuffer();

const composer = (page: Page) => console_(page, 'form.composer textarea');
const trayFile = (page: Page, name: string) => console_(page, 'kefu-file-tray li.file').filter({ hasText: name });

/** A visitor (over the API) who has written `text`, and an agent's console with that conversation open. */
async function conversation(text: string, opts: { viewport?: { width: number; height: number } } = {}) {
  const { sidecar, browser } = rig;
  const visitor = await newVisitor(sidecar.url);
  expect((await call(sidecar.url, '/api/visitor/messages', { token: visitor.token, body: { content: text } })).status).toBe(201);
  const page = await (await newContext(browser, { viewport: opts.viewport })).newPage();
  const errors = watchErrors(page);
  await openConsole(page, sidecar.url, await sidecar.agentToken(1, 'Ann'));
  await conversationEntry(page, text).click();
  // Opening the conversation puts the caret in the box once its history is in: only then is the focus the test's to move.
  await expect.poll(() => composer(page).evaluate((ta) => (ta.getRootNode() as ShadowRoot).activeElement === ta), { timeout: TIMEOUT }).toBe(true);
  return { page, visitor, errors };
}

async function visitorMessages(v: VisitorSession): Promise<{ content: string; attachments?: Attachment[] }[]> {
  return (await call(rig.sidecar.url, '/api/visitor/messages', { token: v.token })).body.messages;
}

/** Every upload the page sent, and each one's status as the page saw it. */
function watchUploads(page: Page): { url: string; status?: number }[] {
  const seen: { url: string; status?: number }[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && /\/attachments\?/.test(r.url())) seen.push({ url: r.url() });
  });
  page.on('response', (r) => {
    const entry = seen.find((s) => s.url === r.url() && s.status === undefined);
    if (entry) entry.status = r.status();
  });
  return seen;
}

/** Puts files on a DataTransfer inside the page: `[name, type, bytes]`. */
function dataTransfer(page: Page, files: [string, string, Buffer][]) {
  return page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const [name, type, bytes] of list) dt.items.add(new File([new Uint8Array(bytes)], name, { type }));
    return dt;
  }, files.map(([n, t, b]) => [n, t, [...b]] as [string, string, number[]]));
}

it('attaches by the paperclip, a drop and a paste, and the visitor gets the reply with all three files', async () => {
  const { page, visitor, errors } = await conversation('can you send me the invoice?');
  const uploads = watchUploads(page);

  // The paperclip, from the keyboard: its file chooser takes what the server accepts.
  const attach = console_(page, 'kefu-composer button.attach');
  expect(await attach.getAttribute('aria-label')).toBe('Attach files');
  expect(await console_(page, 'kefu-composer input[type=file]').getAttribute('accept')).toContain('.pdf');
  const chooser = page.waitForEvent('filechooser', { timeout: TIMEOUT });
  await attach.press('Enter');
  await (await chooser).setFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: await jpeg(600, 300) });
  await trayFile(page, 'photo.jpg').and(console_(page, '[data-state=done]')).waitFor({ timeout: TIMEOUT });

  // A drop on the conversation.
  const drop = await dataTransfer(page, [['invoice.pdf', 'application/pdf', pdf(2000)]]);
  await console_(page, 'kefu-conversation main').dispatchEvent('drop', { dataTransfer: drop });
  await trayFile(page, 'invoice.pdf').and(console_(page, '[data-state=done]')).waitFor({ timeout: TIMEOUT });

  // A screenshot pasted into the box.
  const clip = await dataTransfer(page, [['image.png', 'image/png', await png(320, 200)]]);
  await composer(page).evaluate((ta, dt) => ta.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true, composed: true })), clip);
  await trayFile(page, 'image.png').and(console_(page, '[data-state=done]')).waitFor({ timeout: TIMEOUT });
  expect(await console_(page, 'kefu-file-tray li.file').count()).toBe(3);
  expect(uploads.map((u) => u.status)).toEqual([201, 201, 201]);

  await composer(page).fill('Here you are');
  await composer(page).press('Enter');
  // The tray empties at once; the reply shows its files once the server has it.
  await expect.poll(() => console_(page, 'kefu-file-tray li.file').count(), { timeout: TIMEOUT }).toBe(0);
  const sent = console_(page, '.msg.agent[data-mid]').filter({ hasText: 'Here you are' });
  await sent.locator('.card').filter({ hasText: 'invoice.pdf' }).waitFor({ timeout: TIMEOUT });
  await expect.poll(() => sent.locator('.thumb img').count(), { timeout: TIMEOUT }).toBe(2);

  // What the visitor reads: one message with the three files, in the order picked.
  const last = (await visitorMessages(visitor)).at(-1)!;
  expect(last.content).toBe('Here you are');
  expect(last.attachments?.map((a) => [a.name, a.type])).toEqual([
    ['photo.jpg', 'image/jpeg'],
    ['invoice.pdf', 'application/pdf'],
    ['image.png', 'image/png'],
  ]);
  expect(errors).toEqual([]);
});

it('shows a visitor\'s image as a thumbnail that opens in a lightbox, and a PDF as a card to download', async () => {
  const { sidecar } = rig;
  const { page, visitor, errors } = await conversation('a photo of the broken part follows');
  const upload = async (bytes: Buffer, name: string) => (await raw(`${sidecar.url}/api/visitor/attachments?${new URLSearchParams({ name })}`, { token: visitor.token, body: bytes })).body.attachment as Attachment;
  const photo = await upload(await jpeg(800, 400), 'broken-part.jpg');
  const manual = await upload(pdf(3000), 'manual.pdf');
  expect((await call(sidecar.url, '/api/visitor/messages', { token: visitor.token, body: { content: '', attachments: [photo.id, manual.id] } })).status).toBe(201);

  // A thumbnail: the whole picture within 240×240, its name as its text, loaded by a signed address.
  const thumb = console_(page, `.thumb[data-id="${photo.id}"]`);
  const img = thumb.locator('img');
  await img.waitFor({ timeout: TIMEOUT });
  expect(await img.getAttribute('alt')).toBe('broken-part.jpg');
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), { timeout: TIMEOUT }).toBe(800);
  const box = (await thumb.boundingBox())!;
  expect(Math.round(box.width)).toBeLessThanOrEqual(242);
  expect(Math.round(box.height)).toBeLessThanOrEqual(242);
  expect(await img.evaluate((el) => getComputedStyle(el).objectFit)).toBe('contain');
  // The list says what the message is, though it has no text.
  expect(await console_(page, `button.conv[data-visitor="${visitor.visitorId}"] .last`).textContent()).toBe('📎 broken-part.jpg, manual.pdf');

  // The card's link downloads the file, as an attachment.
  const download = console_(page, `.card[data-id="${manual.id}"] a.download`);
  await download.waitFor({ timeout: TIMEOUT });
  expect(await download.getAttribute('download')).toBe('manual.pdf');
  expect(await download.getAttribute('aria-label')).toBe('Download manual.pdf');
  const file = await raw(new URL((await download.getAttribute('href'))!, sidecar.origin).href);
  expect(file.status).toBe(200);
  expect(file.headers.get('content-disposition')).toMatch(/^attachment/);

  // The lightbox: opened by the thumbnail, Esc closes it and the focus goes back.
  await thumb.click();
  const dialog = console_(page, 'dialog.lightbox');
  await dialog.waitFor({ timeout: TIMEOUT });
  expect(await dialog.evaluate((d: HTMLDialogElement) => d.open)).toBe(true);
  await expect.poll(() => dialog.locator('img').evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), { timeout: TIMEOUT }).toBe(800);
  expect((await checkAccessibility(page)).blocking).toEqual([]);
  // A shortcut key does nothing behind it.
  await page.keyboard.press('j');
  await page.keyboard.press('Escape');
  await expect.poll(() => dialog.count(), { timeout: TIMEOUT }).toBe(0);
  const focused = () => page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el?.getAttribute('data-id');
  });
  expect(await focused()).toBe(photo.id);
  // And its Close button, from the keyboard.
  await page.keyboard.press('Enter');
  await dialog.waitFor({ timeout: TIMEOUT });
  await dialog.locator('button.close').click();
  await expect.poll(() => dialog.count(), { timeout: TIMEOUT }).toBe(0);
  expect(await focused()).toBe(photo.id);
  // J (next conversation) was the lightbox's, not the console's.
  expect(await console_(page, 'button.conv[aria-current=true]').getAttribute('data-visitor')).toBe(visitor.visitorId);

  // The thread with files and the tray pass axe, light and dark.
  await console_(page, 'kefu-composer input[type=file]').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('some notes') });
  await trayFile(page, 'notes.txt').and(console_(page, '[data-state=done]')).waitFor({ timeout: TIMEOUT });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    expect((await checkAccessibility(page)).blocking).toEqual([]);
  }
  expect(errors).toEqual([]);
});

it('refuses a program before upload and a renamed one after, and sends nothing', async () => {
  const { page, visitor } = await conversation('here is my setup file');
  const uploads = watchUploads(page);
  const input = console_(page, 'kefu-composer input[type=file]');

  await input.setInputFiles({ name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: windowsExe() });
  const refused = console_(page, 'kefu-file-tray .refused');
  await refused.waitFor({ timeout: TIMEOUT });
  expect(await refused.textContent()).toBe('setup.exe: this kind of file can’t be sent.');
  expect(await refused.getAttribute('role')).toBe('alert');
  expect(uploads).toEqual([]);

  // Named like a PDF, it passes here; the server reads its bytes and refuses it.
  await input.setInputFiles({ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: elf() });
  const row = trayFile(page, 'invoice.pdf');
  await row.and(console_(page, '[data-state=failed]')).waitFor({ timeout: TIMEOUT });
  expect(await row.locator('.state').textContent()).toBe('The server refused this kind of file.');
  expect(await row.locator('button.retry').count()).toBe(0);
  expect(uploads.map((u) => u.status)).toEqual([415]);
  expect(await refused.count()).toBe(0);

  // Send is held back while a file is failed, and says why.
  const before = (await visitorMessages(visitor)).length;
  await composer(page).fill('see the file');
  await composer(page).press('Enter');
  const notice = console_(page, 'kefu-composer .files-notice');
  await notice.waitFor({ timeout: TIMEOUT });
  expect(await notice.textContent()).toBe('Remove or retry the files that failed, then send.');
  expect(await console_(page, 'kefu-composer button.send').getAttribute('aria-disabled')).toBe('true');
  expect(await composer(page).inputValue()).toBe('see the file');
  await row.locator('button.remove').click();
  await expect.poll(() => console_(page, 'kefu-file-tray li.file').count(), { timeout: TIMEOUT }).toBe(0);
  // The removed row's button is gone: the focus is back in the box.
  expect(await composer(page).evaluate((ta) => (ta.getRootNode() as ShadowRoot).activeElement === ta)).toBe(true);
  expect((await visitorMessages(visitor)).length).toBe(before);
});

it('cancels an upload in flight: nothing is attached to the reply that follows', async () => {
  const { page, visitor } = await conversation('please wait for my big file');
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let reached = false;
  await page.route('**/attachments?*', async (route) => {
    reached = true;
    await held;
    // The browser has given up on it by now; the server never sees it.
    await route.abort().catch(() => {});
  });
  await console_(page, 'kefu-composer input[type=file]').setInputFiles({ name: 'big.pdf', mimeType: 'application/pdf', buffer: pdf(200_000) });
  const row = trayFile(page, 'big.pdf');
  await row.and(console_(page, '[data-state=uploading]')).waitFor({ timeout: TIMEOUT });
  expect(await row.locator('progress').getAttribute('aria-label')).toBe('Uploading big.pdf');
  await expect.poll(() => reached, { timeout: TIMEOUT }).toBe(true);
  // Send waits for it.
  await composer(page).fill('sent without the file');
  await composer(page).press('Enter');
  expect(await console_(page, 'kefu-composer .files-notice').textContent()).toBe('Wait until every file is uploaded, then send.');
  await row.locator('button.remove', { hasText: 'Cancel' }).click();
  await expect.poll(() => row.count(), { timeout: TIMEOUT }).toBe(0);
  release();
  await composer(page).press('Enter');
  await console_(page, '.msg.agent[data-mid]').filter({ hasText: 'sent without the file' }).waitFor({ timeout: TIMEOUT });
  const last = (await visitorMessages(visitor)).at(-1)!;
  expect(last.content).toBe('sent without the file');
  expect(last.attachments).toBeUndefined();
});

it('retries a failed upload with the same key: the server keeps the file once', async () => {
  const { sidecar } = rig;
  const { page, visitor } = await conversation('send the screenshot again please');
  const uploads = watchUploads(page);
  let stored: Attachment | undefined;
  // The first upload reaches the server and is stored; its answer is lost on the way back.
  await page.route('**/attachments?*', async (route) => {
    if (stored) return route.continue();
    const answer = await route.fetch();
    stored = (await answer.json()).attachment;
    await route.fulfill({ status: 502, contentType: 'text/plain', body: 'Bad Gateway' });
  });
  await console_(page, 'kefu-composer input[type=file]').setInputFiles({ name: 'screen.png', mimeType: 'image/png', buffer: await png(200, 100) });
  const row = trayFile(page, 'screen.png');
  await row.and(console_(page, '[data-state=failed]')).waitFor({ timeout: TIMEOUT });
  expect(await row.locator('.state').textContent()).toBe('The upload failed.');
  await row.locator('button.retry').click();
  await row.and(console_(page, '[data-state=done]')).waitFor({ timeout: TIMEOUT });
  // The retry carried the first attempt's clientId, and the server answered with the file it had (200, not 201).
  expect(uploads.map((u) => new URL(u.url).searchParams.get('clientId'))).toEqual([expect.any(String), new URL(uploads[0]!.url).searchParams.get('clientId')]);
  expect(uploads.map((u) => u.status)).toEqual([502, 200]);

  await composer(page).press('Enter');
  await console_(page, `.msg.agent[data-mid] .thumb[data-id="${stored!.id}"]`).waitFor({ timeout: TIMEOUT });
  const last = (await visitorMessages(visitor)).at(-1)!;
  expect(last.attachments?.map((a) => a.id)).toEqual([stored!.id]);
  // And nothing else of this conversation lies unsent on the server.
  const far = new Date(Date.now() + 86_400_000 * 365);
  const unsent = await sidecar.rt.store.attachments.getMany((await sidecar.rt.store.attachments.expired(far, far, 10_000)).map((f) => f.id));
  expect(unsent.filter((a) => a.visitorId === visitor.visitorId)).toEqual([]);
});

it('fits a phone-sized console: the tray and the thread\'s files stay within 360 px', async () => {
  const { sidecar } = rig;
  const { page, visitor, errors } = await conversation('from my phone', { viewport: { width: 360, height: 740 } });
  const upload = async (bytes: Buffer, name: string) => (await raw(`${sidecar.url}/api/visitor/attachments?${new URLSearchParams({ name })}`, { token: visitor.token, body: bytes })).body.attachment as Attachment;
  const wide = await upload(await jpeg(1200, 300), 'panorama.jpg');
  const doc = await upload(pdf(1000), 'a-document-with-a-rather-long-name-that-goes-on.pdf');
  await call(sidecar.url, '/api/visitor/messages', { token: visitor.token, body: { content: 'two files', attachments: [wide.id, doc.id] } });
  await console_(page, `.thumb[data-id="${wide.id}"] img`).waitFor({ timeout: TIMEOUT });
  await console_(page, 'kefu-composer input[type=file]').setInputFiles({ name: 'another-file-with-a-long-name-for-a-small-screen.pdf', mimeType: 'application/pdf', buffer: pdf(10) });
  await console_(page, 'kefu-file-tray li.file').waitFor({ timeout: TIMEOUT });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(overflow).toBeLessThanOrEqual(360);
  for (const css of [`.thumb[data-id="${wide.id}"]`, `.card[data-id="${doc.id}"]`, 'kefu-file-tray li.file', 'kefu-composer button.send']) {
    const box = (await console_(page, css).boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(360);
  }
  expect(errors).toEqual([]);
});

it('keeps a conversation opened on a phone at its end once the last message\'s file card has drawn', async () => {
  const { sidecar, browser } = rig;
  const visitor = await newVisitor(sidecar.url);
  // More than a phone's thread shows, in few messages (a visitor's sending is rate-limited).
  for (let i = 1; i <= 3; i++) {
    const lines = Array.from({ length: 8 }, (_, j) => `part ${i}.${j + 1} of a long story`).join('\n');
    expect((await call(sidecar.url, '/api/visitor/messages', { token: visitor.token, body: { content: lines } })).status).toBe(201);
  }
  const up = await raw(`${sidecar.url}/api/visitor/attachments?name=receipt-77.pdf`, { token: visitor.token, body: pdf(3000) });
  expect(up.status).toBe(201);
  expect((await call(sidecar.url, '/api/visitor/messages', { token: visitor.token, body: { content: 'the receipt', attachments: [up.body.attachment.id] } })).status).toBe(201);

  const page = await (await newContext(browser, { viewport: { width: 390, height: 844 } })).newPage();
  await openConsole(page, sidecar.url, await sidecar.agentToken(1, 'Ann'));
  await conversationEntry(page, 'the receipt').click();
  await console_(page, 'kefu-attachment-list').filter({ hasText: 'receipt-77.pdf' }).waitFor({ timeout: TIMEOUT });
  const gap = () => console_(page, 'kefu-conversation .messages').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
  await expect.poll(gap, { timeout: 2_000 }).toBeLessThan(2);
  await page.context().close();
});
