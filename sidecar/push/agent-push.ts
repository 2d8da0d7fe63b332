// Web Push for agents, put together: the VAPID keys (loaded at start), the
// sender, the notifier of the core, and what the routes do with an agent's
// subscriptions (transports/push-api.ts). docs/push.md tells the whole story.
import type { PushSettings } from '../config.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import type { PushSubscriptionInput, PushSubscriptionRecord } from '../store/push-store.js';
import type { FeedListener } from '../core/message-feed.js';
import { PushNotifier } from '../core/push-notifier.js';
import { loadVapidKeys } from './vapid-keys.js';
import { WebPushSender, type VapidKeys } from './web-push-sender.js';

export interface AgentPushDeps {
  settings: PushSettings;
  store: Store;
  feed: { subscribe(l: FeedListener): () => void };
  log: Logger;
}

export class AgentPush {
  readonly notifier: PushNotifier;
  /** The VAPID public key browsers subscribe with; null until start() loaded it. */
  publicKey: string | null = null;
  private readonly keys: Promise<VapidKeys>;
  private settle!: { resolve: (k: VapidKeys) => void; reject: (err: unknown) => void };

  constructor(private readonly deps: AgentPushDeps) {
    this.keys = new Promise<VapidKeys>((resolve, reject) => { this.settle = { resolve, reject }; });
    // A send before start() waits for the keys; one after a failed start() fails, and is logged as such.
    this.keys.catch(() => undefined);
    this.notifier = new PushNotifier({
      store: deps.store,
      feed: deps.feed,
      sender: new WebPushSender(this.keys, deps.settings.vapidSubject),
      log: deps.log,
      escalateAfterMs: deps.settings.escalateAfterMs,
    });
  }

  /** After the feed started: its look-back rows were history, what comes now is news. */
  async start(): Promise<void> {
    this.notifier.start();
    try {
      const keys = await loadVapidKeys(this.deps.settings, this.deps.store.settings);
      this.publicKey = keys.publicKey;
      this.settle.resolve(keys);
    } catch (err) {
      this.settle.reject(err);
      throw err;
    }
  }

  /** Stops taking work and lets what is being sent finish, for at most two seconds (a push service may hang). */
  async stop(): Promise<void> {
    this.notifier.stop();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.notifier.idle(), new Promise<void>((resolve) => { timer = setTimeout(resolve, 2000); })]);
    clearTimeout(timer);
  }

  async subscribe(agentId: string, sub: PushSubscriptionInput): Promise<{ subscription: PushSubscriptionRecord; created: boolean }> {
    const saved = await this.deps.store.push.save(agentId, sub, new Date());
    this.notifier.subscribed();
    return saved;
  }

  unsubscribe(agentId: string, endpoint: string): Promise<boolean> {
    return this.deps.store.push.remove(agentId, endpoint);
  }
}
