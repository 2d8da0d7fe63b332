// The outbox's sending rules, with a scripted Mailer and a clock the test
// moves: once per mail, retries with backoff, giving up, two senders on one
// store, a stop in the middle of a send.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../sidecar/store/sqlite-store.js';
import { MailOutbox, MAX_ATTEMPTS, messageId } from '../../../sidecar/core/mail-outbox.js';
import { MailSendError, type Mailer, type OutgoingMail } from '../../../sidecar/mail/mailer.js';
import type { NewMail } from '../../../sidecar/store/mail-store.js';
import { createLogger } from '../../../sidecar/logger.js';

const T0 = Date.parse('2030-06-01T08:00:00.000Z');
const min = (n: number) => new Date(T0 + n * 60_000);
const SECRET_TEXT = 'the visitor wrote: my card number is 4111';
const mail = (key: string): NewMail => ({
  kind: 'reply', dedupeKey: key, recipients: ['visitor@example.com'], lang: 'en', subject: 'New reply from shop.example', text: SECRET_TEXT, html: `<p>${SECRET_TEXT}</p>`,
});

/** A Mailer whose next answers the test scripts: ok, an error, or a send that waits for its signal. */
class ScriptedMailer implements Mailer {
  readonly sent: OutgoingMail[] = [];
  readonly script: Array<'ok' | 'hang' | MailSendError> = [];
  started = 0;
  async send(m: OutgoingMail, signal: AbortSignal): Promise<void> {
    this.started++;
    const next = this.script.shift() ?? 'ok';
    if (next === 'hang') {
      await new Promise((_, reject) => signal.addEventListener('abort', () => reject(new MailSendError('ABORTED', true)), { once: true }));
    }
    if (next instanceof MailSendError) throw next;
    this.sent.push(m);
  }
  async close(): Promise<void> {}
}

let store: SqliteStore;
let mailer: ScriptedMailer;
let lines: string[];
let clock: number;
const outbox = (m: Mailer = mailer) =>
  new MailOutbox({ store: store.mail, mailer: m, log: createLogger('debug', (l) => lines.push(l)), domain: 'shop.example', now: () => clock });

beforeEach(async () => {
  store = SqliteStore.open(':memory:', 'x_', 'x_kefu_msg');
  await store.migrate();
  mailer = new ScriptedMailer();
  lines = [];
  clock = T0;
});
afterEach(() => store.close());

describe('the mail outbox', () => {
  it('sends a queued mail once, with a Message-ID made from its key', async () => {
    const o = outbox();
    expect(await store.mail.enqueue(mail('r:1'), min(0))).toBe(true);
    expect(await o.run(min(0))).toBe(1);
    expect(await o.run(min(60))).toBe(0);
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]).toMatchObject({ to: ['visitor@example.com'], subject: 'New reply from shop.example', text: SECRET_TEXT, lang: 'en' });
    expect(mailer.sent[0].messageId).toBe(messageId('r:1', 'shop.example'));
    expect(mailer.sent[0].messageId).toMatch(/^<kefu\.[0-9a-f]{32}@shop\.example>$/);
    expect(messageId('r:2', 'shop.example')).not.toBe(mailer.sent[0].messageId);
  });

  it('tries a temporary failure again after 1, 2, 4 minutes, and sends it once it works', async () => {
    const o = outbox();
    await store.mail.enqueue(mail('r:retry'), min(0));
    mailer.script.push(new MailSendError('ECONNECTION', true), new MailSendError('EENVELOPE:451', true), new MailSendError('ETIMEDOUT', true));
    expect(await o.run(min(0))).toBe(0);
    expect(await o.run(min(0.99))).toBe(0);
    expect(mailer.started).toBe(1);
    expect(await o.run(min(1))).toBe(0); // second attempt: due 1 min after the first
    expect(await o.run(min(2.99))).toBe(0);
    expect(mailer.started).toBe(2);
    expect(await o.run(min(3))).toBe(0); // third: 2 min after the second
    expect(await o.run(min(6.99))).toBe(0);
    expect(await o.run(min(7))).toBe(1); // fourth: 4 min after the third
    expect(mailer.started).toBe(4);
    expect(mailer.sent).toHaveLength(1);
    expect(lines.filter((l) => l.includes('trying again later'))).toHaveLength(3);
  });

  it('gives up at once when the server refuses the mail for good, with a warning that names no one', async () => {
    const o = outbox();
    await store.mail.enqueue(mail('r:refused'), min(0));
    mailer.script.push(new MailSendError('EENVELOPE:550', false));
    await o.run(min(0));
    expect(await o.run(min(24 * 60))).toBe(0);
    expect(mailer.started).toBe(1);
    const warning = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'mail given up');
    expect(warning).toMatchObject({ level: 'warn', kind: 'reply', attempts: 1, code: 'EENVELOPE:550' });
    expect(lines.join('\n')).not.toMatch(/visitor@example\.com|4111|shop\.example/);
  });

  it(`gives up after ${MAX_ATTEMPTS} temporary failures`, async () => {
    const o = outbox();
    await store.mail.enqueue(mail('r:never'), min(0));
    for (let i = 0; i < MAX_ATTEMPTS + 5; i++) mailer.script.push(new MailSendError('ECONNECTION', true));
    // Each attempt is due at most an hour after the one before.
    for (let hour = 0; hour <= 24; hour++) await o.run(min(hour * 60));
    expect(mailer.started).toBe(MAX_ATTEMPTS);
    expect(lines.filter((l) => l.includes('mail given up'))).toHaveLength(1);
  });

  it('lets two senders on one store send each mail once', async () => {
    const [a, b] = [outbox(), outbox()];
    for (let i = 0; i < 30; i++) await store.mail.enqueue(mail(`r:pair:${i}`), min(0));
    const [na, nb] = await Promise.all([a.run(min(0)), b.run(min(0))]);
    expect(na + nb).toBe(30);
    expect(new Set(mailer.sent.map((m) => m.messageId)).size).toBe(30);
    expect(mailer.sent).toHaveLength(30);
  });

  it('gives back a mail it was sending when it stops, so the next process sends it at once', async () => {
    const first = outbox();
    mailer.script.push('hang');
    await store.mail.enqueue(mail('r:stop'), new Date(clock));
    first.start();
    await expect.poll(() => mailer.started).toBe(1);
    await first.stop();
    expect(mailer.sent).toHaveLength(0);
    const second = outbox();
    expect(await second.run(new Date(clock))).toBe(1);
    expect(mailer.sent.map((m) => m.subject)).toEqual(['New reply from shop.example']);
  });

  it('does not send again a mail whose "sent" could not be written at first', async () => {
    const o = outbox();
    await store.mail.enqueue(mail('r:unmarked'), min(0));
    const sent = store.mail.sent.bind(store.mail);
    let failures = 1;
    store.mail.sent = async (m, now) => {
      if (failures-- > 0) throw Object.assign(new Error('gone'), { code: 'ECONNRESET' });
      return sent(m, now);
    };
    expect(await o.run(min(0))).toBe(1);
    // The next pass marks it first; its claim ran out meanwhile, and still it is not sent twice.
    expect(await o.run(min(30))).toBe(0);
    expect(await o.run(min(60))).toBe(0);
    expect(mailer.sent).toHaveLength(1);
  });
});
