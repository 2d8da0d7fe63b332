// The agent side driven over HTTP from the test, for tests whose subject is
// the widget: the real sidecar API, not a stand-in.
import type { ChatMessage, Conversation } from '../../client/types.js';

export class AgentClient {
  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  private async call<T>(path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.url + path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }

  online(): Promise<void> {
    return this.call('/api/agent/presence', { status: 'online' });
  }

  away(): Promise<void> {
    return this.call('/api/agent/presence', { status: 'away' });
  }

  async conversations(): Promise<Conversation[]> {
    return (await this.call<{ conversations: Conversation[] }>('/api/agent/conversations')).conversations;
  }

  async messages(visitorId: string): Promise<ChatMessage[]> {
    return (await this.call<{ messages: ChatMessage[] }>(`/api/agent/conversations/${visitorId}/messages?limit=100`)).messages;
  }

  async reply(visitorId: string, content: string): Promise<ChatMessage> {
    return (await this.call<{ message: ChatMessage }>(`/api/agent/conversations/${visitorId}/messages`, { content })).message;
  }
}
