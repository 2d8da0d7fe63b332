// client/ui/file-rules.ts, as the widget's files chunk uses it: which picked
// files go to the server, and why the others do not.
import { describe, expect, it } from 'vitest';
import { checkFiles, isImage } from '../../client/ui/file-rules.js';
import type { AttachmentLimits } from '../../protocol/wire.js';

const LIMITS: AttachmentLimits = {
  maxBytes: 1000,
  maxPerMessage: 3,
  types: ['image/png', 'application/pdf', 'text/plain'],
  accept: '.png,.pdf,.txt,.csv,image/png,application/pdf,text/plain',
};

const file = (name: string, size = 10, type = '') => new File([new Uint8Array(size)], name, { type });
const reasons = (r: ReturnType<typeof checkFiles>) => r.refused.map(([f, why]) => [f.name, why]);

describe('checkFiles', () => {
  it('takes a kind the server accepts by its extension or by the type the browser gave', () => {
    const r = checkFiles([file('Scan.PDF'), file('data.csv', 10, 'text/csv'), file('image', 10, 'image/png')], LIMITS, 0);
    expect(r.accepted.map((f) => f.name)).toEqual(['Scan.PDF', 'data.csv', 'image']);
    expect(r.refused).toEqual([]);
  });

  it('refuses another kind, a file over maxBytes and an empty one, each with its reason', () => {
    const r = checkFiles([file('setup.exe', 10, 'application/x-msdownload'), file('noext'), file('big.pdf', 1001), file('empty.txt', 0)], LIMITS, 0);
    expect(r.accepted).toEqual([]);
    expect(reasons(r)).toEqual([
      ['setup.exe', 'type'],
      ['noext', 'type'],
      ['big.pdf', 'size'],
      ['empty.txt', 'empty'],
    ]);
  });

  it('lets a program named like a PDF through: the server reads its bytes', () => {
    expect(checkFiles([file('invoice.pdf', 100, 'application/pdf')], LIMITS, 0).accepted).toHaveLength(1);
  });

  it('keeps a message to maxPerMessage files, counting those already picked', () => {
    const r = checkFiles([file('a.pdf'), file('b.pdf'), file('c.pdf')], LIMITS, 1);
    expect(r.accepted.map((f) => f.name)).toEqual(['a.pdf', 'b.pdf']);
    expect(reasons(r)).toEqual([['c.pdf', 'count']]);
  });
});

describe('isImage', () => {
  it('shows in place only the images the server re-encodes', () => {
    expect(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml', 'application/pdf'].map((type) => isImage({ type }))).toEqual([true, true, true, true, false, false]);
  });
});
