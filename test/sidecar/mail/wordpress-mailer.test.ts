import { createServer, type Server } from 'node:http';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailSendError, type OutgoingMail } from '../../../sidecar/mail/mailer.js';
import { WordPressMailer } from '../../../sidecar/mail/wordpress-mailer.js';

const SECRET = 'a-shared-secret-of-some-length';
const mail: OutgoingMail = { to: ['eve@example.test'], subject: 'Hi', text: 'plain', html: '<p>html</p>', messageId: '<kefu.1@shop.example>', lang: 'en' };

describe('WordPressMailer', () => {
  let server: Server;
  let url: string;
  let status = 200;
  const seen: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        res.writeHead(status, { 'content-type': 'application/json' }).end('{"code":"x","message":"eve@example.test"}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/wp-json/kefu/v1/mail`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const sendWith = async (code: number) => {
    status = code;
    return new WordPressMailer({ url, secret: SECRET }).send(mail, new AbortController().signal).then(() => null, (e: unknown) => e);
  };

  it('posts the mail as JSON, signed over the timestamp and the body', async () => {
    expect(await sendWith(200)).toBeNull();
    const { headers, body } = seen.at(-1)!;
    expect(headers['content-type']).toBe('application/json');
    expect(JSON.parse(body)).toEqual(mail);
    const ts = Number(headers['x-kefu-timestamp']);
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(5);
    expect(headers['x-kefu-signature']).toBe(createHmac('sha256', SECRET).update(`kefu-mail.v1\n${ts}\n${body}`).digest('hex'));
  });

  it('tries a 5xx, a refused signature and a network error again, and gives up other 4xx', async () => {
    expect(await sendWith(503)).toMatchObject({ code: 'HTTP:503', temporary: true });
    expect(await sendWith(401)).toMatchObject({ code: 'HTTP:401', temporary: true });
    expect(await sendWith(400)).toMatchObject({ code: 'HTTP:400', temporary: false });
    expect(await sendWith(404)).toMatchObject({ code: 'HTTP:404', temporary: false });
    const down = await new WordPressMailer({ url: 'http://127.0.0.1:1/', secret: SECRET }).send(mail, new AbortController().signal).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(MailSendError);
    expect(down).toMatchObject({ code: 'ECONNECTION', temporary: true });
  });
});
