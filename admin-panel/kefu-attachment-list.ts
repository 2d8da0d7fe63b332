import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import { formatSize } from '../client/file-upload.js';
import { isImage } from '../client/ui/file-rules.js';
import type { Attachment } from '../protocol/wire.js';
import type { LinkFn, SignedLink } from './attachment-controller.js';
import { documentIcon } from './file-icons.js';
import { pickAdminStrings } from './i18n/pick-admin-strings.js';
import { attachmentListStyles } from './kefu-attachment-list.styles.js';

/** The largest a thumbnail is drawn, either side, in CSS pixels. */
const THUMB = 240;
/** A download is given a fresh address when the one it has runs out within this. */
const DOWNLOAD_MARGIN_MS = 5_000;

/**
 * A message's files: images as thumbnails (at most 240×240, the whole
 * picture, the file name as its text) that open large in a lightbox (a modal
 * `<dialog>`: Esc or Close shuts it and the focus goes back to the
 * thumbnail), anything else as a card with an icon, the name, the size and a
 * download link. Files come by short-lived signed addresses (`link`), asked
 * for only once the list scrolls into view, and asked for again when one has
 * run out (an image that fails to load, a download past its time).
 *
 * @csspart thumb - an image's button
 * @csspart card - another file's card
 * @csspart lightbox - the dialog
 */
@customElement('kefu-attachment-list')
export class KefuAttachmentList extends LitElement {
  static override styles = attachmentListStyles;

  @property({ attribute: false }) attachments: readonly Attachment[] = [];
  @property({ attribute: false }) link?: LinkFn;
  @property() override lang = '';

  /** Each file's address once known (replaced, never changed in place). */
  @state() private links: ReadonlyMap<string, SignedLink> = new Map();
  /** The image open in the lightbox. */
  @state() private shown: Attachment | undefined;

  @query('dialog') private dialog?: HTMLDialogElement;

  private observer: IntersectionObserver | undefined;
  private inView = false;
  /** Files whose address was renewed after an image failed: one renewal each, not a loop. */
  private readonly renewed = new Set<string>();
  private opener: HTMLElement | undefined;

  private get t() {
    return pickAdminStrings(this.lang);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.observer = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      this.inView = true;
      this.observer?.disconnect();
      this.fetchLinks();
    });
    this.observer.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.observer?.disconnect();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (this.inView && (changed.has('attachments') || changed.has('link'))) this.fetchLinks();
    if (this.shown && !this.dialog?.open) this.dialog?.showModal();
  }

  private fetchLinks(): void {
    for (const a of this.attachments) if (!this.links.has(a.id)) void this.fetchLink(a.id);
  }

  private async fetchLink(id: string, renew = false): Promise<SignedLink | undefined> {
    if (!this.link) return undefined;
    try {
      const link = await this.link(id, renew);
      this.links = new Map(this.links).set(id, link);
      return link;
    } catch {
      // Shown without its address (a placeholder, no link) until the next attempt.
      return undefined;
    }
  }

  private imageFailed(a: Attachment): void {
    if (this.renewed.has(a.id)) return;
    this.renewed.add(a.id);
    void this.fetchLink(a.id, true);
  }

  /** A download whose address ran out gets a fresh one first, then goes. */
  private async download(e: MouseEvent, a: Attachment): Promise<void> {
    const known = this.links.get(a.id);
    if (known && known.expiresAt - Date.now() > DOWNLOAD_MARGIN_MS) return;
    e.preventDefault();
    const anchor = e.currentTarget as HTMLAnchorElement;
    if (!(await this.fetchLink(a.id, true))) return;
    await this.updateComplete;
    anchor.click();
  }

  private open(e: Event, a: Attachment): void {
    this.opener = e.currentTarget as HTMLElement;
    this.shown = a;
  }

  private readonly handleClosed = (): void => {
    this.shown = undefined;
    this.opener?.focus();
    this.opener = undefined;
  };

  override render(): TemplateResult {
    const shown = this.shown;
    return html`
      <ul class="files">
        ${this.attachments.map((a) => html`<li>${isImage(a) ? this.renderImage(a) : this.renderCard(a)}</li>`)}
      </ul>
      ${shown ? this.renderLightbox(shown) : nothing}
    `;
  }

  private renderImage(a: Attachment): TemplateResult {
    const url = this.links.get(a.id)?.url;
    // Drawn at its final size before it loads: the thread does not jump.
    const scale = a.width && a.height ? Math.min(1, THUMB / a.width, THUMB / a.height) : 1;
    const width = a.width ? Math.max(1, Math.round(a.width * scale)) : THUMB;
    const height = a.height ? Math.max(1, Math.round(a.height * scale)) : THUMB;
    return html`<button type="button" class="thumb" part="thumb" data-id=${a.id} aria-haspopup="dialog" style=${styleMap({ width: `${width}px`, aspectRatio: `${width} / ${height}` })} @click=${(e: Event) => this.open(e, a)}>
      ${url ? html`<img src=${url} alt=${a.name} width=${width} height=${height} @error=${() => this.imageFailed(a)} />` : html`<span class="sr-only">${a.name}</span>`}
    </button>`;
  }

  private renderCard(a: Attachment): TemplateResult {
    const t = this.t;
    const url = this.links.get(a.id)?.url;
    return html`<div class="card" part="card" data-id=${a.id}>
      <span class="icon">${documentIcon}</span>
      <span class="about"><span class="name" title=${a.name}>${a.name}</span><span class="size">${formatSize(a.size, this.lang || undefined)}</span></span>
      ${url
        ? html`<a class="download" href=${url} download=${a.name} aria-label=${t.fileDownloadLabel(a.name)} @click=${(e: MouseEvent) => this.download(e, a)}>${t.fileDownload}</a>`
        : html`<span class="download pending">${t.fileDownload}</span>`}
    </div>`;
  }

  private renderLightbox(a: Attachment): TemplateResult {
    const t = this.t;
    const url = this.links.get(a.id)?.url;
    // Keys pressed in the lightbox are its own: J or E must not act on the conversation behind it.
    return html`<dialog class="lightbox" part="lightbox" aria-label=${a.name} @close=${this.handleClosed} @keydown=${(e: Event) => e.stopPropagation()}
      @click=${(e: Event) => e.target === e.currentTarget && this.dialog?.close()}>
      <div class="bar">
        <span class="name" title=${a.name}>${a.name}</span>
        ${url ? html`<a class="download" href=${url} download=${a.name} aria-label=${t.fileDownloadLabel(a.name)} @click=${(e: MouseEvent) => this.download(e, a)}>${t.fileDownload}</a>` : nothing}
        <button type="button" class="close" autofocus @click=${() => this.dialog?.close()}>${t.closeDialog}</button>
      </div>
      ${url ? html`<img src=${url} alt=${a.name} @error=${() => this.imageFailed(a)} />` : nothing}
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kefu-attachment-list': KefuAttachmentList;
  }
}
