import { html, nothing, type TemplateResult } from 'lit';
import { formatTime } from '../chat-session.js';

// Pieces of a message both faces draw the same way. Styles stay with each
// component (`.meta`, `.state[data-state]`, `.retry`, `.failed .bubble`).

/** An own message not yet confirmed by the server. */
export interface PendingView {
  clientId: string;
  content: string;
  state: 'sending' | 'failed';
}

export interface PendingLabels {
  sending: string;
  failed: string;
  retry: string;
}

/** The line under a bubble: its time and, for own messages, a state word. */
export function messageMeta(createdAt: string | null | undefined, locale: string | undefined, state?: [key: string, label: string]): TemplateResult {
  return html`<div class="meta" part="meta">
    ${createdAt ? html`<time datetime=${createdAt}>${formatTime(createdAt, locale)}</time>` : nothing}
    ${state ? html`<span class="state" data-state=${state[0]}>${state[1]}</span>` : nothing}
  </div>`;
}

/**
 * An own message on its way, or failed with a Retry button (same `clientId`,
 * so it is stored once); `files`, what its files look like, goes under its
 * text (a message of files alone has no bubble).
 */
export function pendingMessage(p: PendingView, side: string, t: PendingLabels, retry: (clientId: string) => void, files?: unknown): TemplateResult {
  const failed = p.state === 'failed';
  return html`<div class="msg ${side} ${p.state}" part="message" data-client-id=${p.clientId}>
    ${p.content ? html`<div class="bubble" part="bubble">${p.content}</div>` : nothing}${files}
    <div class="meta" part="meta">
      <span class="state" data-state=${p.state}>${failed ? t.failed : t.sending}</span>
      ${failed ? html`<button class="retry" type="button" @click=${() => retry(p.clientId)}>${t.retry}</button>` : nothing}
    </div>
  </div>`;
}
