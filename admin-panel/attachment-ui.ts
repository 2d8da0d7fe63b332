// The attachments' chunk (attachment-rules.ts, loadAttachmentUi): the tray
// under the composer and the thread's files with their lightbox.
import './kefu-file-tray.js';
import './kefu-attachment-list.js';
