// Where a click on a push notification leads (the service worker,
// console-sw.ts, acts on it): to a console window already open, told by
// message which conversation to open, or to a new window at the
// conversation's address. Plain functions, tested without a browser.

/** The message a console window gets (conversation-link-controller.ts listens for it). */
export const OPEN_CONVERSATION = 'kefu-open-conversation';

export interface OpenMessage {
  type: typeof OPEN_CONVERSATION;
  visitorId: string;
}

export type ClickAction = { focus: number; message: OpenMessage } | { open: string };

/**
 * The console this worker belongs to: its `console` parameter (WordPress
 * gives one), else `console` beside the worker (the sidecar's /kefu/console).
 */
export function consoleUrl(workerUrl: string): URL {
  const worker = new URL(workerUrl);
  const given = safeUrl(worker.searchParams.get('console') || 'console', worker);
  return given && given.origin === worker.origin ? given : new URL('console', worker);
}

/** The address and the conversation of a notification's data; null when it names none. */
export function notificationTarget(data: unknown, workerUrl: string): { url: string; visitorId: string } | null {
  const d = (data ?? {}) as { url?: unknown; visitorId?: unknown };
  if (typeof d.visitorId !== 'string' || !d.visitorId || d.visitorId.length > 64) return null;
  let url = typeof d.url === 'string' ? safeUrl(d.url) : null;
  // Only an address of this origin: a notification never sends the agent to another site.
  if (!url || url.origin !== new URL(workerUrl).origin) url = consoleUrl(workerUrl);
  url.hash = 'conversation=' + encodeURIComponent(d.visitorId);
  return { url: url.href, visitorId: d.visitorId };
}

function safeUrl(s: string, base?: URL): URL | null {
  try {
    return new URL(s, base);
  } catch {
    return null;
  }
}

const page = (href: string): string => {
  const u = new URL(href);
  return u.origin + u.pathname + u.search;
};

/**
 * The window to use: one showing the console page (fragment aside), else a new
 * one. `windows` are the addresses of this origin's open windows.
 */
export function clickAction(target: { url: string; visitorId: string }, windows: readonly string[]): ClickAction {
  const want = page(target.url);
  const index = windows.findIndex((w) => page(w) === want);
  if (index >= 0) return { focus: index, message: { type: OPEN_CONVERSATION, visitorId: target.visitorId } };
  return { open: target.url };
}

/** What a push's data becomes on the screen: tolerant of a payload a newer sidecar extended. */
export function notificationOf(text: string | null): { title: string; body: string; tag?: string; data: { url?: string; visitorId?: string } } {
  let p: { title?: unknown; body?: unknown; visitorId?: unknown; url?: unknown } = {};
  try {
    p = JSON.parse(text ?? '') as typeof p;
  } catch {
    // A push without our JSON still has to show something: browsers penalise a silent push.
  }
  const visitorId = typeof p.visitorId === 'string' ? p.visitorId : undefined;
  return {
    title: typeof p.title === 'string' && p.title ? p.title : 'Kefu',
    body: typeof p.body === 'string' ? p.body : '',
    tag: visitorId,
    data: { url: typeof p.url === 'string' ? p.url : undefined, visitorId },
  };
}
