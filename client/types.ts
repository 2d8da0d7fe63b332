/**
 * The wire shapes as the browser code names them. They are declared once, in
 * protocol/wire.ts, for the sidecar and the browser alike.
 */
export type {
  Conversation,
  FeedBatch,
  KefuEvent as FeedEvent,
  Message as ChatMessage,
  PollAnswer,
  PresenceEvent,
  ReadEvent,
  SessionAnswer,
  StreamEvent,
  TeamAnswer,
  TeamMember,
  TypingEvent,
  VisitorEvent,
  VisitorProfile,
} from '../protocol/wire.js';

/** The state of a transport's connection (not on the wire). */
export type FeedStatus = 'connecting' | 'live' | 'reconnecting' | 'stopped';
