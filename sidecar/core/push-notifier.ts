// Web Push to agents (docs/push.md): a notification on a visitor's message,
// to the owner of its conversation, or to every agent while nobody owns it
// ("New conversation" for its first message); once more when the visitor has
// waited `escalateAfterMs` without an answer from the team.
//
// Every process sees every row (its own at once, the others' through the
// tail), so every process meets every message here. One of them sends: the
// one whose claim row for (kind, mid) went in (store/push-store.ts). Rows
// from PHP and other sidecars are thus sent exactly once, whichever process
// is alive, and no process needs to know who wrote what.
//
// The work runs beside delivery, never in its way: the feed only hands rows
// over, and a queue with a few workers asks the database and the push services.
import { createHash } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import type { DeskStore } from '../store/desk-store.js';
import type { PushClaimKind, PushSubscriptionRecord } from '../store/push-store.js';
import type { FeedListener } from './message-feed.js';
import { errorCode } from './kefu-error.js';
import { isTeam, type Message } from './message.js';
import { pushPayload, type PushKind } from './push-text.js';

/** How a push service took a notification: accepted, the subscription is gone (404, 410), or another failure. */
export type PushOutcome = { sent: true } | { sent: false; gone: boolean; status: number | string };

/** Encryption, VAPID and HTTP live behind this (push/web-push-sender.ts); the core sees outcomes. */
export interface PushSender {
  /** `topic`: a newer notification with the same topic replaces one the push service still holds. */
  send(target: PushSubscriptionRecord, payload: string, topic: string): Promise<PushOutcome>;
}

export interface PushNotifierDeps {
  store: Pick<Store, 'push' | 'getVisitor' | 'history'> & { desk: Pick<DeskStore, 'state'> };
  feed: { subscribe(l: FeedListener): () => void };
  sender: PushSender;
  log: Logger;
  /** A visitor's message unanswered this long is pushed again, once; 0 never. */
  escalateAfterMs: number;
  /** Wall-clock milliseconds (message times are wall-clock); injectable for tests. */
  now?: () => number;
}

/** Agents not seen (no request with a valid token) for this long get no pushes: their access may be gone. */
export const AGENT_SEEN_WINDOW_MS = 14 * 24 * 3600_000;
/** Waits that began longer ago than this are not escalated (a process starting finds old rows in the feed). */
export const MAX_ESCALATION_AGE_MS = 24 * 3600_000;
const SWEEP_MS = 30_000;
/** Claims are kept long enough to outlive every wait that may still be escalated. */
const CLAIM_KEEP_MS = 2 * MAX_ESCALATION_AGE_MS;
const PRUNE_MS = 3600_000;
/** How long "nobody has a subscription" is believed; a subscription made in this process ends it at once. */
const ANY_TTL_MS = 30_000;
const WORKERS = 4;
const MAX_QUEUE = 1000;
/** Conversations remembered for waits and answers; past it the oldest are forgotten. */
const MAX_TRACKED = 10_000;

interface Wait {
  mid: number;
  at: number;
  content: string;
  escalated: boolean;
}

interface Job {
  kind: PushClaimKind;
  visitorId: string;
  mid: number;
  content: string;
  /** For an escalation: when the wait began. */
  since?: number;
}

/** A stable, header-safe name for a conversation's notifications (RFC 8030 Topic: at most 32 base64url characters). */
export function pushTopic(visitorId: string): string {
  return createHash('sha256').update(visitorId).digest('base64url').slice(0, 32);
}

export class PushNotifier {
  private live = false;
  /** Per conversation, the visitor's first message since the team last wrote. */
  private readonly waits = new Map<string, Wait>();
  /** Per conversation, the team's latest message: a visitor row below it (a late commit) starts no wait. */
  private readonly answered = new Map<string, number>();
  private readonly queue: Job[] = [];
  private active = 0;
  private idleWaiters: Array<() => void> = [];
  private anyKnown: { value: boolean; at: number } | null = null;
  /** The one look-up under way: workers starting together ask once. */
  private anyAsked: Promise<boolean> | null = null;
  private droppedWarnAt = 0;
  private readonly unsubscribe: () => void;
  private sweepTimer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(private readonly deps: PushNotifierDeps) {
    this.now = deps.now ?? Date.now;
    // From the start, before `start()`: the rows a starting feed reads back (its look-back)
    // tell which visitors still wait, so their escalation survives a restart.
    this.unsubscribe = deps.feed.subscribe({ messages: (batch) => this.noteMessages(batch), events: () => {} });
  }

  /** From now on new rows are pushed; before, they were history. */
  start(): void {
    this.live = true;
    if (this.deps.escalateAfterMs > 0) {
      this.sweepTimer = setInterval(() => this.checkWaits(), Math.min(SWEEP_MS, this.deps.escalateAfterMs));
      this.sweepTimer.unref();
    }
    this.pruneTimer = setInterval(() => {
      this.deps.store.push.pruneClaims(new Date(this.now() - CLAIM_KEEP_MS))
        .catch((err) => this.deps.log.warn('could not prune old push claims; retrying in an hour', { code: errorCode(err) }));
    }, PRUNE_MS);
    this.pruneTimer.unref();
  }

  stop(): void {
    this.live = false;
    this.unsubscribe();
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.queue.length = 0;
  }

  /** A subscription was stored here: pushes go out from now on, without waiting for the cache. */
  subscribed(): void {
    this.anyKnown = { value: true, at: this.now() };
  }

  /** Resolves when every queued notification has been handled (tests, shutdown). */
  idle(): Promise<void> {
    if (!this.active && !this.queue.length) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  noteMessages(batch: readonly Message[]): void {
    for (const m of batch) {
      const visitorId = m.conversation;
      // A row between team members carries a team id as its conversation: nobody waits there.
      if (!visitorId || visitorId.length > 64 || isTeam(visitorId)) continue;
      if (isTeam(m.from)) {
        this.waits.delete(visitorId);
        this.remember(this.answered, visitorId, Math.max(m.mid, this.answered.get(visitorId) ?? 0));
        continue;
      }
      if (m.from !== visitorId || !isTeam(m.to)) continue;
      if (!this.waits.has(visitorId) && m.mid > (this.answered.get(visitorId) ?? 0)) {
        const at = m.createdAt ? Date.parse(m.createdAt) : NaN;
        this.remember(this.waits, visitorId, { mid: m.mid, at: Number.isFinite(at) ? at : this.now(), content: m.content.slice(0, 1000), escalated: false });
      }
      if (this.live) this.enqueue({ kind: 'message', visitorId, mid: m.mid, content: m.content });
    }
  }

  /** Escalates the waits that reached `escalateAfterMs`; run every half minute (public for tests). */
  checkWaits(): void {
    if (!this.live || this.deps.escalateAfterMs <= 0) return;
    const now = this.now();
    for (const [visitorId, w] of this.waits) {
      if (w.escalated || now - w.at < this.deps.escalateAfterMs) continue;
      w.escalated = true;
      if (now - w.at > MAX_ESCALATION_AGE_MS) continue;
      this.enqueue({ kind: 'escalate', visitorId, mid: w.mid, content: w.content, since: w.at });
    }
  }

  private remember<T>(map: Map<string, T>, key: string, value: T): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > MAX_TRACKED) map.delete(map.keys().next().value!);
  }

  private enqueue(job: Job): void {
    if (this.queue.length >= MAX_QUEUE) {
      if (this.now() - this.droppedWarnAt > 60_000) {
        this.droppedWarnAt = this.now();
        this.deps.log.warn('push notifications are queued faster than they are sent; dropping some', { queued: this.queue.length });
      }
      return;
    }
    this.queue.push(job);
    this.pump();
  }

  private pump(): void {
    while (this.active < WORKERS && this.queue.length) {
      const job = this.queue.shift()!;
      this.active++;
      this.handle(job)
        .catch((err) => this.deps.log.warn('a push notification was not sent', { code: errorCode(err) }))
        .finally(() => {
          this.active--;
          this.pump();
          if (!this.active && !this.queue.length) for (const resolve of this.idleWaiters.splice(0)) resolve();
        });
    }
  }

  private async anyTargets(): Promise<boolean> {
    const now = this.now();
    // "Some" is read again after the TTL too, so a table emptied by expiries stops costing claims.
    if (this.anyKnown && now - this.anyKnown.at < ANY_TTL_MS) return this.anyKnown.value;
    this.anyAsked ??= this.deps.store.push.any().then((value) => {
      this.anyKnown = { value, at: now };
      return value;
    }).finally(() => { this.anyAsked = null; });
    return this.anyAsked;
  }

  private async handle(job: Job): Promise<void> {
    const { store } = this.deps;
    // Without any subscription there is nothing to claim: no write per message on a site that never opted in.
    if (!(await this.anyTargets())) return;
    if (!(await store.push.claim(job.kind, job.mid, new Date(this.now())))) return;
    const state = await store.desk.state(job.visitorId);
    // Resolved without a word is an answer too; a visitor's message reopens, so only an escalation stops here.
    if (job.kind === 'escalate' && state?.status === 'resolved') return;
    const targets = await store.push.targets(state?.assignee ? [state.assignee] : 'all', new Date(this.now() - AGENT_SEEN_WINDOW_MS));
    if (!targets.length) return;
    let kind: PushKind = job.kind;
    if (job.kind === 'message') {
      const before = await store.history({ kind: 'visitor', visitorId: job.visitorId }, job.mid, 1);
      if (!before.length) kind = 'new-conversation';
    }
    const visitor = await store.getVisitor(job.visitorId);
    const facts = {
      kind,
      visitorId: job.visitorId,
      name: visitor?.name || visitor?.email || null,
      content: job.content,
      minutes: job.since === undefined ? undefined : Math.max(1, Math.round((this.now() - job.since) / 60_000)),
    };
    const topic = pushTopic(job.visitorId);
    const outcomes = await Promise.all(targets.map(async (t) => {
      const payload = JSON.stringify(pushPayload(facts, t.lang, t.page));
      try {
        return { t, outcome: await this.deps.sender.send(t, payload, topic) };
      } catch (err) {
        return { t, outcome: { sent: false, gone: false, status: errorCode(err) } as PushOutcome };
      }
    }));
    const gone: number[] = [];
    const ok: number[] = [];
    for (const { t, outcome } of outcomes) {
      if (outcome.sent) ok.push(t.id);
      else if (outcome.gone) gone.push(t.id);
      // The status only: an endpoint is a capability, and a push service's answer may quote it.
      else this.deps.log.warn('a push service refused a notification', { status: outcome.status });
    }
    if (gone.length) {
      await store.push.removeIds(gone);
      this.deps.log.info('removed expired push subscriptions', { count: gone.length });
    }
    if (ok.length) await store.push.delivered(ok, new Date(this.now()));
  }
}
