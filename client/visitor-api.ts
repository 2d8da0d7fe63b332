import { joinUrl, requestJson } from './request-json.js';
import type { ChatMessage, PollAnswer, SessionAnswer, TeamAnswer } from './types.js';
import type { AttachmentLimits } from '../protocol/wire.js';

export interface SessionRequest {
  name?: string;
  email?: string;
  page?: string;
  referrer?: string;
  /** An identity token the site signed for its logged-in user. */
  identity?: string;
  /** The visitor ticked the site's consent box. */
  consent?: boolean;
  /** The browser's IANA time zone, for the agents' "local time"; `session()` fills it in. */
  timeZone?: string;
  /** The widget's language, `en` or `zh-CN`: mails to the visitor are in it. */
  lang?: string;
}

function localTimeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

/** The visitor half of PROTOCOL.md ("Visitor API"), one method per route. */
export class VisitorApi {
  /** The visitor token; `session()` replaces it with the one it answers. */
  token: string | undefined;

  constructor(readonly base: string, token?: string) {
    this.token = token;
  }

  private url(path: string, query?: Record<string, string | number | undefined>): string {
    return joinUrl(this.base, '/kefu' + path, query);
  }

  async session(body: SessionRequest, signal?: AbortSignal): Promise<SessionAnswer> {
    const answer = await requestJson<SessionAnswer>(this.url('/api/visitor/session'), {
      method: 'POST',
      token: this.token,
      body: { timeZone: localTimeZone(), ...body },
      signal,
    });
    this.token = answer.token;
    return answer;
  }

  /** `attachments`: ids of finished uploads; `content` may then be empty. */
  async send(content: string, clientId: string, attachments?: string[], signal?: AbortSignal): Promise<ChatMessage> {
    const { message } = await requestJson<{ message: ChatMessage }>(this.url('/api/visitor/messages'), {
      method: 'POST',
      token: this.token,
      body: { content, clientId, attachments },
      signal,
    });
    return message;
  }

  poll(cursor: string | undefined, wait: number, signal?: AbortSignal): Promise<PollAnswer> {
    return requestJson<PollAnswer>(this.url('/api/visitor/poll', { cursor, wait }), { token: this.token, signal });
  }

  async history(before: number | undefined, limit: number, signal?: AbortSignal): Promise<ChatMessage[]> {
    const { messages } = await requestJson<{ messages: ChatMessage[] }>(
      this.url('/api/visitor/messages', { before, limit }),
      { token: this.token, signal },
    );
    return messages;
  }

  typing(typing: boolean): Promise<void> {
    return requestJson<void>(this.url('/api/visitor/typing'), { method: 'POST', token: this.token, body: { typing } });
  }

  /** Who answers (no token needed): faces for the header, "usually replies in …". */
  team(signal?: AbortSignal): Promise<TeamAnswer> {
    // The same for everyone: the browser may reuse it for the few seconds the sidecar allows.
    return requestJson<TeamAnswer>(this.url('/api/visitor/team'), { signal, cache: 'default' });
  }

  /** What files the server takes (no token; `maxBytes` 0: none), cached by the browser as the sidecar allows. */
  limits(signal?: AbortSignal): Promise<AttachmentLimits> {
    return requestJson<AttachmentLimits>(this.url('/api/attachments/limits'), { signal, cache: 'default' });
  }

  streamTicket(signal?: AbortSignal): Promise<{ ticket: string; expiresIn: number }> {
    return requestJson(this.url('/api/visitor/stream-ticket'), { method: 'POST', token: this.token, body: {}, signal });
  }
}
