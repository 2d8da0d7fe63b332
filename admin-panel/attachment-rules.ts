import type { Attachment } from '../protocol/wire.js';

// What the first load needs to know of files: how a message made only of
// files reads in a one-line preview, and where the rest of the attachments'
// code is (reply-files.ts, the tray and the thread's files come in chunks of
// their own).

/** A message's text for one line (the list, notifications): its words, else its files' names. */
export function previewText(m: { content: string; attachments?: readonly Attachment[] }, filesPreview: (names: string) => string): string {
  if (m.content || !m.attachments?.length) return m.content;
  return filesPreview(m.attachments.map((a) => a.name).join(', '));
}

let ui: Promise<unknown> | undefined;

/**
 * The file tray and the attachment list (with its lightbox), a chunk of their
 * own loaded the first time a file is picked or a message with files is
 * shown: most sessions never need them, and the console's first load has a budget.
 */
export function loadAttachmentUi(): Promise<unknown> {
  ui ??= import('./attachment-ui.js').catch((err: unknown) => {
    // Asked again on the next render.
    ui = undefined;
    throw err;
  });
  return ui;
}
