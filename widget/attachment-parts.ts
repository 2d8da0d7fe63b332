import { html, nothing, type LitElement, type ReactiveController, type TemplateResult } from 'lit';
import { FileTray, formatSize, type PendingFile } from '../client/file-upload.js';
import { joinUrl, requestJson } from '../client/request-json.js';
import { checkFiles, isImage } from '../client/ui/file-rules.js';
import type { Attachment, AttachmentLink } from '../protocol/wire.js';
import type { ChatController } from './chat-controller.js';
import { CLOSE_ICON } from './icons.js';
import type { Strings } from './i18n/en.js';
import { fileWords, type FileWords } from './i18n/files.js';
import { pickLocale, type Locale } from './i18n/pick-strings.js';

export { attachmentStyles } from './attachment-parts.styles.js';

// Everything about files in the visitor's panel, a chunk of its own
// (docs/ui.md, "Bundle sizes"): the panel imports it once the server says it
// takes files, or a message with files is drawn. The panel only leaves holes
// for it (composer, message, overlay) and asks it for the files to send.

const CLIP = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5" /></svg>`;

/** The events that bring files: a drag over the panel, a drop on it, a paste into it. */
const EVENTS = ['dragenter', 'dragover', 'dragleave', 'drop', 'paste'];
/** Progress alone redraws the tray at most this often: an upload reports many times a second. */
const PROGRESS_MS = 250;
/** A thumbnail fits this box (CSS pixels), keeping the image's shape. */
const THUMB_W = 220;
const THUMB_H = 200;

/** The panel, as this chunk uses it. */
export interface FilesHost extends LitElement {
  lang: string;
  strings?: Strings;
  /** The site's consent, when it asks for it, before the first upload: false (and the panel says why) when not given. */
  takeConsent(form: HTMLFormElement | null): Promise<boolean>;
}

interface SignedLink {
  url?: string;
  /** When it stops working (ms since the epoch); Infinity while a new one is asked for. */
  until: number;
}

/**
 * A Lit ReactiveController of the panel: drop and paste listeners on its
 * shadow root while it is connected; the tray of files for the next message
 * (checked against the server's limits, uploaded at once through FileTray,
 * cancelled, retried); and the files of the thread (thumbnails with a
 * lightbox, cards that download) by short-lived signed addresses. Uploads in
 * flight carry on while the panel is out of the page: they are the visitor's
 * work, like a message being sent.
 */
export class AttachmentParts implements ReactiveController {
  readonly tray: FileTray;
  /** Why files were just refused, or what stops the send, in the visitor's words. */
  private problem?: string;
  private dragDepth = 0;
  private waiting?: boolean;
  private idle?: () => void;
  /** The tray's states and when they were last drawn: progress alone waits its turn. */
  private lastDrawn?: string;
  private lastDrawnAt = 0;
  private readonly links = new Map<string, SignedLink>();
  /** The image in the lightbox, and the thumbnail that opened it (focus returns there). */
  private viewing?: { file: Attachment; from: HTMLElement };

  constructor(
    private readonly host: FilesHost,
    private readonly chat: ChatController,
  ) {
    this.tray = new FileTray(() => ({ base: chat.api.base, path: '/kefu/api/visitor/attachments', token: () => chat.api.token }), this.handleTray);
    host.addController(this);
    host.requestUpdate();
  }

  hostConnected(): void {
    for (const type of EVENTS) this.host.renderRoot.addEventListener(type, this);
  }

  hostDisconnected(): void {
    for (const type of EVENTS) this.host.renderRoot.removeEventListener(type, this);
  }

  /** Files dragged over the panel or dropped on it, or pasted into it (a screenshot is a file). */
  handleEvent(e: Event): void {
    const files = (e as DragEvent).dataTransfer ?? (e as ClipboardEvent).clipboardData;
    if (!files?.types.includes('Files') || !this.accepting) return;
    // Without it, a dropped file would open as a page of its own, and a pasted one land in the box as its name.
    e.preventDefault();
    if (e.type === 'dragover') return;
    const dragging = this.dragDepth > 0;
    this.dragDepth = e.type === 'dragenter' ? this.dragDepth + 1 : e.type === 'dragleave' ? Math.max(0, this.dragDepth - 1) : 0;
    if (e.type === 'drop' || e.type === 'paste') void this.add([...files.files]);
    if (dragging !== this.dragDepth > 0) this.host.requestUpdate();
  }

  private get locale(): Locale {
    return pickLocale(this.host.lang);
  }

  private get words(): FileWords {
    return fileWords(this.locale);
  }

  /** Files are on and the conversation's composer is showing. */
  private get accepting(): boolean {
    return !!this.chat.limits?.maxBytes && !!this.host.renderRoot.querySelector('form.composer');
  }

  /** Checks files against the server's limits, says why any are refused, and uploads the rest. */
  async add(files: readonly File[]): Promise<void> {
    const limits = this.chat.limits;
    const w = this.words;
    if (!files.length || !limits?.maxBytes) return;
    const { accepted, refused } = checkFiles(files, limits, this.tray.items.length);
    const max = formatSize(limits.maxBytes, this.locale);
    this.problem = [...new Set(refused.map(([f, why]) => (why === 'count' ? w.count(limits.maxPerMessage) : w[why](f.name, max))))].join(' ');
    this.host.requestUpdate();
    const c = this.chat;
    if (!accepted.length || !(await this.host.takeConsent(this.host.renderRoot.querySelector('form.composer')))) return;
    // An upload needs the visitor's token: the session opens first (it usually has already).
    if (!c.started) await c.start();
    if (c.started) this.tray.add(accepted);
  }

  /**
   * The files to send with the next message, once every upload has ended:
   * none when the tray is empty; undefined when one failed (the tray says
   * what to do) or a send is already waiting.
   */
  async take(): Promise<Attachment[] | undefined> {
    if (this.waiting) return undefined;
    if (this.tray.busy) {
      this.waiting = true;
      this.host.requestUpdate();
      await new Promise<void>((resolve) => (this.idle = resolve));
      this.waiting = false;
      this.host.requestUpdate();
    }
    if (this.tray.items.some((f) => f.state === 'failed')) {
      this.problem = this.words.unfinished;
      this.host.requestUpdate();
      return undefined;
    }
    return this.tray.ready;
  }

  /** After a send: the tray empties. */
  clear(): void {
    this.problem = '';
    this.tray.clear();
  }

  private readonly handleTray = (): void => {
    if (!this.tray.busy) this.idle?.();
    const drawn = this.tray.items.map((f) => f.state).join();
    const now = Date.now();
    if (drawn === this.lastDrawn && now - this.lastDrawnAt < PROGRESS_MS) return;
    this.lastDrawn = drawn;
    this.lastDrawnAt = now;
    this.host.requestUpdate();
  };

  /** The attach button and the tray, inside the composer form (nothing while files are off). */
  composer(): TemplateResult | typeof nothing {
    const w = this.words;
    if (!this.chat.limits?.maxBytes) return nothing;
    const items = this.tray.items;
    return html`
      ${items.length || this.problem
        ? html`<div class="tray" part="tray">
            ${items.length ? html`<ul>${items.map((f) => this.renderItem(f, w))}</ul>` : nothing}
            ${this.waiting ? html`<div role="status">${w.waiting}</div>` : nothing}
            ${this.problem ? html`<div role="alert">${this.problem}</div>` : nothing}
          </div>`
        : nothing}
      <button class="icon-button attach" part="attach" type="button" aria-label=${w.attach} @click=${this.handlePick}>${CLIP}</button>
    `;
  }

  private readonly handlePick = (): void => {
    this.host.renderRoot.querySelector<HTMLInputElement>('input.pick')?.click();
  };

  private readonly handlePicked = (e: Event): void => {
    const input = e.target as HTMLInputElement;
    void this.add([...(input.files ?? [])]);
    // The same file picked again must fire change again.
    input.value = '';
  };

  private renderItem(f: PendingFile, w: FileWords): TemplateResult {
    const name = f.file.name;
    // The server refused the file itself (its bytes are of a kind not taken, 415; too large, 413): trying
    // again cannot help. Any other failure is retried under the same key, so the file is stored once.
    const refused = f.code === 'unsupported_type' ? w.type(name) : f.code === 'too_large' ? w.size(name, formatSize(this.chat.limits!.maxBytes, this.locale)) : '';
    return html`<li data-state=${f.state}>
      <span class="fname">${name}</span>
      <span class="fsize">${formatSize(f.file.size, this.locale)}</span>
      ${f.state === 'uploading' ? html`<progress max="1" .value=${f.progress} aria-label=${w.uploading(name)}></progress>` : nothing}
      ${f.state === 'failed'
        ? html`<span class="why">${refused || w.failed}</span>
            ${refused ? nothing : html`<button class="retry" type="button" @click=${() => this.tray.retry(f.key)}>${this.host.strings?.retry}</button>`}`
        : nothing}
      <button class="icon-button" type="button" aria-label=${w.remove(name)} @click=${() => this.tray.remove(f.key)}>${CLOSE_ICON}</button>
    </li>`;
  }

  /** A message's files: images as thumbnails that open the lightbox, anything else as a card that downloads. */
  list(files: readonly Attachment[]): TemplateResult {
    const locale = this.locale;
    return html`<div class="files">
      ${files.map((a) => {
        if (isImage(a)) {
          const k = Math.min(1, THUMB_W / (a.width || THUMB_W), THUMB_H / (a.height || THUMB_H));
          return html`<button class="thumb" type="button" aria-haspopup="dialog" @click=${(e: Event) => this.view(a, e.currentTarget as HTMLElement)}>
            <img src=${this.url(a) ?? nothing} alt=${a.name} width=${Math.round((a.width || THUMB_W) * k)} height=${Math.round((a.height || THUMB_H) * k)} @error=${() => this.renew(a)} />
          </button>`;
        }
        return html`<button class="file" type="button" @click=${() => this.download(a)}>
          ${CLIP}<span class="fname">${a.name}</span><span class="fsize">${formatSize(a.size, locale)}</span>
        </button>`;
      })}
    </div>`;
  }

  /** The drop target while files are dragged over the panel, the hidden file picker, and the lightbox (at the panel's end). */
  overlay(): TemplateResult | typeof nothing {
    const v = this.viewing;
    const w = this.words;
    const limits = this.chat.limits;
    return html`
      ${this.dragDepth ? html`<div class="drop" aria-hidden="true">${w.drop}</div>` : nothing}
      ${limits?.maxBytes ? html`<input class="pick" type="file" multiple hidden accept=${limits.accept} @change=${this.handlePicked} />` : nothing}
      ${v
        ? html`<dialog class="lightbox" aria-label=${v.file.name} @keydown=${this.handleLightboxKey} @click=${this.handleLightboxClick} @close=${this.handleLightboxClosed}>
            <button class="icon-button" type="button" aria-label=${w.close} autofocus @click=${this.closeLightbox}>${CLOSE_ICON}</button>
            <img src=${this.url(v.file) ?? nothing} alt=${v.file.name} />
          </dialog>`
        : nothing}
    `;
  }

  private async view(file: Attachment, from: HTMLElement): Promise<void> {
    this.viewing = { file, from };
    this.host.requestUpdate();
    await this.host.updateComplete;
    // A modal <dialog>: the top layer (above anything the host page stacks), focus kept inside, Esc closes.
    this.host.renderRoot.querySelector<HTMLDialogElement>('dialog.lightbox')?.showModal();
  }

  private readonly closeLightbox = (): void => {
    this.host.renderRoot.querySelector<HTMLDialogElement>('dialog.lightbox')?.close();
  };

  private readonly handleLightboxKey = (e: KeyboardEvent): void => {
    // The dialog closes itself on Esc; <kefu-chat> must not also close the panel.
    if (e.key === 'Escape') e.stopPropagation();
  };

  private readonly handleLightboxClick = (e: Event): void => {
    // A click on the backdrop lands on the dialog itself.
    if (e.target === e.currentTarget) this.closeLightbox();
  };

  private readonly handleLightboxClosed = (): void => {
    const from = this.viewing?.from;
    this.viewing = undefined;
    this.host.requestUpdate();
    from?.focus();
  };

  /**
   * The file's signed address as last given (a thumbnail keeps the one it
   * loaded with: a new address would load the image again); the first call
   * asks for one, and the view redraws when it comes.
   */
  private url(a: Attachment): string | undefined {
    const known = this.links.get(a.id);
    if (!known) void this.fetchLink(a.id);
    return known?.url;
  }

  /** A thumbnail failed to load: its address may have expired while the page stayed open. */
  private renew(a: Attachment): void {
    if ((this.links.get(a.id)?.until ?? 0) < Date.now()) void this.fetchLink(a.id);
  }

  /** A download asks for a fresh address: the one the thread was drawn with may be old. */
  private async download(a: Attachment): Promise<void> {
    const href = await this.fetchLink(a.id);
    if (href) Object.assign(document.createElement('a'), { href, download: a.name }).click();
  }

  private async fetchLink(id: string): Promise<string | undefined> {
    const known = this.links.get(id);
    // Asked for now: not again by every render meanwhile, nor after a failure (a download or a failing image asks anew).
    this.links.set(id, { url: known?.url, until: Infinity });
    const api = this.chat.api;
    try {
      const link = await requestJson<AttachmentLink>(joinUrl(api.base, `/kefu/api/attachments/${id}/link`), { token: api.token });
      const url = joinUrl(api.base, link.url);
      this.links.set(id, { url, until: Date.now() + link.expiresIn * 1000 });
      this.host.requestUpdate();
      return url;
    } catch {
      this.links.set(id, { url: known?.url, until: 0 });
      return undefined;
    }
  }
}
