// The notifier without a database or a push service: a scripted store, a fake
// sender and a clock the test moves. Who is notified for which message, that
// every message is pushed once however many processes see it, escalation, and
// what an expired subscription does.
import { describe, expect, it } from 'vitest';
import { PushNotifier, pushTopic, type PushOutcome, type PushSender } from '../../../sidecar/core/push-notifier.js';
import type { FeedListener } from '../../../sidecar/core/message-feed.js';
import { messageConversation, type ConversationState, type Message, type Scope } from '../../../sidecar/core/message.js';
import type { PushClaimKind, PushStore, PushSubscriptionRecord } from '../../../sidecar/store/push-store.js';
import type { PushPayload } from '../../../sidecar/core/push-text.js';
import type { Logger } from '../../../sidecar/logger.js';

const V = 'v_AAAAAAAAAAAAAAAAAAAAAA';
const W = 'v_BBBBBBBBBBBBBBBBBBBBBB';
const MIN = 60_000;

function subscription(id: number, agentId: string, extra: Partial<PushSubscriptionRecord> = {}): PushSubscriptionRecord {
  return {
    id, agentId, endpoint: `https://push.example.com/${id}`, p256dh: 'p', auth: 'a', label: null, lang: 'en',
    page: 'https://example.com/kefu/console', createdAt: '', lastOkAt: null, ...extra,
  };
}

/** The database all notifiers of a test share, as several processes share one. */
class Database {
  subs: PushSubscriptionRecord[] = [];
  claims = new Set<string>();
  states = new Map<string, ConversationState>();
  names = new Map<string, string>();
  rows: Message[] = [];
  delivered: number[] = [];
  calls: string[] = [];

  readonly push: PushStore = {
    save: async () => { throw new Error('not used'); },
    remove: async () => { throw new Error('not used'); },
    removeIds: async (ids) => { this.subs = this.subs.filter((s) => !ids.includes(s.id)); },
    targets: async (agents) => this.subs.filter((s) => agents === 'all' || agents.includes(s.agentId)),
    delivered: async (ids) => { this.delivered.push(...ids); },
    any: async () => { this.calls.push('any'); return this.subs.length > 0; },
    claim: async (kind: PushClaimKind, mid: number) => {
      this.calls.push('claim');
      const key = `${kind}:${mid}`;
      if (this.claims.has(key)) return false;
      this.claims.add(key);
      return true;
    },
    pruneClaims: async () => {},
  };

  readonly desk = { state: async (visitorId: string) => this.states.get(visitorId) ?? null };

  getVisitor = async (visitorId: string) => {
    const name = this.names.get(visitorId);
    return name === undefined ? null : ({ visitorId, name, email: null } as never);
  };

  history = async (scope: Scope, before: number | null, limit: number) =>
    this.rows.filter((m) => scope.kind === 'visitor' && m.conversation === scope.visitorId && (before === null || m.mid < before)).slice(-limit);
}

class FakeSender implements PushSender {
  sent: Array<{ to: number; payload: PushPayload; topic: string }> = [];
  outcomes = new Map<number, PushOutcome>();
  async send(target: PushSubscriptionRecord, payload: string, topic: string): Promise<PushOutcome> {
    this.sent.push({ to: target.id, payload: JSON.parse(payload) as PushPayload, topic });
    return this.outcomes.get(target.id) ?? { sent: true };
  }
}

function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push(JSON.stringify({ level, msg, ...fields }));
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** One process: its notifier, the feed listener it registered, and a clock. */
function process_(db: Database, opts: { escalateAfterMs?: number; clock?: { now: number }; sender?: FakeSender } = {}) {
  let listener: FeedListener | undefined;
  const clock = opts.clock ?? { now: Date.parse('2026-03-01T10:00:00Z') };
  const sender = opts.sender ?? new FakeSender();
  const log = recordingLog();
  const notifier = new PushNotifier({
    store: db,
    feed: { subscribe: (l) => { listener = l; return () => (listener = undefined); } },
    sender,
    log,
    escalateAfterMs: opts.escalateAfterMs ?? 0,
    now: () => clock.now,
  });
  let mid = 0;
  const feed = (from: string, to: string, content: string, at = clock.now, m = (mid = Math.max(mid, ...db.rows.map((r) => r.mid)) + 1)) => {
    const message: Message = { mid: m, from, to, conversation: messageConversation(from, to), content, createdAt: new Date(at).toISOString(), read: false };
    db.rows.push(message);
    listener?.messages([message], true);
    return message;
  };
  return { notifier, sender, log, clock, feed, deliver: (m: Message) => listener?.messages([m], true) };
}

describe('push notifier', () => {
  it('pushes a visitor\'s first message to every agent as a new conversation, and the next ones as messages', async () => {
    const db = new Database();
    db.subs = [subscription(1, 'agent:1'), subscription(2, 'agent:2', { lang: 'zh-CN', page: null })];
    db.names.set(V, 'Ann');
    const p = process_(db);
    p.notifier.start();
    p.feed(V, 'admin', 'Hello, is the blue one in stock?');
    await p.notifier.idle();
    expect(p.sender.sent).toEqual([
      { to: 1, topic: pushTopic(V), payload: { title: 'New conversation: Ann', body: 'Hello, is the blue one in stock?', visitorId: V, url: `https://example.com/kefu/console#conversation=${V}` } },
      { to: 2, topic: pushTopic(V), payload: { title: '新对话：Ann', body: 'Hello, is the blue one in stock?', visitorId: V, url: null } },
    ]);
    expect(db.delivered).toEqual([1, 2]);

    p.feed(V, 'admin', 'Hello?');
    await p.notifier.idle();
    expect(p.sender.sent.slice(2).map((s) => [s.to, s.payload.title])).toEqual([[1, 'Ann'], [2, 'Ann']]);
  });

  it('pushes to the owner only once the conversation has one', async () => {
    const db = new Database();
    db.subs = [subscription(1, 'agent:1'), subscription(2, 'agent:2'), subscription(3, 'agent:2')];
    db.states.set(V, { visitorId: V, status: 'open', assignee: 'agent:2', assigneeName: 'Bo' });
    const p = process_(db);
    p.notifier.start();
    p.feed(V, 'admin', 'still there?');
    await p.notifier.idle();
    expect(p.sender.sent.map((s) => s.to)).toEqual([2, 3]);
    expect(p.sender.sent[0].payload.title).toBe('New conversation: Visitor AAAAAA');
  });

  it('never pushes the team\'s own messages, nor the rows a starting feed reads back', async () => {
    const db = new Database();
    db.subs = [subscription(1, 'agent:1')];
    const p = process_(db);
    p.feed(V, 'admin', 'from before the start');
    p.notifier.start();
    p.feed('agent:1', V, 'an answer');
    p.feed('admin', V, 'an answer PHP wrote');
    p.feed('agent:1', 'admin', 'a line between colleagues');
    await p.notifier.idle();
    expect(p.sender.sent).toEqual([]);
  });

  it('sends each message once however many processes see it', async () => {
    const db = new Database();
    db.subs = [subscription(1, 'agent:1'), subscription(2, 'agent:2')];
    const sender = new FakeSender();
    const a = process_(db, { sender });
    const b = process_(db, { sender });
    const c = process_(db, { sender });
    for (const p of [a, b, c]) p.notifier.start();
    const m = a.feed(V, 'admin', 'written by PHP, seen by all three');
    b.deliver(m);
    c.deliver(m);
    await Promise.all([a, b, c].map((p) => p.notifier.idle()));
    expect(sender.sent.map((s) => s.to).sort()).toEqual([1, 2]);
  });

  it('writes no claim while nobody has a subscription', async () => {
    const db = new Database();
    const p = process_(db);
    p.notifier.start();
    p.feed(V, 'admin', 'one');
    p.feed(W, 'admin', 'two');
    await p.notifier.idle();
    expect(db.calls).toEqual(['any']);
    // A subscription made in this process counts at once.
    db.subs = [subscription(1, 'agent:1')];
    p.notifier.subscribed();
    p.feed(V, 'admin', 'three');
    await p.notifier.idle();
    expect(p.sender.sent.map((s) => s.payload.body)).toEqual(['three']);
  });

  it('removes a subscription the push service says is gone (404, 410) and logs other refusals by status only', async () => {
    const db = new Database();
    db.subs = [subscription(1, 'agent:1'), subscription(2, 'agent:1'), subscription(3, 'agent:1'), subscription(4, 'agent:1')];
    const p = process_(db);
    p.sender.outcomes.set(1, { sent: false, gone: true, status: 410 });
    p.sender.outcomes.set(2, { sent: false, gone: true, status: 404 });
    p.sender.outcomes.set(3, { sent: false, gone: false, status: 429 });
    p.notifier.start();
    p.feed(V, 'admin', 'secret order number 12345');
    await p.notifier.idle();
    expect(db.subs.map((s) => s.id)).toEqual([3, 4]);
    expect(db.delivered).toEqual([4]);
    expect(p.log.lines.filter((l) => l.includes('refused'))).toEqual([JSON.stringify({ level: 'warn', msg: 'a push service refused a notification', status: 429 })]);
    expect(p.log.lines.join('\n')).not.toMatch(/push\.example\.com|12345/);
  });

  it('pushes again, once, when a visitor has waited the escalation time without an answer', async () => {
    const db = new Database();
    db.subs = [subscription(1, 'agent:1')];
    db.names.set(V, 'Ann');
    const p = process_(db, { escalateAfterMs: 5 * MIN });
    p.notifier.start();
    const t0 = p.clock.now;
    p.feed(V, 'admin', 'first unanswered');
    p.clock.now = t0 + 2 * MIN;
    p.feed(V, 'admin', 'second');
    await p.notifier.idle();
    expect(p.sender.sent).toHaveLength(2);

    p.clock.now = t0 + 5 * MIN - 1;
    p.notifier.checkWaits();
    await p.notifier.idle();
    expect(p.sender.sent).toHaveLength(2);

    p.clock.now = t0 + 5 * MIN;
    p.notifier.checkWaits();
    p.notifier.checkWaits();
    await p.notifier.idle();
    expect(p.sender.sent.slice(2).map((s) => s.payload)).toEqual([
      { title: 'Ann has waited 5 min for an answer', body: 'first unanswered', visitorId: V, url: `https://example.com/kefu/console#conversation=${V}` },
    ]);

    // Answered, then a new wait: its own escalation.
    p.feed('agent:1', V, 'sorry!');
    p.clock.now = t0 + 6 * MIN;
    p.feed(V, 'admin', 'thanks, one more thing');
    await p.notifier.idle();
    p.clock.now = t0 + 11 * MIN;
    p.notifier.checkWaits();
    await p.notifier.idle();
    expect(p.sender.sent.slice(3).map((s) => s.payload.title)).toEqual(['Ann', 'Ann has waited 5 min for an answer']);
  });

  it('does not escalate a wait the team answered, a resolved conversation, or a late row below an answer', async () => {
    const db = new Database();
    db.subs = [subscription(1, 'agent:1')];
    db.states.set(W, { visitorId: W, status: 'resolved', assignee: null, assigneeName: null });
    const p = process_(db, { escalateAfterMs: 5 * MIN });
    p.notifier.start();
    const t0 = p.clock.now;
    p.feed(V, 'admin', 'hello', t0, 10);
    p.feed('admin', V, 'answered from PHP', t0, 12);
    // A row that committed late, below the answer: answered already.
    p.feed(V, 'admin', 'late', t0, 11);
    p.feed(W, 'admin', 'bye', t0, 13);
    await p.notifier.idle();
    const before = p.sender.sent.length;
    p.clock.now = t0 + 60 * MIN;
    p.notifier.checkWaits();
    await p.notifier.idle();
    expect(p.sender.sent.length).toBe(before);
    expect(db.claims.has('escalate:13')).toBe(true);
  });

  it('escalates after a restart a wait the starting feed read back, once across processes', async () => {
    const db = new Database();
    db.subs = [subscription(1, 'agent:1')];
    const clock = { now: Date.parse('2026-03-01T10:00:00Z') };
    const sender = new FakeSender();
    const a = process_(db, { escalateAfterMs: 5 * MIN, clock, sender });
    const b = process_(db, { escalateAfterMs: 5 * MIN, clock, sender });
    // Both read the row back while starting (history), from before a restart.
    const m = a.feed(V, 'admin', 'are you there?', clock.now - 3 * MIN);
    b.deliver(m);
    // And one far older: not escalated after a day.
    const old = a.feed(W, 'admin', 'last week', clock.now - 3 * 24 * 60 * MIN);
    b.deliver(old);
    a.notifier.start();
    b.notifier.start();
    clock.now += 2 * MIN;
    a.notifier.checkWaits();
    b.notifier.checkWaits();
    await Promise.all([a.notifier.idle(), b.notifier.idle()]);
    expect(sender.sent.map((s) => s.payload.title)).toEqual(['Visitor AAAAAA has waited 5 min for an answer']);
  });
});
