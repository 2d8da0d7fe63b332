// Decides what a file is from its first bytes (magic numbers, through
// file-type), never from its name or the Content-Type the browser sent.
// Plain text has no magic number: it is what remains when file-type finds
// nothing and the bytes are UTF-8 without control characters, checked over
// the whole file as it streams, not only its start.
import { TextDecoder } from 'node:util';
import { KefuError, badRequest } from './kefu-error.js';
import { kindByMime, type FileKind } from './attachment-types.js';

/**
 * How much of the start is read before deciding. Office documents are ZIP
 * archives told apart by their first entries ([Content_Types].xml, `mimetype`),
 * which lie well within this.
 */
export const SNIFF_BYTES = 64 * 1024;

// Tab, line feed, form feed and carriage return are text; other C0 controls and DEL are not.
const CONTROL = /[\u0000-\u0008\u000B\u000E-\u001F\u007F]/;

/** Reads the rest of a text file, checking each piece as it passes: not UTF-8, or a control character, ends it with 415. */
function checkText(decoder: TextDecoder, piece: Uint8Array, last: boolean): void {
  let text: string;
  try {
    text = decoder.decode(piece, { stream: !last });
  } catch {
    throw new KefuError('unsupported_type', 'this file is not plain UTF-8 text, nor of a type accepted here');
  }
  if (CONTROL.test(text)) throw new KefuError('unsupported_type', 'this file holds binary data and is not of a type accepted here');
}

export interface Sniffed {
  kind: FileKind;
  /** The whole body again, from its first byte, read on demand. */
  bytes: AsyncIterable<Uint8Array>;
}

/** The kind of `body` among `accepted`; 415 `unsupported_type` for anything else, 400 for an empty file. */
export async function sniff(body: AsyncIterable<Uint8Array>, accepted: readonly FileKind[]): Promise<Sniffed> {
  const it = body[Symbol.asyncIterator]();
  const first: Uint8Array[] = [];
  let have = 0;
  let ended = false;
  while (have < SNIFF_BYTES) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    first.push(r.value);
    have += r.value.byteLength;
  }
  const head = Buffer.concat(first, have);
  if (!head.length) throw badRequest('the file is empty');
  const names = accepted.map((k) => k.name).join(', ');
  // Loaded with the first upload (about 10 MiB), not with every sidecar.
  const { fileTypeFromBuffer } = await import('file-type');
  const found = await fileTypeFromBuffer(head);
  let kind: FileKind | undefined;
  let decoder: TextDecoder | null = null;
  if (found) {
    kind = kindByMime(found.mime);
    if (!kind || !accepted.includes(kind)) {
      throw new KefuError('unsupported_type', `this file is ${found.mime}, which is not accepted here (accepted: ${names})`);
    }
  } else {
    kind = accepted.find((k) => k.name === 'txt');
    if (!kind) throw new KefuError('unsupported_type', `the type of this file could not be recognised from its contents (accepted: ${names})`);
    decoder = new TextDecoder('utf-8', { fatal: true });
    checkText(decoder, head, ended);
  }
  const text = decoder;
  async function* bytes(): AsyncGenerator<Uint8Array> {
    yield head;
    if (ended) return;
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      if (text) checkText(text, r.value, false);
      yield r.value;
    }
    // A multi-byte sequence cut off at the end.
    if (text) checkText(text, new Uint8Array(0), true);
  }
  return { kind, bytes: bytes() };
}
