// The storage interface the delivery core depends on. One implementation per
// engine (mysql-store.ts, sqlite-store.ts); both pass test/store/store-contract.
import type { Audience, Conversation, KefuEvent, Message, Scope, VisitorProfile } from '../core/message.js';

export interface NewMessage {
  from: string;
  to: string;
  content: string;
  clientId: string | null;
  fromName: string | null;
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
}

export interface Store {
  /** Creates or upgrades tables; adopts an existing seed-shaped message table. */
  migrate(): Promise<void>;
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;

  insertMessage(m: NewMessage): Promise<{ message: Message; created: boolean }>;
  /** One query: messages above `afterMid` (at most `limit`), rows among `recheck`, events above `afterEventId`. */
  tail(afterMid: number, recheck: readonly number[], afterEventId: number, limit: number): Promise<TailBatch>;
  latestIds(): Promise<{ mid: number; eventId: number }>;
  /** Messages of a scope with afterMid < mid <= uptoMid, or mid among `extra`; ascending. */
  scopeMessages(scope: Scope, afterMid: number, uptoMid: number, extra: readonly number[], limit: number): Promise<Message[]>;
  /** The page of a scope's messages just before `beforeMid` (newest page when null), oldest first. */
  history(scope: Scope, beforeMid: number | null, limit: number): Promise<Message[]>;
  /** Marks messages to a receiver read up to a mid, skipping some; returns the rows changed. */
  markReceived(receiver: string, uptoMid: number, except: readonly number[]): Promise<number>;
  /** Marks a visitor's own messages read (agents have read them) up to a mid. */
  markVisitorMessagesRead(visitorId: string, uptoMid: number): Promise<number>;

  insertEvent(visitorId: string, audience: Audience, event: KefuEvent): Promise<void>;
  pruneEvents(olderThan: Date): Promise<void>;

  upsertVisitor(v: VisitorUpdate, now: Date): Promise<VisitorProfile>;
  getVisitor(visitorId: string): Promise<VisitorProfile | null>;
  touchVisitors(visitorIds: readonly string[], now: Date): Promise<void>;
  /** Records that a conversation's latest message is `mid` (orders the agents' list). */
  noteActivity(visitorId: string, mid: number): Promise<void>;
  conversations(limit: number): Promise<Array<Omit<Conversation, 'online'>>>;

  /** Records a stream ticket as used; false when it was used before (a replay). */
  consumeTicket(jti: string, expiresAt: Date): Promise<boolean>;

  setAgentPresence(agentId: string, name: string, status: 'online' | 'away' | null, now: Date): Promise<void>;
  agentsOnline(since: Date): Promise<number>;
}

/** The database cannot be reached: the protocol's 503 `unavailable`. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super('database unavailable', { cause });
    this.name = 'StoreUnavailableError';
  }
}
