import { joinUrl, requestJson } from './request-json.js';
import type { AgentEntry, Block, CannedReply, ConversationState, ConversationStatus, Note, Rating, SearchPage } from '../protocol/wire.js';

/** What a canned reply is made of when saved; `shared` only when created (needs a `manage` token). */
export interface CannedDraft {
  shortcut: string;
  title?: string;
  content: string;
  shared?: boolean;
}

/** The help-desk half of PROTOCOL.md ("Help desk"), one method per route. */
export class DeskApi {
  constructor(
    readonly base: string,
    /** Read on every call, so a refreshed token is used at once. */
    private readonly getToken: () => string | undefined,
  ) {}

  private call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, signal?: AbortSignal, query?: Record<string, string | number | undefined>): Promise<T> {
    return requestJson<T>(joinUrl(this.base, '/kefu/api/agent' + path, query), { method, token: this.getToken(), body, signal });
  }

  private conv(visitorId: string, rest: string): string {
    return `/conversations/${encodeURIComponent(visitorId)}/${rest}`;
  }

  async setStatus(visitorId: string, status: ConversationStatus): Promise<ConversationState> {
    return (await this.call<{ conversation: ConversationState }>('POST', this.conv(visitorId, 'status'), { status })).conversation;
  }

  /** `agent` null gives the conversation back to nobody; `note` (≤ 500 characters) is for the receiver. */
  async assign(visitorId: string, agent: string | null, note?: string): Promise<ConversationState> {
    return (await this.call<{ conversation: ConversationState }>('POST', this.conv(visitorId, 'assign'), { agent, note: note || undefined })).conversation;
  }

  async notes(visitorId: string, signal?: AbortSignal): Promise<Note[]> {
    return (await this.call<{ notes: Note[] }>('GET', this.conv(visitorId, 'notes'), undefined, signal)).notes;
  }

  async addNote(visitorId: string, content: string, clientId: string): Promise<Note> {
    return (await this.call<{ note: Note }>('POST', this.conv(visitorId, 'notes'), { content, clientId })).note;
  }

  /** The visitor's ratings of the conversation, oldest first. */
  async ratings(visitorId: string, signal?: AbortSignal): Promise<Rating[]> {
    return (await this.call<{ ratings: Rating[] }>('GET', this.conv(visitorId, 'ratings'), undefined, signal)).ratings;
  }

  viewing(visitorId: string, viewing: boolean): Promise<void> {
    return this.call('POST', '/viewing', { visitorId, viewing });
  }

  async agents(signal?: AbortSignal): Promise<AgentEntry[]> {
    return (await this.call<{ agents: AgentEntry[] }>('GET', '/agents', undefined, signal)).agents;
  }

  async blocks(signal?: AbortSignal): Promise<Block[]> {
    return (await this.call<{ blocks: Block[] }>('GET', '/blocks', undefined, signal)).blocks;
  }

  async block(visitorId: string, reason: string, address: boolean): Promise<Block> {
    return (await this.call<{ block: Block }>('POST', '/blocks', { visitorId, reason, address })).block;
  }

  unblock(id: number): Promise<void> {
    return this.call('DELETE', `/blocks/${id}`);
  }

  async canned(signal?: AbortSignal): Promise<CannedReply[]> {
    return (await this.call<{ canned: CannedReply[] }>('GET', '/canned', undefined, signal)).canned;
  }

  async saveCanned(id: number | undefined, draft: CannedDraft): Promise<CannedReply> {
    const answer = id ? await this.call<{ canned: CannedReply }>('PUT', `/canned/${id}`, draft) : await this.call<{ canned: CannedReply }>('POST', '/canned', draft);
    return answer.canned;
  }

  removeCanned(id: number): Promise<void> {
    return this.call('DELETE', `/canned/${id}`);
  }

  /** Newest first; pass the answer's `next` as `before` for the page after. */
  search(q: string, before: number | null | undefined, limit = 20, signal?: AbortSignal): Promise<SearchPage> {
    return this.call('GET', '/search', undefined, signal, { q, before: before ?? undefined, limit });
  }
}
