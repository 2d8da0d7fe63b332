import type { CannedDraft } from '../client/desk-api.js';
import type { ConversationFilter, ConversationState, ConversationStatus } from '../protocol/wire.js';
import type { AttachmentController } from './attachment-controller.js';
import type { DeskController } from './desk-controller.js';
import type { InboxController } from './inbox-controller.js';
import type { KefuComposer } from './kefu-composer.js';
import type { KefuDeskTools } from './kefu-desk-tools.js';
import type { ShortcutAction } from './shortcuts.js';

/** What the console's actions need of the shell. */
export interface ConsoleParts {
  inbox(): InboxController | undefined;
  desk(): DeskController | undefined;
  attachments(): AttachmentController | undefined;
  tools(): KefuDeskTools | undefined;
  composer(): KefuComposer | undefined;
  /** Opens a conversation (or none); `focus` puts the caret in the composer. */
  select(visitorId: string | undefined, focus?: boolean): Promise<void>;
  /** Marks a message of the open conversation (a search hit). */
  highlight(mid: number): void;
}

type Listener = (e: CustomEvent) => unknown;

/**
 * What the console does for each event of its inner components and for each
 * keyboard shortcut, in one place: the shell stays layout and header. Every
 * listener stops its event, so only the console's own contract events leave
 * `<kefu-admin>`.
 */
export class ConsoleActions {
  constructor(private readonly parts: ConsoleParts) {}

  /** Adds a listener per inner event to `root` (the console's shadow root). */
  listen(root: EventTarget): void {
    for (const [name, handle] of Object.entries(this.listeners)) {
      root.addEventListener(name, (e) => {
        e.stopPropagation();
        void handle(e as CustomEvent);
      });
    }
  }

  private get inbox() {
    return this.parts.inbox();
  }

  private get desk() {
    return this.parts.desk();
  }

  private readonly listeners: Record<string, Listener> = {
    'kefu-select': (e: CustomEvent<{ visitorId: string }>) => this.parts.select(e.detail.visitorId),
    'kefu-back': () => this.parts.select(undefined),
    'kefu-send': (e: CustomEvent<{ content: string }>) => {
      const id = this.inbox?.selected;
      // The reply takes the conversation's uploaded files; none go while one is still uploading or failed.
      const files = id ? this.parts.attachments()?.take(id) : [];
      if (files) this.inbox?.send(e.detail.content, files);
    },
    'kefu-attach': (e: CustomEvent<{ files: File[] }>) => {
      const id = this.inbox?.selected;
      if (!id) return;
      void this.parts.attachments()?.add(id, e.detail.files);
      // Files go with a reply (notes carry none): a drop while writing a note switches to the reply.
      void this.parts.composer()?.focusIn('reply');
    },
    'kefu-attach-remove': (e: CustomEvent<{ key: string }>) => this.withSelected((id) => this.parts.attachments()?.remove(id, e.detail.key)),
    'kefu-attach-retry': (e: CustomEvent<{ key: string }>) => this.withSelected((id) => this.parts.attachments()?.retry(id, e.detail.key)),
    'kefu-retry': (e: CustomEvent<{ clientId: string }>) => this.inbox?.retry(e.detail.clientId),
    'kefu-typing': (e: CustomEvent<{ typing: boolean }>) => (e.detail.typing ? this.inbox?.noteTyping() : this.inbox?.stopTyping()),
    'kefu-load-older': () => this.inbox?.loadOlder(),
    'kefu-filter': (e: CustomEvent<{ filter: ConversationFilter }>) => this.inbox?.setFilter(e.detail.filter),
    'kefu-note': (e: CustomEvent<{ content: string }>) => {
      const id = this.inbox?.selected;
      if (id) this.desk?.addNote(id, e.detail.content);
    },
    'kefu-retry-note': (e: CustomEvent<{ clientId: string }>) => this.desk?.retryNote(e.detail.clientId),
    'kefu-status': (e: CustomEvent<{ status: ConversationStatus }>) => this.setStatus(e.detail.status),
    'kefu-assign': (e: CustomEvent<{ agent: string | null; note?: string }>) => this.assign(e.detail.agent, e.detail.note),
    'kefu-block': (e: CustomEvent<{ reason: string; address: boolean }>) => this.block(e.detail.reason, e.detail.address),
    'kefu-unblock': (e: CustomEvent<{ id: number; visitorId: string }>) => this.unblock((b) => b.id === e.detail.id),
    'kefu-unblock-visitor': () => this.unblock((b) => b.visitorId === this.inbox?.selected),
    'kefu-canned-save': (e: CustomEvent<{ id?: number; draft: CannedDraft }>) => this.desk?.saveCanned(e.detail.id, e.detail.draft),
    'kefu-canned-delete': (e: CustomEvent<{ id: number }>) => this.desk?.removeCanned(e.detail.id),
    'kefu-search-open': (e: CustomEvent<{ visitorId: string; mid: number }>) => this.reveal(e.detail.visitorId, e.detail.mid),
    'kefu-tool-closed': () => this.desk?.clearError(),
  };

  private withSelected(act: (visitorId: string) => void): void {
    const id = this.inbox?.selected;
    if (id) act(id);
  }

  /** A keyboard shortcut; true when it did something (the key's default is then prevented). */
  shortcut(action: ShortcutAction): boolean {
    const inbox = this.inbox;
    const tools = this.parts.tools();
    // A dialog is open: it has the keyboard (its own Esc closes it).
    if (!inbox || !tools || tools.open) return false;
    const id = inbox.selected;
    switch (action) {
      case 'next':
      case 'previous':
        void this.step(action === 'next' ? 1 : -1);
        return true;
      case 'search':
      case 'help':
        void tools.show(action === 'search' ? 'search' : 'shortcuts');
        return true;
      case 'resolve':
        if (!id) return false;
        void this.setStatus(inbox.conversations.get(id)?.status === 'resolved' ? 'open' : 'resolved');
        return true;
      case 'assignMe':
        if (!id || !inbox.me) return false;
        void this.assign(inbox.me);
        return true;
      case 'reply':
      case 'note':
        if (!id) return false;
        void this.parts.composer()?.focusIn(action);
        return true;
      default:
        return false;
    }
  }

  /** The selected conversation in the visible list, moved by `step`. */
  private async step(step: 1 | -1): Promise<void> {
    const inbox = this.inbox;
    const list = inbox?.visible ?? [];
    if (!list.length) return;
    const at = list.findIndex((c) => c.visitorId === inbox?.selected);
    const next = list[at < 0 ? 0 : Math.min(list.length - 1, Math.max(0, at + step))];
    if (next) await this.parts.select(next.visitorId, false);
  }

  /** Opens a search hit: the conversation, older pages until the message is in, and the message marked. */
  private async reveal(visitorId: string, mid: number): Promise<void> {
    await this.parts.select(visitorId, false);
    const inbox = this.inbox;
    const thread = inbox?.threads.get(visitorId);
    while (inbox && thread?.hasMore && inbox.selected === visitorId && !thread.log.messages.some((m) => m.mid <= mid)) {
      await inbox.loadOlder();
    }
    this.parts.highlight(mid);
  }

  private async setStatus(status: ConversationStatus): Promise<void> {
    const id = this.inbox?.selected;
    if (id) this.applied(await this.desk?.setStatus(id, status));
  }

  private async assign(agent: string | null, note?: string): Promise<void> {
    const id = this.inbox?.selected;
    if (id) this.applied(await this.desk?.assign(id, agent, note));
  }

  /** The answer to this agent's own change, shown before its event comes round. */
  private applied(state: ConversationState | undefined): void {
    if (state) this.inbox?.applyState(state);
  }

  private async block(reason: string, address: boolean): Promise<void> {
    const id = this.inbox?.selected;
    const block = id ? await this.desk?.block(id, reason, address) : undefined;
    // As if it came through the feed: the inbox marks the conversation, the desk lists the block.
    if (block) this.inbox?.handleBatch({ messages: [], events: [{ type: 'block', block }] });
  }

  private async unblock(which: (b: { id: number; visitorId: string }) => boolean): Promise<void> {
    const block = this.desk?.blocks.find(which);
    if (block && (await this.desk?.unblock(block.id))) {
      this.inbox?.handleBatch({ messages: [], events: [{ type: 'unblock', id: block.id, visitorId: block.visitorId }] });
    }
  }
}
