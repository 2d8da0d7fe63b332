// The kinds of file a conversation accepts, by short name (KEFU_ATTACHMENTS_TYPES).
// Closed on purpose: each kind here is one the sidecar knows how to recognise
// from its bytes (core/sniff.ts) and how to serve safely (images re-encoded and
// shown inline; everything else only as a download).

export interface FileKind {
  /** The short name owners list in KEFU_ATTACHMENTS_TYPES. */
  name: string;
  /** What file-type reports for such bytes, and what the file is served as. */
  mime: string;
  /** Extensions a name may end with; the first is added to a name that has none of them. */
  extensions: readonly string[];
  /** Re-encoded before it is stored (metadata gone) and served inline. */
  image: boolean;
}

const kind = (name: string, mime: string, extensions: string[], image = false): FileKind => ({ name, mime, extensions, image });

export const FILE_KINDS: readonly FileKind[] = [
  kind('png', 'image/png', ['png'], true),
  kind('jpeg', 'image/jpeg', ['jpg', 'jpeg'], true),
  kind('gif', 'image/gif', ['gif'], true),
  kind('webp', 'image/webp', ['webp'], true),
  kind('pdf', 'application/pdf', ['pdf']),
  kind('txt', 'text/plain', ['txt', 'log', 'csv', 'md', 'json']),
  kind('docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ['docx']),
  kind('xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ['xlsx']),
  kind('pptx', 'application/vnd.openxmlformats-officedocument.presentationml.presentation', ['pptx']),
  kind('odt', 'application/vnd.oasis.opendocument.text', ['odt']),
  kind('ods', 'application/vnd.oasis.opendocument.spreadsheet', ['ods']),
];

/** Every kind, the default: common images, PDF, plain text and office documents. */
export const DEFAULT_KIND_NAMES: readonly string[] = FILE_KINDS.map((k) => k.name);

const ALIASES: Record<string, string> = { jpg: 'jpeg', text: 'txt' };

/** The short name a configured word stands for, or null when it names no kind. */
export function kindName(word: string): string | null {
  const w = word.trim().toLowerCase();
  const name = ALIASES[w] ?? w;
  return FILE_KINDS.some((k) => k.name === name) ? name : null;
}

export function kindByMime(mime: string): FileKind | undefined {
  return FILE_KINDS.find((k) => k.mime === mime);
}
