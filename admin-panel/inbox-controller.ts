import { AgentApi } from '../client/agent-api.js';
import { ApiError } from '../client/api-error.js';
import { FallbackTransport } from '../client/fallback-transport.js';
import { IframeStreamTransport } from '../client/iframe-stream-transport.js';
import { createLongPollTransport } from '../client/long-poll-transport.js';
import { MessageLog } from '../client/message-log.js';
import { Outbox } from '../client/outbox.js';
import { jwtClaims, TokenSource } from '../client/token-source.js';
import type { Transport, TransportHandlers } from '../client/transport.js';
import { TypingSignal } from '../client/typing-signal.js';
import type { ChatMessage, Conversation, FeedBatch, FeedStatus } from '../client/types.js';
import { isTeam } from '../protocol/wire.js';

export type Presence = 'online' | 'away';

/**
 * A conversation as the console knows it: the list's entry, or, until the list
 * has been fetched again, only what the feed has shown of it.
 */
export type InboxConversation = Pick<Conversation, 'visitorId' | 'unread'> & Partial<Omit<Conversation, 'visitorId' | 'unread'>>;

export interface PendingReply {
  clientId: string;
  visitorId: string;
  content: string;
  state: 'sending' | 'failed';
}

export interface InboxOptions {
  base: string;
  tokens: TokenSource;
  transport: 'iframe' | 'long-poll';
  /** A visitor message arrived live. */
  onVisitorMessage?: (conversation: InboxConversation, message: ChatMessage) => void;
  onChange?: () => void;
  /** The token was refused and cannot be renewed. */
  onUnauthorized?: () => void;
  /** Where the stream's hidden iframe goes. */
  streamContainer?: () => Node | null | undefined;
}

const PAGE = 40;
const PRESENCE_KEY = 'kefu-admin.presence';

/**
 * The agent's view of the inbox without any DOM: the conversation list kept
 * current by the feed, each conversation's history, read marking, typing,
 * replies and presence.
 */
export class InboxController {
  readonly api: AgentApi;
  readonly conversations = new Map<string, InboxConversation>();
  readonly logs = new Map<string, MessageLog>();
  readonly hasMore = new Map<string, boolean>();
  /** Highest agent-message mid each visitor has read. */
  readonly visitorReadUpto = new Map<string, number>();
  readonly typing = new Map<string, { from: string; name?: string }>();
  selected: string | undefined;
  status: FeedStatus = 'connecting';
  agentsOnline = 0;
  presence: Presence;
  loadingOlder = false;
  listLoaded = false;
  /** Set when the view is in front of the agent (tab visible, conversation open). */
  viewing = true;

  private feed: Transport | undefined;
  private readonly typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private presenceTimer: ReturnType<typeof setInterval> | undefined;
  private listTimer: ReturnType<typeof setInterval> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly outbox = new Outbox<PendingReply, ChatMessage>({
    deliver: (p) => this.withToken(() => this.api.send(p.visitorId, p.content, p.clientId)),
    onDelivered: (message) => {
      this.applyMessage(message);
      this.changed();
    },
    onChange: () => this.changed(),
  });
  private readonly ownTyping = new TypingSignal<string>((typing, visitorId) => this.api.typing(visitorId, typing));

  constructor(private readonly opts: InboxOptions) {
    this.api = new AgentApi(opts.base, () => opts.tokens.token);
    let stored: string | null = null;
    try {
      stored = localStorage.getItem(PRESENCE_KEY);
    } catch {
      // no storage: default presence
    }
    this.presence = stored === 'away' ? 'away' : 'online';
  }

  /** Replies not yet confirmed by the server, sending or failed. */
  get pending(): readonly PendingReply[] {
    return this.outbox.items;
  }

  /** `agent:<id>` of the signed-in agent. */
  get me(): string | undefined {
    return jwtClaims(this.opts.tokens.token).sub;
  }

  get myName(): string | undefined {
    return jwtClaims(this.opts.tokens.token).name;
  }

  /** Latest activity first. */
  get sorted(): InboxConversation[] {
    return [...this.conversations.values()].sort((a, b) => activity(b) - activity(a));
  }

  get totalUnread(): number {
    let n = 0;
    for (const c of this.conversations.values()) n += c.unread || 0;
    return n;
  }

  /**
   * Conversations whose last word is the visitor's, written between
   * `olderThanMs` and `giveUpMs` ago: someone is waiting for an answer. Older
   * ones are left to the list; reminding about last week's every minute helps nobody.
   */
  waiting(olderThanMs: number, giveUpMs = 30 * 60_000): InboxConversation[] {
    const now = Date.now();
    return [...this.conversations.values()].filter((c) => {
      const m = c.lastMessage;
      if (!m?.createdAt || isTeam(m.from)) return false;
      const age = now - Date.parse(m.createdAt);
      return age >= olderThanMs && age <= giveUpMs;
    });
  }

  async start(): Promise<void> {
    // Feed first: a poll without a cursor starts "now", and the list fetched
    // after it then covers everything before.
    this.startFeed(undefined);
    void this.sendPresence();
    this.presenceTimer = setInterval(() => {
      // agentsOnline counts agents seen in the last 90 s; the feed alone may be an iframe that is not "seen".
      if (this.presence === 'online') void this.sendPresence();
    }, 45_000);
    // Online dots and details of visitors who went quiet: the feed has no event for leaving.
    this.listTimer = setInterval(() => void this.refreshList(), 60_000);
    await this.refreshList();
  }

  stop(): void {
    this.feed?.stop();
    clearInterval(this.presenceTimer);
    clearInterval(this.listTimer);
    clearTimeout(this.refreshTimer);
    for (const t of this.typingTimers.values()) clearTimeout(t);
  }

  /** Retries a call once with a fresh token when the server refused the current one. */
  private async withToken<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401 && this.opts.tokens.canRefresh) {
        await this.opts.tokens.refresh();
        try {
          return await call();
        } catch (again) {
          if (again instanceof ApiError && again.status === 401) this.opts.onUnauthorized?.();
          throw again;
        }
      }
      if (err instanceof ApiError && err.status === 401) this.opts.onUnauthorized?.();
      throw err;
    }
  }

  async refreshList(): Promise<void> {
    try {
      const list = await this.withToken(() => this.api.conversations());
      for (const entry of list) {
        const known = this.conversations.get(entry.visitorId);
        const lastMessage = newer(known?.lastMessage, entry.lastMessage);
        const unread = entry.visitorId === this.selected && this.viewing ? 0 : entry.unread ?? 0;
        this.conversations.set(entry.visitorId, { ...known, ...entry, lastMessage, unread });
      }
      this.listLoaded = true;
      this.changed();
    } catch {
      // The next feed event or refresh tries again.
    }
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refreshList(), 300);
  }

  async setPresence(status: Presence): Promise<void> {
    this.presence = status;
    try {
      localStorage.setItem(PRESENCE_KEY, status);
    } catch {
      // not remembered
    }
    this.changed();
    await this.sendPresence();
  }

  private async sendPresence(): Promise<void> {
    try {
      await this.withToken(() => this.api.presence(this.presence));
    } catch {
      // Retried by the interval.
    }
  }

  private startFeed(cursor: string | undefined): void {
    const handlers: TransportHandlers = {
      onBatch: (batch) => this.handleBatch(batch),
      onStatus: (status) => {
        const wasLive = this.status === 'live';
        this.status = status;
        // Connected (again): the list catches up with whatever happened before the feed's cursor.
        if (status === 'live' && !wasLive) void this.refreshList();
        this.changed();
      },
      onFatal: () => {
        const last = this.feed?.cursor;
        const refused = this.opts.tokens.token;
        void this.opts.tokens.refresh().then((fresh) => {
          if (fresh && fresh !== refused) return this.startFeed(last);
          // No new token: the CMS refused it (logged out, capability gone, user
          // deleted) or is unreachable. Stop rather than retry in a loop; resume()
          // carries on from here once a token arrives.
          this.feed?.stop();
          this.stalledAt = last ?? null;
          this.opts.onUnauthorized?.();
        });
      },
    };
    const poll = (c: string | undefined, wait: number, signal: AbortSignal) => this.api.poll(c, wait, signal);
    this.feed?.stop();
    this.feed =
      this.opts.transport === 'long-poll'
        ? createLongPollTransport(poll, handlers)
        : new FallbackTransport(
            (h, giveUp) =>
              new IframeStreamTransport(h, {
                base: this.opts.base,
                path: '/kefu/agent/stream',
                ticket: (signal) => this.api.streamTicket(signal),
                container: this.opts.streamContainer,
                onFallback: giveUp,
              }),
            (h) => createLongPollTransport(poll, h),
            handlers,
          );
    this.feed.start(cursor);
  }

  /** Where the feed stopped for want of a token (null: from the start); undefined while it runs. */
  private stalledAt: string | null | undefined;

  /** Restarts a feed that stopped for want of a token, now that there is one. */
  resume(): void {
    if (this.stalledAt === undefined) return;
    const from = this.stalledAt ?? undefined;
    this.stalledAt = undefined;
    this.startFeed(from);
  }

  /** True once the iframe stream was abandoned for the long poll. */
  get streamFellBack(): boolean {
    return this.feed instanceof FallbackTransport && this.feed.usingFallback;
  }

  handleBatch(batch: FeedBatch): void {
    if (typeof batch.agentsOnline === 'number') this.agentsOnline = batch.agentsOnline;
    for (const m of batch.messages ?? []) this.applyMessage(m);
    for (const ev of batch.events ?? []) {
      switch (ev.type) {
        case 'presence':
          this.agentsOnline = ev.agentsOnline;
          break;
        case 'visitor': {
          const v = ev.visitor;
          const known = this.conversations.get(v.visitorId);
          this.conversations.set(v.visitorId, { unread: 0, lastMessage: null, ...known, ...v, online: v.online ?? true });
          break;
        }
        case 'read': {
          if (ev.by === 'visitor') {
            this.visitorReadUpto.set(ev.visitorId, Math.max(this.visitorReadUpto.get(ev.visitorId) ?? 0, ev.upto));
            this.logs.get(ev.visitorId)?.markRead(ev.upto, (m) => isTeam(m.from));
          } else {
            // A colleague (or this agent in another tab) read the conversation.
            const c = this.conversations.get(ev.visitorId);
            if (c && (!c.lastMessage || c.lastMessage.mid <= ev.upto)) c.unread = 0;
            this.logs.get(ev.visitorId)?.markRead(ev.upto, (m) => !isTeam(m.from));
          }
          break;
        }
        case 'typing': {
          if (ev.from === this.me) break;
          const key = ev.visitorId;
          clearTimeout(this.typingTimers.get(key));
          if (ev.typing) {
            this.typing.set(key, { from: ev.from, name: ev.name });
            this.typingTimers.set(
              key,
              setTimeout(() => {
                this.typing.delete(key);
                this.changed();
              }, 6000),
            );
          } else this.typing.delete(key);
          break;
        }
      }
    }
    this.changed();
  }

  private applyMessage(m: ChatMessage): void {
    // The server says whose conversation a row is: visitor ids written by other
    // software (`guest42`, a number) have no prefix to recognise them by.
    const visitorId = m.conversation;
    // A row between team members has no visitor, so no conversation to file it under.
    if (isTeam(visitorId)) return;
    const log = this.logs.get(visitorId);
    const fresh = log ? log.add([m]).length > 0 : true;
    let c = this.conversations.get(visitorId);
    if (!c) {
      c = { visitorId, unread: 0, lastMessage: null };
      this.conversations.set(visitorId, c);
      this.scheduleRefresh();
    }
    const isNew = !c.lastMessage || m.mid > c.lastMessage.mid;
    if (isNew) {
      c.lastMessage = m;
      c.lastMessageAt = m.createdAt;
    }
    if (m.clientId) this.outbox.settle([m.clientId]);
    const typer = this.typing.get(visitorId);
    if (typer?.from === m.from) this.typing.delete(visitorId);
    if (isTeam(m.from) || !fresh || !isNew) return;
    c.online = true;
    if (visitorId === this.selected && this.viewing) void this.markRead(visitorId);
    else c.unread = (c.unread || 0) + 1;
    this.opts.onVisitorMessage?.(c, m);
  }

  async select(visitorId: string | undefined): Promise<void> {
    const typingTo = this.ownTyping.recipient;
    if (typingTo && typingTo !== visitorId) this.stopTyping();
    this.selected = visitorId;
    this.changed();
    if (!visitorId) return;
    if (!this.logs.has(visitorId)) {
      const log = new MessageLog();
      this.logs.set(visitorId, log);
      try {
        const page = await this.withToken(() => this.api.history(visitorId, undefined, PAGE));
        this.hasMore.set(visitorId, page.length >= PAGE);
        log.add(page);
        const c = this.conversations.get(visitorId);
        if (c) c.lastMessage = newer(c.lastMessage, page[page.length - 1]);
      } catch {
        this.logs.delete(visitorId);
      }
    }
    if (this.viewing) await this.markRead(visitorId);
    this.changed();
  }

  async loadOlder(): Promise<void> {
    const visitorId = this.selected;
    const log = visitorId ? this.logs.get(visitorId) : undefined;
    if (!visitorId || !log || this.loadingOlder || this.hasMore.get(visitorId) === false) return;
    const before = log.oldestMid;
    if (before === undefined) return;
    this.loadingOlder = true;
    this.changed();
    try {
      const page = await this.withToken(() => this.api.history(visitorId, before, PAGE));
      this.hasMore.set(visitorId, page.length >= PAGE);
      log.add(page);
    } catch {
      // The next scroll tries again.
    } finally {
      this.loadingOlder = false;
      this.changed();
    }
  }

  /** Marks the visitor's messages read up to the newest one (the visitor then sees "read"). */
  async markRead(visitorId: string): Promise<void> {
    const c = this.conversations.get(visitorId);
    const log = this.logs.get(visitorId);
    const upto = Math.max(c?.lastMessage?.mid ?? 0, log?.newestMid ?? 0);
    if (c) c.unread = 0;
    this.changed();
    if (!upto) return;
    try {
      await this.withToken(() => this.api.read(visitorId, upto));
    } catch {
      // Read marking is retried on the next view.
    }
  }

  /** Sends a reply to the selected conversation; false if there is nothing to send. */
  send(text: string): boolean {
    const visitorId = this.selected;
    const content = text.trim();
    if (!visitorId || !content || content.length > 4000) return false;
    this.stopTyping();
    this.outbox.send({ visitorId, content });
    return true;
  }

  /** Sends a failed reply again with its original clientId. */
  retry(clientId: string): void {
    this.outbox.retry(clientId);
  }

  noteTyping(): void {
    if (this.selected) this.ownTyping.note(this.selected);
  }

  stopTyping(): void {
    this.ownTyping.stop();
  }

  private changed(): void {
    this.opts.onChange?.();
  }
}

function activity(c: InboxConversation): number {
  const t = c.lastMessage?.createdAt ?? c.lastMessageAt ?? c.lastSeenAt ?? c.firstSeenAt;
  return t ? Date.parse(t) || 0 : 0;
}

function newer(a: ChatMessage | null | undefined, b: ChatMessage | null | undefined): ChatMessage | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return b.mid > a.mid ? b : a;
}
