// Canned replies: who may do what, and clean input. Shared replies are the
// team's: every agent uses them, only an agent whose token carries `manage`
// (WordPress: manage_options) edits them. Personal ones belong to their agent.
// Every save and delete is an event, so open consoles' pickers stay current.
import type { Store } from '../store/store.js';
import type { CannedInput } from '../store/canned-store.js';
import type { MessageFeed } from './message-feed.js';
import type { Agent } from './chat.js';
import { cleanContent } from './chat.js';
import { badRequest, KefuError } from './kefu-error.js';
import { ADMIN, type CannedReply } from './message.js';

const SHORTCUT = /^[\p{L}\p{N}_-]{1,32}$/u;

export class CannedReplies {
  constructor(private readonly deps: { store: Store; feed: MessageFeed }) {}

  list(agent: Agent): Promise<CannedReply[]> {
    return this.deps.store.canned.list(agent.id);
  }

  async create(agent: Agent, body: Record<string, unknown>): Promise<CannedReply> {
    const input = this.clean(body);
    if (body.shared !== undefined && typeof body.shared !== 'boolean') throw badRequest('shared must be true or false');
    const shared = body.shared === true;
    if (shared && !agent.manage) throw new KefuError('forbidden', 'only a site manager may add shared replies');
    const saved = await this.deps.store.canned.insert(shared ? null : agent.id, input);
    if (!saved) throw badRequest(`the shortcut "${input.shortcut}" is already used`);
    await this.announce(saved.id, saved);
    return saved;
  }

  async update(agent: Agent, id: number, body: Record<string, unknown>): Promise<CannedReply> {
    await this.mayEdit(agent, id);
    const input = this.clean(body);
    const saved = await this.deps.store.canned.update(id, input);
    if (saved === undefined) throw new KefuError('not_found', 'no such canned reply');
    if (saved === null) throw badRequest(`the shortcut "${input.shortcut}" is already used`);
    await this.announce(id, saved);
    return saved;
  }

  async remove(agent: Agent, id: number): Promise<void> {
    await this.mayEdit(agent, id);
    if (!(await this.deps.store.canned.remove(id))) throw new KefuError('not_found', 'no such canned reply');
    await this.announce(id, null);
  }

  /** Another agent's personal reply is not there as far as this one can tell. */
  private async mayEdit(agent: Agent, id: number): Promise<void> {
    const found = await this.deps.store.canned.get(id);
    if (!found || (found.owner !== null && found.owner !== agent.id)) throw new KefuError('not_found', 'no such canned reply');
    if (found.owner === null && !agent.manage) throw new KefuError('forbidden', 'only a site manager may change shared replies');
  }

  private clean(body: Record<string, unknown>): CannedInput {
    const shortcut = typeof body.shortcut === 'string' ? body.shortcut.trim().replace(/^\//, '') : '';
    if (!SHORTCUT.test(shortcut)) throw badRequest('shortcut must be 1 to 32 letters, digits, - or _');
    if (body.title !== undefined && typeof body.title !== 'string') throw badRequest('title must be a string');
    const title = typeof body.title === 'string' ? body.title.trim() : '';
    if (title.length > 100) throw badRequest('title must be at most 100 characters');
    return { shortcut, title: title || shortcut, content: cleanContent(body.content) };
  }

  private async announce(id: number, canned: CannedReply | null): Promise<void> {
    // Not a visitor's event: stored under the inbox's id, for agents only.
    await this.deps.store.insertEvent(ADMIN, 'agents', { type: 'canned', id, canned });
    await this.deps.feed.kick();
  }
}
