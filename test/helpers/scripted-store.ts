// An in-memory Store for unit tests of the delivery core: rows get ids when
// written, become visible only when the test commits them (out of order if it
// likes), and any method can be told to fail. Only what the core calls is real;
// the rest throws, so a test notices when the core starts to need more.
import type { Audience, KefuEvent, Message, Scope } from '../../sidecar/core/message.js';
import { messageConversation } from '../../sidecar/core/message.js';
import type { IdRange, NewEvent, Store, StoredEvent, TailBatch } from '../../sidecar/store/store.js';

interface Row { message: Message; committed: boolean }
interface EventRow { event: StoredEvent; committed: boolean }

const inRanges = (id: number, ranges: readonly IdRange[]) => ranges.some(([lo, hi]) => id >= lo && id <= hi);

export class ScriptedStore implements Store {
  readonly rows = new Map<number, Row>();
  readonly eventRows = new Map<number, EventRow>();
  /** Every call, by method name, in order. */
  readonly calls: Array<{ method: string; args: unknown[] }> = [];
  private nextMid = 1;
  private nextEvent = 1;
  private failures = new Map<string, unknown[]>();
  step = 1;
  /** Runs inside scopeMessages, after its rows are read: what happens while a query is under way. */
  duringScopeMessages: (() => void) | null = null;

  /** The next `times` calls of `method` throw `err`. */
  failNext(method: keyof Store, err: unknown, times = 1): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...Array.from({ length: times }, () => err)]);
  }

  private enter(method: string, args: unknown[]): void {
    this.calls.push({ method, args });
    const queue = this.failures.get(method);
    if (queue?.length) throw queue.shift();
  }

  count(method: string): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  /** Reserves a mid for a row (as an open transaction would); visible once committed. */
  write(from: string, to: string, content: string, opts: { commit?: boolean; mid?: number } = {}): Message {
    const mid = opts.mid ?? this.nextMid;
    this.nextMid = Math.max(this.nextMid, mid) + this.step;
    const message: Message = { mid, from, to, conversation: messageConversation(from, to), content, createdAt: null, read: false };
    this.rows.set(mid, { message, committed: opts.commit ?? true });
    return message;
  }

  commit(mid: number): void {
    this.rows.get(mid)!.committed = true;
  }

  writeEvent(visitorId: string, audience: Audience, event: KefuEvent, commit = true): StoredEvent {
    const e: StoredEvent = { id: this.nextEvent, visitorId, audience, event };
    this.nextEvent += this.step;
    this.eventRows.set(e.id, { event: e, committed: commit });
    return e;
  }

  commitEvent(id: number): void {
    this.eventRows.get(id)!.committed = true;
  }

  isRead(mid: number): boolean {
    return this.rows.get(mid)!.message.read;
  }

  // ---- the Store interface -------------------------------------------------

  async tail(afterMid: number, recheck: readonly IdRange[], afterEventId: number, recheckEvents: readonly IdRange[], limit: number): Promise<TailBatch> {
    this.enter('tail', [afterMid, recheck, afterEventId, recheckEvents, limit]);
    const visible = [...this.rows.values()].filter((r) => r.committed).map((r) => ({ ...r.message }));
    const fresh = visible.filter((m) => m.mid > afterMid).sort((a, b) => a.mid - b.mid).slice(0, limit);
    const late = visible.filter((m) => m.mid <= afterMid && inRanges(m.mid, recheck));
    const events = [...this.eventRows.values()].filter((r) => r.committed).map((r) => r.event);
    const freshEv = events.filter((e) => e.id > afterEventId).sort((a, b) => a.id - b.id).slice(0, limit);
    const lateEv = events.filter((e) => e.id <= afterEventId && inRanges(e.id, recheckEvents));
    return { messages: [...fresh, ...late].sort((a, b) => a.mid - b.mid), events: [...freshEv, ...lateEv].sort((a, b) => a.id - b.id) };
  }

  async latestIds(): Promise<{ mid: number; eventId: number }> {
    this.enter('latestIds', []);
    return { mid: Math.max(0, ...this.rows.keys()), eventId: Math.max(0, ...this.eventRows.keys()) };
  }

  async idStep(): Promise<{ step: number; offset: number }> {
    this.enter('idStep', []);
    return { step: this.step, offset: 1 };
  }

  async scopeMessages(scope: Scope, afterMid: number, uptoMid: number, extra: readonly number[], limit: number): Promise<Message[]> {
    this.enter('scopeMessages', [scope, afterMid, uptoMid, extra, limit]);
    const rows = [...this.rows.values()]
      .filter((r) => r.committed)
      .map((r) => ({ ...r.message }))
      .filter((m) => (m.mid > afterMid && m.mid <= uptoMid) || extra.includes(m.mid))
      .filter((m) => scope.kind === 'agents' || m.from === scope.visitorId || m.to === scope.visitorId)
      .sort((a, b) => a.mid - b.mid)
      .slice(0, limit);
    await Promise.resolve();
    this.duringScopeMessages?.();
    return rows;
  }

  async unreadRows(side: 'pos' | 'rec', ids: readonly string[], uptoMid: number): Promise<Array<{ mid: number; from: string; to: string }>> {
    this.enter('unreadRows', [side, ids, uptoMid]);
    return [...this.rows.values()]
      .filter((r) => r.committed && !r.message.read && r.message.mid <= uptoMid && ids.includes(side === 'pos' ? r.message.from : r.message.to))
      .map((r) => ({ mid: r.message.mid, from: r.message.from, to: r.message.to }));
  }

  async markRead(mids: readonly number[]): Promise<number> {
    this.enter('markRead', [mids]);
    let n = 0;
    for (const mid of mids) {
      const r = this.rows.get(mid);
      if (r?.committed && !r.message.read) {
        r.message.read = true;
        n++;
      }
    }
    return n;
  }

  async insertEvents(events: readonly NewEvent[]): Promise<void> {
    this.enter('insertEvents', [events]);
    for (const e of events) this.writeEvent(e.visitorId, e.audience, e.event);
  }

  async insertEvent(visitorId: string, audience: Audience, event: KefuEvent): Promise<void> {
    this.enter('insertEvent', [visitorId, audience, event]);
    this.writeEvent(visitorId, audience, event);
  }

  migrate = notUsed;
  ping = notUsed;
  close = async () => {};
  insertMessage = notUsed;
  history = notUsed;
  pruneEvents = notUsed;
  upsertVisitor = notUsed;
  getVisitor = notUsed;
  visitorOfUser = notUsed;
  readonly desk = new Proxy({} as Store['desk'], { get: () => notUsed });
  readonly canned = new Proxy({} as Store['canned'], { get: () => notUsed });
  readonly team = new Proxy({} as Store['team'], { get: () => notUsed });
  readonly ratings = new Proxy({} as Store['ratings'], { get: () => notUsed });
  readonly push = new Proxy({} as Store['push'], { get: () => notUsed });
  readonly settings = new Proxy({} as Store['settings'], { get: () => notUsed });
  readonly attachments = new Proxy({} as Store['attachments'], { get: () => notUsed });
  readonly blobs = new Proxy({} as Store['blobs'], { get: () => notUsed });
  readonly mail = new Proxy({} as Store['mail'], { get: () => notUsed });
  touchVisitors = notUsed;
  noteActivity = notUsed;
  conversations = notUsed;
  relatedConversations = notUsed;
  consumeTicket = notUsed;
  setAgentPresence = notUsed;
  agentsOnline = notUsed;
}

async function notUsed(): Promise<never> {
  throw new Error('not used by the delivery core');
}

/** A logger that keeps what it is told. */
export function memoryLogger() {
  const lines: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => { lines.push({ level, msg, fields }); };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A clock the test moves by hand. */
export function manualClock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}
