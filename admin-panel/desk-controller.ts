import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ApiError } from '../client/api-error.js';
import { DeskApi, type CannedDraft } from '../client/desk-api.js';
import { Outbox, type Outgoing } from '../client/outbox.js';
import type { AgentEntry, Block, CannedReply, ConversationState, ConversationStatus, KefuEvent, Note, Rating } from '../protocol/wire.js';

export interface DeskOptions {
  base: string;
  getToken: () => string | undefined;
  /** `agent:<id>` of the signed-in agent. */
  me: () => string | undefined;
  /** The inbox's wrapper: a call refused for an old token is made once more with a fresh one. */
  withToken: <T>(call: () => Promise<T>) => Promise<T>;
}

/** An own note not yet confirmed by the server. */
export interface PendingNote extends Outgoing {
  visitorId: string;
  content: string;
}

/** A colleague with a conversation open. */
export interface Viewer {
  agent: string;
  name?: string;
}

/** A colleague's "viewing" is believed this long unless renewed; consoles renew it every minute. */
export const VIEWING_TTL_MS = 120_000;
const VIEWING_RENEW_MS = 60_000;

/**
 * The help desk around the open conversation, without any DOM: its notes
 * (and own notes on their way), which colleagues are looking at it, the
 * team, the blocked visitors and the canned replies, and the actions that
 * change them. The inbox hands it every feed event; it keeps what concerns it.
 *
 * A Lit ReactiveController: connected, it loads the team, the blocks and the
 * canned replies and tells colleagues every minute which conversation is open
 * here; disconnected, it says that conversation is closed and stops. Lists are
 * replaced, never changed in place, so views can compare them by identity.
 */
export class DeskController implements ReactiveController {
  readonly api: DeskApi;
  /** Notes of the conversations opened here, oldest first. */
  readonly notes = new Map<string, readonly Note[]>();
  /** The visitors' ratings of the conversations opened here, oldest first: lines of the thread like notes. */
  readonly ratings = new Map<string, readonly Rating[]>();
  agents: readonly AgentEntry[] = [];
  blocks: readonly Block[] = [];
  /** A desk action in flight (the views disable their buttons). */
  busy = false;
  /** Why the last action failed; '' when it did not. */
  error = '';

  private allCanned: readonly CannedReply[] = [];
  /** Conversations whose notes were fetched (or are being fetched). */
  private readonly notesLoaded = new Set<string>();
  private readonly viewers = new Map<string, Map<string, Viewer & { until: number }>>();
  private open: string | undefined;
  private connection: AbortController | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly noteOutbox = new Outbox<PendingNote, Note>({
    deliver: (p) => this.opts.withToken(() => this.api.addNote(p.visitorId, p.content, p.clientId)),
    onDelivered: (note) => this.addNotes([note]),
    onChange: () => this.changed(),
  });

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly opts: DeskOptions,
    /** Injectable for tests. */
    private readonly now: () => number = Date.now,
  ) {
    this.api = new DeskApi(opts.base, opts.getToken);
    host.addController(this);
  }

  hostConnected(): void {
    this.connection = new AbortController();
    void this.load(this.connection.signal);
    if (this.open) void this.announce(this.open, true);
    this.timer = setInterval(() => {
      if (this.open) void this.announce(this.open, true);
      this.sweep();
    }, VIEWING_RENEW_MS);
  }

  hostDisconnected(): void {
    this.connection?.abort();
    this.connection = undefined;
    clearInterval(this.timer);
    // Kept as the open one: put back, the console announces it again.
    if (this.open) void this.announce(this.open, false);
  }

  /** The team's shared replies and the agent's own. */
  get canned(): readonly CannedReply[] {
    const me = this.opts.me();
    return this.allCanned.filter((c) => c.owner === null || c.owner === me);
  }

  get pendingNotes(): readonly PendingNote[] {
    return this.noteOutbox.items;
  }

  /** Colleagues (not this agent) looking at a conversation now. */
  viewersOf(visitorId: string): Viewer[] {
    const now = this.now();
    return [...(this.viewers.get(visitorId)?.values() ?? [])].filter((v) => v.until > now).map(({ agent, name }) => ({ agent, name }));
  }

  private async load(signal: AbortSignal): Promise<void> {
    const [agents, blocks, canned] = await Promise.allSettled([
      this.opts.withToken(() => this.api.agents(signal)),
      this.opts.withToken(() => this.api.blocks(signal)),
      this.opts.withToken(() => this.api.canned(signal)),
    ]);
    if (agents.status === 'fulfilled') this.agents = agents.value;
    if (blocks.status === 'fulfilled') this.blocks = blocks.value;
    if (canned.status === 'fulfilled') this.allCanned = canned.value;
    this.changed();
  }

  /** The team again, with who is online now (before a transfer). */
  async refreshAgents(): Promise<void> {
    try {
      this.agents = await this.opts.withToken(() => this.api.agents(this.connection?.signal));
      this.changed();
    } catch (err) {
      this.fail(err);
    }
  }

  /** The agent opened another conversation (or none): colleagues are told, its notes fetched once. */
  async select(visitorId: string | undefined): Promise<void> {
    if (visitorId === this.open) return;
    const previous = this.open;
    this.open = visitorId;
    if (previous) void this.announce(previous, false);
    if (!visitorId) return;
    void this.announce(visitorId, true);
    if (this.notesLoaded.has(visitorId)) return;
    this.notesLoaded.add(visitorId);
    // An entry from now on, so a colleague's note (or a rating) arriving during the fetch is kept.
    if (!this.notes.has(visitorId)) this.notes.set(visitorId, []);
    if (!this.ratings.has(visitorId)) this.ratings.set(visitorId, []);
    try {
      const signal = this.connection?.signal;
      const [notes, ratings] = await Promise.all([
        this.opts.withToken(() => this.api.notes(visitorId, signal)),
        this.opts.withToken(() => this.api.ratings(visitorId, signal)),
      ]);
      this.notes.set(visitorId, mergeNotes(this.notes.get(visitorId) ?? [], notes));
      this.ratings.set(visitorId, mergeNotes(this.ratings.get(visitorId) ?? [], ratings));
      this.changed();
    } catch {
      // Shown with what the feed brought; the next opening fetches them again.
      this.notesLoaded.delete(visitorId);
    }
  }

  private async announce(visitorId: string, viewing: boolean): Promise<void> {
    try {
      await this.opts.withToken(() => this.api.viewing(visitorId, viewing));
    } catch {
      // Colleagues' consoles forget a viewer after VIEWING_TTL_MS anyway.
    }
  }

  /** What the feed brought that concerns the desk (the inbox handles the rest). */
  handleEvents(events: readonly KefuEvent[]): void {
    let touched = false;
    for (const ev of events) {
      switch (ev.type) {
        case 'note':
          this.noteOutbox.settle([ev.note.clientId]);
          // A conversation never opened here fetches its notes when it is.
          if (this.notes.has(ev.note.visitorId)) this.addNotes([ev.note]);
          break;
        case 'rating': {
          const known = this.ratings.get(ev.rating.visitorId);
          if (!known) continue;
          this.ratings.set(ev.rating.visitorId, mergeNotes(known, [ev.rating]));
          break;
        }
        case 'viewing': {
          if (ev.agent === this.opts.me()) continue;
          const seen = this.viewers.get(ev.visitorId) ?? new Map();
          if (ev.viewing) seen.set(ev.agent, { agent: ev.agent, name: ev.name, until: this.now() + VIEWING_TTL_MS });
          else seen.delete(ev.agent);
          this.viewers.set(ev.visitorId, seen);
          break;
        }
        case 'canned':
          this.allCanned = [...this.allCanned.filter((c) => c.id !== ev.id), ...(ev.canned ? [ev.canned] : [])];
          break;
        case 'block':
          this.blocks = [...this.blocks.filter((b) => b.id !== ev.block.id), ev.block];
          break;
        case 'unblock':
          this.blocks = this.blocks.filter((b) => b.id !== ev.id);
          break;
        case 'presence':
          // Someone came online or left: the transfer list shows who is there now.
          void this.refreshAgents();
          continue;
        default:
          continue;
      }
      touched = true;
    }
    if (touched) this.changed();
  }

  private addNotes(notes: readonly Note[]): void {
    const visitorId = notes[0]?.visitorId;
    if (!visitorId) return;
    this.notes.set(visitorId, mergeNotes(this.notes.get(visitorId) ?? [], notes));
    this.changed();
  }

  /** Forgets colleagues whose console stopped renewing (closed without a word). */
  private sweep(): void {
    const now = this.now();
    let gone = false;
    for (const seen of this.viewers.values()) {
      for (const [agent, v] of seen) {
        if (v.until <= now) {
          seen.delete(agent);
          gone = true;
        }
      }
    }
    if (gone) this.changed();
  }

  /** An agent-only note on a conversation; shown at once as pending, retried by hand if it fails. */
  addNote(visitorId: string, content: string): void {
    const text = content.trim();
    if (text) this.noteOutbox.send({ visitorId, content: text });
  }

  retryNote(clientId: string): void {
    this.noteOutbox.retry(clientId);
  }

  setStatus(visitorId: string, status: ConversationStatus): Promise<ConversationState | undefined> {
    return this.act(() => this.api.setStatus(visitorId, status));
  }

  assign(visitorId: string, agent: string | null, note?: string): Promise<ConversationState | undefined> {
    return this.act(() => this.api.assign(visitorId, agent, note));
  }

  /** The new block; the caller hands it on as an event, so the inbox marks the conversation too. */
  block(visitorId: string, reason: string, address: boolean): Promise<Block | undefined> {
    return this.act(() => this.api.block(visitorId, reason, address));
  }

  async unblock(id: number): Promise<boolean> {
    const done = await this.act(async () => {
      await this.api.unblock(id);
      return true;
    });
    if (done) {
      this.blocks = this.blocks.filter((b) => b.id !== id);
      this.changed();
    }
    return done ?? false;
  }

  async saveCanned(id: number | undefined, draft: CannedDraft): Promise<boolean> {
    const saved = await this.act(() => this.api.saveCanned(id, draft));
    if (saved) this.handleEvents([{ type: 'canned', id: saved.id, canned: saved }]);
    return Boolean(saved);
  }

  async removeCanned(id: number): Promise<boolean> {
    const done = await this.act(async () => {
      await this.api.removeCanned(id);
      return true;
    });
    if (done) this.handleEvents([{ type: 'canned', id, canned: null }]);
    return done ?? false;
  }

  /** Forgets the last action's error (a dialog was closed). */
  clearError(): void {
    if (!this.error) return;
    this.error = '';
    this.changed();
  }

  /** One action at a time: its answer, or undefined with `error` set. */
  private async act<T>(call: () => Promise<T>): Promise<T | undefined> {
    if (this.busy) return undefined;
    this.busy = true;
    this.error = '';
    this.changed();
    try {
      return await this.opts.withToken(call);
    } catch (err) {
      this.fail(err);
      return undefined;
    } finally {
      this.busy = false;
      this.changed();
    }
  }

  private fail(err: unknown): void {
    // The server's message says what was wrong with the request ("no such agent"); a network failure says so.
    const e = ApiError.from(err);
    this.error = e.status === 0 ? 'network' : e.message;
    this.changed();
  }

  private changed(): void {
    this.host.requestUpdate();
  }
}

/** Notes (or ratings) by id (an own note may come back both as the answer and through the feed), oldest first. */
export function mergeNotes<T extends { id: number; afterMid: number }>(known: readonly T[], more: readonly T[]): T[] {
  const byId = new Map(known.map((n) => [n.id, n]));
  for (const n of more) byId.set(n.id, n);
  return [...byId.values()].sort((a, b) => a.afterMid - b.afterMid || a.id - b.id);
}
