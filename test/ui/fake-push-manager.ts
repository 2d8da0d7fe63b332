import type { PushDevice } from '../helpers/push-service.js';

/**
 * An init script that stands in for the browser's push service (none is
 * reachable from here): PushManager.subscribe hands out the subscription of a
 * device of the local push service (test/helpers/push-service.ts), and
 * getSubscription returns it until it is unsubscribed. Everything else about
 * the service worker and its registration stays Chromium's own.
 */
export function fakePushManager(device: PushDevice['subscription']): void {
  const key = 'kefu.test.subscribed';
  const subscription = {
    endpoint: device.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true },
    toJSON: () => device,
    unsubscribe: async () => {
      localStorage.removeItem(key);
      return true;
    },
  };
  PushManager.prototype.subscribe = async function subscribe(options?: PushSubscriptionOptionsInit) {
    if (!options?.userVisibleOnly || typeof options.applicationServerKey !== 'string') throw new Error('subscribe without a VAPID key');
    localStorage.setItem(key, String(options.applicationServerKey));
    return subscription as unknown as PushSubscription;
  };
  PushManager.prototype.getSubscription = async function getSubscription() {
    return (localStorage.getItem(key) ? subscription : null) as unknown as PushSubscription;
  };
}
