// The wire shapes of docs/PROTOCOL.md v1 and docs/protocol-notes.md, and the
// one rule that says who is who. The sidecar and the browser bundles both
// import this module, so a field changed here is changed for every side.
// Only types and small pure functions: it must stay cheap in the widget's bundle.

/** The agents' shared inbox: every visitor message is addressed to it. */
export const ADMIN = 'admin';

/** The inbox or an agent (`agent:<id>`); any other id is a visitor. */
export function isTeam(id: string): boolean {
  return id === ADMIN || id.startsWith('agent:');
}

/**
 * The visitor a row belongs to: the side that is neither the inbox nor an
 * agent. Any such id counts (`v_…` from Kefu, `guest42` or a session id that
 * PHP wrote into an adopted table); null when both sides are the team.
 */
export function conversationOf(from: string, to: string): string | null {
  if (!isTeam(from)) return from;
  if (!isTeam(to)) return to;
  return null;
}

/**
 * What a Message's `conversation` says: the visitor, or for a row between two
 * team ids (no visitor in it, e.g. a note PHP wrote from `admin` to `agent:3`)
 * its receiver, so the field is never empty and `isTeam(conversation)` tells
 * such a row apart.
 */
export function messageConversation(from: string, to: string): string {
  return conversationOf(from, to) ?? to;
}

export interface Message {
  mid: number;
  /** `pos`: a visitor id, `admin` or `agent:<id>`. */
  from: string;
  /** `rec`. */
  to: string;
  /** The visitor id the row belongs to (see messageConversation). */
  conversation: string;
  content: string;
  /** ISO 8601, or null for adopted rows that predate the column. */
  createdAt: string | null;
  read: boolean;
  /** The agent's display name on agent replies. */
  fromName?: string;
  clientId?: string;
  /**
   * Files sent with the message, in the sender's order (docs/PROTOCOL.md,
   * "Attachments"). Absent on a message without files; `content` may then be
   * empty, and the row in `msg` carries a plain-text line per file instead.
   */
  attachments?: Attachment[];
}

/** A file in a conversation: what its upload answers and a message carries. Its bytes come by id, never by name. */
export interface Attachment {
  /** `a_` and 22 base64url characters. */
  id: string;
  /** The sender's file name, cleaned (no folders, no control characters); its extension fits `type`. */
  name: string;
  /** Bytes as stored (an image's after re-encoding). */
  size: number;
  /** The MIME type read from the file's bytes, never from its name or the browser's claim. */
  type: string;
  /** Images only: pixels, after the image was turned upright. */
  width?: number;
  height?: number;
  /** The message it was sent with; null while it is only uploaded. */
  mid: number | null;
}

/** `POST …/attachments`: the stored file (201; the same `clientId` again: 200 and the same file). */
export interface UploadAnswer {
  attachment: Attachment;
}

/** `GET /kefu/api/attachments/:id/link`: a short-lived address that needs no header (for `<img src>`, downloads). */
export interface AttachmentLink {
  /** A path under the sidecar's `/kefu/`, to resolve against its origin. */
  url: string;
  expiresIn: number;
}

/** `GET /kefu/api/attachments/limits` (no token): what an upload may be, for the file picker. */
export interface AttachmentLimits {
  /** Largest file, in bytes (0: files are off). */
  maxBytes: number;
  maxPerMessage: number;
  /** Accepted MIME types. */
  types: string[];
  /** The same as an `<input type="file" accept>` value: extensions and types. */
  accept: string;
}

export interface VisitorProfile {
  visitorId: string;
  name: string | null;
  email: string | null;
  page: string | null;
  referrer: string | null;
  firstSeenAt: string | null;
  lastSeenAt: string | null;
  /**
   * True when the site vouched for this visitor with an identity token: name and
   * email are the CMS user's. False: whatever the visitor typed, unchecked.
   */
  verified: boolean;
  /** When the visitor ticked the site's consent box, if it asks for one. */
  consentAt: string | null;
  /** Browser, system and kind of device, read from the User-Agent of the visitor's latest session. */
  browser?: string | null;
  os?: string | null;
  device?: 'desktop' | 'mobile' | 'tablet' | null;
  /** The visitor's IANA time zone (e.g. `Asia/Shanghai`), as their browser reported it. */
  timeZone?: string | null;
  /** The widget's language, `en` or `zh-CN` (null until a session said): mails to the visitor are in it. */
  lang?: 'en' | 'zh-CN' | null;
}

/** Where a conversation stands in the team's work (docs/PROTOCOL.md, "Help desk"). */
export type ConversationStatus = 'open' | 'pending' | 'resolved';

/** Who works on a conversation and how far along it is. */
export interface ConversationState {
  visitorId: string;
  status: ConversationStatus;
  /** `agent:<id>`, or null while nobody owns it. */
  assignee: string | null;
  assigneeName: string | null;
}

/** Which conversations a list shows: `open` is everything not resolved (open and pending). */
export type ConversationFilter = 'all' | 'open' | 'mine' | 'unassigned' | 'resolved';

/** How many conversations each filter but `all` holds, for the signed-in agent. */
export interface ConversationCounts {
  open: number;
  mine: number;
  unassigned: number;
  resolved: number;
}

/** `GET /kefu/api/agent/conversations`: at most 200 entries, latest activity first, and the counts. */
export interface ConversationList {
  conversations: Conversation[];
  counts: ConversationCounts;
}

/** An entry of `GET /kefu/api/agent/conversations`. */
export interface Conversation extends VisitorProfile, ConversationState {
  lastMessage: Message | null;
  lastMessageAt: string | null;
  unread: number;
  online: boolean;
  /** The visitor is blocked: their messages are refused. */
  blocked: boolean;
}

/** Another conversation of the same person: the same verified user, or the same email. */
export interface RelatedConversation {
  visitorId: string;
  name: string | null;
  email: string | null;
  /** The site vouched for that conversation's visitor (a typed email can be anyone's). */
  verified: boolean;
  status: ConversationStatus;
  /** The start of its latest message, at most 120 characters. */
  preview: string;
  /** When its latest message was written (else when its visitor was last seen). */
  lastAt: string | null;
}

/** `GET /kefu/api/agent/conversations/:visitorId/related`: at most 20, latest activity first. */
export interface RelatedAnswer {
  conversations: RelatedConversation[];
}

/** An agent-only line in a conversation's thread; never delivered to the visitor. */
export interface Note {
  id: number;
  visitorId: string;
  /** `agent:<id>`. */
  from: string;
  fromName: string | null;
  content: string;
  createdAt: string;
  /** The newest message of the conversation when the note was written: where it sits in the thread. */
  afterMid: number;
  clientId?: string;
}

/** A visitor (and maybe their address) whose messages are refused. */
export interface Block {
  id: number;
  visitorId: string;
  /** The visitor's address is blocked too (it is stored only as a keyed hash). */
  address: boolean;
  reason: string;
  by: string;
  byName: string | null;
  createdAt: string;
}

/**
 * A canned reply: `owner` null for the team's shared ones. `content` may hold
 * `{visitor.name}`, `{visitor.email}` and `{agent.name}`, filled in when inserted.
 */
export interface CannedReply {
  id: number;
  owner: string | null;
  shortcut: string;
  title: string;
  content: string;
  updatedAt: string;
}

/** A canned reply was saved (`canned`) or deleted (`removed`, with its id). */
export interface CannedEvent {
  type: 'canned';
  id: number;
  canned: CannedReply | null;
}

/** An entry of `GET /kefu/api/agent/agents`: whom a conversation can go to. */
export interface AgentEntry {
  id: string;
  name: string | null;
  online: boolean;
}

/** One hit of `GET /kefu/api/agent/search`. */
export interface SearchHit {
  mid: number;
  /** The conversation: the visitor's id. */
  visitorId: string;
  from: string;
  content: string;
  createdAt: string | null;
  name: string | null;
  email: string | null;
  /** What matched: the message's text, or the conversation's visitor (the hit is then its latest message). */
  match: 'content' | 'visitor';
}

/** A page of search hits, newest first. */
export interface SearchPage {
  hits: SearchHit[];
  /** `before` for the next page; null when there is none. */
  next: number | null;
}

export interface TypingEvent {
  type: 'typing';
  visitorId: string;
  /** The visitor or `agent:<id>`. */
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
  visitor: VisitorProfile & { online: boolean };
}

/** A conversation's status or owner changed; `note` is a transfer note for the new owner. */
export interface ConversationEvent extends ConversationState {
  type: 'conversation';
  /** Who changed it: `agent:<id>`, or `system` (a visitor's message reopening it, an owner gone offline). */
  by: string;
  byName?: string;
  note?: string;
}

export interface NoteEvent {
  type: 'note';
  note: Note;
}

/** An agent opened (or left) a conversation: colleagues see who else is in it. */
export interface ViewingEvent {
  type: 'viewing';
  visitorId: string;
  agent: string;
  name?: string;
  viewing: boolean;
}

export interface BlockEvent {
  type: 'block';
  block: Block;
}

export interface UnblockEvent {
  type: 'unblock';
  id: number;
  visitorId: string;
}

/**
 * What the visitor learns of their conversation's status (audience visitor):
 * no owner, no notes. `resolved` asks them for a rating; anything else withdraws the ask.
 */
export interface StatusEvent {
  type: 'status';
  visitorId: string;
  status: ConversationStatus;
}

/** How a visitor rated a resolved conversation (docs/PROTOCOL.md, "Ratings"). */
export type RatingScore = 'good' | 'bad';

/** One rating: the visitor's verdict on one resolution of their conversation. Agents only. */
export interface Rating {
  id: number;
  visitorId: string;
  /** The conversation's owner when it was rated (`agent:<id>`), null when nobody owned it. */
  agent: string | null;
  score: RatingScore;
  /** The visitor's words, at most 1,000 characters; null when they left none. */
  comment: string | null;
  createdAt: string;
  /** The newest message of the conversation when it was rated: where it sits in the thread. */
  afterMid: number;
}

/** A visitor rated their conversation (audience agents). */
export interface RatingEvent {
  type: 'rating';
  rating: Rating;
}

/** Good and bad ratings, and the good ones' share (0 to 1; null when there are none). */
export interface RatingCounts {
  good: number;
  bad: number;
  shareGood: number | null;
}

/** `GET /kefu/api/agent/ratings/report`: ratings per owner and per ISO week (UTC), and the latest comments. */
export interface RatingsReport {
  /** The weeks covered, oldest first, the current one last: `2026-W09` and the date of its Monday. */
  weeks: Array<{ week: string; start: string }>;
  /** One row per owner (null: nobody owned the conversation), `weeks` in the order above. */
  agents: Array<{ agent: string | null; name: string | null; total: RatingCounts; weeks: RatingCounts[] }>;
  /** Ratings with a comment in those weeks, newest first. */
  comments: Rating[];
  /** `before` for the next page of comments; null when there is none. */
  next: number | null;
}

/** What a poll's `events` and the stream carry besides messages. */
export type KefuEvent =
  | TypingEvent
  | ReadEvent
  | PresenceEvent
  | VisitorEvent
  | ConversationEvent
  | NoteEvent
  | ViewingEvent
  | BlockEvent
  | UnblockEvent
  | CannedEvent
  | StatusEvent
  | RatingEvent;

/** One frame of the hidden-iframe stream, posted as `{kefu: frame}`. */
export type StreamEvent =
  | KefuEvent
  | { type: 'message'; message: Message; cursor: string }
  | { type: 'ping' }
  | { type: 'reconnect'; cursor: string };

/** `GET /kefu/api/visitor/poll` and `GET /kefu/api/agent/poll`. */
export interface PollAnswer {
  messages: Message[];
  cursor: string;
  agentsOnline: number;
  events: KefuEvent[];
}

/** `POST /kefu/api/visitor/session`. */
export interface SessionAnswer {
  visitorId: string;
  token: string;
  cursor: string;
  agentsOnline: number;
  name: string | null;
  email: string | null;
  verified: boolean;
  consentAt: string | null;
  /** The conversation is resolved and that resolution not rated yet: the widget asks for a rating. */
  askRating: boolean;
}

/** One agent as visitors see them: the widget's team faces and message avatars. */
export interface TeamMember {
  /** `agent:<id>`, as in a message's `from`. */
  id: string;
  name: string;
  /** An https image URL the CMS gave for this agent (WordPress: the user's avatar), else null: initials. */
  avatar: string | null;
  online: boolean;
}

/** `GET /kefu/api/visitor/team` (no token): who answers, for the widget's header. */
export interface TeamAnswer {
  agentsOnline: number;
  /** Online agents first, then agents seen in the last 30 days; at most 8. */
  agents: TeamMember[];
  /** Median seconds to the team's first reply over the last 30 days; null with fewer than 5 answered conversations. */
  replySeconds: number | null;
  /** Present when the site keeps business hours (docs/PROTOCOL.md, "Business hours"). */
  hours?: HoursState;
}

/** Business hours as visitors see them. Outside them, every `agentsOnline` a visitor gets is 0. */
export interface HoursState {
  open: boolean;
  /** While closed: when the schedule opens next (ISO 8601), null when it never does. Null while open. */
  opensAt: string | null;
}

/** One delivery from any transport: what arrived and the cursor covering it. */
export interface FeedBatch {
  messages: Message[];
  events: KefuEvent[];
  cursor?: string;
  agentsOnline?: number;
}
