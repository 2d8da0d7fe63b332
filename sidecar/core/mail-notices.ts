// What is mailed, and when (docs/email.md). Every trigger is read from the
// database, not remembered in a process: a sweep on every process walks the
// conversations that moved lately (newest message first: `last_mid` of the
// visitor table) and queues, once per dedupe key, whatever is due:
//   - offline: a visitor's wait with no agent online, a minute after their latest message;
//   - unanswered: a visitor's wait older than KEFU_ESCALATE_AFTER_MIN;
//   - reply: team messages the visitor has not received, a minute after the latest,
//     once the visitor has not been seen for KEFU_VISITOR_AWAY_MIN and gave an address.
// A wait or a stretch of replies is named by its first message, so a restart,
// another process or the next sweep finds the same key and queues nothing more.
// The transcript is queued on the visitor's request (transports/mail-api.ts).
import { createHash } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { MailSettings } from '../config.js';
import type { Store } from '../store/store.js';
import type { ConversationTip, MailKind } from '../store/mail-store.js';
import type { MailOutbox } from './mail-outbox.js';
import type { Message } from './message.js';
import { badRequest, errorCode, KefuError } from './kefu-error.js';
import { isEmailAddress } from './email-address.js';
import { mailLang, type MailLang } from '../mail/mail-strings.js';
import { offlineMail, replyMail, transcriptMail, unansweredMail, type MailLine, type RenderedMail } from '../mail/mail-templates.js';

/** Consecutive messages within this of each other go out as one mail. */
export const BATCH_MS = 60_000;
const SWEEP_MS = 30_000;
/**
 * How far past its due time a notice is still sent: covers a sidecar that was
 * down, without each sweep reading every conversation there ever was.
 */
const LATE_MS = 6 * 3600_000;
const PAGE = 200;
/** Messages shown in a notice or a reply mail; the transcript shows up to TRANSCRIPT_MAX. */
const MAX_LINES = 20;
const TRANSCRIPT_MAX = 1000;
const HISTORY_PAGE = 100;

export interface MailNoticesDeps {
  store: Store;
  outbox: Pick<MailOutbox, 'enqueue'>;
  settings: MailSettings;
  /** The site origins the widget is on (KEFU_ALLOWED_ORIGINS): a visitor's page there may be linked to. */
  allowedOrigins: readonly string[];
  /** Agents online now (presence.ts). */
  agentsOnline: () => number;
  /** A `#kefu-resume=` token for a conversation (auth/tokens.ts). */
  resumeToken: (visitorId: string) => Promise<string>;
  log: Logger;
  now?: () => number;
}

/** What a sweep learnt of a conversation's newest message; nothing more is read until that changes or it is due. */
interface Known {
  mid: number;
  /** The wait's first message (a visitor's wait). */
  firstAt: number;
  /** A notice exists for this wait, or none can be sent for it. */
  done: boolean;
}

export class MailNotices {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<unknown> | null = null;
  private failing = false;
  private known = new Map<string, Known>();
  private readonly now: () => number;

  constructor(private readonly deps: MailNoticesDeps) {
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_MS);
    this.timer.unref();
    void this.sweep();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping;
  }

  /**
   * Queues every notice due at `now` (default: the clock's, once it is this
   * sweep's turn: one runs at a time); resolves with how many were queued.
   * Never rejects: trouble is logged, and the next sweep tries again.
   */
  async sweep(now?: Date): Promise<number> {
    while (this.sweeping) await this.sweeping;
    const run = this.sweepOnce(now?.getTime() ?? this.now());
    this.sweeping = run.finally(() => (this.sweeping = null));
    return run;
  }

  private async sweepOnce(now: number): Promise<number> {
    const counted = { queued: 0 };
    try {
      await this.walk(now, counted);
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.deps.log.warn('could not look for mails to send; trying again', { code: errorCode(err) });
      this.failing = true;
    } finally {
      if (this.known.size > 50_000) this.known.clear();
    }
    return counted.queued;
  }

  private async walk(now: number, counted: { queued: number }): Promise<void> {
    const s = this.deps.settings;
    if (!s.notifyEmails.length && !s.visitorAwayMs) return;
    const oldest = now - Math.max(s.escalateAfterMs, s.visitorAwayMs) - BATCH_MS - LATE_MS;
    let before: number | null = null;
    for (;;) {
      const tips = await this.deps.store.mail.latestConversations(before, PAGE);
      for (const tip of tips) {
        // Newest first: past the horizon, so is everything after it.
        if (!(Date.parse(tip.last.createdAt ?? '') >= oldest)) return;
        if (await this.consider(tip, now)) counted.queued++;
      }
      if (tips.length < PAGE) return;
      before = tips[tips.length - 1].last.mid;
    }
  }

  private async consider(tip: ConversationTip, now: number): Promise<boolean> {
    const v = tip.visitorId;
    if (tip.last.from === v) return this.visitorWaiting(tip, now);
    if (tip.last.to === v) return this.teamReplied(tip, now);
    return false;
  }

  private async visitorWaiting(tip: ConversationTip, now: number): Promise<boolean> {
    const s = this.deps.settings;
    if (!s.notifyEmails.length) return false;
    const v = tip.visitorId;
    let known = this.known.get(v);
    if (known?.mid !== tip.last.mid) {
      const wait = await this.stretch(v, (m) => m.from === v);
      known = { mid: tip.last.mid, firstAt: Date.parse(wait?.first.createdAt ?? '') || 0, done: !wait };
      this.known.set(v, known);
    }
    if (known.done) return false;
    const lastAt = Date.parse(tip.last.createdAt ?? '');
    const offline = this.deps.agentsOnline() === 0 && now - lastAt >= BATCH_MS;
    const unanswered = s.escalateAfterMs > 0 && now - known.firstAt >= s.escalateAfterMs;
    if (!offline && !unanswered) return false;
    const wait = await this.stretch(v, (m) => m.from === v);
    if (!wait) return false;
    // One mail to the agents per wait: an offline notice makes an escalation needless, and the other way round.
    const keys = { offline: `offline:${v}:${wait.first.mid}`, unanswered: `unanswered:${v}:${wait.first.mid}` };
    if ((await this.deps.store.mail.existing([keys.offline, keys.unanswered])).size) {
      known.done = true;
      return false;
    }
    const p = {
      site: this.siteName(),
      visitor: { name: tip.name, email: tip.email, verified: tip.verified },
      lines: wait.lines.map((m) => this.line(m, tip)),
      omitted: wait.omitted,
      // The console opens the conversation a `#conversation=` names (admin-panel/conversation-link-controller.ts).
      consoleUrl: s.siteUrl ? `${s.siteUrl}/kefu/console#conversation=${encodeURIComponent(v)}` : null,
    };
    const kind: MailKind = offline ? 'offline' : 'unanswered';
    const mail = offline ? offlineMail(s.lang, p) : unansweredMail(s.lang, { ...p, waitedMinutes: Math.floor((now - known.firstAt) / 60_000) });
    const queued = await this.queue(kind, keys[kind], s.notifyEmails, s.lang, mail);
    // Only now: a sweep that failed on the way is repeated by the next one.
    known.done = true;
    return queued;
  }

  private async teamReplied(tip: ConversationTip, now: number): Promise<boolean> {
    const s = this.deps.settings;
    const v = tip.visitorId;
    // Received by the visitor's widget (their poll marked it read): nothing to mail.
    if (!s.visitorAwayMs || tip.last.read || !isEmailAddress(tip.email)) return false;
    if (this.known.get(v)?.mid === tip.last.mid) return false;
    const lastAt = Date.parse(tip.last.createdAt ?? '');
    const seenAt = Date.parse(tip.lastSeenAt ?? '') || 0;
    if (now - lastAt < BATCH_MS || now - seenAt < s.visitorAwayMs) return false;
    const replies = await this.stretch(v, (m) => m.to === v && !m.read);
    const key = replies && `reply:${v}:${replies.first.mid}`;
    if (!replies || !key || (await this.deps.store.mail.existing([key])).size) {
      this.known.set(v, { mid: tip.last.mid, firstAt: 0, done: true });
      return false;
    }
    const lang = mailLang(tip.lang) ?? s.lang;
    const mail = replyMail(lang, {
      site: this.siteName(),
      lines: replies.lines.map((m) => this.line(m, tip)),
      omitted: replies.omitted,
      link: await this.link(tip),
      timeZone: tip.timeZone,
    });
    const queued = await this.queue('reply', key, [tip.email], lang, mail);
    this.known.set(v, { mid: tip.last.mid, firstAt: 0, done: true });
    return queued;
  }

  /**
   * The visitor asked for their conversation by mail, to `email` or the
   * address they gave before. Once per address and newest message: asking again
   * before anything new was said queues nothing (false).
   */
  async transcript(visitorId: string, email: string | undefined): Promise<boolean> {
    const visitor = await this.deps.store.getVisitor(visitorId);
    if (!visitor) throw new KefuError('not_found', 'no such conversation');
    const address = email ?? visitor.email;
    if (!address) throw badRequest('email is needed: this conversation has no address yet');
    if (!isEmailAddress(address)) throw badRequest('email must be a mail address');
    const messages: Message[] = [];
    let before: number | null = null;
    let more = true;
    while (more && messages.length < TRANSCRIPT_MAX) {
      const page = await this.deps.store.history({ kind: 'visitor', visitorId }, before, HISTORY_PAGE);
      messages.unshift(...page);
      more = page.length === HISTORY_PAGE;
      before = page[0]?.mid ?? null;
    }
    if (!messages.length) throw badRequest('the conversation has no messages yet');
    const lang = mailLang(visitor.lang) ?? this.deps.settings.lang;
    const mail = transcriptMail(lang, {
      site: this.siteName(),
      lines: messages.map((m) => this.line(m, { visitorId, name: visitor.name })),
      omitted: more ? null : 0,
      timeZone: visitor.timeZone ?? null,
    });
    // The address as a short hash: the key is kept after the mail's text is dropped.
    const to = createHash('sha256').update(address.toLowerCase()).digest('base64url').slice(0, 12);
    return this.queue('transcript', `transcript:${visitorId}:${messages[messages.length - 1].mid}:${to}`, [address], lang, mail);
  }

  private queue(kind: MailKind, dedupeKey: string, recipients: readonly string[], lang: MailLang, mail: RenderedMail): Promise<boolean> {
    return this.deps.outbox.enqueue({ kind, dedupeKey, recipients, lang, ...mail });
  }

  /**
   * The stretch at the end of a conversation whose messages all pass `within`
   * (a visitor's wait, the unread replies): at most MAX_LINES of it, oldest
   * first, with its first message, however far back that is (within 10 pages).
   */
  private async stretch(visitorId: string, within: (m: Message) => boolean): Promise<{ first: Message; lines: Message[]; omitted: number } | null> {
    const found: Message[] = [];
    let before: number | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page = await this.deps.store.history({ kind: 'visitor', visitorId }, before, HISTORY_PAGE);
      let ended = page.length < HISTORY_PAGE;
      for (let i = page.length - 1; i >= 0; i--) {
        if (!within(page[i])) {
          ended = true;
          break;
        }
        found.push(page[i]);
      }
      if (ended || !page.length) break;
      before = page[0].mid;
    }
    if (!found.length) return null;
    found.reverse();
    return { first: found[0], lines: found.slice(-MAX_LINES), omitted: Math.max(0, found.length - MAX_LINES) };
  }

  private line(m: Message, tip: Pick<ConversationTip, 'visitorId' | 'name'>): MailLine {
    const byVisitor = m.from === tip.visitorId;
    return {
      by: byVisitor ? 'visitor' : 'team',
      name: byVisitor ? tip.name : (m.fromName ?? null),
      text: m.content,
      files: m.attachments?.map((a) => a.name) ?? [],
      at: m.createdAt,
    };
  }

  /** The site as subjects name it: KEFU_SITE_URL's host, else the first allowed origin's, else "Kefu". */
  private siteName(): string {
    const url = this.deps.settings.siteUrl ?? this.deps.allowedOrigins[0];
    return url ? new URL(url).host : 'Kefu';
  }

  /**
   * Where the reply mail's link opens the conversation again: the visitor's
   * last page when it is on the site (KEFU_SITE_URL's origin or an allowed
   * one; the page is the visitor's word, and a mail from the site must not
   * lead elsewhere), else KEFU_SITE_URL, else nowhere.
   */
  private async link(tip: ConversationTip): Promise<string | null> {
    const site = this.deps.settings.siteUrl;
    const origins = new Set([...(site ? [new URL(site).origin] : []), ...this.deps.allowedOrigins]);
    let base = site && `${site}/`;
    try {
      const page = new URL(tip.page ?? '');
      if ((page.protocol === 'https:' || page.protocol === 'http:') && origins.has(page.origin)) base = page.origin + page.pathname + page.search;
    } catch {
      // No page, or not an address: the site's own.
    }
    return base ? `${base}#kefu-resume=${await this.deps.resumeToken(tip.visitorId)}` : null;
  }
}
