import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { formatSize, type PendingFile } from '../client/file-upload.js';
import { emit } from '../client/ui/emit.js';
import { isImage } from '../client/ui/file-rules.js';
import type { AttachmentLimits } from '../protocol/wire.js';
import { documentIcon, imageIcon } from './file-icons.js';
import { pickAdminStrings } from './i18n/pick-admin-strings.js';
import { fileTrayStyles } from './kefu-file-tray.styles.js';
import type { Refusal } from './reply-files.js';

/** Failures another attempt cannot mend: the server refused the file itself. */
const FINAL = new Set(['unsupported_type', 'too_large', 'bad_request', 'forbidden', 'not_found']);

/**
 * The files picked for a reply, above the composer's box, one row each: an
 * icon, the name, the size, a progress bar while it uploads, what became of
 * it, Cancel while it uploads, Remove after, and Retry when it failed for a
 * reason that may pass (the network, a busy server). A retry uploads under
 * the same key, so the server keeps the file once. Above them, which of the
 * files last picked were refused before any upload, and why.
 *
 * @event kefu-attach-remove - detail `{key}`: cancel the upload, or take the file out of the reply
 * @event kefu-attach-retry - detail `{key}`: upload a failed file again
 *
 * @csspart tray - the list
 * @csspart file - one file's row
 */
@customElement('kefu-file-tray')
export class KefuFileTray extends LitElement {
  static override styles = fileTrayStyles;

  @property({ attribute: false }) files: readonly PendingFile[] = [];
  /** The files last refused before upload. */
  @property({ attribute: false }) refused: readonly Refusal[] = [];
  /** For the refusals' wording (the largest file, files per message). */
  @property({ attribute: false }) limits?: AttachmentLimits;
  @property() override lang = '';

  private get t() {
    return pickAdminStrings(this.lang);
  }

  override render(): TemplateResult {
    return html`${this.refused.length ? html`<p class="refused" role="alert">${this.refused.map((r) => this.refusal(r)).join(' ')}</p>` : nothing}
      ${this.files.length
        ? html`<ul class="tray" part="tray" aria-label=${this.t.trayLabel}>
            ${repeat(this.files, (f) => f.key, (f) => this.renderFile(f))}
          </ul>`
        : nothing}`;
  }

  private refusal(r: Refusal): string {
    const t = this.t;
    switch (r.reason) {
      case 'type':
        return t.refusedType(r.name);
      case 'size':
        return t.refusedSize(r.name, formatSize(this.limits?.maxBytes ?? 0, this.lang || undefined));
      case 'empty':
        return t.refusedEmpty(r.name);
      case 'count':
        return t.refusedCount(this.limits?.maxPerMessage ?? 0);
      case 'off':
        return t.refusedOff;
      default:
        return t.refusedOffline;
    }
  }

  private failure(f: PendingFile): string {
    const t = this.t;
    switch (f.code) {
      case 'unsupported_type':
        return t.uploadType;
      case 'too_large':
        return t.uploadTooLarge;
      case 'network':
        return t.uploadNetwork;
      case 'rate_limited':
        return t.uploadBusy;
      default:
        return t.uploadFailed;
    }
  }

  private renderFile(f: PendingFile): TemplateResult {
    const t = this.t;
    const name = f.file.name;
    const uploading = f.state === 'uploading';
    const failed = f.state === 'failed';
    return html`<li class="file" part="file" data-state=${f.state} data-key=${f.key}>
      <span class="icon">${isImage(f.file) ? imageIcon : documentIcon}</span>
      <span class="name" title=${name}>${name}</span>
      <span class="size">${formatSize(f.file.size, this.lang || undefined)}</span>
      ${uploading ? html`<progress max="1" .value=${f.progress} aria-label=${t.fileProgress(name)}></progress>` : nothing}
      <!-- While it uploads, the bar says so to the eye; the words are for screen readers, and announce what comes next. -->
      <span class="state ${uploading ? 'sr-only' : ''}" aria-live="polite">${uploading ? t.fileUploading : failed ? this.failure(f) : t.fileReady}</span>
      <span class="actions">
        ${failed && !FINAL.has(f.code ?? '')
          ? html`<button type="button" class="retry" aria-label=${t.fileRetryLabel(name)} @click=${() => emit(this, 'kefu-attach-retry', { key: f.key })}>${t.retry}</button>`
          : nothing}
        <button type="button" class="remove" aria-label=${uploading ? t.fileCancelLabel(name) : t.fileRemoveLabel(name)} @click=${() => emit(this, 'kefu-attach-remove', { key: f.key })}>
          ${uploading ? t.fileCancel : t.fileRemove}
        </button>
      </span>
    </li>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kefu-file-tray': KefuFileTray;
  }
  interface GlobalEventHandlersEventMap {
    'kefu-attach-remove': CustomEvent<{ key: string }>;
    'kefu-attach-retry': CustomEvent<{ key: string }>;
  }
}
