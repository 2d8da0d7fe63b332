import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatMessage } from '../client/types.js';
import type { ConversationEvent } from '../protocol/wire.js';
import { previewText } from './attachment-rules.js';
import { Attention } from './attention.js';
import type { AdminStrings } from './i18n/en.js';
import type { InboxConversation, InboxController } from './inbox-controller.js';
import { displayName } from './visitor-labels.js';

/** How long a visitor may wait unanswered before the reminder repeats. */
export const REMIND_AFTER_MS = 60_000;

export interface AlertOptions {
  inbox: () => InboxController | undefined;
  strings: () => AdminStrings;
  /** Opens a conversation (a notification was clicked). */
  open: (visitorId: string) => void;
}

/**
 * What gets an agent's attention, and when: a chime and a desktop
 * notification for a visitor's message (unless the agent is away), for a
 * conversation handed to them, and again every minute for visitors still
 * waiting; the unread count in the page title; the text for the console's
 * polite live region. Connected, it reminds; disconnected, it stops.
 */
export class AlertController implements ReactiveController {
  readonly attention = new Attention();
  /** The latest visitor message, for screen readers. */
  liveText = '';
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly opts: AlertOptions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    // Browsers allow sound only after a gesture: the first one in the console unlocks it.
    this.host.addEventListener('pointerdown', this.unlock, { once: true });
    this.host.addEventListener('keydown', this.unlock, { once: true });
    this.timer = setInterval(() => this.remind(), REMIND_AFTER_MS);
  }

  hostDisconnected(): void {
    this.host.removeEventListener('pointerdown', this.unlock);
    this.host.removeEventListener('keydown', this.unlock);
    clearInterval(this.timer);
  }

  hostUpdated(): void {
    this.attention.setCount(this.opts.inbox()?.totalUnread ?? 0);
  }

  private readonly unlock = (): void => this.attention.unlockSound();

  private get quiet(): boolean {
    return this.opts.inbox()?.presence === 'away';
  }

  private name(c: InboxConversation): string {
    return displayName(c, c.visitorId, this.opts.strings());
  }

  visitorMessage(c: InboxConversation, m: ChatMessage): void {
    const name = this.name(c);
    const text = previewText(m, this.opts.strings().filesPreview);
    this.liveText = `${name}: ${text}`;
    if (this.quiet) return;
    this.attention.chime();
    if (document.hidden || this.opts.inbox()?.selected !== c.visitorId) {
      this.attention.notify(this.opts.strings().newMessageFrom(name), text, c.visitorId, () => this.opts.open(c.visitorId));
    }
  }

  /** A conversation became this agent's by someone else's hand. */
  handoff(c: InboxConversation, change: ConversationEvent, by: string): void {
    if (this.quiet) return;
    this.attention.chime();
    this.attention.notify(this.opts.strings().handoff(by, this.name(c)), change.note ?? '', c.visitorId, () => this.opts.open(c.visitorId));
  }

  /** Repeats the alert for conversations nobody has answered. */
  private remind(): void {
    const inbox = this.opts.inbox();
    if (!inbox || inbox.presence !== 'online') return;
    const waiting = inbox.waiting(REMIND_AFTER_MS);
    if (!waiting.length) return;
    this.attention.chime();
    for (const c of waiting) {
      this.attention.notify(this.opts.strings().waiting(this.name(c)), c.lastMessage ? previewText(c.lastMessage, this.opts.strings().filesPreview) : '', c.visitorId, () => this.opts.open(c.visitorId));
    }
  }
}
