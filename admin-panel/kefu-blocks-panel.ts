import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { formatTime } from '../client/chat-session.js';
import { emit } from '../client/ui/emit.js';
import type { Block } from '../protocol/wire.js';
import { pickAdminStrings } from './i18n/pick-admin-strings.js';
import type { InboxConversation } from './inbox-controller.js';
import { blocksPanelStyles } from './kefu-blocks-panel.styles.js';
import { displayName } from './visitor-labels.js';

/**
 * The blocked visitors, each with the reason, who blocked them and when, and
 * an Unblock button. Content only: the shell puts it in a dialog, unblocks,
 * and passes the new list (or an error) back down.
 *
 * @event kefu-unblock - detail `{id, visitorId}`: the agent asked to lift block `id`
 *
 * @csspart unblock - each Unblock button
 *
 * @cssproperty --kefu-accent, --kefu-on-accent, --kefu-background, --kefu-text, --kefu-muted, --kefu-line, --kefu-surface
 */
@customElement('kefu-blocks-panel')
export class KefuBlocksPanel extends LitElement {
  static override styles = blocksPanelStyles;

  @property({ attribute: false }) blocks: readonly Block[] = [];
  /** The inbox's conversations, to name visitors it knows; others show a short id. */
  @property({ attribute: false }) conversations?: ReadonlyMap<string, InboxConversation>;
  /** Why the last unblock (or the list) failed; '' for none. */
  @property() error = '';
  @property() override lang = '';

  /** Blocks whose Unblock was pressed: inert until the list or the error changes (aria-disabled keeps the focus on the button). */
  @state() private pending: ReadonlySet<number> = new Set();
  /** Where the pressed button stood, to put the focus back near it once its row is gone. */
  private refocusAt: number | undefined;

  @query('h2') private heading?: HTMLElement;

  private get t() {
    return pickAdminStrings(this.lang);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('blocks') || changed.has('error')) this.pending = new Set();
    if (changed.has('error') && this.error) this.refocusAt = undefined;
  }

  protected override updated(changed: PropertyValues<this>): void {
    const at = this.refocusAt;
    if (at === undefined || !changed.has('blocks')) return;
    this.refocusAt = undefined;
    // Only when the focused row was removed, the focus falling to the body; never taken from elsewhere.
    if (this.shadowRoot?.activeElement || (document.activeElement && document.activeElement !== document.body)) return;
    const buttons = this.renderRoot.querySelectorAll<HTMLButtonElement>('button[data-unblock]');
    (buttons[Math.min(at, buttons.length - 1)] ?? this.heading)?.focus();
  }

  private handleUnblock(b: Block, index: number): void {
    if (this.pending.has(b.id)) return;
    this.pending = new Set([...this.pending, b.id]);
    this.refocusAt = index;
    emit(this, 'kefu-unblock', { id: b.id, visitorId: b.visitorId });
  }

  override render(): TemplateResult {
    const t = this.t;
    return html`
      <h2 tabindex="-1">${t.blocksHeading}</h2>
      <p class="intro">${t.blocksIntro}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.blocks.length
        ? html`<ul>
            ${repeat(this.blocks, (b) => b.id, (b, i) => this.renderBlock(b, i))}
          </ul>`
        : html`<p class="empty">${t.blocksNone}</p>`}
    `;
  }

  private renderBlock(b: Block, index: number): TemplateResult {
    const t = this.t;
    const who = displayName(this.conversations?.get(b.visitorId), b.visitorId, t);
    return html`<li data-block=${b.id}>
      <div class="what">
        <span class="who" title=${b.visitorId}>${who}${b.address ? html` <span class="address">${t.blocksAndAddress}</span>` : nothing}</span>
        <span class="reason ${b.reason ? '' : 'none'}">${b.reason || t.blocksNoReason}</span>
        <span class="by">${t.blocksBy(b.byName || b.by, formatTime(b.createdAt, this.lang, { withDate: true }))}</span>
      </div>
      <button
        type="button"
        class="link-button"
        part="unblock"
        data-unblock=${b.id}
        aria-label=${t.blocksUnblockLabel(who)}
        aria-disabled=${String(this.pending.has(b.id))}
        @click=${() => this.handleUnblock(b, index)}
      >
        ${t.blocksUnblock}
      </button>
    </li>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kefu-blocks-panel': KefuBlocksPanel;
  }
  interface GlobalEventHandlersEventMap {
    'kefu-unblock': CustomEvent<{ id: number; visitorId: string }>;
  }
}
