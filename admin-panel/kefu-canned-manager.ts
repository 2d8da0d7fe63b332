import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { CannedDraft } from '../client/desk-api.js';
import { MAX_LENGTH } from '../client/ui/composer.js';
import { emit } from '../client/ui/emit.js';
import type { CannedReply } from '../protocol/wire.js';
import { byShortcut, cannedPreview } from './canned.js';
import { pickAdminStrings } from './i18n/pick-admin-strings.js';
import { cannedManagerStyles } from './kefu-canned-manager.styles.js';

// The server's rule for shortcuts (letters and digits of any script, - and _).
// Bound as a value: a `\p` inside an html`` literal is not a valid escape.
const SHORTCUT_PATTERN = String.raw`[\p{L}\p{N}_\-]+`;

interface FormDraft {
  shortcut: string;
  title: string;
  content: string;
  shared: boolean;
}

const EMPTY: FormDraft = { shortcut: '', title: '', content: '', shared: false };

/**
 * The canned replies the agent can use, and a form to add and change them:
 * the team's shared ones (changed only by agents who manage the site) and
 * the agent's own. Deleting asks again in the row itself. It renders content
 * only (a heading and a body); the shell puts it in a dialog and does the
 * saving, passing the new list down. The form empties once a save it sent
 * comes back: `saving` false, no `error`, and a new `canned` list.
 *
 * @event kefu-canned-save - detail `{id?, draft}`: save a new reply (no id) or change reply `id`
 * @event kefu-canned-delete - detail `{id}`: the agent confirmed deleting reply `id`
 * @event kefu-close - the agent is done here (the Close button)
 *
 * @csspart form - the add/edit form
 *
 * @cssproperty --kefu-accent, --kefu-on-accent, --kefu-background, --kefu-text, --kefu-muted, --kefu-line, --kefu-surface
 */
@customElement('kefu-canned-manager')
export class KefuCannedManager extends LitElement {
  static override styles = cannedManagerStyles;

  /** The shared replies and the agent's own, in any order. */
  @property({ attribute: false }) canned: readonly CannedReply[] = [];
  /** The agent may add, change and delete shared replies (token `manage: true`). */
  @property({ type: Boolean }) manage = false;
  @property() override lang = '';
  /** Why the last save failed (the server's message); shown above Save. */
  @property() error = '';
  /** A save is on its way: Save does nothing meanwhile. */
  @property({ type: Boolean }) saving = false;

  @state() private draft: FormDraft = EMPTY;
  /** The reply the form changes; none: the form adds one. */
  @state() private editing?: CannedReply;
  /** The reply whose row asks "Delete …?". */
  @state() private confirming?: number;

  @query('h2') private heading?: HTMLElement;
  @query('#canned-shortcut') private shortcutInput?: HTMLInputElement;
  @query('#canned-content') private contentInput?: HTMLTextAreaElement;

  /** A save went out and its outcome has not come back yet. */
  private submitted = false;
  private listChanged = false;

  private get t() {
    return pickAdminStrings(this.lang);
  }

  private mayEdit(c: CannedReply): boolean {
    return c.owner !== null || this.manage;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('canned') && this.confirming !== undefined && !this.canned.some((c) => c.id === this.confirming)) this.confirming = undefined;
    if (!this.submitted || !(changed.has('canned') || changed.has('saving') || changed.has('error'))) return;
    if (changed.has('canned')) this.listChanged = true;
    if (this.saving) return;
    if (this.error) this.submitted = this.listChanged = false;
    else if (this.listChanged) this.resetForm();
  }

  private resetForm(): void {
    // Also forgets that the fields were touched, so empty ones do not show as invalid.
    this.renderRoot.querySelector('form')?.reset();
    this.draft = EMPTY;
    this.editing = undefined;
    this.submitted = this.listChanged = false;
  }

  /** Moves focus after the next render (the element it goes to may only exist then). */
  private async focusLater(find: () => HTMLElement | null | undefined): Promise<void> {
    await this.updateComplete;
    find()?.focus();
  }

  private set(key: keyof FormDraft, value: string | boolean): void {
    this.draft = { ...this.draft, [key]: value };
  }

  private handleShortcut(e: Event): void {
    const input = e.target as HTMLInputElement;
    // Agents type the slash out of habit; the server would drop it anyway.
    if (input.value.startsWith('/')) input.value = input.value.replace(/^\/+/, '');
    this.set('shortcut', input.value);
  }

  protected override updated(changed: PropertyValues): void {
    // The "write some text" complaint belongs to the text it was about.
    if (changed.has('draft')) this.contentInput?.setCustomValidity('');
  }

  private handleSubmit(e: SubmitEvent): void {
    e.preventDefault();
    if (this.saving) return;
    const content = this.draft.content.trim();
    if (!content) {
      // `required` lets a text of only spaces through; the server would not.
      this.contentInput?.setCustomValidity(this.t.cannedContentEmpty);
      this.contentInput?.reportValidity();
      return;
    }
    const draft: CannedDraft = { shortcut: this.draft.shortcut.trim(), content };
    const title = this.draft.title.trim();
    if (title) draft.title = title;
    if (!this.editing && this.manage && this.draft.shared) draft.shared = true;
    this.submitted = true;
    this.listChanged = false;
    emit(this, 'kefu-canned-save', this.editing ? { id: this.editing.id, draft } : { draft });
  }

  private handleCancel(): void {
    const was = this.editing;
    this.resetForm();
    if (was) void this.focusLater(() => this.renderRoot.querySelector<HTMLElement>(`li[data-id="${was.id}"] .edit`));
  }

  private startEdit(c: CannedReply): void {
    this.editing = c;
    this.confirming = undefined;
    this.submitted = false;
    // The server stores an empty title as the shortcut: show that as "no title".
    this.draft = { shortcut: c.shortcut, title: c.title === c.shortcut ? '' : c.title, content: c.content, shared: c.owner === null };
    void this.focusLater(() => {
      this.shortcutInput?.scrollIntoView({ block: 'nearest' });
      return this.shortcutInput;
    });
  }

  private askDelete(c: CannedReply): void {
    this.confirming = c.id;
    void this.focusLater(() => this.renderRoot.querySelector<HTMLElement>(`li[data-id="${c.id}"] .keep`));
  }

  private keep(c: CannedReply): void {
    this.confirming = undefined;
    void this.focusLater(() => this.renderRoot.querySelector<HTMLElement>(`li[data-id="${c.id}"] .delete`));
  }

  private confirmDelete(c: CannedReply): void {
    this.confirming = undefined;
    if (this.editing?.id === c.id) this.resetForm();
    emit(this, 'kefu-canned-delete', { id: c.id });
    // The row goes once the parent passes the new list: focus must not go with it.
    void this.focusLater(() => this.heading);
  }

  override render(): TemplateResult {
    const t = this.t;
    const sorted = [...this.canned].sort(byShortcut);
    return html`
      <div class="head">
        <h2 tabindex="-1">${t.cannedTitle}</h2>
        <button class="link-button" type="button" @click=${() => emit(this, 'kefu-close')}>${t.cannedClose}</button>
      </div>
      ${this.renderSection('shared', t.cannedSharedHeading, t.cannedNoShared, sorted.filter((c) => c.owner === null))}
      ${this.renderSection('own', t.cannedYoursHeading, t.cannedNoOwn, sorted.filter((c) => c.owner !== null))}
      ${this.renderForm()}
    `;
  }

  private renderSection(key: string, heading: string, empty: string, items: CannedReply[]): TemplateResult {
    return html`<section aria-labelledby="canned-${key}">
      <h3 id="canned-${key}">${heading}</h3>
      ${items.length ? html`<ul>${repeat(items, (c) => c.id, (c) => this.renderItem(c))}</ul>` : html`<p class="none">${empty}</p>`}
    </section>`;
  }

  private renderItem(c: CannedReply): TemplateResult {
    const t = this.t;
    const asking = this.confirming === c.id;
    return html`<li data-id=${c.id} class=${this.editing?.id === c.id ? 'editing' : ''}>
      <div class="text">
        <span class="shortcut">/${c.shortcut}</span>
        ${c.title !== c.shortcut ? html`<span class="title">${c.title}</span>` : nothing}
        <span class="preview">${cannedPreview(c.content)}</span>
      </div>
      ${!this.mayEdit(c)
        ? nothing
        : asking
          ? html`<div class="confirm" role="group" aria-labelledby="canned-ask-${c.id}">
              <span id="canned-ask-${c.id}">${t.cannedConfirmDelete(c.shortcut)}</span>
              <button class="danger" type="button" @click=${() => this.confirmDelete(c)}>${t.cannedDelete}</button>
              <button class="link-button keep" type="button" @click=${() => this.keep(c)}>${t.cannedKeep}</button>
            </div>`
          : html`<div class="actions">
              <button class="link-button edit" type="button" aria-label=${t.cannedEditLabel(c.shortcut)} @click=${() => this.startEdit(c)}>${t.cannedEdit}</button>
              <button class="link-button delete" type="button" aria-label=${t.cannedDeleteLabel(c.shortcut)} @click=${() => this.askDelete(c)}>${t.cannedDelete}</button>
            </div>`}
    </li>`;
  }

  private renderForm(): TemplateResult {
    const t = this.t;
    const d = this.draft;
    const editing = this.editing;
    return html`<form part="form" aria-labelledby="canned-form" @submit=${this.handleSubmit}>
      <h3 id="canned-form">${editing ? t.cannedEditing(editing.shortcut) : t.cannedNew}</h3>
      <label for="canned-shortcut">${t.cannedShortcut}</label>
      <div class="slash-field">
        <span aria-hidden="true">/</span>
        <input
          id="canned-shortcut"
          required
          maxlength="32"
          pattern=${SHORTCUT_PATTERN}
          title=${t.cannedShortcutHint}
          autocomplete="off"
          autocapitalize="off"
          spellcheck="false"
          aria-describedby="canned-shortcut-hint"
          .value=${d.shortcut}
          @input=${this.handleShortcut}
        />
      </div>
      <p class="hint" id="canned-shortcut-hint">${t.cannedShortcutHint}</p>
      <label for="canned-title">${t.cannedTitleLabel}</label>
      <input id="canned-title" maxlength="100" .value=${d.title} @input=${(e: Event) => this.set('title', (e.target as HTMLInputElement).value)} />
      <label for="canned-content">${t.cannedContent}</label>
      <textarea id="canned-content" required rows="5" maxlength=${MAX_LENGTH} aria-describedby="canned-placeholders" .value=${d.content} @input=${(e: Event) => this.set('content', (e.target as HTMLTextAreaElement).value)}></textarea>
      <p class="hint" id="canned-placeholders">
        ${t.cannedPlaceholders} <code>{visitor.name}</code> <code>{visitor.email}</code> <code>{agent.name}</code>
      </p>
      ${this.manage && !editing
        ? html`<label class="check">
            <input type="checkbox" .checked=${d.shared} @change=${(e: Event) => this.set('shared', (e.target as HTMLInputElement).checked)} />
            ${t.cannedSharedHeading}
          </label>`
        : nothing}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <div class="buttons">
        <button class="primary" type="submit" aria-disabled=${this.saving ? 'true' : 'false'}>${this.saving ? t.cannedSaving : t.cannedSave}</button>
        <button class="link-button" type="button" @click=${this.handleCancel}>${t.cannedCancel}</button>
      </div>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kefu-canned-manager': KefuCannedManager;
  }
  interface GlobalEventHandlersEventMap {
    'kefu-canned-save': CustomEvent<{ id?: number; draft: CannedDraft }>;
    'kefu-canned-delete': CustomEvent<{ id: number }>;
    'kefu-close': CustomEvent<undefined>;
  }
}
