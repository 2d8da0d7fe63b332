// The protocol's shapes come from protocol/wire.ts, the one module the browser
// shares; what only the server needs (scopes, audiences, id formats) is here.
export {
  ADMIN,
  type AgentEntry,
  type Attachment,
  type AttachmentLimits,
  type AttachmentLink,
  type UploadAnswer,
  type CannedReply,
  type Block,
  type ConversationCounts,
  type ConversationFilter,
  type ConversationState,
  type ConversationStatus,
  type Note,
  type Rating,
  type RatingCounts,
  type RatingScore,
  type RatingsReport,
  conversationOf,
  isTeam,
  messageConversation,
  type Conversation,
  type KefuEvent,
  type Message,
  type PollAnswer,
  type RelatedAnswer,
  type RelatedConversation,
  type SessionAnswer,
  type StreamEvent,
  type TeamAnswer,
  type TeamMember,
  type HoursState,
  type VisitorProfile,
} from '../../protocol/wire.js';

/** Who receives an event row: the visitor, the agents, or both. */
export type Audience = 'visitor' | 'agents' | 'both';

/** Whose messages a poll or stream sees. */
export type Scope = { kind: 'visitor'; visitorId: string } | { kind: 'agents' };

export const VISITOR_ID = /^v_[A-Za-z0-9_-]{22}$/;
export const AGENT_ID = /^agent:[A-Za-z0-9_.@-]{1,57}$/;
export const ATTACHMENT_ID = /^a_[A-Za-z0-9_-]{22}$/;

export function inScope(scope: Scope, m: { from: string; to: string }): boolean {
  return scope.kind === 'agents' || m.from === scope.visitorId || m.to === scope.visitorId;
}
