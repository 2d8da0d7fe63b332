import type { Locale } from './pick-strings.js';

// The words about files, both languages: they travel with the files chunk
// (attachment-parts.ts), which loads only where the server takes files or a
// message carries some, so the strings every visitor loads stay as they are.
// (One chunk per language, as for the panel's strings, saves nothing here:
// each chunk's own overhead eats what the other language would cost.)

const FILE_WORDS = {
  en: {
    attach: 'Attach files',
    uploading: (name: string) => `Uploading ${name}`,
    remove: (name: string) => `Remove ${name}`,
    failed: 'Upload failed.',
    type: (name: string) => `${name}: files of this type cannot be sent.`,
    size: (name: string, max: string) => `${name} is over the ${max} limit.`,
    empty: (name: string) => `${name} is empty.`,
    count: (max: number) => `Up to ${max} files per message.`,
    waiting: 'Sending once the files are uploaded…',
    unfinished: 'A file did not upload: retry or remove it.',
    drop: 'Drop files to attach them',
    close: 'Close',
  },
  'zh-CN': {
    attach: '添加文件',
    uploading: (name: string) => `正在上传 ${name}`,
    remove: (name: string) => `移除 ${name}`,
    failed: '上传失败。',
    type: (name: string) => `${name}：不支持发送此类型的文件。`,
    size: (name: string, max: string) => `${name} 超过 ${max} 的上限。`,
    empty: (name: string) => `${name} 是空文件。`,
    count: (max: number) => `每条消息最多 ${max} 个文件。`,
    waiting: '文件上传后即发送…',
    unfinished: '有文件未能上传：请重试或移除。',
    drop: '拖放到此处即可添加文件',
    close: '关闭',
  },
};

export type FileWords = (typeof FILE_WORDS)['en'];

export const fileWords = (locale: Locale): FileWords => FILE_WORDS[locale];
