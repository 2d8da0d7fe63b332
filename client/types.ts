/**
 * The wire shapes of PROTOCOL.md v1 and docs/protocol-notes.md, as the
 * browser sees them.
 */

export interface ChatMessage {
  mid: number;
  from: string;
  to: string;
  content: string;
  createdAt: string;
  read: boolean;
  /** The agent's display name on agent replies (protocol-notes). */
  fromName?: string;
  clientId?: string;
}

export interface TypingEvent {
  type: 'typing';
  visitorId: string;
  from: string;
  name?: string;
  typing: boolean;
}

export interface ReadEvent {
  type: 'read';
  visitorId: string;
  upto: number;
  by: 'agent' | 'visitor';
}

export interface PresenceEvent {
  type: 'presence';
  agentsOnline: number;
}

export interface VisitorEvent {
  type: 'visitor';
  visitor: VisitorInfo;
}

export type FeedEvent = TypingEvent | ReadEvent | PresenceEvent | VisitorEvent;

export interface VisitorInfo {
  visitorId: string;
  name?: string | null;
  email?: string | null;
  page?: string | null;
  referrer?: string | null;
  firstSeenAt?: string | null;
  lastSeenAt?: string | null;
  lastMessageAt?: string | null;
  online?: boolean;
}

export interface Conversation extends VisitorInfo {
  lastMessage?: ChatMessage | null;
  unread: number;
}

export interface PollAnswer {
  messages: ChatMessage[];
  cursor: string;
  agentsOnline?: number;
  events: FeedEvent[];
}

export interface SessionAnswer {
  visitorId: string;
  token: string;
  cursor: string;
  agentsOnline: number;
  name?: string | null;
  email?: string | null;
}

/** One delivery from any transport: what arrived and the cursor covering it. */
export interface FeedBatch {
  messages: ChatMessage[];
  events: FeedEvent[];
  cursor?: string;
  agentsOnline?: number;
}

export type FeedStatus = 'connecting' | 'live' | 'reconnecting' | 'stopped';
