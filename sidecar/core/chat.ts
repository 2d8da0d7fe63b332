// What visitors and agents can do, independent of how they are connected.
// Every write ends with a tail kick, so this process delivers it at once.
import { randomBytes } from 'node:crypto';
import { ADMIN, conversationOf, type Audience, type KefuEvent, type Message, type VisitorProfile } from './message.js';
import { badRequest, errorCode, KefuError } from './kefu-error.js';
import type { Logger } from '../logger.js';
import type { Delivery } from './delivery.js';
import type { Cursor } from './cursor.js';
import type { MessageFeed } from './message-feed.js';
import type { Presence } from './presence.js';
import type { Receipts } from './receipts.js';
import type { Activity } from './activity.js';
import { AttachmentsTakenError, type Store, type VisitorUpdate } from '../store/store.js';
import type { Attachments } from './attachments.js';
import { rowContent } from './attachment-text.js';
import type { VerifiedUser } from '../auth/tokens.js';
import type { HelpDesk } from './help-desk.js';
import type { ConversationFilter } from '../store/desk-store.js';

export const MAX_CONTENT = 4000;
const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface Agent {
  id: string;
  name: string;
  /** The CMS lets this agent manage the team's settings (the token's `manage` claim): shared canned replies. */
  manage?: boolean;
  /** The token's `avatar` claim, when it is an address the widget may show (auth/avatar-url.ts). */
  avatar?: string;
}

export interface ChatDeps {
  store: Store;
  feed: MessageFeed;
  delivery: Delivery;
  presence: Presence;
  receipts: Receipts;
  activity: Activity;
  desk: HelpDesk;
  attachments: Attachments;
  log: Logger;
}

export function newVisitorId(): string {
  return 'v_' + randomBytes(16).toString('base64url');
}

/** Trimmed text of 1 to 4,000 characters, well-formed Unicode, no NUL. */
export function cleanContent(value: unknown): string {
  if (typeof value !== 'string') throw badRequest('content must be a string');
  const text = value.trim();
  if (!text) throw badRequest('content must not be empty');
  if (!text.isWellFormed()) throw badRequest('content must be valid Unicode text');
  if (text.includes('\0')) throw badRequest('content must not contain NUL characters');
  let n = 0;
  for (const _ of text) if (++n > MAX_CONTENT) throw badRequest(`content must be at most ${MAX_CONTENT} characters`);
  return text;
}

/** A message's text: as cleanContent, but with files (`attachments` given) it may be empty or absent. */
export function messageText(content: unknown, attachments: unknown): string {
  const withFiles = attachments !== undefined && attachments !== null;
  if (withFiles && (content === undefined || content === null || (typeof content === 'string' && !content.trim()))) return '';
  return cleanContent(content);
}

export function cleanClientId(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !CLIENT_ID.test(value)) throw badRequest('clientId must be 1 to 64 letters, digits, - or _');
  return value;
}

export class Chat {
  constructor(private readonly deps: ChatDeps) {}

  /**
   * Opens or resumes a visitor's session. With a `user` the site vouched for,
   * the session is that user's one conversation, on every browser and device;
   * the name and email are the user's, whatever the body says. Without one, a
   * verified conversation is never resumed (the browser's user logged out, or
   * someone else sits there): that visitor gets a new, unverified conversation,
   * and what an unverified visitor typed is never merged into a user's history.
   */
  async startSession(
    visitorId: string | null,
    profile: Omit<VisitorUpdate, 'visitorId'>,
    user: VerifiedUser | null = null,
  ): Promise<{ visitor: VisitorProfile; created: boolean }> {
    let id: string;
    let created: boolean;
    if (user) {
      ({ visitorId: id, created } = await this.deps.store.visitorOfUser(user.ref, newVisitorId(), new Date()));
      profile = { ...profile, name: user.name, email: user.email };
    } else {
      const resumable = visitorId !== null && !(await this.deps.store.getVisitor(visitorId))?.verified;
      id = resumable ? visitorId : newVisitorId();
      created = !resumable;
    }
    const visitor = await this.deps.store.upsertVisitor({ ...profile, visitorId: id }, new Date());
    this.rememberVisitor(id);
    if (created) this.deps.receipts.knownFresh(id);
    this.deps.presence.visitorSeen(id);
    await this.emit(id, 'agents', { type: 'visitor', visitor: { ...visitor, online: true } });
    return { visitor, created };
  }

  async sendFromVisitor(visitorId: string, content: unknown, clientId: unknown, address: string, attachments?: unknown): Promise<{ message: Message; created: boolean }> {
    const text = messageText(content, attachments);
    const cid = cleanClientId(clientId);
    this.deps.desk.assertAllowed(visitorId, address);
    const files = await this.deps.attachments.forSending(attachments, visitorId, visitorId);
    if (!files.length && !text) throw badRequest('content must not be empty');
    const result = await this.write({ from: visitorId, to: ADMIN, content: rowContent(text, files), clientId: cid, fromName: null, attachments: files }, visitorId);
    // After the answer's row is safe: a failure here leaves a resolved conversation resolved, never loses the message.
    if (result.created) this.afterWrite(this.deps.desk.visitorWrote(visitorId));
    return result;
  }

  async sendFromAgent(agent: Agent, visitorId: string, content: unknown, clientId: unknown, attachments?: unknown): Promise<{ message: Message; created: boolean }> {
    const text = messageText(content, attachments);
    const cid = cleanClientId(clientId);
    await this.requireVisitor(visitorId);
    const files = await this.deps.attachments.forSending(attachments, agent.id, visitorId);
    if (!files.length && !text) throw badRequest('content must not be empty');
    this.deps.presence.agentSeen(agent);
    const result = await this.write({ from: agent.id, to: visitorId, content: rowContent(text, files), clientId: cid, fromName: agent.name || null, attachments: files }, visitorId);
    // Answering claims an unowned conversation (help-desk.ts).
    if (result.created) this.afterWrite(this.deps.desk.agentAnswered(agent, visitorId));
    return result;
  }

  /** Work that follows a stored message; awaited by nobody, but a failure is logged, not swallowed. */
  private afterWrite(work: Promise<void>): void {
    work.catch((err) => this.deps.log.warn('a conversation\'s status or owner was not updated after a message', { code: errorCode(err) }));
  }

  private async write(m: Parameters<Store['insertMessage']>[0], visitorId: string) {
    const result = await this.deps.store.insertMessage(m).catch((err: unknown) => {
      if (err instanceof AttachmentsTakenError) throw badRequest('an attachment was already sent with another message');
      throw err;
    });
    // Committed: waiting recipients in this process are answered now, not after a tail.
    if (result.created) this.deps.feed.accept(result.message);
    // Also on a repeat (same clientId): the first attempt's row may have committed
    // while its answer was lost (database link or client cut), before this step ran.
    // Activity only ever moves last_mid forwards, so repeating it is harmless.
    this.deps.activity.note(visitorId, result.message.mid);
    this.rememberVisitor(visitorId);
    return result;
  }

  /**
   * Rows other programs wrote (PHP, another sidecar) move their conversation
   * up the agents' list too; for another sidecar's rows this repeats a no-op.
   */
  noteForeignRows(rows: readonly Message[]): void {
    for (const m of rows) {
      const conv = conversationOf(m.from, m.to);
      if (!conv || conv.length > 64) continue;
      this.deps.activity.note(conv, m.mid);
      this.rememberVisitor(conv);
    }
  }

  /** The agents' list, with every conversation this process touched recorded first. */
  async conversations(limit: number, filter?: ConversationFilter, agentId?: string) {
    await this.deps.activity.flush();
    return this.deps.store.conversations(limit, filter, agentId);
  }

  /** The other conversations of the same person (Store.relatedConversations), at most 20; 404 for an unknown one. */
  async related(visitorId: string) {
    await this.requireVisitor(visitorId);
    // Like the list: conversations this process just wrote to are ordered by their latest message.
    await this.deps.activity.flush();
    return this.deps.store.relatedConversations(visitorId, 20);
  }

  /** Conversations known to exist (they are never removed while the process runs). */
  private readonly knownVisitors = new Set<string>();

  /** 404 unless the conversation exists; remembered, so agents' sends cost no look-up. */
  async requireVisitor(visitorId: string): Promise<void> {
    if (this.knownVisitors.has(visitorId)) return;
    const v = await this.deps.store.getVisitor(visitorId);
    if (!v) throw new KefuError('not_found', 'no such conversation');
    this.rememberVisitor(visitorId);
  }

  private rememberVisitor(visitorId: string): void {
    if (this.knownVisitors.size >= 100_000) this.knownVisitors.clear();
    this.knownVisitors.add(visitorId);
  }

  /**
   * Agents have read the visitor's messages up to `upto`. Checked now; the
   * rows are marked and the notice written in the next receipts flush, so a
   * lock another program holds on them cannot fail or delay the request.
   */
  async agentRead(agent: Agent, visitorId: string, upto: number): Promise<void> {
    await this.requireVisitor(visitorId);
    this.deps.presence.agentSeen(agent);
    this.deps.receipts.agentRead(visitorId, upto);
  }

  /** The visitor's poll or stream came with a cursor: what it covers was received. Never waits. */
  visitorReceived(visitorId: string, c: Cursor): void {
    this.deps.receipts.visitorReceived(visitorId, c);
  }

  async visitorTyping(visitorId: string, typing: boolean): Promise<void> {
    await this.emit(visitorId, 'agents', { type: 'typing', visitorId, from: visitorId, typing });
  }

  async agentTyping(agent: Agent, visitorId: string, typing: boolean): Promise<void> {
    await this.requireVisitor(visitorId);
    this.deps.presence.agentSeen(agent);
    await this.emit(visitorId, 'both', { type: 'typing', visitorId, from: agent.id, name: agent.name, typing });
  }

  private async emit(visitorId: string, audience: Audience, event: KefuEvent): Promise<void> {
    await this.deps.store.insertEvent(visitorId, audience, event);
    await this.deps.feed.kick();
  }
}
