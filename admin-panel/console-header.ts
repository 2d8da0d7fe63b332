import { html, nothing, type TemplateResult } from 'lit';
import type { DeskController } from './desk-controller.js';
import type { AdminStrings } from './i18n/en.js';
import type { InboxController, InboxConversation } from './inbox-controller.js';
import type { SearchFn } from './search-controller.js';
import type { AgentCall } from './push-subscriber.js';
import { displayName } from './visitor-labels.js';
import './kefu-desk-tools.js';

// The console's header and banners, as templates rendered into <kefu-admin>'s
// own shadow root (its styles apply, and the shell finds <kefu-desk-tools> there).

/** A conversation a colleague (or auto-assignment) just gave this agent. */
export interface Handoff {
  visitorId: string;
  by: string;
  note?: string;
}

export interface HeaderOptions {
  t: AdminStrings;
  lang: string;
  inbox: InboxController;
  desk: DeskController;
  search: SearchFn;
  notificationPermission: NotificationPermission | 'unsupported';
  askNotifications: () => void;
  /** Web Push on this device: the console's service worker, and agent API calls (kefu-push-settings.ts). */
  pushWorker?: string;
  call: AgentCall;
  /** "Sign out": a link (the CMS's log-out address), a callback, or none. */
  signOut?: string | (() => void);
}

/** A sign-out address a page gave: http(s) or a path on this site; anything else (javascript:…) is dropped. */
export function signOutLink(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url, location.href);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** Name, connection, the agent's name and sign-out, the desk's tools, notifications, presence. */
export function renderHeader({ t, lang, inbox, desk, search, notificationPermission, askNotifications, pushWorker, call, signOut }: HeaderOptions): TemplateResult {
  const conn =
    inbox.status === 'reconnecting'
      ? html`<span class="dot warn"></span>${t.reconnecting}`
      : inbox.status === 'live'
        ? html`<span class="dot on"></span>${t.live}`
        : html`<span class="dot"></span>${t.connecting}`;
  return html`
    <header class="top" part="header">
      <h1 class="brand">${t.appTitle}</h1>
      <span class="conn" data-status=${inbox.status}>${conn}</span>
      <span class="spacer"></span>
      ${inbox.myName ? html`<span class="me" title=${t.signedInAs(inbox.myName)}>${inbox.myName}</span>` : nothing}
      ${typeof signOut === 'string'
        ? html`<a class="link-button sign-out" href=${signOut}>${t.signOut}</a>`
        : signOut
          ? html`<button type="button" class="link-button sign-out" @click=${signOut}>${t.signOut}</button>`
          : nothing}
      <kefu-desk-tools
        lang=${lang}
        .canned=${desk.canned}
        .blocks=${desk.blocks}
        .conversations=${inbox.conversations}
        .search=${search}
        ?manage=${inbox.canManage}
        ?busy=${desk.busy}
        .error=${desk.error}
        push-worker=${pushWorker ?? ''}
        .call=${call}
      ></kefu-desk-tools>
      ${notificationPermission === 'default'
        ? html`<button class="link-button notify" type="button" aria-label=${t.enableNotifications} @click=${askNotifications}>
            <span class="long" aria-hidden="true">${t.enableNotifications}</span><span class="short" aria-hidden="true">${t.enableNotificationsShort}</span>
          </button>`
        : nothing}
      <div class="presence" role="group" aria-label=${t.presence}>
        ${(['online', 'away'] as const).map(
          (s) => html`<button type="button" data-presence=${s} aria-pressed=${String(inbox.presence === s)} @click=${() => inbox.setPresence(s)}>
            <span class="dot ${s === 'online' ? 'on' : ''}"></span>${s === 'online' ? t.online : t.away}
          </button>`,
        )}
      </div>
    </header>
  `;
}

export interface BannerOptions {
  t: AdminStrings;
  expired: boolean;
  handoff: Handoff | undefined;
  conversations: ReadonlyMap<string, InboxConversation>;
  open: (visitorId: string) => void;
  dismiss: () => void;
}

/** The session-expired warning and the hand-off notice, when there are any. */
export function renderBanners({ t, expired, handoff, conversations, open, dismiss }: BannerOptions): TemplateResult {
  const h = handoff;
  return html`
    ${expired ? html`<div class="banner" role="alert">${t.sessionExpired}</div>` : nothing}
    ${h
      ? html`<div class="banner handoff" role="status">
          <span>${t.handoff(h.by, displayName(conversations.get(h.visitorId), h.visitorId, t))}${h.note ? html`: <q>${h.note}</q>` : nothing}</span>
          <button type="button" class="link-button" data-action="open-handoff" @click=${() => open(h.visitorId)}>${t.handoffOpen}</button>
          <button type="button" class="link-button" @click=${dismiss}>${t.dismiss}</button>
        </div>`
      : nothing}
  `;
}
