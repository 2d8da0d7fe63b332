import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { TokenSource } from '../client/token-source.js';
import { requestJson } from '../client/request-json.js';
import type { ChatMessage } from '../client/types.js';
import { emit } from '../client/ui/emit.js';
import type { ConversationEvent } from '../protocol/wire.js';
import { AlertController } from './alert-controller.js';
import { AttachmentController } from './attachment-controller.js';
import { ConsoleActions } from './console-actions.js';
import { renderBanners, renderHeader, signOutLink, type Handoff } from './console-header.js';
import { DeskController } from './desk-controller.js';
import { loadAdminStrings, pickAdminStrings } from './i18n/pick-admin-strings.js';
import { InboxController, type InboxConversation } from './inbox-controller.js';
import { adminStyles } from './kefu-admin.styles.js';
import type { RelatedFn } from './related-controller.js';
import type { SearchFn } from './search-controller.js';
import { ShortcutController } from './shortcut-controller.js';
import { ConversationLinkController } from './conversation-link-controller.js';
import type { AgentCall } from './push-subscriber.js';
import './kefu-inbox-list.js';
import './kefu-conversation.js';
import './kefu-conversation-actions.js';
import './kefu-composer.js';
import './kefu-visitor-details.js';
import type { KefuComposer } from './kefu-composer.js';
import type { KefuDeskTools } from './kefu-desk-tools.js';

/**
 * The agent console, a team's help desk: conversations by tab (mine,
 * unassigned, all open, resolved), the selected one with its history, notes,
 * actions (assign, transfer, resolve, block), composer and visitor details,
 * search, canned replies and keyboard shortcuts. Real time through the
 * hidden-iframe stream, falling back to the long poll by itself.
 *
 * The shell: the header and banners (console-header.ts), the layout, and its
 * controllers: InboxController (the list, threads, replies), DeskController
 * (notes, colleagues viewing, the team, blocks, canned replies),
 * AttachmentController (files: the server's limits, uploads for replies,
 * signed addresses), AlertController (chimes, notifications, reminders) and
 * ShortcutController (the keyboard). Their data goes down to the inner
 * components as properties; the components' events come back up to the
 * shadow root, where ConsoleActions acts on them and stops them (only the
 * events below leave the console).
 *
 * @attr token - the agent JWT
 * @attr token-url - where a fresh token is fetched (JSON `{token}`) before this one expires
 * @attr nonce - WordPress REST nonce sent as X-WP-Nonce to token-url
 * @attr server - sidecar base URL; defaults to the origin this script came from
 * @attr transport - 'iframe' (default) or 'long-poll'
 * @attr lang - 'en' or 'zh-CN'; defaults to the browser's language
 * @attr theme - 'auto' (default: the system's light or dark), 'light' or 'dark'
 * @attr sign-out-url - shows "Sign out" as a link to this address (http, https or a path)
 * @attr sign-out - shows "Sign out" as a button that fires `kefu-sign-out` (the page forgets the token)
 * @attr push-worker - the console's service worker (its scope: its folder): with it, the Push tool turns Web Push on for this device (docs/push.md)
 *
 * @event kefu-visitor-message - detail `{visitorId, message}`: a visitor wrote
 * @event kefu-select - detail `{visitorId}`: the agent opened a conversation
 * @event kefu-sign-out - the agent pressed "Sign out" (with `sign-out`, no `sign-out-url`)
 *
 * @csspart base - the whole console
 * @csspart header - the top bar with the presence switch
 * @csspart list - the conversation list (`<kefu-inbox-list>`)
 * @csspart conversation - the open conversation (`<kefu-conversation>`)
 * @csspart details - the visitor details column (`<kefu-visitor-details>`)
 *
 * @cssproperty --kefu-accent, --kefu-accent-text (links and "Seen"), --kefu-on-accent, --kefu-background, --kefu-text, --kefu-muted, --kefu-line, --kefu-surface, --kefu-font, --kefu-radius, --kefu-admin-height
 */
@customElement('kefu-admin')
export class KefuAdmin extends LitElement {
  static override styles = adminStyles;

  @property() token?: string;
  @property({ attribute: 'token-url' }) tokenUrl?: string;
  @property({ attribute: 'nonce' }) wpNonce?: string;
  @property() server?: string;
  @property() transport: 'iframe' | 'long-poll' = 'iframe';
  @property() override lang = '';
  /** Where "Sign out" leads (the CMS's log-out address); without it, `sign-out` shows a button that only says so by event. */
  @property({ attribute: 'sign-out-url' }) signOutUrl?: string;
  @property({ type: Boolean, attribute: 'sign-out' }) signOut = false;
  /** 'auto' follows the system's light or dark setting; a site may force 'light' or 'dark'. */
  @property({ reflect: true }) theme: 'auto' | 'light' | 'dark' = 'auto';
  @property({ attribute: 'push-worker' }) pushWorker?: string;

  @state() private expired = false;
  /** The language whose strings are loaded, given to every part; null until the first are. */
  @state() private stringsLang: string | null = null;
  /** A conversation a colleague just gave this agent, until opened or dismissed. */
  @state() private handoff: Handoff | undefined;
  /** A search hit to show in the open conversation. */
  @state() private highlight = 0;

  @query('kefu-composer') private composerEl?: KefuComposer;
  /** Stable, so the search panel does not see a new function on every render. */
  private readonly search: SearchFn = (q, before, limit, signal) => this.desk!.api.search(q, before, limit, signal);
  /** The details column's past conversations; stable like `search`. */
  private readonly related: RelatedFn = (visitorId, signal) => this.inbox!.withToken(() => this.inbox!.api.related(visitorId, signal));
  @query('kefu-desk-tools') private toolsEl?: KefuDeskTools;
  /** The push opt-in's calls; stable like `search`. */
  private readonly call: AgentCall = (path, method, body) => this.inbox!.withToken(() => requestJson(this.base + '/kefu' + path, { method, token: this.tokens?.token, body }));

  private inbox?: InboxController;
  private desk?: DeskController;
  private files?: AttachmentController;
  private readonly actions = new ConsoleActions({
    inbox: () => this.inbox,
    desk: () => this.desk,
    attachments: () => this.files,
    tools: () => this.toolsEl,
    composer: () => this.composerEl,
    select: (visitorId, focus) => this.select(visitorId, focus),
    highlight: (mid) => (this.highlight = mid),
  });

  private readonly shortcuts = new ShortcutController(this, (action) => this.actions.shortcut(action));
  /** A push notification's conversation: from `#conversation=…` or the service worker's message. */
  private readonly links = new ConversationLinkController(this, (visitorId) => void this.select(visitorId));
  private tokens?: TokenSource;
  private readonly alerts = new AlertController(this, {
    inbox: () => this.inbox,
    strings: () => this.t,
    open: (visitorId) => void this.select(visitorId),
  });

  private get t() {
    return pickAdminStrings(this.stringsLang);
  }

  private get base(): string {
    if (this.server) return this.server.replace(/\/+$/, '');
    return new URL('../', import.meta.url).href.replace(/\/+$/, '');
  }

  protected override createRenderRoot(): HTMLElement | DocumentFragment {
    const root = super.createRenderRoot();
    // The inner components' events end in the shadow root: the console's own
    // contract is the events listed above, and its `kefu-select` leaves only once the conversation is open.
    this.actions.listen(root);
    return root;
  }

  override connectedCallback(): void {
    // Made before super's call, which then connects it (and again after every re-attach).
    this.ensureInbox();
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.handleVisibility);
    window.addEventListener('pagehide', this.handlePageHide);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.handleVisibility);
    window.removeEventListener('pagehide', this.handlePageHide);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('lang')) {
      const lang = this.lang;
      loadAdminStrings(lang)
        .catch((err: unknown) => console.warn('kefu: the console\'s Chinese strings did not load; showing English', err))
        .then(() => {
          if (this.lang === lang) this.stringsLang = lang;
        });
    }
    if (changed.has('token') && this.tokens && this.token) this.tokens.token = this.token;
    // A page may set the token after inserting the element.
    if (changed.has('token') || changed.has('tokenUrl')) this.ensureInbox();
  }

  /** The controller, once there is a token or a place to get one. */
  private ensureInbox(): void {
    if (this.inbox || !(this.token || this.tokenUrl)) return;
    this.tokens = new TokenSource(this.token, {
      url: this.tokenUrl,
      // A credential is minted only by a request a link or an image cannot make.
      method: 'POST',
      // The `nonce` content attribute may be hidden by the browser (CSP nonce hiding); the IDL value survives.
      nonce: this.wpNonce || this.nonce || undefined,
      onToken: (token) => {
        this.token = token;
        // A token again after a refusal (the CMS was briefly unreachable): carry on.
        if (this.expired) {
          this.expired = false;
          this.inbox?.resume();
        }
      },
    });
    this.inbox = new InboxController(this, {
      base: this.base,
      tokens: this.tokens,
      transport: this.transport === 'long-poll' ? 'long-poll' : 'iframe',
      onVisitorMessage: (c, m) => this.handleVisitorMessage(c, m),
      onUnauthorized: () => (this.expired = true),
      streamContainer: () => this.renderRoot,
      onEvents: (events) => this.desk?.handleEvents(events),
      onHandoff: (c, change) => this.handleHandoff(c, change),
    });
    const inbox = this.inbox;
    this.desk = new DeskController(this, {
      base: this.base,
      getToken: () => this.tokens?.token,
      me: () => inbox.me,
      withToken: (call) => inbox.withToken(call),
    });
    this.files = new AttachmentController(this, { api: inbox.api, withToken: (call) => inbox.withToken(call) });
    this.inbox.viewing = !document.hidden;
  }

  private readonly handleVisibility = (): void => {
    const inbox = this.inbox;
    if (!inbox) return;
    inbox.viewing = !document.hidden;
    if (inbox.viewing && inbox.selected) void inbox.markRead(inbox.selected);
  };

  private readonly handlePageHide = (): void => {
    // Tell the team at once rather than after the 90 s presence timeout and the 2 min viewing expiry.
    const token = this.tokens?.token;
    if (!token) return;
    const beacon = (path: string, body: unknown) =>
      void fetch(this.base + '/kefu/api/agent/' + path, {
        method: 'POST',
        keepalive: true,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).catch(() => {});
    if (this.inbox?.selected) beacon('viewing', { visitorId: this.inbox.selected, viewing: false });
    if (this.inbox?.presence === 'online') beacon('presence', { status: 'away' });
  };

  private handleHandoff(c: InboxConversation, change: ConversationEvent): void {
    const by = change.by === 'system' ? this.t.team : change.byName || change.by;
    this.handoff = { visitorId: c.visitorId, by, note: change.note };
    this.alerts.handoff(c, change, by);
  }

  private handleVisitorMessage(c: InboxConversation, m: ChatMessage): void {
    this.alerts.visitorMessage(c, m);
    emit(this, 'kefu-visitor-message', { visitorId: c.visitorId, message: m });
  }

  private async select(visitorId: string | undefined, focus = true): Promise<void> {
    if (visitorId !== this.inbox?.selected) this.highlight = 0;
    if (this.handoff?.visitorId === visitorId) this.handoff = undefined;
    void this.desk?.select(visitorId);
    await this.inbox?.select(visitorId);
    if (visitorId) emit(this, 'kefu-select', { visitorId });
    await this.updateComplete;
    if (focus) await this.composerEl?.focusIn();
  }

  private async askNotifications(): Promise<void> {
    await this.alerts.attention.askNotifications();
    this.requestUpdate();
  }

  override render(): TemplateResult {
    if (this.stringsLang === null) return html``;
    const t = this.t;
    const inbox = this.inbox;
    if (!inbox) return html`<div class="app" part="base"><p class="empty">${this.token || this.tokenUrl ? t.connecting : t.noToken}</p></div>`;
    const id = inbox.selected;
    const c = id ? inbox.conversations.get(id) : undefined;
    const thread = id ? inbox.threads.get(id) : undefined;
    const desk = this.desk!;
    const files = this.files!;
    return html`
      <div
        class="app ${id ? 'has-selection' : ''}"
        part="base"
      >
        ${renderHeader({
          t,
          lang: this.stringsLang,
          inbox,
          desk,
          search: this.search,
          notificationPermission: this.alerts.attention.notificationPermission,
          askNotifications: () => void this.askNotifications(),
          pushWorker: this.pushWorker,
          call: this.call,
          signOut: signOutLink(this.signOutUrl) ?? (this.signOut ? () => emit(this, 'kefu-sign-out') : undefined),
        })}
        <div class="banners">
          ${renderBanners({
            t,
            expired: this.expired,
            handoff: this.handoff,
            conversations: inbox.conversations,
            open: (visitorId) => void this.select(visitorId),
            dismiss: () => (this.handoff = undefined),
          })}
        </div>
        <kefu-inbox-list
          part="list"
          lang=${this.stringsLang}
          .conversations=${inbox.visible}
          .selected=${id}
          ?loaded=${inbox.listLoaded}
          .filter=${inbox.filter}
          .counts=${inbox.counts}
          .me=${inbox.me}
        ></kefu-inbox-list>
        <kefu-conversation
          part="conversation"
          lang=${this.stringsLang}
          .visitorId=${id}
          .conversation=${c}
          .messages=${thread?.log.messages ?? []}
          .pending=${inbox.pending.filter((p) => p.visitorId === id)}
          .typer=${id ? inbox.typing.get(id) : undefined}
          .readUpto=${id ? (inbox.visitorReadUpto.get(id) ?? 0) : 0}
          .me=${inbox.me}
          ?hasMore=${thread?.hasMore ?? false}
          ?loadingOlder=${thread?.loading ?? false}
          .notes=${id ? (desk.notes.get(id) ?? []) : []}
          .pendingNotes=${desk.pendingNotes.filter((n) => n.visitorId === id)}
          .ratings=${id ? (desk.ratings.get(id) ?? []) : []}
          .viewers=${id ? desk.viewersOf(id) : []}
          .highlight=${this.highlight}
          ?acceptFiles=${files.enabled}
          .link=${files.link}
        >
          ${id
            ? html`<kefu-conversation-actions
                  slot="actions"
                  lang=${this.stringsLang}
                  .conversation=${c}
                  .me=${inbox.me}
                  .agents=${desk.agents}
                  ?busy=${desk.busy}
                  .error=${this.toolsEl?.open ? '' : desk.error}
                ></kefu-conversation-actions>
                <kefu-composer
                  slot="composer"
                  lang=${this.stringsLang}
                  .canned=${desk.canned}
                  .values=${{ visitorName: c?.name, visitorEmail: c?.email, agentName: inbox.myName }}
                  .limits=${files.limits}
                  .files=${files.files(id)}
                  .refused=${files.refused(id)}
                ></kefu-composer>`
            : nothing}
        </kefu-conversation>
        <kefu-visitor-details part="details" lang=${this.stringsLang} .visitorId=${id} .conversation=${c} .related=${this.related}></kefu-visitor-details>
        <div class="sr-only" aria-live="polite">${this.alerts.liveText}</div>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kefu-admin': KefuAdmin;
  }
  interface GlobalEventHandlersEventMap {
    'kefu-visitor-message': CustomEvent<{ visitorId: string; message: ChatMessage }>;
    'kefu-sign-out': CustomEvent<undefined>;
  }
}
