// The plain-text lines a message with files keeps in the `content` of its
// `msg` row, for software that reads the table (the host's PHP, the search
// index): one line per file, its name, size and address. Clients get the
// typed text and the `attachments` array instead: the store takes these lines
// off again (visibleText), recomputing them from the attachment table, so a
// row someone edited by hand is shown as it now reads.
import type { Attachment } from './message.js';

/** Starts every file line; a row without it is never looked up for files. */
export const FILE_MARK = '📎';

export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** One line per file. The address needs a token or a signed link: it names the file, it does not open it. */
export function fileLines(files: readonly Pick<Attachment, 'id' | 'name' | 'size'>[]): string {
  return files.map((f) => `${FILE_MARK} ${f.name} (${humanSize(f.size)}): /kefu/api/attachments/${f.id}`).join('\n');
}

/** What the row's `content` holds: the typed text (may be empty), a blank line, the file lines. */
export function rowContent(text: string, files: readonly Pick<Attachment, 'id' | 'name' | 'size'>[]): string {
  if (!files.length) return text;
  const lines = fileLines(files);
  return text ? `${text}\n\n${lines}` : lines;
}

/** The typed text of a row with these files; the row as it reads when it no longer ends with their lines. */
export function visibleText(content: string, files: readonly Pick<Attachment, 'id' | 'name' | 'size'>[]): string {
  const lines = fileLines(files);
  if (content === lines) return '';
  if (content.endsWith(`\n\n${lines}`)) return content.slice(0, content.length - lines.length - 2);
  return content;
}
