import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { AgentApi } from '../client/agent-api.js';
import { ApiError } from '../client/api-error.js';
import { createFeed, HistoryPager, RemoteTyping } from '../client/chat-session.js';
import { MAX_LENGTH } from '../client/ui/composer.js';
import { FallbackTransport } from '../client/fallback-transport.js';
import { MessageLog } from '../client/message-log.js';
import { Outbox } from '../client/outbox.js';
import { jwtClaims, TokenSource } from '../client/token-source.js';
import type { Transport, TransportHandlers } from '../client/transport.js';
import { TypingSignal } from '../client/typing-signal.js';
import type { ChatMessage, Conversation, FeedBatch, FeedStatus } from '../client/types.js';
import { isTeam, type Attachment, type ConversationCounts, type ConversationEvent, type ConversationFilter, type ConversationState, type KefuEvent } from '../protocol/wire.js';
import { matchesFilter, shiftCounts } from './conversation-filter.js';

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
  /** Uploaded files it carries (sent again, by id, with a retry). */
  attachments?: readonly Attachment[];
}

export interface InboxOptions {
  base: string;
  tokens: TokenSource;
  transport: 'iframe' | 'long-poll';
  /** A visitor message arrived live. */
  onVisitorMessage?: (conversation: InboxConversation, message: ChatMessage) => void;
  /** The token was refused and cannot be renewed. */
  onUnauthorized?: () => void;
  /** Where the stream's hidden iframe goes. */
  streamContainer?: () => Node | null | undefined;
  /** Every event of every batch, after the inbox applied it (the help desk takes its own from them). */
  onEvents?: (events: readonly KefuEvent[]) => void;
  /** A colleague (or auto-assignment) gave this agent a conversation. */
  onHandoff?: (conversation: InboxConversation, change: ConversationEvent) => void;
}

const PAGE = 40;
const PRESENCE_KEY = 'kefu-admin.presence';
const FILTER_KEY = 'kefu-admin.filter';
const FILTERS: readonly ConversationFilter[] = ['mine', 'unassigned', 'open', 'resolved'];

/**
 * The agent's view of the inbox without any DOM: the conversation list kept
 * current by the feed, each conversation's history, read marking, typing,
 * replies and presence.
 *
 * A Lit ReactiveController: it connects when its host enters the document
 * (fetching a token first when it has none) and stops everything when the
 * host leaves (requests aborted, feed stopped, timers and token renewal
 * cleared). Put back, it resumes the same feed from its last cursor, so what
 * was said meanwhile arrives, once. Conversation entries are replaced, never
 * changed in place, so views can compare them by identity.
 */
export class InboxController implements ReactiveController {
  readonly api: AgentApi;
  readonly conversations = new Map<string, InboxConversation>();
  /** The history of each conversation the agent has opened (a thread exists only once its latest page is in). */
  readonly threads = new Map<string, HistoryPager>();
  /** Highest agent-message mid each visitor has read. */
  readonly visitorReadUpto = new Map<string, number>();
  /** Who is typing in each conversation (the visitor, or a colleague). */
  readonly typing = new RemoteTyping(() => this.changed());
  selected: string | undefined;
  status: FeedStatus = 'connecting';
  agentsOnline = 0;
  presence: Presence;
  listLoaded = false;
  /** The list's tab; remembered across visits. */
  filter: ConversationFilter;
  /** How many conversations each tab holds, once the list has been fetched. */
  counts: ConversationCounts | undefined;
  /** Set when the view is in front of the agent (tab visible, conversation open). */
  viewing = true;

  private readonly feed: Transport;
  /** Where the feed stood when the host left; undefined the first time ("from now"). */
  private cursor: string | undefined;
  /** Aborted when the host leaves the document; undefined while it is out. */
  private connection: AbortController | undefined;
  private presenceTimer: ReturnType<typeof setInterval> | undefined;
  private listTimer: ReturnType<typeof setInterval> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly outbox = new Outbox<PendingReply, ChatMessage>({
    deliver: (p) => this.withToken(() => this.api.send(p.visitorId, p.content, p.clientId, p.attachments?.map((a) => a.id))),
    onDelivered: (message) => {
      this.applyMessage(message);
      this.changed();
    },
    onChange: () => this.changed(),
  });
  private readonly ownTyping = new TypingSignal<string>((typing, visitorId) => this.api.typing(visitorId, typing));

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly opts: InboxOptions,
  ) {
    this.api = new AgentApi(opts.base, () => opts.tokens.token);
    this.presence = remembered(PRESENCE_KEY) === 'away' ? 'away' : 'online';
    const filter = remembered(FILTER_KEY) as ConversationFilter;
    this.filter = FILTERS.includes(filter) ? filter : 'open';
    // One feed for the controller's life: restarted (not rebuilt) after a
    // re-attach, so a stream that already fell back to the long poll stays there.
    this.feed = createFeed(
      opts.transport,
      {
        poll: (c, wait, signal) => this.api.poll(c, wait, signal),
        streamPath: '/kefu/agent/stream',
        ticket: (signal) => this.api.streamTicket(signal),
        base: opts.base,
        container: opts.streamContainer,
      },
      this.feedHandlers,
    );
    host.addController(this);
  }

  hostConnected(): void {
    const connection = new AbortController();
    this.connection = connection;
    this.opts.tokens.resume();
    void this.connect(connection.signal);
  }

  hostDisconnected(): void {
    this.connection?.abort();
    this.connection = undefined;
    if (this.stalledAt === undefined) this.cursor = this.feed.cursor ?? this.cursor;
    this.feed.stop();
    clearInterval(this.presenceTimer);
    clearInterval(this.listTimer);
    clearTimeout(this.refreshTimer);
    this.typing.clear();
    this.ownTyping.cancel();
    this.opts.tokens.dispose();
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

  /** The token lets this agent edit the team's shared canned replies (the server decides; this only shapes the view). */
  get canManage(): boolean {
    return jwtClaims(this.opts.tokens.token).manage === true;
  }

  /** Latest activity first. */
  get sorted(): InboxConversation[] {
    return [...this.conversations.values()].sort((a, b) => activity(b) - activity(a));
  }

  /** The current tab's conversations, latest activity first; the open one stays listed even after it left the tab. */
  get visible(): InboxConversation[] {
    const me = this.me;
    return this.sorted.filter((c) => c.visitorId === this.selected || matchesFilter(c, this.filter, me));
  }

  /** Shows another tab (fetching its conversations: resolved ones are not kept otherwise). */
  async setFilter(filter: ConversationFilter): Promise<void> {
    if (filter === this.filter) return;
    this.filter = filter;
    remember(FILTER_KEY, filter);
    this.changed();
    await this.refreshList();
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

  private async connect(signal: AbortSignal): Promise<void> {
    if (!this.opts.tokens.token && this.opts.tokens.canRefresh) await this.opts.tokens.refresh();
    if (signal.aborted) return;
    // Feed first: a poll without a cursor starts "now", and the list fetched
    // after it then covers everything before. Back in the document, the feed
    // carries on from where it stopped, unless it stalled for want of a token.
    if (this.stalledAt === undefined) this.feed.start(this.cursor);
    void this.sendPresence();
    this.presenceTimer = setInterval(() => {
      // agentsOnline counts agents seen in the last 90 s; the feed alone may be an iframe that is not "seen".
      if (this.presence === 'online') void this.sendPresence();
    }, 45_000);
    // Online dots and details of visitors who went quiet: the feed has no event for leaving.
    this.listTimer = setInterval(() => void this.refreshList(), 60_000);
    await this.refreshList();
  }

  /** Retries a call once with a fresh token when the server refused the current one. */
  async withToken<T>(call: () => Promise<T>): Promise<T> {
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
      const { conversations: list, counts } = await this.withToken(() => this.api.conversations(this.filter, this.connection?.signal));
      this.counts = counts;
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
    remember(PRESENCE_KEY, status);
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

  private readonly feedHandlers: TransportHandlers = {
    onBatch: (batch) => this.handleBatch(batch),
    onStatus: (status) => {
      const wasLive = this.status === 'live';
      this.status = status;
      // Connected (again): the list catches up with whatever happened before the feed's cursor.
      if (status === 'live' && !wasLive) void this.refreshList();
      this.changed();
    },
    onFatal: () => {
      const last = this.feed.cursor;
      const refused = this.opts.tokens.token;
      void this.opts.tokens.refresh().then((fresh) => {
        if (!this.connection) return;
        if (fresh && fresh !== refused) return this.feed.start(last);
        // No new token: the CMS refused it (logged out, capability gone, user
        // deleted) or is unreachable. Stop rather than retry in a loop; resume()
        // carries on from here once a token arrives.
        this.feed.stop();
        this.stalledAt = last ?? null;
        this.opts.onUnauthorized?.();
      });
    },
  };

  /** Where the feed stopped for want of a token (null: from the start); undefined while it runs. */
  private stalledAt: string | null | undefined;

  /** Restarts a feed that stopped for want of a token, now that there is one. */
  resume(): void {
    if (this.stalledAt === undefined) return;
    const from = this.stalledAt ?? undefined;
    this.stalledAt = undefined;
    if (this.connection) this.feed.start(from);
    else this.cursor = from;
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
          const log = this.threads.get(ev.visitorId)?.log;
          if (ev.by === 'visitor') {
            this.visitorReadUpto.set(ev.visitorId, Math.max(this.visitorReadUpto.get(ev.visitorId) ?? 0, ev.upto));
            log?.markRead(ev.upto, (m) => isTeam(m.from));
          } else {
            // A colleague (or this agent in another tab) read the conversation.
            const c = this.conversations.get(ev.visitorId);
            if (c && (!c.lastMessage || c.lastMessage.mid <= ev.upto)) this.patch(ev.visitorId, { unread: 0 });
            log?.markRead(ev.upto, (m) => !isTeam(m.from));
          }
          break;
        }
        case 'typing':
          if (ev.from !== this.me) this.typing.set(ev.visitorId, ev.typing, ev);
          break;
        case 'conversation':
          this.applyState(ev, ev);
          break;
        case 'block':
        case 'unblock': {
          const visitorId = ev.type === 'block' ? ev.block.visitorId : ev.visitorId;
          if (this.conversations.has(visitorId)) this.patch(visitorId, { blocked: ev.type === 'block' });
          break;
        }
      }
    }
    if (batch.events?.length) this.opts.onEvents?.(batch.events);
    this.changed();
  }

  /**
   * A conversation's new status or owner, from the feed or from the answer to
   * this agent's own action (whichever comes first; the second changes nothing).
   */
  applyState(state: ConversationState, change?: ConversationEvent): void {
    const before = this.conversations.get(state.visitorId);
    if (before?.status === state.status && (before.assignee ?? null) === state.assignee) return;
    const me = this.me;
    // Counts move with the change; a conversation the list never had is counted by the server again.
    if (this.counts && before?.status) this.counts = shiftCounts(this.counts, before, state, me);
    else this.scheduleRefresh();
    const c = this.patch(state.visitorId, { status: state.status, assignee: state.assignee, assigneeName: state.assigneeName });
    if (change && me && state.assignee === me && change.by !== me && before?.assignee !== me) this.opts.onHandoff?.(c, change);
    this.changed();
  }

  /** Replaces a conversation's entry with a changed copy (views compare entries by identity). */
  private patch(visitorId: string, fields: Partial<InboxConversation>): InboxConversation {
    const c = { unread: 0, lastMessage: null, ...this.conversations.get(visitorId), ...fields, visitorId };
    this.conversations.set(visitorId, c);
    return c;
  }

  private applyMessage(m: ChatMessage): void {
    // The server says whose conversation a row is: visitor ids written by other
    // software (`guest42`, a number) have no prefix to recognise them by.
    const visitorId = m.conversation;
    // A row between team members has no visitor, so no conversation to file it under.
    if (isTeam(visitorId)) return;
    const log = this.threads.get(visitorId)?.log;
    const fresh = log ? log.add([m]).length > 0 : true;
    const known = this.conversations.get(visitorId);
    // New to the list (or known only from its visitor's session): the list and its counts are fetched again.
    if (!known?.status) this.scheduleRefresh();
    const isNew = !known?.lastMessage || m.mid > known.lastMessage.mid;
    let c = isNew ? this.patch(visitorId, { lastMessage: m, lastMessageAt: m.createdAt }) : known!;
    if (m.clientId) this.outbox.settle([m.clientId]);
    this.typing.heard(visitorId, m.from);
    if (isTeam(m.from) || !fresh || !isNew) return;
    const reading = visitorId === this.selected && this.viewing;
    c = this.patch(visitorId, { online: true, unread: reading ? c.unread : (c.unread || 0) + 1 });
    if (reading) void this.markRead(visitorId);
    this.opts.onVisitorMessage?.(c, m);
  }

  /** The history of a conversation, made empty the first time it is asked for. */
  openThread(visitorId: string): HistoryPager {
    let thread = this.threads.get(visitorId);
    if (!thread) {
      thread = new HistoryPager(new MessageLog(), (before, limit, signal) => this.withToken(() => this.api.history(visitorId, before, limit, signal)), PAGE);
      this.threads.set(visitorId, thread);
    }
    return thread;
  }

  async select(visitorId: string | undefined): Promise<void> {
    const typingTo = this.ownTyping.recipient;
    if (typingTo && typingTo !== visitorId) this.stopTyping();
    this.selected = visitorId;
    this.changed();
    if (!visitorId) return;
    if (!this.threads.has(visitorId)) {
      const thread = this.openThread(visitorId);
      try {
        const page = await thread.latest(this.connection?.signal);
        const c = this.conversations.get(visitorId);
        if (c) this.patch(visitorId, { lastMessage: newer(c.lastMessage, page[page.length - 1]) });
      } catch {
        // Not opened after all: the next selection fetches it again.
        this.threads.delete(visitorId);
      }
    }
    if (this.viewing) await this.markRead(visitorId);
    this.changed();
  }

  /** The selected conversation's previous page of history. */
  async loadOlder(): Promise<void> {
    const thread = this.selected ? this.threads.get(this.selected) : undefined;
    await thread?.older(() => this.changed(), this.connection?.signal);
  }

  /** Marks the visitor's messages read up to the newest one (the visitor then sees "read"). */
  async markRead(visitorId: string): Promise<void> {
    const c = this.conversations.get(visitorId);
    const upto = Math.max(c?.lastMessage?.mid ?? 0, this.threads.get(visitorId)?.log.newestMid ?? 0);
    if (c?.unread) this.patch(visitorId, { unread: 0 });
    this.changed();
    if (!upto) return;
    try {
      await this.withToken(() => this.api.read(visitorId, upto));
    } catch {
      // Read marking is retried on the next view.
    }
  }

  /** Sends a reply to the selected conversation, with uploaded files; false if there is nothing to send. */
  send(text: string, attachments: readonly Attachment[] = []): boolean {
    const visitorId = this.selected;
    const content = text.trim();
    if (!visitorId || (!content && !attachments.length) || content.length > MAX_LENGTH) return false;
    this.stopTyping();
    this.outbox.send(attachments.length ? { visitorId, content, attachments } : { visitorId, content });
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
    this.host.requestUpdate();
  }
}

function remembered(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function remember(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // no storage: forgotten on the next visit
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
