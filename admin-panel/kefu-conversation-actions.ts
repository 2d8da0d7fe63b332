import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { emit } from '../client/ui/emit.js';
import type { AgentEntry, ConversationStatus } from '../protocol/wire.js';
import { pickAdminStrings } from './i18n/pick-admin-strings.js';
import type { InboxConversation } from './inbox-controller.js';
import { actionsStyles } from './kefu-conversation-actions.styles.js';

type DialogName = 'transfer' | 'block';

/** The element the focus is really on, through shadow roots. */
function deepActive(): HTMLElement | null {
  let at = document.activeElement;
  while (at?.shadowRoot?.activeElement) at = at.shadowRoot.activeElement;
  return at instanceof HTMLElement && at !== document.body ? at : null;
}

/**
 * The open conversation's toolbar: its status and owner, and what can be done
 * with it: assign to me, resolve or reopen, mark pending (waiting on the
 * visitor), transfer (a dialog: to whom, and a note the receiver sees), block
 * (a dialog: why, and whether the address too) or unblock. Buttons carry
 * `data-action` (assign-me, resolve, reopen, pending, transfer, block,
 * unblock), dialog fields `data-field` (agent, note; reason, address). While
 * `busy` the buttons are inert. It holds no network state.
 *
 * @event kefu-assign - detail `{agent, note?}`: give it to `agent:<id>` (null: nobody); `note` only when written
 * @event kefu-status - detail `{status}`: open, pending or resolved
 * @event kefu-block - detail `{reason, address}`: block the visitor (and their address)
 * @event kefu-unblock-visitor - no detail: lift the visitor's block
 *
 * @csspart toolbar - the row of status, owner and buttons
 * @csspart dialog - each of the two dialogs
 *
 * @cssproperty --kefu-accent, --kefu-on-accent, --kefu-background, --kefu-text, --kefu-muted, --kefu-line, --kefu-surface
 */
@customElement('kefu-conversation-actions')
export class KefuConversationActions extends LitElement {
  static override styles = actionsStyles;

  @property({ attribute: false }) conversation?: InboxConversation;
  /** `agent:<id>` of the signed-in agent. */
  @property({ attribute: false }) me?: string;
  /** The team, for transfers. */
  @property({ attribute: false }) agents: readonly AgentEntry[] = [];
  /** An action is in flight: the buttons stay focusable but do nothing. */
  @property({ type: Boolean }) busy = false;
  /** Why the last action failed ('network' when the server was unreachable); '' for none. */
  @property() error = '';
  @property() override lang = '';

  @state() private reasonError = '';
  /** Where the focus goes back to when a dialog closes. */
  private returnTo: HTMLElement | null = null;
  /** A toolbar button had the focus before this update (it may be the one removed). */
  private hadFocus = false;

  @query('dialog[data-dialog=transfer]') private transferDialog?: HTMLDialogElement;
  @query('dialog[data-dialog=block]') private blockDialog?: HTMLDialogElement;

  private get t() {
    return pickAdminStrings(this.lang);
  }

  /** Opens the transfer dialog (for a keyboard shortcut); the focus returns where it was. */
  openTransfer(): void {
    this.openDialog('transfer', deepActive());
  }

  /** Opens the block dialog, unless the visitor is blocked already. */
  openBlock(): void {
    this.openDialog('block', deepActive());
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.hadFocus = this.shadowRoot?.activeElement?.closest('[role=toolbar]') != null;
    // Never act on a conversation other than the one the dialog was opened for.
    if (changed.has('conversation') && changed.get('conversation')?.visitorId !== this.conversation?.visitorId) {
      this.transferDialog?.close();
      this.blockDialog?.close();
    }
  }

  protected override updated(): void {
    // A button that just went away (assign-me once assigned, pending once pending) leaves the focus in the toolbar.
    if (this.hadFocus && !this.shadowRoot?.activeElement) this.buttons()[0]?.focus();
  }

  private buttons(): HTMLButtonElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLButtonElement>('[role=toolbar] button')];
  }

  private openDialog(name: DialogName, from: HTMLElement | null): void {
    const dialog = name === 'transfer' ? this.transferDialog : this.blockDialog;
    if (!dialog || dialog.open || this.busy || (name === 'block' && this.conversation?.blocked)) return;
    this.returnTo = from ?? this.renderRoot.querySelector<HTMLElement>(`[data-action=${name}]`);
    this.reasonError = '';
    dialog.querySelector('form')?.reset();
    dialog.showModal();
    dialog.querySelector<HTMLElement>('[data-field]')?.focus();
  }

  private handleClose(): void {
    const to = this.returnTo;
    this.returnTo = null;
    if (to?.isConnected) to.focus();
  }

  private act(run: (e: Event) => void, e: Event): void {
    if (!this.busy) run(e);
  }

  private handleToolbarKey(e: KeyboardEvent): void {
    const buttons = this.buttons();
    const at = buttons.indexOf(e.target as HTMLButtonElement);
    if (at < 0) return;
    const moves: Record<string, number> = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: buttons.length - 1 };
    const next = moves[e.key];
    if (next === undefined) return;
    e.preventDefault();
    buttons[(next + buttons.length) % buttons.length]?.focus();
  }

  private handleTransfer(e: SubmitEvent): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const agent = (form.elements.namedItem('agent') as HTMLSelectElement).value || null;
    const note = (form.elements.namedItem('note') as HTMLTextAreaElement).value.trim();
    emit(this, 'kefu-assign', note ? { agent, note } : { agent });
    this.transferDialog?.close();
  }

  private handleBlock(e: SubmitEvent): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const reason = form.elements.namedItem('reason') as HTMLTextAreaElement;
    if (!reason.value.trim()) {
      this.reasonError = this.t.actReasonRequired;
      reason.focus();
      return;
    }
    emit(this, 'kefu-block', { reason: reason.value.trim(), address: (form.elements.namedItem('address') as HTMLInputElement).checked });
    this.blockDialog?.close();
  }

  override render(): TemplateResult {
    const t = this.t;
    const c = this.conversation;
    const me = this.me;
    const status: ConversationStatus = c?.status ?? 'open';
    const mine = Boolean(me) && c?.assignee === me;
    const owner = !c?.assignee ? t.actUnassigned : mine ? t.actAssignedToYou : t.actAssignedTo(c.assigneeName || c.assignee);
    // One template for every button, so a swap (resolve ⇄ reopen, block ⇄ unblock) keeps the element and its focus.
    const button = (action: string, label: string, run: (e: Event) => void, title?: string) =>
      html`<button type="button" data-action=${action} title=${title ?? nothing} aria-disabled=${String(this.busy)} @click=${(e: Event) => this.act(run, e)}>${label}</button>`;
    const opener = (name: DialogName) => (e: Event) => this.openDialog(name, e.currentTarget as HTMLElement);
    return html`
      <div class="toolbar" part="toolbar" role="toolbar" aria-label=${t.actToolbar} @keydown=${this.handleToolbarKey}>
        <span class="status" data-status=${status}>${t.statusLabel[status]}</span>
        <span class="owner">${owner}</span>
        ${me && !mine ? button('assign-me', t.actAssignMe, () => emit(this, 'kefu-assign', { agent: me })) : nothing}
        ${status === 'resolved'
          ? button('reopen', t.actReopen, () => emit(this, 'kefu-status', { status: 'open' }))
          : button('resolve', t.actResolve, () => emit(this, 'kefu-status', { status: 'resolved' }))}
        ${status === 'open' ? button('pending', t.actPending, () => emit(this, 'kefu-status', { status: 'pending' }), t.actPendingHint) : nothing}
        ${button('transfer', t.actTransfer, opener('transfer'))}
        ${c?.blocked ? button('unblock', t.actUnblock, () => emit(this, 'kefu-unblock-visitor')) : button('block', t.actBlock, opener('block'))}
      </div>
      ${this.error ? html`<p class="error" role="alert">${t.actionFailed(this.error === 'network' ? t.networkDown : this.error)}</p>` : nothing}
      ${this.renderTransfer()} ${this.renderBlock()}
    `;
  }

  private renderTransfer(): TemplateResult {
    const t = this.t;
    const others = this.agents.filter((a) => a.id !== this.me);
    return html`<dialog part="dialog" data-dialog="transfer" aria-labelledby="transfer-title" @close=${this.handleClose}>
      <form @submit=${this.handleTransfer}>
        <h2 id="transfer-title">${t.actTransferHeading}</h2>
        <label for="transfer-agent">${t.actTransferTo}</label>
        <select id="transfer-agent" name="agent" data-field="agent">
          ${others.map((a) => html`<option value=${a.id}>${a.name || a.id}${a.online ? t.actAgentOnline : t.actAgentOffline}</option>`)}
          <option value="">${t.actNobody}</option>
        </select>
        <label for="transfer-note">${t.actTransferNote}</label>
        <textarea id="transfer-note" name="note" data-field="note" maxlength="500" rows="3"></textarea>
        <div class="buttons">
          <button type="button" @click=${() => this.transferDialog?.close()}>${t.actCancel}</button>
          <button type="submit" class="primary">${t.actConfirmTransfer}</button>
        </div>
      </form>
    </dialog>`;
  }

  private renderBlock(): TemplateResult {
    const t = this.t;
    const invalid = Boolean(this.reasonError);
    return html`<dialog part="dialog" data-dialog="block" aria-labelledby="block-title" @close=${this.handleClose}>
      <form @submit=${this.handleBlock} novalidate>
        <h2 id="block-title">${t.actBlockHeading}</h2>
        <label for="block-reason">${t.actBlockReason}</label>
        <textarea id="block-reason" name="reason" data-field="reason" maxlength="500" rows="3" required aria-invalid=${String(invalid)} aria-describedby=${invalid ? 'block-error' : nothing} @input=${() => (this.reasonError = '')}></textarea>
        <p id="block-error" class="error" role="alert">${this.reasonError}</p>
        <label class="check"><input type="checkbox" name="address" data-field="address" /> ${t.actBlockAddress}</label>
        <div class="buttons">
          <button type="button" @click=${() => this.blockDialog?.close()}>${t.actCancel}</button>
          <button type="submit" class="danger">${t.actConfirmBlock}</button>
        </div>
      </form>
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kefu-conversation-actions': KefuConversationActions;
  }
  interface GlobalEventHandlersEventMap {
    'kefu-assign': CustomEvent<{ agent: string | null; note?: string }>;
    'kefu-status': CustomEvent<{ status: ConversationStatus }>;
    'kefu-block': CustomEvent<{ reason: string; address: boolean }>;
    'kefu-unblock-visitor': CustomEvent<undefined>;
  }
}
