// Mail through WordPress (docs/email.md, "WordPress"): the sidecar, with
// KEFU_WP_MAIL_URL, POSTs each mail to the plugin's signed REST route, and the
// plugin sends it with the site's own wp_mail. Here wp_mail's PHPMailer is
// pointed (by a must-use plugin, as a site's SMTP plugin would) at an SMTP
// server the test starts, and the test asserts what arrived there.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RowDataPacket } from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newVisitor, send } from '../helpers/api.js';
import { SmtpSink } from '../helpers/smtp-sink.js';
import { signMailRequest } from '../../sidecar/mail/wordpress-mailer.js';
import { createSite, ensureBuilt, missingPrerequisites, startSidecar, ZIP_PATH, type Sidecar, type Site } from './rig.js';

const run = promisify(execFile);

const missing = missingPrerequisites();
if (missing.length) throw new Error(`the WordPress end-to-end test needs ${missing.join(', ')}: run scripts/setup-test-env.sh`);

/** What an SMTP plugin does: wp_mail's PHPMailer talks SMTP to the sink, from the site's own address. */
const smtpMuPlugin = (port: number) => `<?php
add_filter( 'wp_mail_from', function () { return 'chat@shop.example'; } );
add_filter( 'wp_mail_from_name', function () { return 'Shop chat'; } );
add_action( 'phpmailer_init', function ( $phpmailer ) {
	$phpmailer->isSMTP();
	$phpmailer->Host        = '127.0.0.1';
	$phpmailer->Port        = ${port};
	$phpmailer->SMTPAuth    = false;
	$phpmailer->SMTPAutoTLS = false;
} );
`;

describe('mail through WordPress', { timeout: 60_000 }, () => {
  let site: Site;
  let sidecar: Sidecar;
  let sink: SmtpSink;
  let mailUrl: string;

  beforeAll(async () => {
    await ensureBuilt();
    sink = await SmtpSink.start();
    site = await createSite();
    const plugins = path.join(site.dir, 'wp-content', 'plugins');
    await mkdir(plugins, { recursive: true });
    await run('unzip', ['-q', '-o', ZIP_PATH, '-d', plugins]);
    const mu = path.join(site.dir, 'wp-content', 'mu-plugins');
    await mkdir(mu, { recursive: true });
    await writeFile(path.join(mu, 'kefu-test-smtp.php'), smtpMuPlugin(sink.port));
    await site.wp('activate');
    mailUrl = `${site.url}/wp-json/kefu/v1/mail`;
    sidecar = await startSidecar(site, { env: { KEFU_WP_MAIL_URL: mailUrl, KEFU_SITE_URL: site.url } });
  }, 300_000);

  afterAll(async () => {
    await sidecar?.stop();
    await sink?.stop();
    await site?.stop();
  });

  it('sends a transcript the visitor asks for through wp_mail, once, with text and HTML parts', async () => {
    const base = `${sidecar.url}/kefu`;
    const visitor = await newVisitor(base, { name: 'Lin' });
    expect((await send(base, visitor.token, 'Do you ship <b>abroad</b>?')).status).toBe(201);
    const asked = await call(base, '/api/visitor/transcript', { token: visitor.token, body: { email: 'lin@example.test' } });
    expect(asked.status).toBe(202);

    const [arrived] = await sink.waitFor(1, 20_000);
    expect(arrived.to).toEqual(['lin@example.test']);
    const mail = arrived.mail;
    expect(mail.subject).toBe(`Your conversation with ${new URL(site.url).host}`);
    expect(mail.from?.value[0]).toMatchObject({ address: 'chat@shop.example', name: 'Shop chat' });
    expect(mail.text).toContain('Do you ship <b>abroad</b>?');
    expect(mail.html).toContain('Do you ship &#60;b&#62;abroad&#60;/b&#62;?');
    expect(mail.messageId).toMatch(/^<kefu\.[0-9a-f]{32}@127\.0\.0\.1>$/);
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.headers.get('content-language')).toBe('en');

    // The outbox marked it sent, after one attempt; nothing more arrives.
    const outbox = async () => (await site.db.query<RowDataPacket[]>(`SELECT sent_at, attempts FROM ${site.tablePrefix}kefu_mail WHERE kind = 'transcript'`))[0];
    await expect.poll(async () => (await outbox())[0]?.sent_at ?? null, { timeout: 10_000 }).not.toBeNull();
    expect(await outbox()).toMatchObject([{ attempts: 1 }]);
    await new Promise((r) => setTimeout(r, 500));
    expect(sink.arrived).toHaveLength(1);
  });

  const mail = { to: ['eve@example.test'], subject: 'Hello', text: 'plain', html: '<p>html</p>', messageId: '<kefu.replay@127.0.0.1>', lang: 'en' };
  const post = (body: string, headers: Record<string, string>) =>
    fetch(mailUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, signal: AbortSignal.timeout(20_000) });
  const signed = (body: string, secret: string, timestamp = Math.floor(Date.now() / 1000)) => ({
    'x-kefu-timestamp': String(timestamp),
    'x-kefu-signature': signMailRequest(secret, timestamp, body),
  });

  it('refuses a request without the right signature, or signed too long ago, and sends nothing', async () => {
    const before = sink.arrived.length;
    const body = JSON.stringify(mail);
    expect((await post(body, {})).status).toBe(401);
    expect((await post(body, signed(body, 'not-the-secret-at-all'))).status).toBe(401);
    // Signed for another body.
    expect((await post(body, signed(JSON.stringify({ ...mail, to: ['other@example.test'] }), site.secret))).status).toBe(401);
    expect((await post(body, signed(body, site.secret, Math.floor(Date.now() / 1000) - 6 * 60))).status).toBe(401);
    await new Promise((r) => setTimeout(r, 500));
    expect(sink.arrived.length).toBe(before);
  });

  it('sends a signed mail once, however often it is posted, and refuses one that is not a mail', async () => {
    const before = sink.arrived.length;
    const body = JSON.stringify(mail);
    const first = await post(body, signed(body, site.secret));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ sent: true });
    const again = await post(body, signed(body, site.secret));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ sent: false });
    const arrived = await sink.waitFor(before + 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(arrived).toHaveLength(before + 1);
    const replayed = arrived[before].mail;
    expect(replayed).toMatchObject({ subject: 'Hello', messageId: '<kefu.replay@127.0.0.1>' });
    expect(String(replayed.html).trim()).toBe('<p>html</p>');
    expect(replayed.text?.trim()).toBe('plain');

    const bad = JSON.stringify({ ...mail, to: ['not an address'], messageId: '<kefu.other@127.0.0.1>' });
    expect((await post(bad, signed(bad, site.secret))).status).toBe(400);
  });

  it('logged no PHP error, warning or notice from the plugin', async () => {
    expect(await site.pluginLogLines()).toEqual([]);
  });
});
