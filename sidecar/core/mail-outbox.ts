// Sends what is queued in the mail outbox (store/mail-store.ts), from every
// process: each claims due mails with a conditional UPDATE, so exactly one
// process attempts each; a failure is tried again later (1, 2, 4 … minutes,
// at most an hour apart), and after MAX_ATTEMPTS, or at once when the server
// refuses the mail for good, it is given up with a warning. Logs name a mail
// by id and kind, never by its recipient or its text. docs/email.md, "Once".
import { createHash } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { ClaimedMail, MailStore, NewMail } from '../store/mail-store.js';
import { MailSendError, type Mailer } from '../mail/mailer.js';
import { errorCode } from './kefu-error.js';

/** A claim outlives the longest attempt (SEND_TIMEOUT_MS) with room to spare. */
export const LEASE_MS = 5 * 60_000;
export const SEND_TIMEOUT_MS = 2 * 60_000;
export const MAX_ATTEMPTS = 10;
const RETRY_BASE_MS = 60_000;
const RETRY_CAP_MS = 60 * 60_000;
const INTERVAL_MS = 5_000;
const BATCH = 20;
/** Sent and given-up rows (no text left in them) are kept this long, then deleted. */
const KEEP_MS = 30 * 24 * 3600_000;
const PRUNE_EVERY_MS = 3600_000;

export interface MailOutboxDeps {
  store: MailStore;
  mailer: Mailer;
  log: Logger;
  /** The domain of the From address: Message-IDs are made in it. */
  domain: string;
  now?: () => number;
  intervalMs?: number;
}

export class MailOutbox {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private readonly stopping = new AbortController();
  /** Sent, but the row could not be marked so (the database was away): marked again before anything else. */
  private unmarked: ClaimedMail[] = [];
  private failing = false;
  private prunedAt = 0;
  private readonly now: () => number;

  constructor(private readonly deps: MailOutboxDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Looks for due mails now and every few seconds: retries come due, other processes' mails too. */
  start(): void {
    this.timer = setInterval(() => this.kick(), this.deps.intervalMs ?? INTERVAL_MS);
    this.timer.unref();
    this.kick();
  }

  /** Aborts attempts under way (their mails are due again at once, for any process) and waits for them. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.stopping.abort();
    await this.running;
  }

  /** Queues a mail once per dedupe key; true when this call queued it (and a send is under way). */
  async enqueue(mail: NewMail): Promise<boolean> {
    const added = await this.deps.store.enqueue(mail, new Date(this.now()));
    if (added) this.kick();
    return added;
  }

  /** Sends due mails soon, in the background; one pass at a time. */
  kick(): void {
    if (this.stopping.signal.aborted) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.run();
      } while (this.again && !this.stopping.signal.aborted);
    })().finally(() => (this.running = null));
  }

  /** One pass over what is due at `now`; resolves with the number sent. Never rejects. */
  async run(now = new Date(this.now())): Promise<number> {
    let sent = 0;
    try {
      await this.markUnmarked();
      for (;;) {
        const batch = await this.deps.store.claim(now, LEASE_MS, BATCH);
        for (const mail of batch) if (await this.attempt(mail, now)) sent++;
        if (batch.length < BATCH || this.stopping.signal.aborted) break;
      }
      if (now.getTime() - this.prunedAt >= PRUNE_EVERY_MS) {
        this.prunedAt = now.getTime();
        await this.deps.store.prune(new Date(now.getTime() - KEEP_MS));
      }
      this.failing = false;
    } catch (err) {
      // The database: every due mail waits in it, so the next pass simply tries again. Said once per spell.
      if (!this.failing) this.deps.log.warn('could not read the mail outbox; trying again', { code: errorCode(err) });
      this.failing = true;
    }
    return sent;
  }

  private async attempt(mail: ClaimedMail, now: Date): Promise<boolean> {
    // Hand-made rather than AbortSignal.any, which on Node 20 keeps every dependent
    // of a long-lived signal (the stop signal here) alive: nodejs/node#48951.
    const ac = new AbortController();
    const abort = () => ac.abort();
    const timer = setTimeout(abort, SEND_TIMEOUT_MS);
    this.stopping.signal.addEventListener('abort', abort, { once: true });
    try {
      await this.deps.mailer.send(
        { to: mail.recipients, subject: mail.subject, text: mail.text, html: mail.html, lang: mail.lang, messageId: messageId(mail.dedupeKey, this.deps.domain) },
        ac.signal,
      );
    } catch (err) {
      await this.failed(mail, err, now);
      return false;
    } finally {
      clearTimeout(timer);
      this.stopping.signal.removeEventListener('abort', abort);
    }
    // The narrow window of docs/email.md: accepted by the server, not yet marked here.
    try {
      await this.deps.store.sent(mail, new Date(this.now()));
    } catch (err) {
      this.deps.log.warn('a mail was sent but could not be marked sent; marking it again', { id: mail.id, kind: mail.kind, code: errorCode(err) });
      this.unmarked.push(mail);
    }
    this.deps.log.debug('mail sent', { id: mail.id, kind: mail.kind, attempt: mail.attempts });
    return true;
  }

  private async failed(mail: ClaimedMail, err: unknown, now: Date): Promise<void> {
    const store = this.deps.store;
    const log = this.deps.log;
    if (this.stopping.signal.aborted) {
      await store.release(mail).catch(() => undefined);
      return;
    }
    const e = err instanceof MailSendError ? err : new MailSendError(errorCode(err) || 'ERROR', true, { cause: err });
    if (!e.temporary || mail.attempts >= MAX_ATTEMPTS) {
      await store.giveUp(mail, e.code);
      log.warn('mail given up', { id: mail.id, kind: mail.kind, attempts: mail.attempts, code: e.code });
      return;
    }
    const wait = Math.min(RETRY_BASE_MS * 2 ** (mail.attempts - 1), RETRY_CAP_MS);
    await store.retry(mail, new Date(now.getTime() + wait), e.code);
    log.info('mail not sent; trying again later', { id: mail.id, kind: mail.kind, attempt: mail.attempts, code: e.code, retryInSeconds: wait / 1000 });
  }

  private async markUnmarked(): Promise<void> {
    const list = this.unmarked;
    this.unmarked = [];
    for (const [i, mail] of list.entries()) {
      try {
        await this.deps.store.sent(mail, new Date(this.now()));
      } catch (err) {
        this.unmarked.push(...list.slice(i));
        throw err;
      }
    }
  }
}

/** The same for every attempt at one mail, and unique to it (docs/email.md). */
export function messageId(dedupeKey: string, domain: string): string {
  return `<kefu.${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 32)}@${domain}>`;
}
