import { FileTray, type PendingFile, type UploadTarget } from '../client/file-upload.js';
import { checkFiles, type FileRefusal } from '../client/ui/file-rules.js';
import type { Attachment, AttachmentLimits } from '../protocol/wire.js';

// The files picked for replies: checked against the server's limits before
// any byte leaves, then uploaded, one tray per conversation. Loaded with the
// first file (attachment-controller.ts), a chunk of its own with the upload
// code: most sessions send no file.

/** Why a file was refused before its upload: its kind, its size, empty, too many; or files turned off, or the limits unknown. */
export type RefusalReason = FileRefusal | 'off' | 'offline';

export interface Refusal {
  name: string;
  reason: RefusalReason;
}

/**
 * Splits picked files into those to upload and those refused, by the
 * server's limits (client/ui/file-rules.ts, the widget's rules too), and
 * refuses all of them when files are off or the limits are unknown.
 */
export function screenFiles(files: readonly File[], limits: AttachmentLimits | undefined, already: number): { accepted: File[]; refused: Refusal[] } {
  if (!limits || limits.maxBytes <= 0) return { accepted: [], refused: files.length ? [{ name: files[0]!.name, reason: limits ? 'off' : 'offline' }] : [] };
  const { accepted, refused } = checkFiles(files, limits, already);
  const named: Refusal[] = refused.filter(([, why]) => why !== 'count').map(([file, reason]) => ({ name: file.name, reason }));
  // "Too many files" is one line for all the files over the count.
  const over = refused.find(([, why]) => why === 'count');
  return { accepted, refused: over ? [...named, { name: over[0].name, reason: 'count' }] : named };
}

/** What a reply to a conversation can send with its files now. */
export type FilesState = 'none' | 'ready' | 'uploading' | 'failed';

/** Progress alone re-renders the console at most this often. */
const PROGRESS_EVERY_MS = 200;

const NO_FILES: readonly PendingFile[] = [];
const NO_REFUSALS: readonly Refusal[] = [];

/**
 * The files picked for each conversation's next reply: one FileTray per
 * conversation (uploads go to that conversation, and a switch to another
 * keeps them for the return), and the files last refused before upload.
 * `onChange` runs after every change of files or states, and for progress
 * at most every 200 ms. Lists are replaced, never changed in place.
 */
export class ReplyFiles {
  private readonly trays = new Map<string, FileTray>();
  private readonly refusals = new Map<string, readonly Refusal[]>();
  /** Each tray's files and states when last passed on, and when: progress alone waits its turn. */
  private readonly shown = new Map<FileTray, string>();
  private lastShown = 0;

  constructor(
    private readonly target: (visitorId: string) => UploadTarget,
    private readonly onChange: () => void,
    /** Injectable for tests. */
    private readonly now: () => number = Date.now,
  ) {}

  /** The files picked for the conversation's next reply, in the order picked. */
  files(visitorId: string): readonly PendingFile[] {
    return this.trays.get(visitorId)?.items ?? NO_FILES;
  }

  /** The files last refused before upload (cleared by the next pick or a send). */
  refused(visitorId: string): readonly Refusal[] {
    return this.refusals.get(visitorId) ?? NO_REFUSALS;
  }

  state(visitorId: string): FilesState {
    const files = this.files(visitorId);
    if (!files.length) return 'none';
    if (files.some((f) => f.state === 'uploading')) return 'uploading';
    return files.some((f) => f.state === 'failed') ? 'failed' : 'ready';
  }

  /** Checks picked, dropped or pasted files against the limits and starts uploading those that pass. */
  add(visitorId: string, files: readonly File[], limits: AttachmentLimits | undefined): void {
    const { accepted, refused } = screenFiles(files, limits, this.files(visitorId).length);
    this.refusals.set(visitorId, refused);
    if (accepted.length) this.tray(visitorId).add(accepted);
    this.onChange();
  }

  /** Cancels an upload in flight, or takes a file out of the reply. */
  remove(visitorId: string, key: string): void {
    this.trays.get(visitorId)?.remove(key);
  }

  /** Uploads a failed file again under the same key: the server keeps it once. */
  retry(visitorId: string, key: string): void {
    this.trays.get(visitorId)?.retry(key);
  }

  /**
   * The uploaded files of the conversation's reply, taken out of the tray as
   * the reply is sent; undefined (and nothing taken) while any file is still
   * uploading or failed.
   */
  take(visitorId: string): Attachment[] | undefined {
    const state = this.state(visitorId);
    if (state === 'uploading' || state === 'failed') return undefined;
    const tray = this.trays.get(visitorId);
    const ready = tray?.ready ?? [];
    tray?.clear();
    this.refusals.delete(visitorId);
    return ready;
  }

  private tray(visitorId: string): FileTray {
    let tray = this.trays.get(visitorId);
    if (!tray) {
      const made: FileTray = new FileTray(() => this.target(visitorId), () => this.trayChanged(made));
      tray = made;
      this.trays.set(visitorId, tray);
    }
    return tray;
  }

  private trayChanged(tray: FileTray): void {
    const shape = tray.items.map((i) => `${i.key}:${i.state}`).join();
    const now = this.now();
    if (shape === this.shown.get(tray) && now - this.lastShown < PROGRESS_EVERY_MS) return;
    this.shown.set(tray, shape);
    this.lastShown = now;
    this.onChange();
  }
}
