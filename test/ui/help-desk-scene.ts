// The help desk's pictures for docs/ui.md, staged in Chromium against a real
// sidecar: two agents and four visitors; a claimed conversation with a note
// and a colleague viewing, the transfer dialog, the canned-reply picker,
// search, the receiver's view of a transfer, the Resolved tab, a blocked
// visitor, and the console on a phone; the desk and the phone also in dark,
// and in Chinese (which needs fonts-noto-cjk, installed by scripts/setup-test-env.sh). `npm run screenshots` saves them into
// docs/screenshots/ (scripts/screenshots.ts).
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { startSidecar } from '../helpers/sidecar.js';
import { launchBrowser, newContext } from './browser.js';
import { agentMessage, agentReplies, console_, conversationEntry, openConsole, openWidget, TIMEOUT, visitorSends } from './chat-pages.js';
import { earlierVisitors } from './screenshot-scene.js';

export const DESK_SHOTS = {
  desk: { file: 'help-desk.png', width: 1280, height: 800 },
  transfer: { file: 'help-desk-transfer.png', width: 1280, height: 800 },
  canned: { file: 'help-desk-canned.png', width: 1280, height: 800 },
  search: { file: 'help-desk-search.png', width: 1280, height: 800 },
  handoff: { file: 'help-desk-handoff.png', width: 1280, height: 800 },
  blocked: { file: 'help-desk-blocked.png', width: 1280, height: 800 },
  resolved: { file: 'help-desk-resolved.png', width: 1280, height: 800 },
  phone: { file: 'help-desk-phone.png', width: 390, height: 844 },
  deskDark: { file: 'help-desk-dark.png', width: 1280, height: 800 },
  deskZh: { file: 'help-desk-zh-CN.png', width: 1280, height: 800 },
  phoneZhDark: { file: 'help-desk-phone-zh-CN-dark.png', width: 390, height: 844 },
  phoneDark: { file: 'help-desk-phone-dark.png', width: 390, height: 844 },
} as const;

type DeskShot = keyof typeof DESK_SHOTS;

async function shoot(page: Page, outDir: string, shot: DeskShot): Promise<string> {
  const path = resolve(outDir, DESK_SHOTS[shot].file);
  await page.screenshot({ path, animations: 'disabled' });
  return path;
}

export async function takeHelpDeskScreenshots(outDir: string, publicDir: string): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const [sidecar, browser] = await Promise.all([startSidecar({ publicDir }), launchBrowser()]);
  try {
    const annToken = await sidecar.agentToken(1, 'Ann Lee');
    const bobToken = await sidecar.agentToken(2, 'Bob Wang');
    for (const [shortcut, content] of [
      ['hello', 'Hi {visitor.name}, {agent.name} here. How can I help?'],
      ['shipping', 'We ship within 24 hours on working days; delivery takes 2–5 days.'],
      ['refund', 'I have started your refund: it reaches your card within 5 working days.'],
    ]) {
      await fetch(`${sidecar.url}/api/agent/canned`, {
        method: 'POST',
        headers: { authorization: `Bearer ${annToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ shortcut, content }),
      });
    }
    const ann = await (await newContext(browser, { viewport: DESK_SHOTS.desk })).newPage();
    const bob = await (await newContext(browser, { viewport: DESK_SHOTS.desk })).newPage();
    await openConsole(ann, sidecar.url, annToken);
    await openConsole(bob, sidecar.url, bobToken);

    await earlierVisitors(browser, sidecar.url);
    // Bob takes Tom's question.
    await conversationEntry(bob, 'blue one').click();
    await agentReplies(bob, 'Let me check the stock for you.');

    const visitor = await (await newContext(browser)).newPage();
    await openWidget(visitor, `${sidecar.url}/demo`, { name: 'Sarah Miller', email: 'sarah@example.com' });
    await visitorSends(visitor, 'I was charged twice for order #1051.');
    await conversationEntry(ann, 'charged twice').click();
    await agentMessage(ann, 'charged twice').waitFor({ timeout: TIMEOUT });
    await agentReplies(ann, 'Sorry about that, Sarah! Let me look at the payment.');
    await console_(ann, 'kefu-composer button[data-mode=note]').click();
    const box = console_(ann, 'form.composer textarea');
    await box.fill('Two captures in the payment log: refund the second one.');
    await box.press('Enter');
    await console_(ann, '.team-note').first().waitFor({ timeout: TIMEOUT });
    await console_(ann, 'kefu-composer button[data-mode=reply]').click();
    await conversationEntry(bob, 'Sarah').click();
    await console_(ann, '.presence-line .viewers').waitFor({ timeout: TIMEOUT });
    const paths = [await shoot(ann, outDir, 'desk')];
    await ann.emulateMedia({ colorScheme: 'dark' });
    paths.push(await shoot(ann, outDir, 'deskDark'));
    await ann.emulateMedia({ colorScheme: 'light' });

    await console_(ann, 'kefu-conversation-actions [data-action=transfer]').click();
    await console_(ann, 'kefu-conversation-actions dialog[data-dialog=transfer] [data-field=agent]').selectOption('agent:2');
    await console_(ann, 'kefu-conversation-actions dialog[data-dialog=transfer] [data-field=note]').fill('Bob, you handle refunds: over to you.');
    paths.push(await shoot(ann, outDir, 'transfer'));
    await ann.keyboard.press('Escape');

    await box.click();
    await box.pressSequentially('/re', { delay: 10 });
    await console_(ann, '.canned-option').first().waitFor({ timeout: TIMEOUT });
    paths.push(await shoot(ann, outDir, 'canned'));
    await box.fill('');

    await console_(ann, '.conv-head h2').click();
    await ann.keyboard.press('Control+k');
    await console_(ann, 'kefu-search-panel input').fill('order');
    await console_(ann, 'kefu-search-panel [part=hit]').first().waitFor({ timeout: TIMEOUT });
    paths.push(await shoot(ann, outDir, 'search'));
    await console_(ann, 'kefu-desk-tools dialog button.close').click();

    // The transfer done: Bob is told, with the note, and the note is in the thread.
    await console_(ann, 'kefu-conversation-actions [data-action=transfer]').click();
    await console_(ann, 'kefu-conversation-actions dialog[data-dialog=transfer] [data-field=agent]').selectOption('agent:2');
    await console_(ann, 'kefu-conversation-actions dialog[data-dialog=transfer] [data-field=note]').fill('Bob, you handle refunds: over to you.');
    await console_(ann, 'kefu-conversation-actions dialog[data-dialog=transfer] button[type=submit]').click();
    await console_(bob, '.banner.handoff').waitFor({ timeout: TIMEOUT });
    await console_(bob, '.team-note').filter({ hasText: 'over to you' }).waitFor({ timeout: TIMEOUT });
    paths.push(await shoot(bob, outDir, 'handoff'));

    // Bob resolves it; Ann looks at the Resolved tab.
    await console_(bob, 'kefu-conversation-actions [data-action=resolve]').click();
    await console_(ann, '.tabs button[data-filter=resolved]').click();
    await console_(ann, 'button.conv .status[data-status=resolved]').first().waitFor({ timeout: TIMEOUT });
    paths.push(await shoot(ann, outDir, 'resolved'));

    // Ann blocks a spammer.
    const spam = await (await newContext(browser)).newPage();
    await openWidget(spam, `${sidecar.url}/demo`);
    await visitorSends(spam, 'Cheap watches, best price, click here!!!');
    await console_(ann, '.tabs button[data-filter=open]').click();
    await conversationEntry(ann, 'Cheap watches').click();
    await console_(ann, 'kefu-conversation-actions [data-action=block]').click();
    await console_(ann, 'kefu-conversation-actions dialog[data-dialog=block] [data-field=reason]').fill('Spam');
    await console_(ann, 'kefu-conversation-actions dialog[data-dialog=block] button[type=submit]').click();
    await console_(ann, '.blocked').waitFor({ timeout: TIMEOUT });
    paths.push(await shoot(ann, outDir, 'blocked'));

    const phone = await (await newContext(browser, { viewport: DESK_SHOTS.phone })).newPage();
    await openConsole(phone, sidecar.url, annToken);
    await console_(phone, 'button.conv').first().waitFor({ timeout: TIMEOUT });
    paths.push(await shoot(phone, outDir, 'phone'));
    await phone.emulateMedia({ colorScheme: 'dark' });
    paths.push(await shoot(phone, outDir, 'phoneDark'));

    // The same desk in Chinese: Ann's console, light on a desktop and dark on a phone.
    const zh = await (await newContext(browser, { locale: 'zh-CN', viewport: DESK_SHOTS.deskZh })).newPage();
    await openConsole(zh, sidecar.url, annToken, { lang: 'zh-CN' });
    await console_(zh, '.tabs button[data-filter=open]').click();
    await console_(zh, 'button.conv').first().click();
    await console_(zh, '.messages .msg').first().waitFor({ timeout: TIMEOUT });
    paths.push(await shoot(zh, outDir, 'deskZh'));
    const zhPhone = await (await newContext(browser, { locale: 'zh-CN', viewport: DESK_SHOTS.phoneZhDark })).newPage();
    await zhPhone.emulateMedia({ colorScheme: 'dark' });
    await openConsole(zhPhone, sidecar.url, annToken, { lang: 'zh-CN' });
    await console_(zhPhone, 'button.conv').first().waitFor({ timeout: TIMEOUT });
    paths.push(await shoot(zhPhone, outDir, 'phoneZhDark'));
    return paths;
  } finally {
    await browser.close();
    await sidecar.stop();
  }
}
