// Files in a conversation: uploads (streamed into a blob store, their type
// read from their bytes, images re-encoded), who may read them, the signed
// addresses that open them without a header, and the sweep that removes files
// nobody can reach any more. Knows nothing of HTTP.
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { AttachmentSettings } from '../config.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import type { BlobStore, ByteRange } from '../store/blob-store.js';
import type { AttachmentRecord } from '../store/attachment-store.js';
import type { Tokens } from '../auth/tokens.js';
import { ATTACHMENT_ID, type Attachment, type AttachmentLimits, type AttachmentLink } from './message.js';
import { FILE_KINDS, type FileKind } from './attachment-types.js';
import { KefuError, badRequest, errorCode } from './kefu-error.js';
import { sniff } from './sniff.js';
import { reencodeImage } from './image-scrub.js';
import { cleanClientId } from './chat.js';

/** Who asks for a file: its conversation's visitor, an agent, or a signed address. */
export type Reader = { kind: 'visitor'; visitorId: string } | { kind: 'agent' } | { kind: 'link' };

export interface UploadInput {
  /** The visitor, or `agent:<id>`. */
  owner: string;
  /** The conversation (its visitor's id). */
  visitorId: string;
  name: unknown;
  clientId: unknown;
  /** The request's Content-Length, when it gave one: a file declared too large is refused before a byte is read. */
  length: number | null;
  body: AsyncIterable<Uint8Array>;
}

const NAME_MAX = 255;
/** A file uploaded but never sent is kept this long (a visitor who changed their mind). */
export const UNSENT_KEEP_MS = 24 * 3600_000;
const SWEEP_EVERY_MS = 60_000;
const SWEEP_BATCH = 200;

export function newAttachmentId(): string {
  return 'a_' + randomBytes(16).toString('base64url');
}

/**
 * The sender's file name as it may be shown and offered for saving: the last
 * path segment, no control or bidirectional-override characters, at most 255
 * characters, and an extension that fits the bytes: `run.html` that is plain
 * text becomes `run.html.txt`, so no browser or desktop opens it as a page.
 */
export function cleanName(raw: unknown, kind: FileKind | null): string {
  let name = typeof raw === 'string' ? raw : '';
  name = name.normalize('NFC').split(/[\\/]/).pop() ?? '';
  name = name.replace(/[\u0000-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, '').trim();
  name = name.replace(/^\.+/, '');
  if (!name || !name.isWellFormed()) name = 'file';
  if (kind) {
    const ext = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase();
    if (!ext || !kind.extensions.includes(ext)) name = `${name}.${kind.extensions[0]}`;
  }
  const chars = [...name];
  if (chars.length > NAME_MAX) {
    // Keep the extension: it says what the file is.
    const ext = kind ? `.${kind.extensions[0]}` : '';
    name = chars.slice(0, NAME_MAX - ext.length).join('') + ext;
  }
  return name;
}

/** Counts what passes and stops it, with 413, at the first byte past `max`. */
async function* limited(body: AsyncIterable<Uint8Array>, max: number): AsyncGenerator<Uint8Array> {
  let seen = 0;
  for await (const piece of body) {
    seen += piece.byteLength;
    if (seen > max) throw new KefuError('too_large', `the file is larger than ${max} bytes`);
    yield piece;
  }
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const piece of body) parts.push(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
  return Buffer.concat(parts);
}

export interface AttachmentsDeps {
  store: Store;
  /** Where new files go. */
  writeTo: BlobStore;
  /** Every store a recorded file may be in, by name (a switch of KEFU_ATTACHMENTS_STORE keeps old files readable). */
  stores: ReadonlyMap<string, BlobStore>;
  tokens: Tokens;
  settings: AttachmentSettings;
  log: Logger;
}

export class Attachments {
  private readonly accepted: readonly FileKind[];
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;

  constructor(private readonly deps: AttachmentsDeps) {
    this.accepted = FILE_KINDS.filter((k) => deps.settings.types.includes(k.name));
  }

  get enabled(): boolean {
    return this.deps.settings.maxBytes > 0 && this.accepted.length > 0;
  }

  limits(): AttachmentLimits {
    const on = this.enabled;
    return {
      maxBytes: on ? this.deps.settings.maxBytes : 0,
      maxPerMessage: this.deps.settings.maxPerMessage,
      types: on ? this.accepted.map((k) => k.mime) : [],
      accept: on ? [...this.accepted.flatMap((k) => k.extensions.map((e) => `.${e}`)), ...this.accepted.map((k) => k.mime)].join(',') : '',
    };
  }

  /**
   * Stores one file. Read as it arrives: its first bytes decide its kind, a
   * byte past the limit ends it with 413, and only an image is held whole (to
   * be re-encoded). A clientId already used by this uploader returns that
   * file (200); whatever fails leaves nothing behind.
   */
  async upload(u: UploadInput): Promise<{ attachment: Attachment; created: boolean }> {
    if (!this.enabled) throw new KefuError('forbidden', 'files are turned off on this site');
    const { maxBytes } = this.deps.settings;
    const clientId = cleanClientId(u.clientId);
    if (u.length !== null && u.length > maxBytes) throw new KefuError('too_large', `the file is larger than ${maxBytes} bytes`);
    if (clientId) {
      const earlier = await this.deps.store.attachments.byClientId(u.owner, clientId);
      if (earlier?.status === 'ready') return { attachment: this.sameUpload(earlier, u.visitorId), created: false };
    }
    const id = newAttachmentId();
    const blobs = this.deps.writeTo;
    await this.deps.store.attachments.begin({ id, visitorId: u.visitorId, owner: u.owner, name: cleanName(u.name, null), store: blobs.name }, new Date());
    try {
      const { kind, bytes } = await sniff(limited(u.body, maxBytes), this.accepted);
      let size: number;
      let width: number | null = null;
      let height: number | null = null;
      if (kind.image) {
        const clean = await reencodeImage(await collect(bytes), kind);
        ({ width, height } = clean);
        size = await blobs.put(id, [clean.data]);
      } else {
        size = await blobs.put(id, bytes);
      }
      const facts = { name: cleanName(u.name, kind), type: kind.mime, size, width, height };
      if (!(await this.deps.store.attachments.finish(id, facts, clientId))) {
        // A retry of this upload finished first: that one is the file.
        await this.discard(id, blobs);
        const winner = await this.deps.store.attachments.byClientId(u.owner, clientId!);
        if (!winner) throw new Error('an upload with this clientId vanished');
        return { attachment: this.sameUpload(winner, u.visitorId), created: false };
      }
      const attachment: Attachment = { id, name: facts.name, size, type: facts.type, mid: null };
      if (width !== null && height !== null) Object.assign(attachment, { width, height });
      return { attachment, created: true };
    } catch (err) {
      await this.discard(id, blobs);
      throw err;
    }
  }

  /** An earlier upload under the same clientId: the same file, unless it belongs to another conversation. */
  private sameUpload(earlier: AttachmentRecord, visitorId: string): Attachment {
    if (earlier.visitorId !== visitorId) throw badRequest('clientId was already used for a file in another conversation');
    return this.wire(earlier);
  }

  private wire(r: AttachmentRecord): Attachment {
    const a: Attachment = { id: r.id, name: r.name, size: r.size, type: r.type, mid: r.mid };
    if (r.width !== undefined && r.height !== undefined) {
      a.width = r.width;
      a.height = r.height;
    }
    return a;
  }

  private async discard(id: string, blobs: BlobStore): Promise<void> {
    try {
      await blobs.delete([id]);
      await this.deps.store.attachments.remove([id]);
    } catch (err) {
      // The sweep removes what is left once the upload is old.
      this.deps.log.warn('could not remove a failed upload; the sweep will', { code: errorCode(err) });
    }
  }

  /**
   * The files a message names, checked and in the sender's order: 1 to
   * maxPerMessage distinct ids of finished uploads by `sender` to this
   * conversation. Whether they are still unsent is decided when the message
   * is written (in its transaction), so that a retried send finds its message.
   */
  async forSending(ids: unknown, sender: string, visitorId: string): Promise<Attachment[]> {
    if (ids === undefined || ids === null) return [];
    const max = this.deps.settings.maxPerMessage;
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string' || !ATTACHMENT_ID.test(id))) {
      throw badRequest('attachments must be a list of attachment ids');
    }
    if (!ids.length) return [];
    if (ids.length > max) throw badRequest(`a message may carry at most ${max} files`);
    if (new Set(ids).size !== ids.length) throw badRequest('attachments must not repeat an id');
    const found = await this.deps.store.attachments.getMany(ids as string[]);
    for (const id of ids as string[]) {
      const r = found.find((f) => f.id === id);
      if (!r || r.visitorId !== visitorId || r.owner !== sender || r.status !== 'ready') {
        throw badRequest(`attachment ${id} is not a file you uploaded to this conversation`);
      }
    }
    return found.map((r) => this.wire(r));
  }

  /** The file, if this reader may have it: 404 otherwise, whether or not it exists. */
  async readable(id: string, reader: Reader): Promise<AttachmentRecord> {
    const notFound = new KefuError('not_found', 'no such file');
    if (!ATTACHMENT_ID.test(id)) throw notFound;
    const r = await this.deps.store.attachments.get(id);
    if (!r || r.status !== 'ready') throw notFound;
    // A visitor reads the files of their own conversation that were sent, and their own uploads.
    if (reader.kind === 'visitor' && (r.visitorId !== reader.visitorId || (r.mid === null && r.owner !== reader.visitorId))) throw notFound;
    return r;
  }

  /** A signed address for the file, for whoever may read it. */
  async link(id: string, reader: Reader): Promise<AttachmentLink> {
    const r = await this.readable(id, reader);
    const life = this.deps.settings.linkSeconds;
    const sig = await this.deps.tokens.fileToken(r.id, life);
    return { url: `/kefu/api/attachments/${r.id}?sig=${sig}`, expiresIn: life };
  }

  /** The file's bytes (a range of them); 404 when its store has lost them. */
  async bytes(r: AttachmentRecord, range?: ByteRange): Promise<Readable> {
    const blobs = this.deps.stores.get(r.store);
    const stream = blobs ? await blobs.get(r.id, range) : null;
    if (!stream) {
      this.deps.log.warn('a file has a record but no bytes', { store: r.store });
      throw new KefuError('not_found', 'no such file');
    }
    return stream;
  }

  /** Starts the sweep (on every process: each removal is harmless to repeat). */
  start(): void {
    this.sweepTimer = setInterval(() => {
      this.sweeping ??= this.sweep()
        .then(() => undefined, (err) => this.deps.log.warn('could not sweep old files; retrying next minute', { code: errorCode(err) }))
        .finally(() => { this.sweeping = null; });
    }, SWEEP_EVERY_MS);
    this.sweepTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.sweeping;
    await Promise.all([...new Set(this.deps.stores.values())].map((s) => s.close()));
  }

  /**
   * Removes the files nobody can reach any more: uploads cut off by a crash,
   * files never sent within a day, and the files of messages and conversations
   * that are gone, which is how an erasure or the retention limit (the CMS
   * deletes the messages and the visitor record) reaches the files too.
   * Returns how many went.
   */
  async sweep(now = new Date()): Promise<number> {
    const uploadingBefore = new Date(now.getTime() - this.deps.settings.uploadTimeoutMs - 60_000);
    const unsentBefore = new Date(now.getTime() - UNSENT_KEEP_MS);
    let removed = 0;
    for (;;) {
      const files = await this.deps.store.attachments.expired(uploadingBefore, unsentBefore, SWEEP_BATCH);
      if (!files.length) return removed;
      for (const [name, blobs] of this.deps.stores) {
        await blobs.delete(files.filter((f) => f.store === name).map((f) => f.id));
      }
      // Records whose store is not configured here stay, so their bytes are not forgotten.
      const gone = files.filter((f) => this.deps.stores.has(f.store)).map((f) => f.id);
      await this.deps.store.attachments.remove(gone);
      removed += gone.length;
      if (gone.length < files.length || files.length < SWEEP_BATCH) return removed;
    }
  }
}
