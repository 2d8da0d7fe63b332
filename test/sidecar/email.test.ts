// Mail end to end: a real sidecar over HTTP, a real SMTP server on 127.0.0.1
// (smtp-server) and what arrives there parsed by mailparser. The notices'
// timing has its unit test (core/mail-notices.test.ts); here the sweep is run
// with a clock a few minutes ahead, as the timer would run it then.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RowDataPacket } from 'mysql2';
import type { AddressObject, ParsedMail } from 'mailparser';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { call, newVisitor, send } from '../helpers/api.js';
import { SmtpSink, type Arrived } from '../helpers/smtp-sink.js';
import { signedToken } from '../helpers/signed-token.js';
import { connectTestDb, dropPrefixed } from '../helpers/mysql.js';

const SITE = 'https://shop.example';
const mailEnv = (sink: SmtpSink): Record<string, string> => ({
  KEFU_SMTP_URL: sink.url,
  KEFU_MAIL_FROM: 'Shop chat <kefu@shop.example>',
  KEFU_NOTIFY_EMAILS: 'team@shop.example, boss@shop.example',
  KEFU_SITE_URL: SITE,
});
const later = (minutes: number) => new Date(Date.now() + minutes * 60_000);
const addresses = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value.map((v) => v.address));
const mailTo = (sink: SmtpSink, address: string): ParsedMail[] => sink.arrived.filter((a) => a.to.includes(address)).map((a) => a.mail);

/** The outbox row of one dedupe key prefix, straight from MySQL. */
async function mailRows(prefix: string, like: string): Promise<RowDataPacket[]> {
  const db = await connectTestDb();
  try {
    const [rows] = await db.query<RowDataPacket[]>(`SELECT dedupe_key, attempts, sent_at, next_attempt_at, last_error, text FROM \`${prefix}kefu_mail\` WHERE dedupe_key LIKE ? ORDER BY id`, [like]);
    return rows;
  } finally {
    await db.end();
  }
}

describe('mail through a real SMTP server', () => {
  let sink: SmtpSink;
  let sc: TestSidecar;
  let agent: string;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    sc = await startSidecar({ env: mailEnv(sink) });
    agent = await sc.agentToken(1, 'Ann');
  });
  afterAll(async () => {
    await sc?.stop();
    await sink?.stop();
  });

  it('mails the agents a visitor\'s message written while nobody was online: text and HTML, no content in the subject', async () => {
    const v = await newVisitor(sc.url, { name: 'Bo', email: 'bo@example.com', page: `${SITE}/p/1` });
    expect((await send(sc.url, v.token, 'My order <4711> is late & I am "upset"')).status).toBe(201);
    // The conversation's newest message is recorded behind the send (core/activity.ts); the timer's sweep comes later anyway.
    await sc.rt.activity.flush();
    expect(await sc.rt.mail.notices!.sweep(later(1.1))).toBe(1);
    const [arrived] = await sink.waitFor(1);
    expect(arrived.to).toEqual(['team@shop.example', 'boss@shop.example']);
    const m = arrived.mail;
    expect(addresses(m.to)).toEqual(['team@shop.example', 'boss@shop.example']);
    expect(m.from?.value[0]).toEqual({ address: 'kefu@shop.example', name: 'Shop chat' });
    expect(m.subject).toBe('New message from a visitor on shop.example');
    expect(m.subject).not.toMatch(/4711|Bo/);
    expect(m.headers.get('content-language')).toBe('en');
    expect(m.messageId).toMatch(/^<kefu\.[0-9a-f]{32}@shop\.example>$/);
    expect(m.text).toContain('My order <4711> is late & I am "upset"');
    expect(m.text).toContain('From: Bo <bo@example.com> (not verified)');
    expect(m.text).toContain(`${SITE}/kefu/console#conversation=${v.visitorId}`);
    expect(m.html).toContain(`<a href="${SITE}/kefu/console#conversation=${v.visitorId}"`);
    expect(m.html).toContain('My order &#60;4711&#62; is late &#38; I am &#34;upset&#34;');
    expect(m.html).not.toContain('<4711>');
  });

  it('mails a visitor who left the team\'s replies in their language, with a link that opens the conversation again', async () => {
    const v = await newVisitor(sc.url, { name: '小王', email: 'wang@example.com', page: `${SITE}/p/2?ref=mail#reviews`, lang: 'zh-CN', timeZone: 'Asia/Shanghai' });
    await send(sc.url, v.token, '有货吗？');
    for (const content of ['有的。', '今天发货 <b>免费</b>']) {
      expect((await call(sc.url, `/api/agent/conversations/${v.visitorId}/messages`, { token: agent, body: { content } })).status).toBe(201);
    }
    const before = sink.arrived.length;
    await sc.rt.activity.flush();
    expect(await sc.rt.mail.notices!.sweep(later(4))).toBe(1);
    await sink.waitFor(before + 1);
    const [m] = mailTo(sink, 'wang@example.com');
    expect(m.subject).toBe('shop.example 回复了您的消息');
    expect(m.headers.get('content-language')).toBe('zh-CN');
    expect(m.text).toContain('您的消息有了新的回复：');
    expect(m.text).toContain('有的。');
    expect(m.text).toContain('今天发货 <b>免费</b>');
    expect(m.text).not.toContain('有货吗');
    expect(m.html).toContain('今天发货 &#60;b&#62;免费&#60;/b&#62;');
    const link = /https:\/\/shop\.example\/p\/2\?ref=mail#kefu-resume=([A-Za-z0-9_.-]+)/.exec(m.text as string);
    expect(link).not.toBeNull();
    expect(m.html).toContain(`href="${link![0]}"`);

    // The widget exchanges the link's token for the conversation, on a browser that never had it.
    const resumed = await call(sc.url, '/api/visitor/session', { body: { resume: link![1] } });
    expect(resumed.status).toBe(200);
    expect(resumed.body.visitorId).toBe(v.visitorId);
    const history = await call(sc.url, '/api/visitor/messages', { token: resumed.body.token });
    expect(history.body.messages.map((x: { content: string }) => x.content)).toEqual(['有货吗？', '有的。', '今天发货 <b>免费</b>']);
    // It also wins over another conversation this browser had.
    const other = await newVisitor(sc.url);
    expect((await call(sc.url, '/api/visitor/session', { token: other.token, body: { resume: link![1] } })).body.visitorId).toBe(v.visitorId);
    // The token itself opens nothing else, and a forged or broken one gets nothing.
    expect((await call(sc.url, '/api/visitor/messages', { token: link![1] })).status).toBe(401);
    expect((await call(sc.url, '/api/visitor/session', { body: { resume: link![1].slice(0, -2) + 'xx' } })).status).toBe(401);
    expect((await call(sc.url, '/api/visitor/session', { body: { resume: 'no token' } })).status).toBe(400);
  });

  it('never resumes a signed-in user\'s conversation from a link alone', async () => {
    const now = Math.floor(Date.now() / 1000);
    const identity = signedToken({ typ: 'identity', sub: 'user:77', name: 'Lee', email: 'lee@example.com', iat: now, exp: now + 600 });
    const user = await call(sc.url, '/api/visitor/session', { body: { identity } });
    const resume = await sc.rt.tokens.resumeToken(user.body.visitorId);
    const anonymous = await call(sc.url, '/api/visitor/session', { body: { resume } });
    expect(anonymous.status).toBe(403);
    const signedIn = await call(sc.url, '/api/visitor/session', { body: { resume, identity } });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.visitorId).toBe(user.body.visitorId);
  });

  it('mails the whole conversation on request, in the visitor\'s language, once per address and newest message', async () => {
    const v = await newVisitor(sc.url, { name: 'Eve', lang: 'en' });
    await send(sc.url, v.token, 'First question');
    await call(sc.url, `/api/agent/conversations/${v.visitorId}/messages`, { token: agent, body: { content: 'First answer' } });
    expect((await call(sc.url, '/api/visitor/transcript', { token: v.token, body: {} })).status).toBe(400);
    const asked = await call(sc.url, '/api/visitor/transcript', { token: v.token, body: { email: 'eve@example.com' } });
    expect(asked.status).toBe(202);
    expect(asked.body).toEqual({ queued: true });
    await expect.poll(() => mailTo(sink, 'eve@example.com').length, { timeout: 10_000 }).toBe(1);
    const [m] = mailTo(sink, 'eve@example.com');
    expect(m.subject).toBe('Your conversation with shop.example');
    expect(m.text).toMatch(/You \(.*\):\n {2}First question/);
    expect(m.text).toMatch(/Ann \(.*\):\n {2}First answer/);
    // Asked again with nothing new said: nothing more is sent.
    expect(await call(sc.url, '/api/visitor/transcript', { token: v.token, body: { email: 'eve@example.com' } })).toMatchObject({ status: 200, body: { queued: false } });
    expect((await call(sc.url, '/api/visitor/transcript', { token: v.token, body: { email: 'not-an-address' } })).status).toBe(400);
    // A few an hour per visitor: the relay of a spammer it is not.
    const limited = await call(sc.url, '/api/visitor/transcript', { token: v.token, body: { email: 'x@example.com' } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call(sc.url, '/api/visitor/transcript', { token: agent, body: { email: 'eve@example.com' } })).status).toBe(403);
    expect((await call(sc.url, '/api/visitor/transcript', { body: { email: 'eve@example.com' } })).status).toBe(401);
  });

  it('refuses a session language that is not a language tag, and keeps another one as English', async () => {
    expect((await call(sc.url, '/api/visitor/session', { body: { lang: '<script>' } })).status).toBe(400);
    const v = await newVisitor(sc.url, { lang: 'fr-FR' });
    expect((await sc.rt.store.getVisitor(v.visitorId))?.lang).toBe('en');
  });
});

describe('mail when SMTP is away for a while', () => {
  let sink: SmtpSink;
  let sc: TestSidecar;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    await sink.stop();
    sc = await startSidecar({ store: 'mysql', env: mailEnv(sink) });
  });
  afterAll(async () => {
    await sc?.stop();
    await sink?.stop();
  });

  it('tries again after the server comes back, and sends the mail once', async () => {
    const v = await newVisitor(sc.url, { name: 'Dee' });
    await send(sc.url, v.token, 'anyone?');
    await sc.rt.activity.flush();
    expect(await sc.rt.mail.notices!.sweep(later(1.1))).toBe(1);
    // The first attempt meets a closed port: due again a minute later.
    await expect.poll(async () => (await mailRows(sc.prefix, `offline:${v.visitorId}:%`))[0]?.last_error, { timeout: 10_000 }).toMatch(/^(ECONNECTION|ESOCKET|ECONNREFUSED)/);
    const [row] = await mailRows(sc.prefix, `offline:${v.visitorId}:%`);
    expect(row).toMatchObject({ attempts: 1, sent_at: null });
    await sink.restart();
    expect(await sc.rt.mail.outbox!.run(later(0.5))).toBe(0); // not due yet
    expect(await sc.rt.mail.outbox!.run(later(1.1))).toBe(1);
    expect(await sc.rt.mail.outbox!.run(later(120))).toBe(0);
    expect(sink.arrived).toHaveLength(1);
    expect(sink.arrived[0].mail.text).toContain('anyone?');
    expect((await mailRows(sc.prefix, `offline:${v.visitorId}:%`))[0]).toMatchObject({ attempts: 2, last_error: null, text: '' });
  });

  it('tries again a mail the server puts off with a 4xx', async () => {
    const v = await newVisitor(sc.url, { email: 'later@example.com' });
    await send(sc.url, v.token, 'hello');
    sink.refuseNext.push(451);
    expect(await sc.rt.mail.transcript(v.visitorId, undefined)).toBe(true);
    await expect.poll(async () => (await mailRows(sc.prefix, `transcript:${v.visitorId}:%`))[0]?.last_error, { timeout: 10_000 }).toBe('EMESSAGE:451');
    expect((await mailRows(sc.prefix, `transcript:${v.visitorId}:%`))[0]).toMatchObject({ attempts: 1, sent_at: null });
    expect(await sc.rt.mail.outbox!.run(later(1.1))).toBe(1);
    expect(mailTo(sink, 'later@example.com')).toHaveLength(1);
  });

  it('gives up a mail the server refuses for good, at once', async () => {
    const v = await newVisitor(sc.url, { email: 'gone@example.com' });
    sink.refuseNext.push(550);
    expect(await sc.rt.mail.transcript(v.visitorId, undefined).catch((e) => e.code)).toBe('bad_request'); // nothing said yet
    await send(sc.url, v.token, 'hello');
    expect(await sc.rt.mail.transcript(v.visitorId, undefined)).toBe(true);
    await expect.poll(async () => (await mailRows(sc.prefix, `transcript:${v.visitorId}:%`))[0]?.last_error, { timeout: 10_000 }).toBe('EMESSAGE:550');
    expect((await mailRows(sc.prefix, `transcript:${v.visitorId}:%`))[0]).toMatchObject({ attempts: 1, sent_at: null, next_attempt_at: null, text: '' });
    expect(mailTo(sink, 'gone@example.com')).toHaveLength(0);
  });
});

describe('mail across two processes on one MySQL, and a restart', () => {
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await SmtpSink.start();
  });
  afterAll(async () => {
    await sink?.stop();
  });

  it('queues and sends each mail once when both processes sweep and send at the same moment', async () => {
    const a = await startSidecar({ store: 'mysql', env: mailEnv(sink) });
    const b = await startSidecar({ store: 'mysql', prefix: a.prefix, env: mailEnv(sink) });
    try {
      const before = sink.arrived.length;
      const visitors = await Promise.all(Array.from({ length: 5 }, (_, i) => newVisitor(i % 2 ? a.url : b.url, { name: `V${i}` })));
      for (const [i, v] of visitors.entries()) await send(i % 2 ? b.url : a.url, v.token, `message ${i}`);
      await Promise.all([a.rt.activity.flush(), b.rt.activity.flush()]);
      const when = later(1.1);
      const [qa, qb] = await Promise.all([a.rt.mail.notices!.sweep(when), b.rt.mail.notices!.sweep(when)]);
      expect(qa + qb).toBe(5);
      await Promise.all([a.rt.mail.outbox!.run(), b.rt.mail.outbox!.run()]);
      await sink.waitFor(before + 5);
      const rows = await mailRows(a.prefix, 'offline:%');
      expect(rows).toHaveLength(5);
      // One claim each: one attempt, one send.
      await expect.poll(async () => (await mailRows(a.prefix, 'offline:%')).map((r) => [r.attempts, r.sent_at !== null])).toEqual(Array.from({ length: 5 }, () => [1, true]));
      const arrived = sink.arrived.slice(before);
      expect(arrived).toHaveLength(5);
      expect(new Set(arrived.map((x: Arrived) => x.mail.messageId)).size).toBe(5);
      expect(arrived.map((x) => x.mail.text?.match(/message \d/)?.[0]).sort()).toEqual(['message 0', 'message 1', 'message 2', 'message 3', 'message 4']);
    } finally {
      await b.stop();
      await a.stop();
    }
  });

  it('sends a mail once when its process stops in the middle of sending it and starts again', async () => {
    const first = await startSidecar({ store: 'mysql', env: mailEnv(sink) });
    let second: TestSidecar | undefined;
    try {
      const before = sink.arrived.length;
      const v = await newVisitor(first.url, { name: 'Rae' });
      await send(first.url, v.token, 'hello before the restart');
      await first.rt.activity.flush();
      // The server takes the data and never answers: the send is under way when the process stops.
      sink.hold = true;
      expect(await first.rt.mail.notices!.sweep(later(1.1))).toBe(1);
      await expect.poll(() => sink.heldCount, { timeout: 10_000 }).toBe(1);
      await first.stop({ keepData: true });
      expect(sink.arrived.length).toBe(before);
      expect((await mailRows(first.prefix, `offline:${v.visitorId}:%`))[0]).toMatchObject({ attempts: 1, sent_at: null });
      sink.hold = false;
      second = await startSidecar({ store: 'mysql', prefix: first.prefix, env: mailEnv(sink) });
      await sink.waitFor(before + 1);
      await expect.poll(async () => (await mailRows(first.prefix, `offline:${v.visitorId}:%`))[0]?.sent_at, { timeout: 10_000 }).not.toBeNull();
      // The restarted process's sweep finds the same wait and queues nothing new.
      expect(await second.rt.mail.notices!.sweep(later(30))).toBe(0);
      await second.rt.mail.outbox!.run(later(60));
      expect(sink.arrived.length).toBe(before + 1);
      expect(sink.arrived[before].mail.text).toContain('hello before the restart');
      expect((await mailRows(first.prefix, `offline:${v.visitorId}:%`))[0].attempts).toBe(2);
    } finally {
      await second?.stop();
      const db = await connectTestDb();
      await dropPrefixed(db, first.prefix);
      await db.end();
    }
  });
});

describe('mail off', () => {
  let sc: TestSidecar;
  beforeAll(async () => {
    sc = await startSidecar({ env: { KEFU_NOTIFY_EMAILS: 'team@shop.example' } });
  });
  afterAll(() => sc?.stop());

  it('queues nothing and answers the transcript route 404 without KEFU_SMTP_URL', async () => {
    expect(sc.rt.mail.enabled).toBe(false);
    const v = await newVisitor(sc.url, { email: 'v@example.com' });
    await send(sc.url, v.token, 'hi');
    const r = await call(sc.url, '/api/visitor/transcript', { token: v.token, body: {} });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
    expect(await sc.rt.store.mail.claim(later(60), 1000, 10)).toEqual([]);
  });
});
