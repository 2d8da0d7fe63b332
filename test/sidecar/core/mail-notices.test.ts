// When the notices queue a mail, with the sweep's clock set by the test: the
// offline notice a minute after the visitor's latest message, the escalation
// at exactly KEFU_ESCALATE_AFTER_MIN from the wait's first message, one mail
// per wait or stretch of unseen replies, and replies batched a minute.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../sidecar/store/sqlite-store.js';
import { MailNotices } from '../../../sidecar/core/mail-notices.js';
import type { NewMail } from '../../../sidecar/store/mail-store.js';
import type { MailSettings } from '../../../sidecar/config.js';
import type { Message } from '../../../sidecar/core/message.js';
import { Tokens } from '../../../sidecar/auth/tokens.js';
import { createLogger } from '../../../sidecar/logger.js';

const V = 'v_NNNNNNNNNNNNNNNNNNNNNN';
const SECRET = 'x'.repeat(32);
const settings = (over: Partial<MailSettings> = {}): MailSettings => ({
  smtpUrl: 'smtp://127.0.0.1:1', wpMailUrl: null, from: 'kefu@shop.example', notifyEmails: ['team@shop.example', 'boss@shop.example'],
  escalateAfterMs: 10 * 60_000, visitorAwayMs: 3 * 60_000, siteUrl: 'https://shop.example', lang: 'en', ...over,
});

let store: SqliteStore;
let queued: NewMail[];
let online: number;
const tokens = new Tokens(SECRET);

function notices(over: Partial<MailSettings> = {}) {
  return new MailNotices({
    store,
    outbox: { enqueue: async (m) => { const added = await store.mail.enqueue(m, new Date()); if (added) queued.push(m); return added; } },
    settings: settings(over),
    allowedOrigins: ['https://blog.example'],
    agentsOnline: () => online,
    resumeToken: (id) => tokens.resumeToken(id),
    log: createLogger('silent'),
  });
}

async function write(from: string, to: string, content: string): Promise<Message> {
  const { message } = await store.insertMessage({ from, to, content, clientId: null, fromName: from.startsWith('agent:') ? 'Ann' : null });
  await store.noteActivity([[from.startsWith('v_') ? from : to, message.mid]]);
  return message;
}
const at = (m: Message, ms: number) => new Date(Date.parse(m.createdAt!) + ms);

beforeEach(async () => {
  store = SqliteStore.open(':memory:', 'n_', 'n_kefu_msg');
  await store.migrate();
  queued = [];
  online = 0;
  await store.upsertVisitor({ visitorId: V, name: 'Bo', email: 'bo@example.com', page: 'https://blog.example/post?id=3#top', lang: 'zh-CN', timeZone: 'Asia/Shanghai' }, new Date());
});
afterEach(() => store.close());

describe('mail notices to the agents', () => {
  it('mails the agents a minute after the latest message of a wait while nobody is online, once per wait', async () => {
    const n = notices();
    const m1 = await write(V, 'admin', 'Hello?');
    const m2 = await write(V, 'admin', 'Is anyone there? <b>urgent</b>');
    expect(await n.sweep(at(m2, 59_999))).toBe(0);
    expect(await n.sweep(at(m2, 60_000))).toBe(1);
    expect(queued[0]).toMatchObject({ kind: 'offline', dedupeKey: `offline:${V}:${m1.mid}`, recipients: ['team@shop.example', 'boss@shop.example'], lang: 'en', subject: 'New message from a visitor on shop.example' });
    expect(queued[0].text).toContain('Hello?');
    expect(queued[0].text).toContain('Is anyone there? <b>urgent</b>');
    expect(queued[0].html).toContain('&#60;b&#62;urgent');
    expect(queued[0].text).toContain('From: Bo <bo@example.com> (not verified)');
    expect(queued[0].text).toContain(`https://shop.example/kefu/console#conversation=${V}`);
    // More of the same wait, later sweeps, another process's sweep: nothing more.
    const m3 = await write(V, 'admin', 'Still here');
    expect(await n.sweep(at(m3, 5 * 60_000))).toBe(0);
    expect(await notices().sweep(at(m3, 5 * 60_000))).toBe(0);
    // An answer ends the wait; the next message starts another.
    await write('agent:1', V, 'Sorry, here now');
    const m5 = await write(V, 'admin', 'Thanks, one more thing');
    expect(await n.sweep(at(m5, 60_000))).toBe(1);
    expect(queued[1].dedupeKey).toBe(`offline:${V}:${m5.mid}`);
    expect(queued[1].text).not.toContain('Hello?');
  });

  it('escalates a wait at exactly KEFU_ESCALATE_AFTER_MIN from its first message, while agents are online', async () => {
    online = 2;
    const n = notices();
    const first = await write(V, 'admin', 'Can you help?');
    await write(V, 'admin', 'Hello??');
    expect(await n.sweep(at(first, 10 * 60_000 - 1))).toBe(0);
    expect(await n.sweep(at(first, 10 * 60_000))).toBe(1);
    expect(queued[0]).toMatchObject({ kind: 'unanswered', dedupeKey: `unanswered:${V}:${first.mid}`, subject: 'A visitor on shop.example is waiting for an answer' });
    expect(queued[0].text).toContain('A visitor has waited 10 minutes for an answer:');
    // The agents leave: the same wait gets no offline notice on top.
    online = 0;
    expect(await n.sweep(at(first, 20 * 60_000))).toBe(0);
    expect(await notices().sweep(at(first, 20 * 60_000))).toBe(0);
  });

  it('writes the agents\' mail in KEFU_MAIL_LANG, and sends none with escalation off and agents online', async () => {
    online = 1;
    const m = await write(V, 'admin', '你好');
    expect(await notices({ escalateAfterMs: 0 }).sweep(at(m, 24 * 3600_000 - 1))).toBe(0);
    expect(await notices({ lang: 'zh-CN' }).sweep(at(m, 10 * 60_000))).toBe(1);
    expect(queued[0]).toMatchObject({ lang: 'zh-CN', subject: 'shop.example 有访客在等待回复' });
  });

  it('sends nothing to agents without KEFU_NOTIFY_EMAILS, and nothing for a wait older than the horizon', async () => {
    const m = await write(V, 'admin', 'hi');
    expect(await notices({ notifyEmails: [] }).sweep(at(m, 60_000))).toBe(0);
    expect(await notices().sweep(at(m, 8 * 3600_000))).toBe(0);
  });
});

describe('mail of the team\'s replies to a visitor who left', () => {
  it('batches replies a minute, once the visitor is away, in their language, with a link back to their page', async () => {
    const n = notices();
    await write(V, 'admin', 'Where is my order?');
    const r1 = await write('agent:1', V, 'Let me check.');
    await store.touchVisitors([V], at(r1, 0));
    // Still around (seen within 3 min): their widget will show it.
    expect(await n.sweep(at(r1, 2 * 60_000))).toBe(0);
    const r2 = await write('agent:1', V, 'It ships <today>.');
    // Away now, but the team is still typing: wait a minute after the latest reply.
    expect(await n.sweep(at(r2, 59_999))).toBe(0);
    expect(await n.sweep(at(r2, 3 * 60_000))).toBe(1);
    const mail = queued[0];
    expect(mail).toMatchObject({ kind: 'reply', dedupeKey: `reply:${V}:${r1.mid}`, recipients: ['bo@example.com'], lang: 'zh-CN', subject: 'shop.example 回复了您的消息' });
    expect(mail.text).toContain('Let me check.');
    expect(mail.text).toContain('It ships <today>.');
    expect(mail.text).not.toContain('Where is my order?');
    expect(mail.html).toContain('It ships &#60;today&#62;.');
    expect(mail.text).toContain('(Asia/Shanghai)');
    const link = /https:\/\/blog\.example\/post\?id=3#kefu-resume=([\w.-]+)/.exec(mail.text);
    expect(link).not.toBeNull();
    expect(await tokens.readResume(link![1])).toBe(V);
    // A third reply of the same unseen stretch: no second mail.
    const r3 = await write('agent:1', V, 'Tracking number: 123');
    expect(await n.sweep(at(r3, 5 * 60_000))).toBe(0);
    // The visitor came back and read them; left again; a new reply is a new stretch.
    await store.markRead([r1.mid, r2.mid, r3.mid]);
    await store.touchVisitors([V], at(r3, 6 * 60_000));
    const r4 = await write('agent:1', V, 'Anything else?');
    expect(await n.sweep(at(r4, 10 * 60_000))).toBe(1);
    expect(queued[1].dedupeKey).toBe(`reply:${V}:${r4.mid}`);
    expect(queued[1].text).not.toContain('Tracking number');
  });

  it('mails nothing for replies the visitor received, or to a visitor without an address', async () => {
    const r = await write('agent:1', V, 'Hi!');
    await store.touchVisitors([V], at(r, -60 * 60_000));
    await store.markRead([r.mid]);
    expect(await notices().sweep(at(r, 10 * 60_000))).toBe(0);
    const r2 = await write('agent:1', V, 'Hello again');
    await store.upsertVisitor({ visitorId: V, email: '' }, at(r2, -60 * 60_000));
    expect(await notices().sweep(at(r2, 10 * 60_000))).toBe(0);
    expect(await notices({ visitorAwayMs: 0 }).sweep(at(r2, 10 * 60_000))).toBe(0);
  });

  it('links to the site, never to a page on another origin the visitor named', async () => {
    await store.upsertVisitor({ visitorId: V, page: 'https://evil.example/phish' }, new Date(0));
    const r = await write('agent:1', V, 'Hi!');
    expect(await notices().sweep(at(r, 10 * 60_000))).toBe(1);
    expect(queued[0].text).toMatch(/\nhttps:\/\/shop\.example\/#kefu-resume=[\w.-]+\n/);
    expect(queued[0].text).not.toContain('evil.example');
  });
});

describe('the transcript', () => {
  it('queues the whole conversation once per address and newest message', async () => {
    const n = notices();
    await write(V, 'admin', 'Question');
    await write('agent:1', V, 'Answer');
    expect(await n.transcript(V, undefined)).toBe(true);
    expect(queued[0]).toMatchObject({ kind: 'transcript', recipients: ['bo@example.com'], lang: 'zh-CN', subject: '您与 shop.example 的对话记录' });
    expect(queued[0].text).toMatch(/您（.*）：\n {2}Question/);
    expect(queued[0].text).toMatch(/Ann（.*）：\n {2}Answer/);
    expect(await n.transcript(V, undefined)).toBe(false);
    expect(await n.transcript(V, 'Other@Example.com')).toBe(true);
    expect(await n.transcript(V, 'other@example.COM')).toBe(false);
    await expect(n.transcript(V, 'not an address')).rejects.toMatchObject({ code: 'bad_request' });
    await store.upsertVisitor({ visitorId: V, email: '' }, new Date());
    await expect(n.transcript(V, undefined)).rejects.toMatchObject({ code: 'bad_request' });
  });
});
