import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ApiError } from '../client/api-error.js';
import { Backoff } from '../client/backoff.js';
import { createFeed, HistoryPager, RemoteTyping, type FeedKind, type Typer } from '../client/chat-session.js';
import { MAX_LENGTH } from '../client/ui/composer.js';
import { MessageLog } from '../client/message-log.js';
import { Outbox } from '../client/outbox.js';
import { SharedFeed } from '../client/shared-feed.js';
import { sleep } from '../client/sleep.js';
import { VisitorApi, type SessionRequest } from '../client/visitor-api.js';
import type { TypingSignal } from '../client/typing-signal.js';
import type { TransportHandlers } from '../client/transport.js';
import type { ChatMessage, FeedBatch, FeedStatus, SessionAnswer, TeamAnswer, TeamMember } from '../client/types.js';
import type { Attachment, AttachmentLimits } from '../protocol/wire.js';
import { VisitorStorage } from './visitor-storage.js';

export type TransportKind = FeedKind;
export type OwnState = 'sending' | 'sent' | 'read' | 'failed';

export interface PendingMessage {
  clientId: string;
  content: string;
  /** Uploaded files sent with it: every attempt names the same ids, under the same clientId. */
  attachments?: Attachment[];
  state: 'sending' | 'failed';
  createdAt: string;
}

export interface ChatControllerOptions {
  base: string;
  transport: TransportKind;
  /** Called with messages from the team as they arrive live (not history pages). */
  onIncoming?: (messages: ChatMessage[]) => void;
  /** Where the stream's hidden iframe goes. */
  streamContainer?: () => Node | null | undefined;
  /**
   * The site's statement of who its logged-in user is (`identity` attribute), and
   * where to get a fresh one when it expired in a page left open (`identity-url`).
   */
  identity?: { token?: string; url?: string; nonce?: string };
  /** The widget's language (`en`, `zh-CN`): the session stores it for mails to the visitor. */
  lang?: string;
}

const PAGE = 30;

/**
 * One visitor's conversation, without any DOM: the session and its stored
 * token, history paging, sending with states and retries (the same
 * `clientId`, so a retry never doubles a message), read receipts, typing both
 * ways, and the shared real-time feed.
 *
 * A Lit ReactiveController: nothing happens until the host asks to `start()`
 * (the panel opens, or this browser already has a conversation). While the
 * host is out of the document everything stops (requests aborted, the feed
 * closed, timers cleared); put back, it carries on from the feed's last
 * cursor, without a new session or history page.
 */
export class ChatController implements ReactiveController {
  visitorId: string | undefined;
  name: string | null = null;
  email: string | null = null;
  /** The site vouched for this visitor (see ChatControllerOptions.identity). */
  verified = false;
  /** When the visitor gave the site's consent; null until then. */
  consentAt: string | null = null;
  /** -1 until the server has said. */
  agentsOnline = -1;
  /** The team resolved the conversation and it is not rated yet: the panel shows the rating card. */
  askRating?: boolean;
  status: FeedStatus = 'connecting';
  started = false;
  /** Who answers (faces, reply time): asked for when the panel opens, before any session exists. */
  team: TeamAnswer | undefined;
  private teamAsked = -2;
  /** What files the server takes (`maxBytes` 0: none); undefined until it said. */
  limits: AttachmentLimits | undefined;
  private limitsAsked?: boolean;
  readonly log = new MessageLog();
  /** History paging: `hasMore`, `loading`. */
  readonly history = new HistoryPager(this.log, (before, limit, signal) => this.api.history(before, limit, signal), PAGE);

  readonly api: VisitorApi;
  private readonly storage: VisitorStorage;
  private feed: SharedFeed | undefined;
  private readUpto = 0;
  private readonly remoteTyping = new RemoteTyping(() => this.changed());
  /** Aborted when the host leaves the document; undefined while it is out. */
  private connection: AbortController | undefined;
  /** What `start()` was last asked with: the session resumes with it when the host comes back. */
  private wanted: SessionRequest | undefined;
  private readonly outbox = new Outbox<PendingMessage, ChatMessage>({
    deliver: async (p) => {
      if (!this.started) await this.start();
      return this.api.send(p.content, p.clientId, p.attachments?.map((a) => a.id));
    },
    onDelivered: (message) => {
      this.handleBatch({ messages: [message], events: [] }, false);
      this.feed?.publish({ messages: [message], events: [] });
    },
    onChange: () => this.changed(),
  });
  /** Loaded at the visitor's first keystroke: many visitors only read. */
  private ownTyping?: TypingSignal;
  private typingLoading = false;
  private starting: Promise<void> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly opts: ChatControllerOptions,
  ) {
    this.storage = new VisitorStorage(opts.base);
    this.api = new VisitorApi(opts.base, this.storage.token ?? undefined);
    host.addController(this);
  }

  hostConnected(): void {
    this.connection = new AbortController();
    if (this.started) this.feed?.start(this.feed.cursor);
    else if (this.wanted) void this.start(this.wanted);
  }

  hostDisconnected(): void {
    this.connection?.abort();
    this.connection = undefined;
    // An unfinished start belongs to the old connection; hostConnected begins a fresh one.
    this.starting = undefined;
    this.feed?.stop();
    this.remoteTyping.clear();
    this.ownTyping?.cancel();
  }

  /**
   * Agents online: the session's word once it exists, else the team answer's,
   * so the pre-chat form can already say Online or Away. -1 while unknown.
   */
  get online(): number {
    return this.agentsOnline >= 0 ? this.agentsOnline : (this.team?.agentsOnline ?? -1);
  }

  /** The team member who sent a message, when the team answer knows them. */
  member(from: string): TeamMember | undefined {
    return this.team?.agents.find((a) => a.id === from);
  }

  /**
   * Asks who answers, once per change in the number of agents online (a face
   * appears as an agent comes online). The sidecar caches the answer, so a page
   * full of widgets costs it nothing.
   */
  async loadTeam(): Promise<void> {
    const signal = this.connection?.signal;
    if (!signal || this.teamAsked === this.agentsOnline) return;
    this.teamAsked = this.agentsOnline;
    try {
      this.team = await this.api.team(signal);
      this.changed();
    } catch (err) {
      // Faces and reply time are decoration: the chat works without them. Asked again on the next change.
      this.teamAsked = -2;
      if (!signal.aborted) console.warn('kefu: could not load the team', err);
    }
  }

  /**
   * Asks once what files the server takes (public and cached, like the
   * team): the answer decides whether the attach button and its chunk load.
   * Without an answer the chat goes on without it; messages with files still
   * show them.
   */
  loadLimits(): void {
    const signal = this.connection?.signal;
    if (!signal || this.limitsAsked) return;
    this.limitsAsked = true;
    this.api.limits(signal).then(
      (limits) => {
        this.limits = limits;
        this.changed();
      },
      // Cut off by the host leaving the page: asked again once it is back.
      () => (this.limitsAsked = !signal.aborted),
    );
  }

  /** Who of the team is typing right now. */
  get typing(): Typer | undefined {
    return this.remoteTyping.get('');
  }

  /** True when this browser already has a conversation with this server. */
  get hasToken(): boolean {
    return !!this.api.token;
  }

  /** Own messages not yet confirmed by the server, sending or failed. */
  get pending(): readonly PendingMessage[] {
    return this.outbox.items;
  }

  set pending(items: readonly PendingMessage[]) {
    this.outbox.items = items;
  }

  /** Own messages and pending ones, plus the team's, in display order. */
  get messages(): readonly ChatMessage[] {
    return this.log.messages;
  }

  isOwn(m: ChatMessage): boolean {
    return m.from === this.visitorId;
  }

  stateOf(m: ChatMessage): OwnState {
    return m.read || m.mid <= this.readUpto ? 'read' : 'sent';
  }

  /** Messages from the team newer than the last one the visitor saw. */
  get unread(): number {
    const seen = this.storage.seenMid;
    return this.log.messages.filter((m) => m.mid > seen && !this.isOwn(m)).length;
  }

  markSeen(): void {
    const newest = this.log.newestMid;
    if (newest !== undefined && newest > this.storage.seenMid) {
      this.storage.seenMid = newest;
      this.changed();
    }
  }

  /** Opens (or resumes) the session, loads the latest page and starts the feed; again after a re-attach. */
  start(profile: SessionRequest = {}): Promise<void> {
    this.wanted = profile;
    const signal = this.connection?.signal;
    if (!signal) return Promise.resolve();
    const run: Promise<void> = (this.starting ??= this.doStart(profile, signal).finally(() => {
      if (this.starting === run) this.starting = undefined;
    }));
    return run;
  }

  private async doStart(profile: SessionRequest, signal: AbortSignal): Promise<void> {
    const backoff = new Backoff({ baseMs: 1000 });
    let identity = this.opts.identity?.token;
    let renewedIdentity = false;
    while (!signal.aborted) {
      try {
        const session = await this.api.session(
          { ...profile, identity, lang: this.opts.lang, page: location.href, referrer: document.referrer || undefined },
          signal,
        );
        this.storage.token = session.token;
        this.remember(session, profile);
        if (!this.started) {
          await this.history.latest(signal);
          if (signal.aborted) return;
          this.startFeed(session.cursor);
          this.started = true;
        }
        this.changed();
        return;
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof ApiError && err.status === 401 && identity) {
          // The sidecar checks the identity first: a page left open past the token's
          // life gets a fresh one; failing that, the chat goes on unverified.
          identity = renewedIdentity ? undefined : await this.renewIdentity();
          renewedIdentity = true;
          continue;
        }
        if (err instanceof ApiError && err.status === 401 && this.api.token) {
          // A token this server no longer accepts (its secret changed): start afresh.
          this.api.token = undefined;
          this.storage.token = null;
          continue;
        }
        this.status = 'reconnecting';
        this.changed();
        await sleep(backoff.next(err instanceof ApiError ? err.retryAfterMs : undefined), signal);
      }
    }
  }

  /** A fresh identity token from the site (`identity-url`), or undefined; its code loads only when needed. */
  private async renewIdentity(): Promise<string | undefined> {
    const { url, nonce } = this.opts.identity ?? {};
    return url ? (await import('./renew-identity.js')).renewIdentity(url, nonce) : undefined;
  }

  private remember(session: SessionAnswer, profile: SessionRequest): void {
    this.visitorId = session.visitorId;
    this.name = session.name ?? profile.name ?? this.name;
    this.email = session.email ?? profile.email ?? this.email;
    this.verified = session.verified;
    this.consentAt = session.consentAt;
    this.agentsOnline = session.agentsOnline;
    this.askRating = session.askRating;
  }

  /** Updates name and email (the offline and pre-chat forms) or records consent; the token is resumed. */
  async updateProfile(profile: SessionRequest): Promise<void> {
    if (!this.started) return this.start(profile);
    const session = await this.api.session({ ...profile, identity: this.verified ? this.opts.identity?.token : undefined, page: location.href, referrer: document.referrer || undefined });
    this.storage.token = session.token;
    this.remember(session, profile);
    this.changed();
  }

  loadOlder(): Promise<void> {
    return this.started ? this.history.older(() => this.changed(), this.connection?.signal) : Promise.resolve();
  }

  private startFeed(cursor: string): void {
    const handlers: TransportHandlers = {
      onBatch: (batch) => this.handleBatch(batch, true),
      onStatus: (status) => {
        this.status = status;
        this.changed();
      },
      onFatal: () => {
        // The token stopped working mid-conversation: get a new session.
        this.feed?.stop();
        this.started = false;
        void this.start();
      },
    };
    const feed = {
      poll: (c: string | undefined, wait: number, signal: AbortSignal) => this.api.poll(c, wait, signal),
      streamPath: '/kefu/visitor/stream',
      ticket: (signal: AbortSignal) => this.api.streamTicket(signal),
      base: this.opts.base,
      container: this.opts.streamContainer,
    };
    this.feed = new SharedFeed(`kefu:${this.visitorId}`, (h) => createFeed(this.opts.transport, feed, h), handlers);
    this.feed.start(cursor);
  }

  /** Applies one delivery, from any transport, tab or send answer. */
  handleBatch(batch: FeedBatch, live: boolean): void {
    if (typeof batch.agentsOnline === 'number') this.agentsOnline = batch.agentsOnline;
    const fresh = this.log.add(batch.messages ?? []);
    if (fresh.length) this.outbox.settle(fresh.map((m) => m.clientId));
    for (const ev of batch.events ?? []) {
      if (ev.type === 'presence') this.agentsOnline = ev.agentsOnline;
      else if (ev.type === 'read' && ev.by === 'agent' && (!ev.visitorId || ev.visitorId === this.visitorId)) {
        this.readUpto = Math.max(this.readUpto, ev.upto);
        this.log.markRead(ev.upto, (m) => this.isOwn(m));
      } else if (ev.type === 'typing' && ev.from !== this.visitorId) this.remoteTyping.set('', ev.typing, ev);
      else if (ev.type === 'status') this.askRating = ev.status === 'resolved';
    }
    const incoming = fresh.filter((m) => !this.isOwn(m));
    for (const m of incoming) this.remoteTyping.heard('', m.from);
    if (live && incoming.length) this.opts.onIncoming?.(incoming);
    this.changed();
  }

  /** Sends a line and any uploaded files; false when there is nothing to send or the text is too long. */
  send(text: string, attachments: Attachment[] = []): boolean {
    const content = text.trim();
    if ((!content && !attachments.length) || content.length > MAX_LENGTH) return false;
    this.stopTyping();
    this.outbox.send({ content, attachments: attachments.length ? attachments : undefined, createdAt: new Date().toISOString() });
    return true;
  }

  /** Sends a failed message again with its original clientId. */
  retry(clientId: string): void {
    this.outbox.retry(clientId);
  }

  /** Call on every keystroke in the composer: sends `typing: true` at most every 3 s, `false` after 4 s idle. */
  noteTyping(): void {
    if (!this.started) return;
    if (this.ownTyping) return this.ownTyping.note();
    if (this.typingLoading) return;
    this.typingLoading = true;
    void import('../client/typing-signal.js').then((m) => {
      this.ownTyping = new m.TypingSignal((typing) => this.api.typing(typing));
      this.ownTyping.note();
    });
  }

  stopTyping(): void {
    this.ownTyping?.stop();
  }

  private changed(): void {
    this.host.requestUpdate();
  }
}
