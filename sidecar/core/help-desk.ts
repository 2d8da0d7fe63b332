// The team's workflow on top of the chat: a conversation's status (open,
// pending, resolved) and owner, agent-only notes, who is looking at what, and
// blocked visitors. Every change is an event on the delivery path (audience
// `agents`), so every console on every process sees it within the delivery
// latency, gap-safe, without a refresh loop of its own.
import { createHmac } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import type { ConversationFilter } from '../store/desk-store.js';
import type { MessageFeed } from './message-feed.js';
import type { Agent } from './chat.js';
import { cleanClientId, cleanContent } from './chat.js';
import { badRequest, errorCode, KefuError } from './kefu-error.js';
import { AGENT_ONLINE_WINDOW_MS } from './presence.js';
import { AGENT_ID, type Audience, type Block, type ConversationState, type ConversationStatus, type KefuEvent, type Note } from './message.js';

export const MAX_REASON = 500;
const ABSENT_SWEEP_MS = 60_000;

export interface HelpDeskDeps {
  store: Store;
  feed: MessageFeed;
  log: Logger;
  /** Keys the address hashes: an address is never stored in the clear. */
  secret: string;
  /** An owner not seen (or away) this long gives their open conversations back; 0 never. */
  unassignAfterMs: number;
  /** Give an unowned conversation to the least busy agent online when its visitor writes. */
  autoAssign?: boolean;
}

export class HelpDesk {
  /** Blocked visitor ids and address hashes: read again on every block event, from any process. */
  private blockedVisitors = new Set<string>();
  private blockedAddresses = new Set<string>();
  private sweepTimer: NodeJS.Timeout | null = null;
  /**
   * Each conversation's message follow-up still on its way (reopen, claim). It
   * runs after the sender has its answer, so an agent can act on the message
   * before it lands; their change waits for it, or the late follow-up would
   * undo it (reopen what they just resolved, claim what they just gave back).
   * Within this process only: across processes the feed's latency is far
   * longer than a follow-up's two queries.
   */
  private followUps = new Map<string, Promise<void>>();

  constructor(private readonly deps: HelpDeskDeps) {}

  async start(): Promise<void> {
    await this.reloadBlocks();
    if (this.deps.unassignAfterMs > 0) {
      this.sweepTimer = setInterval(() => void this.returnAbsentOwners(), ABSENT_SWEEP_MS);
      this.sweepTimer.unref();
    }
  }

  stop(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
  }

  /**
   * Events from the feed (this process's and others'): a block made anywhere is
   * refused here too. The list is read again rather than taken from the event,
   * which does not carry the address hash to the consoles.
   */
  noteEvents(events: readonly KefuEvent[]): void {
    if (events.some((ev) => ev.type === 'block' || ev.type === 'unblock')) {
      this.reloadBlocks().catch((err) => this.deps.log.warn('could not read the block list; keeping the last one', { code: errorCode(err) }));
    }
  }

  private async reloadBlocks(): Promise<void> {
    const blocks = await this.deps.store.desk.blocks();
    this.blockedVisitors = new Set(blocks.map((b) => b.visitorId));
    this.blockedAddresses = new Set(blocks.flatMap((b) => (b.addressHash ? [b.addressHash] : [])));
  }

  /**
   * A keyed hash of a client address: enough to recognise it again, useless to
   * anyone reading the table without the secret.
   */
  addressHash(address: string): string {
    return createHmac('sha256', this.deps.secret).update(`address:${address}`).digest('base64url');
  }

  /** 403 for a blocked visitor or address: polite, and before anything is written. */
  assertAllowed(visitorId: string | null, address: string): void {
    const blocked =
      (visitorId !== null && this.blockedVisitors.has(visitorId)) ||
      (this.blockedAddresses.size > 0 && this.blockedAddresses.has(this.addressHash(address)));
    if (blocked) throw new KefuError('forbidden', 'This chat is not available to you.');
  }

  isBlocked(visitorId: string): boolean {
    return this.blockedVisitors.has(visitorId);
  }

  /**
   * A visitor wrote: a resolved conversation opens again, and with auto-assignment
   * an unowned one goes to the least busy agent online. Runs after the message is stored.
   */
  visitorWrote(visitorId: string): Promise<void> {
    return this.followUp(visitorId, () => this.reopen(visitorId));
  }

  private async reopen(visitorId: string): Promise<void> {
    const state = await this.deps.store.desk.changeState(visitorId, { status: 'open', when: { status: 'resolved' } });
    if (state) {
      await this.announce(state, 'system');
      await this.tellVisitor(state);
    }
    if (this.deps.autoAssign) await this.autoAssign(visitorId, state);
  }

  private async autoAssign(visitorId: string, known: ConversationState | null): Promise<void> {
    const current = known ?? (await this.deps.store.desk.state(visitorId));
    if (!current || current.assignee) return;
    const online = (await this.deps.store.desk.agents(new Date(Date.now() - AGENT_ONLINE_WINDOW_MS))).filter((a) => a.online);
    if (!online.length) return;
    const load = await this.deps.store.desk.openLoad(online.map((a) => a.id));
    // Least busy first; ties go by id so that processes deciding at once agree.
    const pick = online.sort((a, b) => (load.get(a.id) ?? 0) - (load.get(b.id) ?? 0) || (a.id < b.id ? -1 : 1))[0];
    const claimed = await this.deps.store.desk.changeState(visitorId, { assignee: { id: pick.id, name: pick.name }, when: { assignee: null } });
    if (claimed) await this.announce(claimed, 'system');
  }

  /** An agent answered: an unowned conversation becomes theirs. */
  agentAnswered(agent: Agent, visitorId: string): Promise<void> {
    return this.followUp(visitorId, async () => {
      const state = await this.deps.store.desk.changeState(visitorId, { assignee: { id: agent.id, name: agent.name || null }, when: { assignee: null } });
      if (state) await this.announce(state, agent.id, agent.name);
    });
  }

  /** Runs a message's follow-up after the conversation's earlier ones, and keeps it until done. */
  private followUp(visitorId: string, work: () => Promise<void>): Promise<void> {
    const run = this.settled(visitorId).then(work);
    const kept = run.then(() => undefined, () => undefined);
    this.followUps.set(visitorId, kept);
    void kept.then(() => {
      if (this.followUps.get(visitorId) === kept) this.followUps.delete(visitorId);
    });
    return run;
  }

  /** Resolves once the conversation's follow-ups are done; their failures are their senders' to log. */
  private settled(visitorId: string): Promise<void> {
    return this.followUps.get(visitorId) ?? Promise.resolve();
  }

  async setStatus(agent: Agent, visitorId: string, status: unknown): Promise<ConversationState> {
    if (status !== 'open' && status !== 'pending' && status !== 'resolved') throw badRequest('status must be "open", "pending" or "resolved"');
    await this.settled(visitorId);
    const changed = await this.deps.store.desk.changeState(visitorId, { status: status as ConversationStatus });
    if (changed) {
      await this.announce(changed, agent.id, agent.name);
      await this.tellVisitor(changed);
    }
    return changed ?? (await this.current(visitorId));
  }

  /**
   * Gives a conversation to an agent (`to`, possibly oneself) or back to nobody
   * (null), with an optional note the receiver sees.
   */
  async assign(agent: Agent, visitorId: string, to: unknown, note: unknown): Promise<ConversationState> {
    if (to !== null && (typeof to !== 'string' || !AGENT_ID.test(to))) throw badRequest('agent must be "agent:<id>" or null');
    if (note !== undefined && note !== null && typeof note !== 'string') throw badRequest('note must be a string');
    const text = typeof note === 'string' ? note.trim() : '';
    if (text.length > MAX_REASON) throw badRequest(`note must be at most ${MAX_REASON} characters`);
    let assignee: { id: string; name: string | null } | null = null;
    if (to !== null) {
      const known = (await this.deps.store.desk.agents(new Date(0))).find((a) => a.id === to);
      if (!known && to !== agent.id) throw new KefuError('not_found', 'no such agent');
      assignee = { id: to as string, name: to === agent.id ? agent.name || null : (known?.name ?? null) };
    }
    await this.settled(visitorId);
    const changed = await this.deps.store.desk.changeState(visitorId, { assignee });
    const state = changed ?? (await this.current(visitorId));
    if (changed || text) await this.announce(state, agent.id, agent.name, text || undefined);
    // The event tells the receiver now; the note keeps it in the thread for whoever opens it later.
    if (text) await this.addNote(agent, visitorId, text, undefined);
    return state;
  }

  async addNote(agent: Agent, visitorId: string, content: unknown, clientId: unknown): Promise<{ note: Note; created: boolean }> {
    const text = cleanContent(content);
    const cid = cleanClientId(clientId);
    const [newest] = await this.deps.store.history({ kind: 'visitor', visitorId }, null, 1);
    const result = await this.deps.store.desk.insertNote({
      visitorId, from: agent.id, fromName: agent.name || null, content: text, clientId: cid, afterMid: newest?.mid ?? 0,
    });
    if (result.created) await this.emit(visitorId, { type: 'note', note: result.note });
    return result;
  }

  notes(visitorId: string): Promise<Note[]> {
    return this.deps.store.desk.notes(visitorId, 1000);
  }

  async viewing(agent: Agent, visitorId: string, viewing: boolean): Promise<void> {
    await this.emit(visitorId, { type: 'viewing', visitorId, agent: agent.id, name: agent.name || undefined, viewing });
  }

  async block(agent: Agent, visitorId: string, reason: unknown, address: unknown): Promise<Block> {
    if (typeof reason !== 'string' || !reason.trim()) throw badRequest('reason must be a non-empty string');
    if (reason.trim().length > MAX_REASON) throw badRequest(`reason must be at most ${MAX_REASON} characters`);
    if (address !== undefined && typeof address !== 'boolean') throw badRequest('address must be true or false');
    const hash = address ? await this.deps.store.desk.addressHash(visitorId) : null;
    if (address && !hash) throw badRequest('this visitor\'s address is not known: block the visitor alone');
    const block = await this.deps.store.desk.insertBlock({ visitorId, addressHash: hash, reason: reason.trim(), by: agent.id, byName: agent.name || null });
    await this.reloadBlocks();
    await this.emit(visitorId, { type: 'block', block });
    return block;
  }

  async unblock(id: number): Promise<void> {
    const block = await this.deps.store.desk.removeBlock(id);
    if (!block) throw new KefuError('not_found', 'no such block');
    await this.reloadBlocks();
    await this.emit(block.visitorId, { type: 'unblock', id, visitorId: block.visitorId });
  }

  async blocks(): Promise<Block[]> {
    return (await this.deps.store.desk.blocks()).map(({ addressHash: _hidden, ...b }) => b);
  }

  async counts(agentId: string) {
    return this.deps.store.desk.counts(agentId);
  }

  parseFilter(value: unknown): ConversationFilter {
    if (value === undefined) return 'all';
    if (value === 'all' || value === 'open' || value === 'mine' || value === 'unassigned' || value === 'resolved') return value;
    throw badRequest('filter must be all, open, mine, unassigned or resolved');
  }

  /** Owners who went away give their open conversations back, so no visitor waits on someone absent. */
  async returnAbsentOwners(): Promise<number> {
    let returned = 0;
    try {
      const owned = await this.deps.store.desk.ownedByAbsent(new Date(Date.now() - this.deps.unassignAfterMs), 500);
      for (const { visitorId, assignee } of owned) {
        const state = await this.deps.store.desk.changeState(visitorId, { assignee: null, when: { assignee } });
        if (state) {
          returned++;
          await this.announce(state, 'system');
        }
      }
    } catch (err) {
      this.deps.log.warn('could not return absent agents\' conversations; retrying next minute', { code: errorCode(err) });
    }
    return returned;
  }

  private async current(visitorId: string): Promise<ConversationState> {
    const state = await this.deps.store.desk.state(visitorId);
    if (!state) throw new KefuError('not_found', 'no such conversation');
    return state;
  }

  private announce(state: ConversationState, by: string, byName?: string, note?: string): Promise<void> {
    return this.emit(state.visitorId, { type: 'conversation', ...state, by, ...(byName ? { byName } : {}), ...(note ? { note } : {}) });
  }

  /**
   * The visitor learns the new status alone, never its owner or a note: a
   * resolved conversation asks them for a rating, any other status withdraws it.
   */
  private tellVisitor(state: ConversationState): Promise<void> {
    return this.emit(state.visitorId, { type: 'status', visitorId: state.visitorId, status: state.status }, 'visitor');
  }

  private async emit(visitorId: string, event: KefuEvent, audience: Audience = 'agents'): Promise<void> {
    await this.deps.store.insertEvent(visitorId, audience, event);
    await this.deps.feed.kick();
  }
}
