import { LitElement, html, nothing, svg, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { PendingFile } from '../client/file-upload.js';
import type { AttachmentLimits, CannedReply } from '../protocol/wire.js';
import { loadAttachmentUi } from './attachment-rules.js';
import type { Refusal } from './reply-files.js';
import { clearComposer, composerInput, composerKeydown, MAX_LENGTH } from '../client/ui/composer.js';
import { emit } from '../client/ui/emit.js';
import { cannedQuery, fillPlaceholders, insertCanned, matchCanned, type PlaceholderValues } from './canned.js';
import { renderCannedPicker } from './canned-picker.js';
import { composerStyles } from './kefu-composer.styles.js';
import { pickAdminStrings } from './i18n/pick-admin-strings.js';

export type ComposerMode = 'reply' | 'note';

const PICKER_ID = 'canned-list';

const PAPERCLIP = svg`<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="m21 11-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l8-8"/></svg>`;

/**
 * The box under a conversation, in two modes: a reply to the visitor, or a
 * note only the team sees (its own colour and label, and no typing signal, so
 * the visitor never learns a note is being written). Typing `/` and a
 * shortcut offers the canned replies; arrows move, Enter or Tab inserts one
 * with its placeholders filled, Esc closes the list. Enter sends, Shift+Enter
 * is a new line.
 *
 * A reply may carry files: the paperclip button (a file picker limited to
 * what the server accepts) or a paste (a screenshot) asks for them with
 * `kefu-attach`; the shell checks and uploads them and hands back `files`,
 * shown in a tray above the box (`<kefu-file-tray>`, loaded when first
 * needed), and `refused`. Send waits until every file is uploaded; with files
 * the text may be empty. Notes carry no files.
 *
 * @event kefu-send - detail `{content}`: a reply (trimmed, at most 4,000 characters; may be empty when it has files)
 * @event kefu-attach - detail `{files}`: files picked or pasted for the reply
 * @event kefu-note - detail `{content}`: a note for the team
 * @event kefu-typing - detail `{typing}`: the agent is typing a reply (every keystroke) or stopped
 *
 * @event kefu-attach-remove, kefu-attach-retry - detail `{key}`: from the tray (see kefu-file-tray.ts)
 *
 * @csspart composer, input, send, attach - the form, its box, its send button and the paperclip
 *
 * @cssproperty --kefu-accent, --kefu-on-accent, --kefu-background, --kefu-text, --kefu-muted, --kefu-line, --kefu-surface
 */
@customElement('kefu-composer')
export class KefuComposer extends LitElement {
  static override styles = composerStyles;

  /** The canned replies the agent may use. */
  @property({ attribute: false }) canned: readonly CannedReply[] = [];
  /** What `{visitor.name}`, `{visitor.email}` and `{agent.name}` become. */
  @property({ attribute: false }) values: PlaceholderValues = {};
  /** What the server accepts; files are offered when it allows some. */
  @property({ attribute: false }) limits?: AttachmentLimits;
  /** The files picked for this reply, uploading, uploaded or failed. */
  @property({ attribute: false }) files: readonly PendingFile[] = [];
  /** The files last refused before upload, said in the tray. */
  @property({ attribute: false }) refused: readonly Refusal[] = [];
  @property() override lang = '';

  @state() private mode: ComposerMode = 'reply';
  @state() private notice = '';
  /** Files were pasted into a note, which carries none. */
  @state() private pasteNotice = '';
  /** Send was pressed while files were not ready: say why until they are. */
  @state() private sendBlocked = false;
  /** A file was taken out of the tray: its button goes with it, so the focus goes to the box. */
  private refocus = false;
  /** The open picker: where its `/token` starts, what it offers, which option is active. */
  @state() private picker: { start: number; items: CannedReply[]; active: number } | undefined;

  @query('textarea') private input?: HTMLTextAreaElement;
  @query('input[type=file]') private filePicker?: HTMLInputElement;

  private get t() {
    return pickAdminStrings(this.lang);
  }

  /** Puts the caret in the box, in the given mode (the R and N shortcuts). */
  async focusIn(mode?: ComposerMode): Promise<void> {
    if (mode && mode !== this.mode) this.setMode(mode);
    await this.updateComplete;
    this.input?.focus({ preventScroll: true });
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('files') || changed.has('refused')) && (this.files.length || this.refused.length)) void loadAttachmentUi();
    if (changed.has('refused')) this.pasteNotice = '';
    if (this.sendBlocked && !this.filesWaiting) this.sendBlocked = false;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!this.refocus || !changed.has('files')) return;
    this.refocus = false;
    if (!this.shadowRoot?.activeElement) this.input?.focus({ preventScroll: true });
  }

  private get filesOn(): boolean {
    return (this.limits?.maxBytes ?? 0) > 0;
  }

  private handlePicked(e: Event): void {
    const input = e.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    // The same file may be picked again after it was removed.
    input.value = '';
    if (files.length) emit(this, 'kefu-attach', { files });
  }

  /** A screenshot (or files copied in a file manager) pasted into the box. */
  private handlePaste(e: ClipboardEvent): void {
    const files = [...(e.clipboardData?.files ?? [])];
    if (!files.length) return;
    // In a note, whatever text came along (a file manager's names) is pasted as usual.
    if (this.mode === 'note') {
      this.pasteNotice = this.t.noteNoFiles;
      return;
    }
    e.preventDefault();
    emit(this, 'kefu-attach', { files });
  }

  private setMode(mode: ComposerMode): void {
    if (mode === 'note') emit(this, 'kefu-typing', { typing: false });
    this.mode = mode;
    this.picker = undefined;
    this.pasteNotice = '';
    this.sendBlocked = false;
  }

  private handleInput(): void {
    const ta = this.input!;
    this.notice = composerInput(ta, 160) ? this.t.tooLong : '';
    this.pasteNotice = '';
    this.updatePicker(ta);
    if (this.mode === 'reply' && ta.value.trim()) emit(this, 'kefu-typing', { typing: true });
  }

  private updatePicker(ta: HTMLTextAreaElement): void {
    const q = this.canned.length ? cannedQuery(ta.value, ta.selectionStart) : null;
    this.picker = q ? { start: q.start, items: matchCanned(this.canned, q.query), active: 0 } : undefined;
  }

  private handleKeydown(e: KeyboardEvent): void {
    const p = this.picker;
    if (p && !e.isComposing) {
      const n = p.items.length;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        if (n) this.picker = { ...p, active: (p.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n };
        return;
      }
      if ((e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey && n) {
        e.preventDefault();
        this.pick(p.items[p.active]!);
        return;
      }
      if (e.key === 'Escape') {
        // The list closes; the console's own Esc (leave the conversation) must not also happen.
        e.preventDefault();
        e.stopPropagation();
        this.picker = undefined;
        return;
      }
    }
    composerKeydown(e, () => this.submit());
  }

  private pick(c: CannedReply): void {
    const ta = this.input;
    const p = this.picker;
    if (!ta || !p) return;
    const t = this.t;
    const content = fillPlaceholders(c.content, this.values, { visitorName: t.cannedFallbackVisitor, agentName: t.cannedFallbackAgent });
    const next = insertCanned(ta.value, { start: p.start, caret: ta.selectionStart }, content);
    ta.value = next.text;
    ta.setSelectionRange(next.caret, next.caret);
    this.picker = undefined;
    this.notice = composerInput(ta, 160) ? t.tooLong : '';
    ta.focus();
  }

  /** The reply's files that stop it from going yet: one still uploading, or one that failed. */
  private get filesWaiting(): string {
    if (this.mode === 'note') return '';
    if (this.files.some((f) => f.state === 'uploading')) return this.t.filesUploading;
    return this.files.some((f) => f.state === 'failed') ? this.t.filesFailed : '';
  }

  private submit(e?: Event): void {
    e?.preventDefault();
    const ta = this.input;
    const content = ta?.value.trim();
    const withFiles = this.mode === 'reply' && this.files.length > 0;
    if (!ta || (!content && !withFiles)) return;
    if (content!.length > MAX_LENGTH) {
      this.notice = this.t.tooLong;
      return;
    }
    this.sendBlocked = Boolean(this.filesWaiting);
    if (this.sendBlocked) return;
    this.notice = '';
    this.picker = undefined;
    emit(this, this.mode === 'note' ? 'kefu-note' : 'kefu-send', { content: content! });
    clearComposer(ta);
  }

  override render(): TemplateResult {
    const t = this.t;
    const note = this.mode === 'note';
    const p = this.picker;
    const files = !note && this.filesOn;
    const waiting = this.filesWaiting;
    const fileNotice = this.pasteNotice || (this.sendBlocked ? waiting : '');
    return html`
      ${this.notice ? html`<p class="notice" role="alert">${this.notice}</p>` : nothing}
      ${fileNotice ? html`<p class="notice files-notice" role="alert">${fileNotice}</p>` : nothing}
      <div class="modes" role="group" aria-label=${t.composerMode}>
        ${(['reply', 'note'] as const).map(
          (m) => html`<button type="button" data-mode=${m} aria-pressed=${String(this.mode === m)} @click=${() => void this.focusIn(m)}>
            ${m === 'reply' ? t.modeReply : t.modeNote}
          </button>`,
        )}
        ${note ? html`<span class="hint">${t.noteHint}</span>` : nothing}
      </div>
      ${!note && (this.files.length || this.refused.length)
        ? html`<kefu-file-tray lang=${this.lang} .files=${this.files} .refused=${this.refused} .limits=${this.limits} @kefu-attach-remove=${() => (this.refocus = true)}></kefu-file-tray>`
        : nothing}
      <form class="composer ${note ? 'note-mode' : ''}" part="composer" @submit=${this.submit}>
        ${p ? renderCannedPicker({ items: p.items, active: p.active, id: PICKER_ID, onPick: (c) => this.pick(c), t }) : nothing}
        ${files
          ? html`<button type="button" class="attach" part="attach" aria-label=${t.attach} title=${t.attach} @click=${() => this.filePicker?.click()}>${PAPERCLIP}</button>
              <input type="file" multiple hidden accept=${this.limits?.accept ?? ''} @change=${this.handlePicked} />`
          : nothing}
        <textarea
          part="input"
          rows="1"
          aria-label=${note ? t.noteLabel : t.messageLabel}
          placeholder=${note ? t.notePlaceholder : t.placeholder}
          aria-autocomplete="list"
          aria-controls=${p ? PICKER_ID : nothing}
          aria-activedescendant=${p?.items.length ? `${PICKER_ID}-${p.active}` : nothing}
          @keydown=${this.handleKeydown}
          @input=${this.handleInput}
          @paste=${this.handlePaste}
          @click=${() => this.picker && this.updatePicker(this.input!)}
          @blur=${() => {
            this.picker = undefined;
            emit(this, 'kefu-typing', { typing: false });
          }}
        ></textarea>
        <button class="send" part="send" type="submit" aria-disabled=${waiting ? 'true' : nothing}>${note ? t.addNote : t.send}</button>
      </form>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kefu-composer': KefuComposer;
  }
  interface GlobalEventHandlersEventMap {
    'kefu-attach': CustomEvent<{ files: File[] }>;
    'kefu-send': CustomEvent<{ content: string }>;
    'kefu-note': CustomEvent<{ content: string }>;
    'kefu-typing': CustomEvent<{ typing: boolean }>;
  }
}
