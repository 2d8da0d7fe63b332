// Builds the delivery core around a store: feed, hub, delivery, presence and
// chat, wired together. Knows nothing of HTTP.
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Store } from './store/store.js';
import { MessageFeed } from './core/message-feed.js';
import { errorCode } from './core/kefu-error.js';
import { Hub } from './core/hub.js';
import { Delivery } from './core/delivery.js';
import { Presence } from './core/presence.js';
import { Availability } from './core/availability.js';
import { Chat } from './core/chat.js';
import { HelpDesk } from './core/help-desk.js';
import { Ratings } from './core/ratings.js';
import { AgentPush } from './push/agent-push.js';
import { Search } from './core/search.js';
import { CannedReplies } from './core/canned.js';
import { Team } from './core/team.js';
import { Receipts } from './core/receipts.js';
import { Activity } from './core/activity.js';
import { RateLimiter } from './core/rate-limiter.js';
import { Tokens } from './auth/tokens.js';
import { Shutdown } from './shutdown.js';
import { Attachments } from './core/attachments.js';
import { S3BlobStore } from './store/s3-blob-store.js';
import { FolderBlobStore } from './store/folder-blob-store.js';
import type { BlobStore } from './store/blob-store.js';
import { MailService } from './core/mail-service.js';
import { SmtpMailer } from './mail/smtp-mailer.js';
import { WordPressMailer } from './mail/wordpress-mailer.js';

const EVENT_PRUNE_MS = 60_000;
const EVENT_KEEP_MS = 5 * 60_000;

export interface Runtime {
  config: Config;
  log: Logger;
  store: Store;
  feed: MessageFeed;
  hub: Hub;
  delivery: Delivery;
  presence: Presence;
  /** What visitors are told of the team: nobody online outside business hours, and when it is back. */
  availability: Availability;
  chat: Chat;
  desk: HelpDesk;
  /** Visitors' ratings of resolved conversations, and the agents' report. */
  ratings: Ratings;
  /** Web Push to the agents' devices (docs/push.md). */
  push: AgentPush;
  search: Search;
  canned: CannedReplies;
  /** What the widget shows of the team (cached: every page asks). */
  team: Team;
  receipts: Receipts;
  activity: Activity;
  /** Files in conversations: uploads, reading, the sweep. */
  attachments: Attachments;
  /** Notices to the agents and mails to visitors, through the outbox (docs/email.md); off without KEFU_SMTP_URL or KEFU_WP_MAIL_URL. */
  mail: MailService;
  tokens: Tokens;
  visitorSendLimiter: RateLimiter;
  ipSendLimiter: RateLimiter;
  /** Typing notices and session resumes: cheap, but each writes an event row. */
  signalLimiter: RateLimiter;
  /** Begins when the process begins to shut down: waits answer, streams say `reconnect`. */
  shutdown: Shutdown;
  start(): Promise<void>;
  /** Fires the shutdown signal; the store stays open for requests still finishing. */
  beginShutdown(): void;
  /** Answers held requests, stops timers and closes the store. */
  stop(): Promise<void>;
}

export function createRuntime(config: Config, log: Logger, store: Store): Runtime {
  const feed = new MessageFeed({ store, log, intervalMs: config.tailIntervalMs });
  const hub = new Hub();
  const presence = new Presence({
    store,
    log,
    onChange: (now, before) => {
      hub.notifyAgents();
      // Visitors care whether anyone is there, not how many: only that wakes their polls.
      if (now > 0 !== before > 0) hub.notifyVisitors();
    },
  });
  const availability = new Availability({
    hours: config.businessHours?.schedule ?? null,
    outside: config.businessHours?.outside ?? 'offline-form',
    agentsOnline: () => presence.agentsOnline,
    onChange: () => hub.notifyVisitors(),
  });
  const delivery = new Delivery({
    store, feed, hub, log, agentsOnline: () => presence.agentsOnline, agentsOnlineForVisitors: () => availability.agentsOnlineForVisitors(),
  });
  const receipts = new Receipts({ store, feed, log, intervalMs: config.tailIntervalMs });
  const activity = new Activity({ store, log, intervalMs: config.tailIntervalMs });
  const desk = new HelpDesk({ store, feed, log, secret: config.secret, unassignAfterMs: config.unassignAfterMs, autoAssign: config.autoAssign });
  const search = new Search({ store, feed, log });
  const tokens = new Tokens(config.secret, config.siteId);
  // The database always holds files (chunks); the bucket and the folder too when
  // configured, so a switch either way keeps old files readable.
  const stores = new Map<string, BlobStore>([[store.blobs.name, store.blobs]]);
  if (config.attachments.s3) stores.set('s3', new S3BlobStore(config.attachments.s3));
  const folder = config.attachments.dir ? new FolderBlobStore(config.attachments.dir) : null;
  if (folder) stores.set(folder.name, folder);
  const writeTo = stores.get(config.attachments.store === 'db' ? store.blobs.name : config.attachments.store)!;
  const attachments = new Attachments({ store, stores, tokens, log, settings: config.attachments, writeTo });
  const mail = new MailService({
    store, log, settings: config.mail, allowedOrigins: config.allowedOrigins,
    mailer: config.mail.smtpUrl ? new SmtpMailer({ smtpUrl: config.mail.smtpUrl, from: config.mail.from! })
      : config.mail.wpMailUrl ? new WordPressMailer({ url: config.mail.wpMailUrl, secret: config.secret })
      : null,
    agentsOnline: () => presence.agentsOnline,
    resumeToken: (visitorId) => tokens.resumeToken(visitorId),
  });
  const chat = new Chat({ store, feed, delivery, presence, receipts, activity, desk, attachments, log });
  feed.subscribe({
    messages: (batch, fromTail) => {
      if (fromTail) chat.noteForeignRows(batch);
    },
    events: (events) => desk.noteEvents(events.map((e) => e.event)),
  });
  // Made before the feed starts: the rows it reads back at start tell which visitors still wait.
  const push = new AgentPush({ settings: config.push, store, feed, log });
  const shutdown = new Shutdown();
  let pruneTimer: NodeJS.Timeout | null = null;

  return {
    config, log, store, feed, hub, delivery, presence, availability, chat, desk, receipts, activity, search, attachments, tokens, mail,
    canned: new CannedReplies({ store, feed }),
    ratings: new Ratings({ store, feed }),
    push,
    team: new Team({ store }),
    visitorSendLimiter: new RateLimiter(config.visitorSendBurst, config.visitorSendPerSecond),
    ipSendLimiter: new RateLimiter(Math.max(config.visitorSendBurst, Math.ceil(config.ipSendPerMinute / 4)), config.ipSendPerMinute / 60),
    signalLimiter: new RateLimiter(20, 4),
    shutdown,
    async start() {
      await store.migrate();
      await feed.start();
      await push.start();
      search.start();
      await presence.start();
      availability.start();
      await desk.start();
      // A folder written to must be there, guarded, before the first upload. One
      // only read from is guarded again if it exists, never made (every WordPress
      // site knows its name, few use it), and its trouble is no reason not to start.
      if (folder === writeTo) await folder.start({ create: true });
      else await folder?.start({ create: false }).catch((err) => log.warn('could not write the protection files of the attachments folder', { code: errorCode(err) }));
      attachments.start();
      mail.start();
      pruneTimer = setInterval(() => {
        store.pruneEvents(new Date(Date.now() - EVENT_KEEP_MS)).catch((err) => log.warn('could not prune old events; retrying next minute', { code: errorCode(err) }));
      }, EVENT_PRUNE_MS);
      pruneTimer.unref();
    },
    beginShutdown() {
      shutdown.begin();
    },
    async stop() {
      shutdown.begin();
      if (pruneTimer) clearInterval(pruneTimer);
      desk.stop();
      await Promise.all([receipts.stop(), activity.stop()]);
      feed.stop();
      await push.stop();
      availability.stop();
      await presence.stop();
      await search.stop();
      await attachments.stop();
      await mail.stop();
      await store.close();
    },
  };
}
