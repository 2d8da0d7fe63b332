// Web Push on this device, without any DOM of the console's own: the state
// (unsupported, blocked by the browser, off, on), turning it on (register the
// service worker, ask for permission, subscribe with the sidecar's VAPID key,
// hand the subscription to the sidecar) and off (unsubscribe, tell the sidecar).
// Loaded with the opt-in panel (kefu-push-settings.ts), never before.

export type PushState = 'unsupported' | 'blocked' | 'off' | 'on';

/** One agent API call with the console's token handling (kefu-admin.ts). */
export type AgentCall = <T>(path: string, method?: 'GET' | 'POST' | 'DELETE', body?: unknown) => Promise<T>;

export interface PushPlatform {
  serviceWorker?: ServiceWorkerContainer;
  Notification?: { permission: NotificationPermission; requestPermission(): Promise<NotificationPermission> };
  hasPushManager: boolean;
}

function browserPlatform(): PushPlatform {
  return {
    serviceWorker: 'serviceWorker' in navigator ? navigator.serviceWorker : undefined,
    Notification: typeof Notification === 'undefined' ? undefined : Notification,
    hasPushManager: typeof PushManager !== 'undefined',
  };
}

const ACTIVATE_TIMEOUT_MS = 15_000;

/** Resolves once the registration has an active worker: a subscription needs one. */
function activated(reg: ServiceWorkerRegistration): Promise<void> {
  const next = reg.installing ?? reg.waiting;
  if (reg.active || !next) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the service worker did not start')), ACTIVATE_TIMEOUT_MS);
    next.addEventListener('statechange', () => {
      if (next.state === 'activated') {
        clearTimeout(timer);
        resolve();
      } else if (next.state === 'redundant') {
        clearTimeout(timer);
        reject(new Error('the service worker did not install'));
      }
    });
  });
}

export class PushSubscriber {
  constructor(
    /** The worker's address (the `push-worker` attribute); its scope is the folder it is in. */
    private readonly worker: string,
    private readonly call: AgentCall,
    private readonly platform: PushPlatform = browserPlatform(),
  ) {}

  private get supported(): boolean {
    return !!(this.platform.serviceWorker && this.platform.Notification && this.platform.hasPushManager);
  }

  private async registration(): Promise<ServiceWorkerRegistration | undefined> {
    return this.platform.serviceWorker!.getRegistration(new URL('.', new URL(this.worker, location.href)).href);
  }

  /**
   * What is true now. A subscription this browser holds is handed to the
   * sidecar again: the sidecar may have dropped it (expired), or another
   * agent signed in here since.
   */
  async state(lang: string): Promise<PushState> {
    if (!this.supported) return 'unsupported';
    if (this.platform.Notification!.permission === 'denied') return 'blocked';
    const sub = await (await this.registration())?.pushManager.getSubscription();
    if (!sub || this.platform.Notification!.permission !== 'granted') return 'off';
    await this.save(sub, lang);
    return 'on';
  }

  async enable(lang: string): Promise<PushState> {
    if (!this.supported) return 'unsupported';
    // Asked first, while the click still counts as a user gesture (Safari and Firefox require one).
    const permission = await this.platform.Notification!.requestPermission();
    if (permission === 'denied') return 'blocked';
    if (permission !== 'granted') return 'off';
    const reg = await this.platform.serviceWorker!.register(this.worker);
    await activated(reg);
    const { publicKey } = await this.call<{ publicKey: string }>('/api/agent/push/key');
    // A subscription made with an older key cannot be reused: it is replaced.
    await (await reg.pushManager.getSubscription())?.unsubscribe();
    const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: publicKey });
    await this.save(sub, lang);
    return 'on';
  }

  async disable(): Promise<PushState> {
    const sub = await (await this.registration())?.pushManager.getSubscription();
    if (sub) {
      // The sidecar first: with the browser's subscription gone, nothing names this device any more.
      await this.call('/api/agent/push/subscriptions', 'DELETE', { endpoint: sub.endpoint });
      await sub.unsubscribe();
    }
    return 'off';
  }

  private save(sub: PushSubscription, lang: string): Promise<unknown> {
    // The page without its fragment: a notification adds `#conversation=…`.
    const page = location.href.replace(/#.*$/, '');
    return this.call('/api/agent/push/subscriptions', 'POST', { ...sub.toJSON(), lang: lang.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en', page });
  }
}
