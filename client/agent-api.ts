import { joinUrl, requestJson } from './request-json.js';
import type { AttachmentLimits, AttachmentLink, ConversationFilter, ConversationList, RelatedAnswer, RelatedConversation } from '../protocol/wire.js';
import type { UploadTarget } from './file-upload.js';
import type { ChatMessage, PollAnswer } from './types.js';

/** The agent half of PROTOCOL.md ("Agent API"), one method per route. */
export class AgentApi {
  constructor(
    readonly base: string,
    /** Read on every call, so a refreshed token is used at once. */
    private readonly getToken: () => string | undefined,
  ) {}

  private url(path: string, query?: Record<string, string | number | undefined>): string {
    return joinUrl(this.base, '/kefu' + path, query);
  }

  /** Up to 200 conversations of a filter (latest activity first) and every filter's count. */
  conversations(filter: ConversationFilter, signal?: AbortSignal): Promise<ConversationList> {
    return requestJson<ConversationList>(this.url('/api/agent/conversations', { filter }), { token: this.getToken(), signal });
  }

  /** The person's other conversations (same verified user or email), at most 20, latest first. */
  async related(visitorId: string, signal?: AbortSignal): Promise<RelatedConversation[]> {
    const url = this.url(`/api/agent/conversations/${encodeURIComponent(visitorId)}/related`);
    return (await requestJson<RelatedAnswer>(url, { token: this.getToken(), signal })).conversations;
  }

  async history(visitorId: string, before: number | undefined, limit: number, signal?: AbortSignal): Promise<ChatMessage[]> {
    const { messages } = await requestJson<{ messages: ChatMessage[] }>(
      this.url(`/api/agent/conversations/${encodeURIComponent(visitorId)}/messages`, { before, limit }),
      { token: this.getToken(), signal },
    );
    return messages;
  }

  /** A reply; `attachments` are ids of this agent's uploads to the conversation (PROTOCOL.md, "Attachments"). */
  async send(visitorId: string, content: string, clientId: string, attachments: readonly string[] = []): Promise<ChatMessage> {
    const { message } = await requestJson<{ message: ChatMessage }>(
      this.url(`/api/agent/conversations/${encodeURIComponent(visitorId)}/messages`),
      { method: 'POST', token: this.getToken(), body: attachments.length ? { content, clientId, attachments } : { content, clientId } },
    );
    return message;
  }

  /** Where a file for this conversation is uploaded (client/file-upload.ts does the upload). */
  uploadTarget(visitorId: string): UploadTarget {
    return { base: this.base, path: `/kefu/api/agent/conversations/${encodeURIComponent(visitorId)}/attachments`, token: this.getToken };
  }

  /** What an upload may be (no token needed); `fetchLimits` in file-upload.ts asks the same, this one without loading that module. */
  attachmentLimits(signal?: AbortSignal): Promise<AttachmentLimits> {
    return requestJson<AttachmentLimits>(this.url('/api/attachments/limits'), { signal, cache: 'default' });
  }

  /** A short-lived address of a file that needs no header (`url` is a path under the sidecar's /kefu/). */
  attachmentLink(id: string, signal?: AbortSignal): Promise<AttachmentLink> {
    return requestJson<AttachmentLink>(this.url(`/api/attachments/${encodeURIComponent(id)}/link`), { token: this.getToken(), signal });
  }

  read(visitorId: string, upto: number): Promise<void> {
    return requestJson<void>(this.url(`/api/agent/conversations/${encodeURIComponent(visitorId)}/read`), {
      method: 'POST',
      token: this.getToken(),
      body: { upto },
    });
  }

  typing(visitorId: string, typing: boolean): Promise<void> {
    return requestJson<void>(this.url('/api/agent/typing'), {
      method: 'POST',
      token: this.getToken(),
      body: { visitorId, typing },
    });
  }

  presence(status: 'online' | 'away'): Promise<void> {
    return requestJson<void>(this.url('/api/agent/presence'), { method: 'POST', token: this.getToken(), body: { status } });
  }

  poll(cursor: string | undefined, wait: number, signal?: AbortSignal): Promise<PollAnswer> {
    return requestJson<PollAnswer>(this.url('/api/agent/poll', { cursor, wait }), { token: this.getToken(), signal });
  }

  streamTicket(signal?: AbortSignal): Promise<{ ticket: string; expiresIn: number }> {
    return requestJson(this.url('/api/agent/stream-ticket'), { method: 'POST', token: this.getToken(), body: {}, signal });
  }
}
