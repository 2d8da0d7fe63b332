// The console's service worker (built on its own as console-sw.js, never part
// of the console bundle): it shows the Web Push notifications the sidecar
// sends (docs/push.md) and, on a click, opens their conversation in a console
// window that is open already, or in a new one. It caches nothing and
// handles no requests: the console works as it does without it.
//
// Served as /kefu/console-sw.js by the sidecar (scope /kefu/) and by the
// WordPress plugin under wp-admin. Parameters of its own address:
// `console`, the console page a click opens when a notification names none
// of this origin; `icon`, the notification icon.
import { clickAction, consoleUrl, notificationOf, notificationTarget } from './push-click.js';

// The worker's own scope, typed by hand: the DOM library the bundles build with has no worker types.
interface WindowClientLike {
  url: string;
  postMessage(message: unknown): void;
  focus(): Promise<unknown>;
}
interface ExtendableEventLike extends Event {
  waitUntil(work: Promise<unknown>): void;
}
interface PushEventLike extends ExtendableEventLike {
  data: { text(): string } | null;
}
interface NotificationEventLike extends ExtendableEventLike {
  notification: { data: unknown; close(): void };
}
interface WorkerScope {
  location: { href: string };
  registration: { showNotification(title: string, options: NotificationOptions): Promise<void> };
  clients: {
    matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<WindowClientLike[]>;
    openWindow(url: string): Promise<unknown>;
    claim(): Promise<void>;
  };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (e: ExtendableEventLike) => void): void;
  addEventListener(type: 'push', listener: (e: PushEventLike) => void): void;
  addEventListener(type: 'notificationclick', listener: (e: NotificationEventLike) => void): void;
}

const worker = globalThis as unknown as WorkerScope;
const here = new URL(worker.location.href);
const icon = new URL(here.searchParams.get('icon') || 'console-icon-192.png', here).href;

/** Shows a push's notification; one per conversation (its tag), the newest replacing the one before. */
export function showPush(text: string | null): Promise<void> {
  const n = notificationOf(text);
  return worker.registration.showNotification(n.title, { body: n.body, tag: n.tag, data: n.data, icon });
}

/** What a click on a notification does: also called by the browser tests, which cannot click one. */
export async function openConversation(data: unknown): Promise<void> {
  const target = notificationTarget(data, worker.location.href);
  if (!target) {
    await worker.clients.openWindow(consoleUrl(worker.location.href).href);
    return;
  }
  const windows = await worker.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const action = clickAction(target, windows.map((w) => w.url));
  if ('open' in action) {
    await worker.clients.openWindow(action.open);
    return;
  }
  const w = windows[action.focus];
  // The message first: a browser may refuse the focus (no user gesture), the conversation opens all the same.
  w.postMessage(action.message);
  await w.focus().catch(() => undefined);
}

// Nothing is cached, so a new version may take over at once.
worker.addEventListener('install', () => void worker.skipWaiting());
worker.addEventListener('activate', (e) => e.waitUntil(worker.clients.claim()));
worker.addEventListener('push', (e) => e.waitUntil(showPush(e.data ? e.data.text() : null)));
worker.addEventListener('notificationclick', (e) => {
  e.notification.close();
  e.waitUntil(openConversation(e.notification.data));
});
