import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AgentApi } from '../client/agent-api.js';
import type { PendingFile } from '../client/file-upload.js';
import { joinUrl } from '../client/request-json.js';
import type { Attachment, AttachmentLimits } from '../protocol/wire.js';
import type { Refusal, ReplyFiles } from './reply-files.js';

export interface AttachmentOptions {
  api: AgentApi;
  /** The inbox's wrapper: a call refused for an old token is made once more with a fresh one. */
  withToken: <T>(call: () => Promise<T>) => Promise<T>;
}

/** A file's address for `<img src>` and downloads, absolute, and when it stops working. */
export interface SignedLink {
  url: string;
  expiresAt: number;
}

/** Asks for a file's address; `renew` when the one given before no longer works. */
export type LinkFn = (id: string, renew?: boolean) => Promise<SignedLink>;

/** A link is renewed this long before it expires: an image asked for at the last second would fail. */
const LINK_MARGIN_MS = 15_000;

const NO_FILES: readonly PendingFile[] = [];
const NO_REFUSALS: readonly Refusal[] = [];

/**
 * The console's files, without any DOM: what the server accepts
 * (`GET /kefu/api/attachments/limits`), the files picked for each
 * conversation's next reply (ReplyFiles, loaded with the first file), and
 * the signed addresses the thread shows files by, fetched when first asked
 * for and renewed when they run out.
 *
 * A Lit ReactiveController: connected, it fetches the limits; disconnected,
 * that request is aborted. Uploads in flight carry on (the files are the
 * agent's work).
 */
export class AttachmentController implements ReactiveController {
  /** Undefined until fetched (and when that failed: asked again with the next file). */
  limits: AttachmentLimits | undefined;

  private replies: ReplyFiles | undefined;
  private readonly links = new Map<string, SignedLink>();
  private readonly asking = new Map<string, Promise<SignedLink>>();
  private connection: AbortController | undefined;
  private limitsAsked: Promise<AttachmentLimits | undefined> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly opts: AttachmentOptions,
    /** Injectable for tests. */
    private readonly now: () => number = Date.now,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.connection = new AbortController();
    if (!this.limits) void this.loadLimits();
  }

  hostDisconnected(): void {
    this.connection?.abort();
    this.connection = undefined;
  }

  /** Files can be sent on this site (the limits are known and allow some). */
  get enabled(): boolean {
    return (this.limits?.maxBytes ?? 0) > 0;
  }

  /** The files picked for the conversation's next reply, in the order picked. */
  files(visitorId: string | undefined): readonly PendingFile[] {
    return (visitorId && this.replies?.files(visitorId)) || NO_FILES;
  }

  /** The files last refused before upload for this conversation. */
  refused(visitorId: string | undefined): readonly Refusal[] {
    return (visitorId && this.replies?.refused(visitorId)) || NO_REFUSALS;
  }

  /** Checks picked, dropped or pasted files against the limits and starts uploading those that pass. */
  async add(visitorId: string, files: readonly File[]): Promise<void> {
    const limits = this.limits ?? (await this.loadLimits());
    try {
      this.replies ??= new (await import('./reply-files.js')).ReplyFiles((id) => this.opts.api.uploadTarget(id), () => this.changed(), this.now);
    } catch {
      // The upload code could not be loaded; the next file tries again.
      return;
    }
    this.replies.add(visitorId, files, limits);
  }

  remove(visitorId: string, key: string): void {
    this.replies?.remove(visitorId, key);
  }

  retry(visitorId: string, key: string): void {
    this.replies?.retry(visitorId, key);
  }

  /** The uploaded files to send with the reply, taken out of the tray; undefined while any is uploading or failed. */
  take(visitorId: string): Attachment[] | undefined {
    return this.replies ? this.replies.take(visitorId) : [];
  }

  /** A file's signed address: the one known while it lasts, else a fresh one (one request per file at a time). */
  readonly link: LinkFn = (id, renew = false) => {
    const known = this.links.get(id);
    if (known && !renew && known.expiresAt - this.now() > LINK_MARGIN_MS) return Promise.resolve(known);
    let asking = this.asking.get(id);
    if (!asking) {
      asking = this.opts
        .withToken(() => this.opts.api.attachmentLink(id))
        .then(({ url, expiresIn }) => {
          const link = { url: joinUrl(this.opts.api.base, url), expiresAt: this.now() + expiresIn * 1000 };
          this.links.set(id, link);
          return link;
        })
        .finally(() => this.asking.delete(id));
      this.asking.set(id, asking);
    }
    return asking;
  };

  private loadLimits(): Promise<AttachmentLimits | undefined> {
    this.limitsAsked ??= this.opts.api
      .attachmentLimits(this.connection?.signal)
      .then(
        (limits) => {
          this.limits = limits;
          this.changed();
          return limits;
        },
        () => undefined,
      )
      .finally(() => (this.limitsAsked = undefined));
    return this.limitsAsked;
  }

  private changed(): void {
    this.host.requestUpdate();
  }
}
