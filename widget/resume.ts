import { VisitorStorage } from './visitor-storage.js';
import type { KefuChat } from './kefu-chat.js';

/**
 * A mail's link back into a conversation (`#kefu-resume=<token>`, docs/email.md),
 * loaded only when a page opens with one. The token leaves the address bar at
 * once (a bookmark or a shared screen must not carry it) and is exchanged for
 * that conversation's visitor token, kept as this browser's own; then the
 * launcher starts as usual and opens the panel on it. On any failure (expired,
 * a signed-in user's conversation, offline) the panel opens on what this
 * browser had.
 */
export default async function resume(chat: KefuChat): Promise<void> {
  const token = /kefu-resume=([\w.-]+)/.exec(location.hash)?.[1];
  history.replaceState(history.state, '', location.pathname + location.search);
  try {
    const r = await fetch(chat.server + '/kefu/api/visitor/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resume: token }),
    });
    if (r.ok) new VisitorStorage(chat.server).token = (await r.json()).token;
  } catch {
    // Offline or refused: the panel opens all the same.
  }
  chat.connectedCallback();
  chat.open = true;
}
