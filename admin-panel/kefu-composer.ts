import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { CannedReply } from '../protocol/wire.js';
import { clearComposer, composerInput, composerKeydown, MAX_LENGTH } from '../client/ui/composer.js';
import { emit } from '../client/ui/emit.js';
import { cannedQuery, fillPlaceholders, insertCanned, matchCanned, type PlaceholderValues } from './canned.js';
import { renderCannedPicker } from './canned-picker.js';
import { composerStyles } from './kefu-composer.styles.js';
import { pickAdminStrings } from './i18n/pick-admin-strings.js';

export type ComposerMode = 'reply' | 'note';

const PICKER_ID = 'canned-list';

/**
 * The box under a conversation, in two modes: a reply to the visitor, or a
 * note only the team sees (its own colour and label, and no typing signal, so
 * the visitor never learns a note is being written). Typing `/` and a
 * shortcut offers the canned replies; arrows move, Enter or Tab inserts one
 * with its placeholders filled, Esc closes the list. Enter sends, Shift+Enter
 * is a new line.
 *
 * @event kefu-send - detail `{content}`: a reply (trimmed, at most 4,000 characters)
 * @event kefu-note - detail `{content}`: a note for the team
 * @event kefu-typing - detail `{typing}`: the agent is typing a reply (every keystroke) or stopped
 *
 * @csspart composer, input, send - the form, its box and its button
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
  @property() override lang = '';

  @state() private mode: ComposerMode = 'reply';
  @state() private notice = '';
  /** The open picker: where its `/token` starts, what it offers, which option is active. */
  @state() private picker: { start: number; items: CannedReply[]; active: number } | undefined;

  @query('textarea') private input?: HTMLTextAreaElement;

  private get t() {
    return pickAdminStrings(this.lang);
  }

  /** Puts the caret in the box, in the given mode (the R and N shortcuts). */
  async focusIn(mode?: ComposerMode): Promise<void> {
    if (mode && mode !== this.mode) this.setMode(mode);
    await this.updateComplete;
    this.input?.focus({ preventScroll: true });
  }

  private setMode(mode: ComposerMode): void {
    if (mode === 'note') emit(this, 'kefu-typing', { typing: false });
    this.mode = mode;
    this.picker = undefined;
  }

  private handleInput(): void {
    const ta = this.input!;
    this.notice = composerInput(ta, 160) ? this.t.tooLong : '';
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

  private submit(e?: Event): void {
    e?.preventDefault();
    const ta = this.input;
    const content = ta?.value.trim();
    if (!ta || !content) return;
    if (content.length > MAX_LENGTH) {
      this.notice = this.t.tooLong;
      return;
    }
    this.notice = '';
    this.picker = undefined;
    emit(this, this.mode === 'note' ? 'kefu-note' : 'kefu-send', { content });
    clearComposer(ta);
  }

  override render(): TemplateResult {
    const t = this.t;
    const note = this.mode === 'note';
    const p = this.picker;
    return html`
      ${this.notice ? html`<p class="notice" role="alert">${this.notice}</p>` : nothing}
      <div class="modes" role="group" aria-label=${t.composerMode}>
        ${(['reply', 'note'] as const).map(
          (m) => html`<button type="button" data-mode=${m} aria-pressed=${String(this.mode === m)} @click=${() => void this.focusIn(m)}>
            ${m === 'reply' ? t.modeReply : t.modeNote}
          </button>`,
        )}
        ${note ? html`<span class="hint">${t.noteHint}</span>` : nothing}
      </div>
      <form class="composer ${note ? 'note-mode' : ''}" part="composer" @submit=${this.submit}>
        ${p ? renderCannedPicker({ items: p.items, active: p.active, id: PICKER_ID, onPick: (c) => this.pick(c), t }) : nothing}
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
          @click=${() => this.picker && this.updatePicker(this.input!)}
          @blur=${() => {
            this.picker = undefined;
            emit(this, 'kefu-typing', { typing: false });
          }}
        ></textarea>
        <button class="send" part="send" type="submit">${note ? t.addNote : t.send}</button>
      </form>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kefu-composer': KefuComposer;
  }
  interface GlobalEventHandlersEventMap {
    'kefu-send': CustomEvent<{ content: string }>;
    'kefu-note': CustomEvent<{ content: string }>;
    'kefu-typing': CustomEvent<{ typing: boolean }>;
  }
}
