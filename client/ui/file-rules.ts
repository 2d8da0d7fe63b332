import type { Attachment, AttachmentLimits } from '../../protocol/wire.js';

// What either face decides about files before any upload, without a DOM:
// which picked files the server's limits let through, and which sent files
// are shown in place. The server still reads every file's bytes (a program
// renamed `invoice.pdf` passes here and gets 415 there).

/** Why a file is refused before its upload: its kind, its size, empty, or one file too many for a message. */
export type FileRefusal = 'type' | 'size' | 'empty' | 'count';

/**
 * Splits picked files into those to upload and those refused: a kind the
 * server accepts (by the name's extension or the type the browser gave: a
 * pasted screenshot may have either alone), 1 to `maxBytes` bytes, and at
 * most `maxPerMessage` together with the `already` picked.
 */
export function checkFiles(files: readonly File[], limits: AttachmentLimits, already: number): { accepted: File[]; refused: Array<[File, FileRefusal]> } {
  const accepted: File[] = [];
  const refused: Array<[File, FileRefusal]> = [];
  const accept = limits.accept.toLowerCase().split(',');
  for (const file of files) {
    const ext = /\.[^.]+$/.exec(file.name)?.[0].toLowerCase();
    const why: FileRefusal | undefined =
      !limits.types.includes(file.type) && !(ext && accept.includes(ext))
        ? 'type'
        : file.size > limits.maxBytes
          ? 'size'
          : !file.size
            ? 'empty'
            : accepted.length + already >= limits.maxPerMessage
              ? 'count'
              : undefined;
    if (why) refused.push([file, why]);
    else accepted.push(file);
  }
  return { accepted, refused };
}

/** Shown in place: the server re-encodes these and serves them inline; anything else is a download. */
export function isImage(a: Pick<Attachment, 'type'>): boolean {
  return /^image\/(png|jpeg|gif|webp)$/.test(a.type);
}
