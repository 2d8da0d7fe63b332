// The WordPress site's Mailer: each mail is POSTed to the plugin's REST route
// (KEFU_WP_MAIL_URL, normally <site>/wp-json/kefu/v1/mail), which hands it to
// wp_mail, so the site's own SMTP plugin, From and mail filters apply and the
// sidecar never guesses the site's mail settings (docs/email.md, "WordPress").
// The request is signed with the secret the site and the sidecar share.
import { createHmac } from 'node:crypto';
import { MailSendError, type Mailer, type OutgoingMail } from './mailer.js';

export interface WordPressMailSettings {
  /** The plugin's mail route. */
  url: string;
  /** KEFU_SECRET: the HMAC key; never sent, never logged. */
  secret: string;
  /** How long one POST may take; wp_mail talks to an SMTP server itself. */
  timeoutMs?: number;
}

/**
 * The signature the plugin checks (class-kefu-mail.php): HMAC-SHA256 over
 * `kefu-mail.v1`, the timestamp and the body, so that neither the body nor the
 * time can be changed, and a token signed with the same secret (a JWT) can
 * never pass for it. The plugin refuses timestamps more than 5 minutes off;
 * a replay within them is harmless (the plugin sends a message id once a day).
 */
export function signMailRequest(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`kefu-mail.v1\n${timestamp}\n${body}`).digest('hex');
}

export class WordPressMailer implements Mailer {
  constructor(private readonly settings: WordPressMailSettings) {}

  async send(mail: OutgoingMail, signal: AbortSignal): Promise<void> {
    const body = JSON.stringify({
      to: [...mail.to], subject: mail.subject, text: mail.text, html: mail.html, messageId: mail.messageId, lang: mail.lang,
    });
    const timestamp = Math.floor(Date.now() / 1000);
    let res: Response;
    try {
      res = await fetch(this.settings.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-kefu-timestamp': String(timestamp),
          'x-kefu-signature': signMailRequest(this.settings.secret, timestamp, body),
        },
        body,
        // A redirect would turn the POST into a GET (http → https, a moved site): reported instead.
        redirect: 'manual',
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.settings.timeoutMs ?? 60_000)]),
      });
    } catch (err) {
      if (signal.aborted) throw new MailSendError('ABORTED', true, { cause: err });
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      throw new MailSendError(timedOut ? 'ETIMEDOUT' : 'ECONNECTION', true, { cause: err });
    }
    // The answer's text is WordPress's, which may quote the mail: only its status is kept.
    await res.body?.cancel().catch(() => {});
    if (res.ok) return;
    throw new MailSendError(`HTTP:${res.status}`, temporaryStatus(res.status));
  }

  async close(): Promise<void> {
    /* one request per mail: nothing stays open */
  }
}

/**
 * Whether a refusal is worth another attempt. A 4xx refuses the mail itself
 * (400: not a mail the plugin sends; 404: no such route, the plugin is off),
 * except a signature refused (401/403: a secret or clock being fixed, like a
 * refused SMTP login) and 408/429; 5xx (wp_mail failed, the site is down)
 * and 3xx (a site that moved, until KEFU_WP_MAIL_URL follows) are tried again.
 */
function temporaryStatus(status: number): boolean {
  if (status >= 400 && status < 500) return status === 401 || status === 403 || status === 408 || status === 429;
  return true;
}
