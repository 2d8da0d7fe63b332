import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { Block, CannedReply } from '../protocol/wire.js';
import { emit } from '../client/ui/emit.js';
import { pickAdminStrings } from './i18n/pick-admin-strings.js';
import type { InboxConversation } from './inbox-controller.js';
import { deskToolsStyles } from './kefu-desk-tools.styles.js';
import type { SearchFn } from './search-controller.js';
import type { KefuSearchPanel } from './kefu-search-panel.js';
import type { AgentCall } from './push-subscriber.js';

export type DeskTool = 'search' | 'canned' | 'blocks' | 'ratings' | 'shortcuts' | 'push';

// Loaded on first use, as chunks beside admin.js: the console's first load
// stays within its budget, and most sessions open few of these.
const PANELS: Record<DeskTool, () => Promise<unknown>> = {
  search: () => import('./kefu-search-panel.js'),
  canned: () => import('./kefu-canned-manager.js'),
  blocks: () => import('./kefu-blocks-panel.js'),
  ratings: () => import('./kefu-ratings-report.js'),
  shortcuts: () => import('./kefu-shortcuts.js'),
  push: () => import('./kefu-push-settings.js'),
};

/**
 * The console header's tool buttons and the dialogs they open: search over
 * every conversation, the canned replies, the blocked visitors, the ratings
 * report, push notifications on this device (with `push-worker`), the
 * keyboard shortcuts. One native modal `<dialog>` at a time (focus kept inside, Esc
 * closes, focus back to where it was). The panels' events pass through to
 * the shell, which acts on them; a picked search hit closes the dialog.
 *
 * @csspart tool - each header button
 * @csspart dialog - the dialog box
 *
 * @cssproperty --kefu-accent, --kefu-on-accent, --kefu-background, --kefu-text, --kefu-muted, --kefu-line, --kefu-surface
 */
@customElement('kefu-desk-tools')
export class KefuDeskTools extends LitElement {
  static override styles = deskToolsStyles;

  @property({ attribute: false }) canned: readonly CannedReply[] = [];
  @property({ attribute: false }) blocks: readonly Block[] = [];
  @property({ attribute: false }) conversations?: ReadonlyMap<string, InboxConversation>;
  @property({ attribute: false }) search?: SearchFn;
  /** The agent may edit the team's shared canned replies. */
  @property({ type: Boolean }) manage = false;
  @property({ type: Boolean }) busy = false;
  /** Why the last save or unblock failed; '' for none. */
  @property() error = '';
  @property() override lang = '';
  /** The console's service worker (`<kefu-admin push-worker>`): with it, a Push tool turns Web Push on for this device. */
  @property({ attribute: 'push-worker' }) pushWorker = '';
  /** Agent API calls for the push tool. */
  @property({ attribute: false }) call?: AgentCall;

  @state() private tool: DeskTool | undefined;

  @query('dialog') private dialog?: HTMLDialogElement;
  @query('kefu-search-panel') private searchPanel?: KefuSearchPanel;

  /** Where the focus was before the dialog opened (a keyboard shortcut leaves no button to go back to). */
  private returnFocus: HTMLElement | undefined;

  private get t() {
    return pickAdminStrings(this.lang);
  }

  /** The tool shown, if any. */
  get open(): DeskTool | undefined {
    return this.tool;
  }

  async show(tool: DeskTool): Promise<void> {
    if (!this.tool) this.returnFocus = deepActiveElement();
    await PANELS[tool]();
    this.tool = tool;
    await this.updateComplete;
    if (!this.dialog?.open) this.dialog?.showModal();
    if (tool === 'search') await this.searchPanel?.focusInput();
  }

  close(): void {
    this.dialog?.close();
  }

  private readonly handleClosed = (): void => {
    this.tool = undefined;
    emit(this, 'kefu-tool-closed');
    this.returnFocus?.focus();
    this.returnFocus = undefined;
  };

  override render(): TemplateResult {
    const t = this.t;
    const label: Record<DeskTool, string> = { search: t.openSearch, canned: t.openCanned, blocks: t.openBlocks, ratings: t.openRatings, shortcuts: t.openShortcuts, push: t.openPush };
    const tools: DeskTool[] = ['search', 'canned', 'blocks', 'ratings', ...(this.pushWorker ? ['push' as const] : []), 'shortcuts'];
    return html`
      <div class="tools" role="group" aria-label=${t.deskTools}>
        ${tools.map(
          (tool) => html`<button type="button" class="tool" part="tool" data-tool=${tool} aria-haspopup="dialog" @click=${() => void this.show(tool)}>
            ${tool === 'shortcuts' ? html`<span aria-hidden="true">?</span><span class="sr-only">${label[tool]}</span>` : label[tool]}
            ${tool === 'blocks' && this.blocks.length ? html` <span class="n">${this.blocks.length}</span>` : nothing}
          </button>`,
        )}
      </div>
      <dialog part="dialog" aria-label=${this.tool ? label[this.tool] : t.deskTools} data-tool=${this.tool ?? ''} @close=${this.handleClosed} @kefu-close=${this.close} @kefu-search-open=${this.close}>
        <div class="dialog-head">
          <button type="button" class="close" @click=${this.close}>${t.closeDialog}</button>
        </div>
        <!-- Kept between openings: the last search and its hits are still there. -->
        <kefu-search-panel lang=${this.lang} .search=${this.search} ?hidden=${this.tool !== 'search'}></kefu-search-panel>
        ${this.renderTool()}
      </dialog>
    `;
  }

  private renderTool(): TemplateResult | typeof nothing {
    // The desk controller says 'network' when the server could not be reached; anything else is the server's own words.
    const error = this.error === 'network' ? this.t.networkDown : this.error;
    switch (this.tool) {
      case 'canned':
        return html`<kefu-canned-manager lang=${this.lang} .canned=${this.canned} ?manage=${this.manage} ?saving=${this.busy} error=${error}></kefu-canned-manager>`;
      case 'blocks':
        return html`<kefu-blocks-panel lang=${this.lang} .blocks=${this.blocks} .conversations=${this.conversations} error=${error}></kefu-blocks-panel>`;
      case 'ratings':
        return html`<kefu-ratings-report lang=${this.lang} .call=${this.call} .conversations=${this.conversations}></kefu-ratings-report>`;
      case 'shortcuts':
        return html`<kefu-shortcuts lang=${this.lang}></kefu-shortcuts>`;
      case 'push':
        return html`<kefu-push-settings lang=${this.lang} worker=${this.pushWorker} .call=${this.call}></kefu-push-settings>`;
      default:
        return nothing;
    }
  }
}

/** The focused element, inside shadow roots too. */
function deepActiveElement(): HTMLElement | undefined {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el instanceof HTMLElement ? el : undefined;
}

declare global {
  interface HTMLElementTagNameMap {
    'kefu-desk-tools': KefuDeskTools;
  }
  interface GlobalEventHandlersEventMap {
    'kefu-tool-closed': CustomEvent<undefined>;
  }
}
