// How a mail leaves the sidecar. The outbox (core/mail-outbox.ts) decides what
// is sent and when, and calls one Mailer per process: SMTP through nodemailer
// (smtp-mailer.ts) today; a CMS's own mail function (WordPress's wp_mail,
// reached through the plugin) is another implementation of the same interface.

/** One mail, ready to go: the outbox rendered it when it was queued. */
export interface OutgoingMail {
  /** One or more addresses, each checked (core/email-address.ts). */
  to: readonly string[];
  subject: string;
  text: string;
  html: string;
  /**
   * The same for every attempt at this mail (made from its dedupe key): a mail
   * that goes out twice (docs/email.md, "Once") carries one Message-ID, which
   * lets mail programs that look at it show it once.
   */
  messageId: string;
  /** `en` or `zh-CN`: the mail's Content-Language. */
  lang: string;
}

export interface Mailer {
  /**
   * Hands the mail to the next hop. Resolves once the hop has accepted it (an
   * SMTP server's 250 after the data): from then on it is the hop's to deliver.
   * Rejects with a MailSendError; stops (rejects) when `signal` aborts.
   */
  send(mail: OutgoingMail, signal: AbortSignal): Promise<void>;
  /** Frees connections; no send is under way when it is called. */
  close(): Promise<void>;
}

/**
 * A mail that did not go. `temporary`: worth another attempt later (the server
 * was away, busy or said 4xx); otherwise it would be refused again (a 5xx for
 * the recipient or the message), and the outbox gives it up at once. `code`
 * is short and never holds an address or text: it is logged and stored.
 */
export class MailSendError extends Error {
  constructor(readonly code: string, readonly temporary: boolean, options?: { cause?: unknown }) {
    super(`mail not sent: ${code}`, options);
    this.name = 'MailSendError';
  }
}
