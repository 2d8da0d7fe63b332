import { ApiError } from './api-error.js';
import { joinUrl } from './request-json.js';
import { randomId } from './random-id.js';
import type { Attachment, AttachmentLimits, UploadAnswer } from '../protocol/wire.js';

// Files for both faces (docs/PROTOCOL.md, "Attachments"): the upload itself,
// with progress and cancel, and the states a file goes through before it is
// sent with a message. The request body is the file; its name and a
// `clientId` ride in the query, so a retry of the same file is stored once.

export type UploadState = 'uploading' | 'done' | 'failed';

/** One file the visitor or agent picked, until it is sent with a message. */
export interface PendingFile {
  /** Also the upload's `clientId`: a retry sends it again and gets the same attachment. */
  key: string;
  file: File;
  state: UploadState;
  /** 0…1 while uploading. */
  progress: number;
  attachment?: Attachment;
  error?: string;
  /** The failure's protocol code (`unsupported_type`, `too_large`, `network`…), for a view that words it in its own language. */
  code?: string;
}

export interface UploadTarget {
  /** The sidecar's base URL (as for the JSON API). */
  base: string;
  /** `/kefu/api/visitor/attachments` or `/kefu/api/agent/conversations/<id>/attachments`. */
  path: string;
  token: () => string | undefined;
}

/**
 * Uploads one file. XMLHttpRequest, not fetch: only it reports upload
 * progress in every browser. Rejects with an ApiError (status 0 when the
 * network failed, `aborted` when `signal` was aborted).
 */
export function uploadFile(target: UploadTarget, file: File, clientId: string, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', joinUrl(target.base, target.path, { name: file.name, clientId }));
    const token = target.token();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: { attachment?: Attachment; error?: { code?: string; message?: string } } = {};
      try {
        body = JSON.parse(xhr.responseText) as UploadAnswer;
      } catch {
        // Not JSON (a proxy's error page): the status says enough.
      }
      if (xhr.status >= 200 && xhr.status < 300 && body.attachment) return resolve(body.attachment);
      const retryAfter = Number(xhr.getResponseHeader('Retry-After'));
      reject(new ApiError(xhr.status, body.error?.code ?? `http_${xhr.status}`, body.error?.message ?? xhr.statusText, retryAfter > 0 ? retryAfter * 1000 : undefined));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'the upload could not reach the server'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'the upload was cancelled'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

/** What the server accepts, for the file picker and checks before an upload (`GET /kefu/api/attachments/limits`). */
export async function fetchLimits(base: string, signal?: AbortSignal): Promise<AttachmentLimits> {
  const res = await fetch(joinUrl(base, '/kefu/api/attachments/limits'), { signal });
  if (!res.ok) throw new ApiError(res.status, `http_${res.status}`, res.statusText);
  return (await res.json()) as AttachmentLimits;
}

/**
 * The files picked for the next message: uploads start at once, each can be
 * cancelled or retried (same key, so never stored twice), and `ready` are
 * the attachment ids to send. `onChange` runs after every step, for the view.
 */
export class FileTray {
  items: PendingFile[] = [];
  private readonly aborts = new Map<string, AbortController>();

  constructor(
    private readonly target: () => UploadTarget,
    private readonly onChange: () => void,
  ) {}

  /** Adds files (from a picker, a drop or a paste) and starts their uploads. */
  add(files: Iterable<File>): void {
    for (const file of files) {
      const item: PendingFile = { key: randomId(), file, state: 'uploading', progress: 0 };
      this.items = [...this.items, item];
      void this.run(item);
    }
    this.onChange();
  }

  retry(key: string): void {
    const item = this.items.find((i) => i.key === key);
    if (item && item.state === 'failed') void this.run(item);
  }

  /** Cancels an upload in flight, or drops a file from the tray. */
  remove(key: string): void {
    this.aborts.get(key)?.abort();
    this.items = this.items.filter((i) => i.key !== key);
    this.onChange();
  }

  get busy(): boolean {
    return this.items.some((i) => i.state === 'uploading');
  }

  /** The uploaded files, in the order they were picked. */
  get ready(): Attachment[] {
    return this.items.flatMap((i) => (i.state === 'done' && i.attachment ? [i.attachment] : []));
  }

  /** After a send: the sent files leave the tray. */
  clear(): void {
    for (const a of this.aborts.values()) a.abort();
    this.items = [];
    this.onChange();
  }

  private async run(item: PendingFile): Promise<void> {
    const abort = new AbortController();
    this.aborts.set(item.key, abort);
    this.update(item, { state: 'uploading', progress: 0, error: undefined, code: undefined });
    try {
      const attachment = await uploadFile(this.target(), item.file, item.key, (progress) => this.update(item, { progress }), abort.signal);
      this.update(item, { state: 'done', progress: 1, attachment });
    } catch (err) {
      if (abort.signal.aborted) return;
      this.update(item, { state: 'failed', error: err instanceof Error ? err.message : String(err), code: err instanceof ApiError ? err.code : 'network' });
    } finally {
      if (this.aborts.get(item.key) === abort) this.aborts.delete(item.key);
    }
  }

  private update(item: PendingFile, change: Partial<PendingFile>): void {
    Object.assign(item, change);
    this.items = [...this.items];
    this.onChange();
  }
}

/** "1.2 MB", "340 KB", "12 B" in the viewer's locale. */
export function formatSize(bytes: number, locale?: string): string {
  const [value, unit] = bytes >= 1e6 ? [bytes / 1e6, 'MB'] : bytes >= 1e3 ? [bytes / 1e3, 'KB'] : [bytes, 'B'];
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: value < 10 && unit !== 'B' ? 1 : 0 }).format(value)} ${unit}`;
}
