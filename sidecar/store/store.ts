// The storage interface the delivery core depends on. One implementation per
// engine (mysql-store.ts, sqlite-store.ts); both pass test/store/store-contract.
import type { ConversationFilter, DeskStore } from './desk-store.js';
import type { CannedStore } from './canned-store.js';
import type { TeamStore } from './team-store.js';
import type { AttachmentStore } from './attachment-store.js';
import type { BlobStore } from './blob-store.js';
import type { MailStore } from './mail-store.js';
import type { RatingStore } from './rating-store.js';
import type { PushStore } from './push-store.js';
import type { SettingStore } from './setting-store.js';
import type { Attachment, Audience, Conversation, KefuEvent, Message, RelatedConversation, Scope, VisitorProfile } from '../core/message.js';

export interface NewMessage {
  from: string;
  to: string;
  /** The row's text: with files, their lines too (core/attachment-text.ts). */
  content: string;
  clientId: string | null;
  fromName: string | null;
  /**
   * Files sent with it, in order: uploaded by `from` to this conversation and
   * not yet sent. They are tied to the row in its own transaction; when any is
   * not (any more) such a file, nothing is written and AttachmentsTakenError is thrown.
   */
  attachments?: readonly Attachment[];
}

export type IdRange = readonly [number, number];

export interface NewEvent {
  visitorId: string;
  audience: Audience;
  event: KefuEvent;
}

export interface StoredEvent {
  id: number;
  visitorId: string;
  audience: Audience;
  event: KefuEvent;
}

export interface TailBatch {
  /** Rows with mid above the given one, ascending, plus any re-checked gap rows found. */
  messages: Message[];
  events: StoredEvent[];
}

export interface VisitorUpdate {
  visitorId: string;
  name?: string | null;
  email?: string | null;
  page?: string | null;
  referrer?: string | null;
  /** Records the time of consent, once (a later session does not move it). */
  consent?: boolean;
  /** Read from the session's User-Agent (http/user-agent.ts); null when unknown. */
  browser?: string | null;
  os?: string | null;
  device?: 'desktop' | 'mobile' | 'tablet' | null;
  /** An IANA zone the caller checked. */
  timeZone?: string | null;
  /** The widget's language (`en` or `zh-CN`): the language of mails to this visitor. */
  lang?: 'en' | 'zh-CN' | null;
}

export interface Store {
  /** Creates or upgrades tables; adopts an existing seed-shaped message table. */
  migrate(): Promise<void>;
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;

  insertMessage(m: NewMessage): Promise<{ message: Message; created: boolean }>;
  /**
   * One query: messages above `afterMid` (at most `limit`) and rows in the
   * `recheck` ranges [low, high]; events likewise. A plain read: it never waits on a lock.
   */
  tail(afterMid: number, recheck: readonly IdRange[], afterEventId: number, recheckEvents: readonly IdRange[], limit: number): Promise<TailBatch>;
  latestIds(): Promise<{ mid: number; eventId: number }>;
  /** The server's auto-increment step and offset (1 and 1 where there is no such setting). */
  idStep(): Promise<{ step: number; offset: number }>;
  /** Messages of a scope with afterMid < mid <= uptoMid, or mid among `extra`; ascending. */
  scopeMessages(scope: Scope, afterMid: number, uptoMid: number, extra: readonly number[], limit: number): Promise<Message[]>;
  /** The page of a scope's messages just before `beforeMid` (newest page when null), oldest first. */
  history(scope: Scope, beforeMid: number | null, limit: number): Promise<Message[]>;
  // Background writes (receipts.ts): run on connections of their own, so that a
  // lock another program holds can delay them but never a poll, a send or the tail.
  /** Unread rows (`isread = 0`, mid <= uptoMid) sent by (`pos`) or to (`rec`) the given ids: a plain read, no lock taken or awaited. */
  unreadRows(side: 'pos' | 'rec', ids: readonly string[], uptoMid: number): Promise<Array<{ mid: number; from: string; to: string }>>;
  /** Sets `isread = 1` on these rows by primary key (never back to 0); returns the rows changed. */
  markRead(mids: readonly number[]): Promise<number>;
  /** Several events in one statement. */
  insertEvents(events: readonly NewEvent[]): Promise<void>;

  insertEvent(visitorId: string, audience: Audience, event: KefuEvent): Promise<void>;
  pruneEvents(olderThan: Date): Promise<void>;

  upsertVisitor(v: VisitorUpdate, now: Date): Promise<VisitorProfile>;
  getVisitor(visitorId: string): Promise<VisitorProfile | null>;
  /**
   * The visitor record of a verified CMS user (`user:<id>`): the existing one,
   * else a new one with `candidateId`. Two first sessions at once agree on one.
   */
  visitorOfUser(userRef: string, candidateId: string, now: Date): Promise<{ visitorId: string; created: boolean }>;
  touchVisitors(visitorIds: readonly string[], now: Date): Promise<void>;
  /**
   * Records each conversation's latest message (orders the agents' list), in
   * one statement: `last_mid` only ever moves forwards, and a conversation
   * started outside Kefu (a row PHP wrote) gets a visitor record. A background write.
   */
  noteActivity(latest: ReadonlyArray<readonly [visitorId: string, mid: number]>): Promise<void>;
  /** The latest conversations (by last message) a filter selects, for the agent asking. */
  conversations(limit: number, filter?: ConversationFilter, agentId?: string): Promise<Array<Omit<Conversation, 'online'>>>;
  /**
   * The other conversations of the visitor's person: the same verified user or
   * the same email (ignoring case; never an empty one), latest activity first.
   * Only conversations with a message.
   */
  relatedConversations(visitorId: string, limit: number): Promise<RelatedConversation[]>;
  /** The help desk: status, owners, notes, blocks (desk-store.ts). */
  readonly desk: DeskStore;
  readonly canned: CannedStore;
  /** What visitors see of the team: faces and the reply time (team-store.ts). */
  readonly team: TeamStore;
  /** What each file is (attachment-store.ts); messages read from the store carry theirs. */
  readonly attachments: AttachmentStore;
  /** The database's own place for files' bytes (db-blob-store.ts). */
  readonly blobs: BlobStore;
  /** The mail outbox, and what decides what to mail (mail-store.ts). */
  readonly mail: MailStore;
  /** Visitors' ratings of resolved conversations (rating-store.ts). */
  readonly ratings: RatingStore;
  /** The agents' Web Push subscriptions and who sends what (push-store.ts). */
  readonly push: PushStore;
  /** Values made once and shared by every process, such as the VAPID keys (setting-store.ts). */
  readonly settings: SettingStore;

  /** Records a stream ticket as used; false when it was used before (a replay). */
  consumeTicket(jti: string, expiresAt: Date): Promise<boolean>;

  /** Records an agent as seen (and `status`, when given) with the name and picture of their latest token; no `avatar`: none. */
  setAgentPresence(agent: { id: string; name: string; avatar?: string }, status: 'online' | 'away' | null, now: Date): Promise<void>;
  agentsOnline(since: Date): Promise<number>;
}

/** A message named a file that is not an unsent upload of its sender in its conversation (any more). */
export class AttachmentsTakenError extends Error {
  constructor() {
    super('attachments are not unsent uploads of this sender');
    this.name = 'AttachmentsTakenError';
  }
}

/** The database cannot be reached: the protocol's 503 `unavailable`. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super('database unavailable', { cause });
    this.name = 'StoreUnavailableError';
  }
}
