// The standalone sidecar's Mailer: SMTP through nodemailer, to the server that
// KEFU_SMTP_URL names (usually the host's relay or a mail provider), which
// queues and delivers. One connection per mail: Kefu sends a handful an hour.
import nodemailer from 'nodemailer';
import type { NodemailerError } from 'nodemailer';
import { MailSendError, type Mailer, type OutgoingMail } from './mailer.js';

export interface SmtpSettings {
  /** nodemailer's URL form; holds a password (config.ts). */
  smtpUrl: string;
  from: string;
}

// nodemailer waits 2 min to connect and 10 min on an idle socket by default:
// far longer than the outbox's claim on a mail should ever have to last.
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

export class SmtpMailer implements Mailer {
  private readonly transport: ReturnType<typeof nodemailer.createTransport>;

  constructor(settings: SmtpSettings) {
    // Options in the URL's query win over these (nodemailer merges the URL last).
    // Mails carry text only: nodemailer is told never to read a file or an address for one.
    this.transport = nodemailer.createTransport(
      { url: settings.smtpUrl, ...TIMEOUTS, disableFileAccess: true, disableUrlAccess: true },
      { from: settings.from },
    );
  }

  async send(mail: OutgoingMail, signal: AbortSignal): Promise<void> {
    try {
      await this.transport.sendMail({
        to: [...mail.to],
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        headers: { 'Content-Language': mail.lang, 'Auto-Submitted': 'auto-generated' },
        signal,
      });
      // Accepted for some recipients and refused for others: sent. A retry would
      // repeat it to those who have it; the refusals are the server's to report.
    } catch (err) {
      throw toSendError(err, signal);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

/**
 * nodemailer's error as the outbox needs it: a short code (never the server's
 * reply text, which may quote an address) and whether to try again. Only a
 * refusal of the recipient or the message is final; a refused login (EAUTH) is
 * tried again, since the owner may be fixing the password right now.
 */
function toSendError(err: unknown, signal: AbortSignal): MailSendError {
  if (signal.aborted) return new MailSendError('ABORTED', true, { cause: err });
  const e = err as NodemailerError;
  const base = typeof e?.code === 'string' && /^[A-Z_]{2,24}$/.test(e.code) ? e.code : 'ERROR';
  const code = typeof e?.responseCode === 'number' ? `${base}:${e.responseCode}` : base;
  const final = e?.permanent === true && (base === 'EENVELOPE' || base === 'EMESSAGE');
  return new MailSendError(code, !final, { cause: err });
}
