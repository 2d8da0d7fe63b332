// The message and event shapes of the protocol, shared by core and transports.

export interface Message {
  mid: number;
  from: string;
  to: string;
  content: string;
  /** ISO 8601, or null for adopted rows that predate the column. */
  createdAt: string | null;
  read: boolean;
  fromName?: string;
  clientId?: string;
}

export interface VisitorProfile {
  visitorId: string;
  name: string | null;
  email: string | null;
  page: string | null;
  referrer: string | null;
  firstSeenAt: string | null;
  lastSeenAt: string | null;
}

export interface Conversation extends VisitorProfile {
  lastMessage: Message | null;
  lastMessageAt: string | null;
  unread: number;
  online: boolean;
}

export type KefuEvent =
  | { type: 'typing'; visitorId: string; from: string; name?: string; typing: boolean }
  | { type: 'read'; visitorId: string; upto: number; by: 'agent' | 'visitor' }
  | { type: 'presence'; agentsOnline: number }
  | { type: 'visitor'; visitor: VisitorProfile & { online: boolean } };

/** Who receives an event row: the visitor, the agents, or both. */
export type Audience = 'visitor' | 'agents' | 'both';

/** Whose messages a poll or stream sees. */
export type Scope = { kind: 'visitor'; visitorId: string } | { kind: 'agents' };

export const ADMIN = 'admin';
export const VISITOR_ID = /^v_[A-Za-z0-9_-]{22}$/;
export const AGENT_ID = /^agent:[A-Za-z0-9_.@-]{1,57}$/;

/** The visitor a row belongs to: the side that is neither the inbox nor an agent. */
export function conversationOf(from: string, to: string): string | null {
  const isTeam = (id: string) => id === ADMIN || id.startsWith('agent:');
  if (!isTeam(from)) return from;
  if (!isTeam(to)) return to;
  return null;
}

export function inScope(scope: Scope, m: { from: string; to: string }): boolean {
  return scope.kind === 'agents' || m.from === scope.visitorId || m.to === scope.visitorId;
}
