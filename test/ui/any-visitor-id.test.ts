// A site whose PHP keeps writing the classic `msg` table with its own visitor
// ids (`guest42`, a number): the console in Chromium, against MariaDB, treats
// each of them as a conversation like any `v_…` one.
import type { Browser, Page } from 'playwright-core';
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { connectTestDb, dropPrefixed, uniquePrefix } from '../helpers/mysql.js';
import { launchBrowser, newContext, recordNotifications, watchErrors } from './browser.js';
import { PUBLIC_DIR } from './public-dir.js';
import { agentMessage, agentReplies, console_, openConsole, TIMEOUT } from './chat-pages.js';

const prefix = uniquePrefix('anyid');
const table = `${prefix}msg`;
let db: mysql.Connection;
let sidecar: TestSidecar;
let browser: Browser;
let agent: Page;
let errors: string[];

const entry = (visitorId: string) => console_(agent, `button.conv[data-visitor="${visitorId}"]`);

/** What PHP would run: the five seed columns, nothing else. */
const phpInsert = (pos: string, rec: string, content: string) =>
  db.query(`INSERT INTO \`${table}\` (pos, rec, isread, content) VALUES (?, ?, 0, ?)`, [pos, rec, content]);

async function rows(where: string, params: unknown[]): Promise<Array<{ pos: string; rec: string; isread: number; content: string }>> {
  const [r] = await db.query(`SELECT pos, rec, isread, content FROM \`${table}\` WHERE ${where} ORDER BY mid`, params);
  return r as Array<{ pos: string; rec: string; isread: number; content: string }>;
}

beforeAll(async () => {
  db = await connectTestDb();
  await db.query(`CREATE TABLE \`${table}\` (
    mid INT NOT NULL AUTO_INCREMENT PRIMARY KEY, pos VARCHAR(50) NOT NULL, rec VARCHAR(50) NOT NULL,
    isread TINYINT NOT NULL, content VARCHAR(1000) NOT NULL) DEFAULT CHARSET=utf8mb4`);
  [sidecar, browser] = await Promise.all([
    startSidecar({ store: 'mysql', prefix, env: { KEFU_MSG_TABLE: table }, publicDir: PUBLIC_DIR }),
    launchBrowser(),
  ]);
  const ctx = await newContext(browser);
  await recordNotifications(ctx);
  agent = await ctx.newPage();
  errors = watchErrors(agent);
  await openConsole(agent, sidecar.url, await sidecar.agentToken(1, 'Alice'));
});

afterAll(async () => {
  await browser?.close();
  await sidecar?.stop();
  if (db) await dropPrefixed(db, prefix);
  await db?.end();
});

describe('visitor ids that PHP chose', () => {
  it('lists guest42 and 1007 as conversations of their own, with their unread counts', async () => {
    await phpInsert('guest42', 'admin', 'Has my order shipped?');
    await phpInsert('1007', 'admin', 'Hello from visitor 1007');
    await phpInsert('guest42', 'admin', 'It is order 5531');
    await entry('guest42').locator('.count').filter({ hasText: '2' }).waitFor({ timeout: TIMEOUT });
    await entry('1007').locator('.count').filter({ hasText: '1' }).waitFor({ timeout: TIMEOUT });
    expect(await entry('guest42').locator('.who').textContent()).toBe('Visitor guest42');
    expect(await entry('guest42').locator('.last').textContent()).toBe('It is order 5531');
    // No conversation for the inbox itself.
    expect(await console_(agent, 'button.conv').evaluateAll((els) => els.map((e) => e.getAttribute('data-visitor')).sort())).toEqual(['1007', 'guest42']);
    await agent.waitForFunction(() => document.title === '(3) Kefu console', undefined, { timeout: TIMEOUT });
    const notes = await agent.evaluate(() => (window as unknown as { __notifications: unknown[] }).__notifications);
    expect(notes).toContainEqual({ title: expect.stringContaining('New message from Visitor guest42'), body: 'It is order 5531' });
  });

  it('opens guest42, marks its rows read in the table, and shows a new row at once', async () => {
    await entry('guest42').click();
    await agentMessage(agent, 'Has my order shipped?').waitFor({ timeout: TIMEOUT });
    await agentMessage(agent, 'It is order 5531').waitFor({ timeout: TIMEOUT });
    expect(await agentMessage(agent, 'Has my order shipped?').locator('.name').textContent()).toBe('Visitor guest42');
    await expect.poll(async () => (await rows('pos = ?', ['guest42'])).map((r) => r.isread), { timeout: TIMEOUT }).toEqual([1, 1]);
    expect((await rows('pos = ?', ['1007'])).map((r) => r.isread)).toEqual([0]);
    await phpInsert('guest42', 'admin', 'Are you there?');
    await agentMessage(agent, 'Are you there?').waitFor({ timeout: TIMEOUT });
    await expect.poll(async () => (await rows('pos = ?', ['guest42'])).map((r) => r.isread), { timeout: TIMEOUT }).toEqual([1, 1, 1]);
    expect(await entry('guest42').locator('.count').count()).toBe(0);
    await agent.waitForFunction(() => document.title === '(1) Kefu console', undefined, { timeout: TIMEOUT });
  });

  it('sends the agent\'s reply to guest42: the row PHP reads has rec = guest42', async () => {
    await agentReplies(agent, 'Yes, it shipped yesterday.');
    await agentMessage(agent, 'Yes, it shipped yesterday.').locator('.state[data-state=sent]').waitFor({ timeout: TIMEOUT });
    expect(await rows('content = ?', ['Yes, it shipped yesterday.'])).toEqual([
      { pos: 'agent:1', rec: 'guest42', isread: 0, content: 'Yes, it shipped yesterday.' },
    ]);
    expect(await entry('guest42').locator('.last').textContent()).toBe('You: Yes, it shipped yesterday.');
    // PHP answers 1007 from the shared inbox; it lands in 1007's conversation, not as a new one.
    await phpInsert('admin', '1007', 'We will call you back.');
    await entry('1007').locator('.last').filter({ hasText: 'We will call you back.' }).waitFor({ timeout: TIMEOUT });
    expect(await console_(agent, 'button.conv').count()).toBe(2);
  });

  it('raised no errors in the console', () => {
    expect(errors).toEqual([]);
  });
});
