// Mail as the runtime sees it: off (no Mailer configured: nothing is mailed,
// nothing is queued, the transcript route answers 404), or an outbox that
// sends and the notices that fill it. docs/email.md.
import type { Mailer } from '../mail/mailer.js';
import { MailOutbox } from './mail-outbox.js';
import { MailNotices, type MailNoticesDeps } from './mail-notices.js';
import { KefuError } from './kefu-error.js';

/** What the notices need, less the outbox this service makes, plus the transport. */
export interface MailServiceDeps extends Omit<MailNoticesDeps, 'outbox'> {
  /** Null: mail is off. */
  mailer: Mailer | null;
}

export class MailService {
  readonly outbox: MailOutbox | null;
  readonly notices: MailNotices | null;

  constructor(private readonly deps: MailServiceDeps) {
    const { mailer, settings } = deps;
    if (!mailer) {
      this.outbox = null;
      this.notices = null;
      return;
    }
    // Message-IDs are made in the From address's domain (RFC 5322 asks for one the sender controls).
    // Through WordPress (no From here: wp_mail sets it), the site's host.
    const domain = /@([^\s<>@]+?)>?$/.exec(settings.from ?? '')?.[1]
      ?? (settings.wpMailUrl ? new URL(settings.wpMailUrl).hostname : 'kefu.invalid');
    this.outbox = new MailOutbox({ store: deps.store.mail, mailer, log: deps.log, domain, now: deps.now });
    this.notices = new MailNotices({ ...deps, outbox: this.outbox });
  }

  get enabled(): boolean {
    return this.outbox !== null;
  }

  start(): void {
    const s = this.deps.settings;
    if (!this.outbox || !this.notices) {
      this.deps.log.info('mail is off (neither KEFU_SMTP_URL nor KEFU_WP_MAIL_URL is set): nothing is mailed or queued');
      return;
    }
    // Never the URL: it holds the password.
    this.deps.log.info('mail is on', {
      via: s.smtpUrl ? 'smtp' : 'wordpress',
      notifyAddresses: s.notifyEmails.length,
      escalateAfterMin: s.escalateAfterMs / 60_000,
      visitorAwayMin: s.visitorAwayMs / 60_000,
    });
    this.outbox.start();
    this.notices.start();
  }

  async stop(): Promise<void> {
    await this.notices?.stop();
    await this.outbox?.stop();
    await this.deps.mailer?.close();
  }

  /** POST /kefu/api/visitor/transcript (MailNotices.transcript); 404 while mail is off. */
  transcript(visitorId: string, email: string | undefined): Promise<boolean> {
    if (!this.notices) throw new KefuError('not_found', 'this site does not send mail');
    return this.notices.transcript(visitorId, email);
  }
}
