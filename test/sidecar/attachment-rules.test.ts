// The small rules behind file answers: how a sender's file name is cleaned,
// which Range headers are honoured, and the text a file leaves in `msg`.
import { describe, expect, it } from 'vitest';
import { cleanName } from '../../sidecar/core/attachments.js';
import { FILE_KINDS } from '../../sidecar/core/attachment-types.js';
import { parseRange } from '../../sidecar/http/byte-range.js';
import { rowContent, visibleText } from '../../sidecar/core/attachment-text.js';

const kind = (name: string) => FILE_KINDS.find((k) => k.name === name)!;

describe('file names', () => {
  it.each([
    ['C:\\Users\\me\\Desktop\\report.pdf', 'pdf', 'report.pdf'],
    ['../../etc/passwd', 'txt', 'passwd.txt'],
    ['invoice\u202Efdp.exe', 'pdf', 'invoicefdp.exe.pdf'],
    ['line\nbreak\u0000.png', 'png', 'linebreak.png'],
    ['.htaccess', 'txt', 'htaccess.txt'],
    ['', 'jpeg', 'file.jpg'],
    ['photo.JPEG', 'jpeg', 'photo.JPEG'],
    ['数据.xlsx', 'xlsx', '数据.xlsx'],
  ])('%j as %s is %j', (raw, k, want) => {
    expect(cleanName(raw, kind(k))).toBe(want);
  });

  it('keeps at most 255 characters and the extension that says what the file is', () => {
    const name = cleanName('字'.repeat(300) + '.pdf', kind('pdf'));
    expect([...name].length).toBe(255);
    expect(name.endsWith('.pdf')).toBe(true);
  });
});

describe('byte ranges', () => {
  it.each([
    ['bytes=0-9', { kind: 'part', range: { start: 0, end: 9 } }],
    ['bytes=90-', { kind: 'part', range: { start: 90, end: 99 } }],
    ['bytes=-10', { kind: 'part', range: { start: 90, end: 99 } }],
    ['bytes=-500', { kind: 'part', range: { start: 0, end: 99 } }],
    ['bytes=50-5000', { kind: 'part', range: { start: 50, end: 99 } }],
    ['bytes=100-', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=9-5', { kind: 'whole' }],
    ['bytes=0-1,4-5', { kind: 'whole' }],
    ['items=0-1', { kind: 'whole' }],
    ['', { kind: 'whole' }],
  ])('%j of 100 bytes', (header, want) => {
    expect(parseRange(header, 100)).toEqual(want);
  });
});

describe('the text a file leaves in msg', () => {
  const files = [{ id: 'a_AAAAAAAAAAAAAAAAAAAAAA', name: 'a.pdf', size: 2048 }, { id: 'a_BBBBBBBBBBBBBBBBBBBBBB', name: 'b.png', size: 3 * 1024 * 1024 }];

  it('is the text, a blank line and a line per file; reading it back gives the text', () => {
    const row = rowContent('hello', files);
    expect(row).toBe('hello\n\n📎 a.pdf (2 KB): /kefu/api/attachments/a_AAAAAAAAAAAAAAAAAAAAAA\n📎 b.png (3.0 MB): /kefu/api/attachments/a_BBBBBBBBBBBBBBBBBBBBBB');
    expect(visibleText(row, files)).toBe('hello');
    expect(visibleText(rowContent('', files), files)).toBe('');
    expect(rowContent('no files', [])).toBe('no files');
    expect(visibleText('edited by hand', files)).toBe('edited by hand');
  });
});
