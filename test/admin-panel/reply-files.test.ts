import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReplyFiles, screenFiles } from '../../admin-panel/reply-files.js';
import type { Attachment, AttachmentLimits } from '../../protocol/wire.js';

const LIMITS: AttachmentLimits = {
  maxBytes: 1000,
  maxPerMessage: 3,
  types: ['image/png', 'application/pdf'],
  accept: '.png,.pdf,image/png,application/pdf',
};

const file = (name: string, size = 10, type = '') => new File([new Uint8Array(size)], name, { type });

describe('screenFiles', () => {
  it('takes a file by its extension or by the type the browser gave it', () => {
    const pasted = file('image', 10, 'image/png');
    const named = file('Invoice.PDF');
    expect(screenFiles([pasted, named], LIMITS, 0)).toEqual({ accepted: [pasted, named], refused: [] });
  });

  it('refuses a program, a file over the limit and an empty one, each with its reason', () => {
    const ok = file('a.png');
    const result = screenFiles([file('setup.exe', 10, 'application/x-msdownload'), file('big.pdf', 1001), file('empty.png', 0), ok], LIMITS, 0);
    expect(result.accepted).toEqual([ok]);
    expect(result.refused).toEqual([
      { name: 'setup.exe', reason: 'type' },
      { name: 'big.pdf', reason: 'size' },
      { name: 'empty.png', reason: 'empty' },
    ]);
  });

  it('keeps to the files a message may carry, counting those already picked, and says so once', () => {
    const picked = [file('1.png'), file('2.png'), file('3.png')];
    expect(screenFiles(picked, LIMITS, 1)).toEqual({ accepted: picked.slice(0, 2), refused: [{ name: '3.png', reason: 'count' }] });
    expect(screenFiles(picked, LIMITS, 3).refused).toEqual([{ name: '1.png', reason: 'count' }]);
  });

  it('refuses everything when files are off, or when the limits could not be fetched', () => {
    expect(screenFiles([file('a.png')], { ...LIMITS, maxBytes: 0 }, 0).refused).toEqual([{ name: 'a.png', reason: 'off' }]);
    expect(screenFiles([file('a.png'), file('b.png')], undefined, 0).refused).toEqual([{ name: 'a.png', reason: 'offline' }]);
  });
});

/** XMLHttpRequest as file-upload.ts uses it, answered by the test. */
class FakeXhr {
  static sent: FakeXhr[] = [];
  url = '';
  headers: Record<string, string> = {};
  status = 0;
  responseText = '';
  aborted = false;
  upload: { onprogress?: (e: { lengthComputable: boolean; loaded: number; total: number }) => void } = {};
  onload?: () => void;
  onerror?: () => void;
  onabort?: () => void;
  open(_method: string, url: string) {
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  getResponseHeader() {
    return null;
  }
  send() {
    FakeXhr.sent.push(this);
  }
  abort() {
    this.aborted = true;
    this.onabort?.();
  }
  get clientId(): string {
    return new URL(this.url).searchParams.get('clientId')!;
  }
  answer(status: number, body: unknown) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.onload?.();
  }
}

const attachment = (id: string, name: string): Attachment => ({ id, name, size: 10, type: 'image/png', width: 1, height: 1, mid: null });

describe('ReplyFiles', () => {
  beforeEach(() => {
    FakeXhr.sent = [];
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
  });
  afterEach(() => vi.unstubAllGlobals());

  function replies() {
    const clock = { t: 1_000 };
    const onChange = vi.fn();
    const r = new ReplyFiles((visitorId) => ({ base: 'http://sidecar', path: `/kefu/api/agent/conversations/${visitorId}/attachments`, token: () => 'tok' }), onChange, () => clock.t);
    return { r, onChange, clock };
  }

  it('uploads each picked file to its conversation, its key as the clientId, and sends nothing until all are in', async () => {
    const { r } = replies();
    r.add('v1', [file('a.png'), file('b.pdf')], LIMITS);
    expect(FakeXhr.sent.map((x) => new URL(x.url).pathname)).toEqual(['/kefu/api/agent/conversations/v1/attachments', '/kefu/api/agent/conversations/v1/attachments']);
    expect(FakeXhr.sent[0].headers.Authorization).toBe('Bearer tok');
    expect(FakeXhr.sent.map((x) => x.clientId)).toEqual(r.files('v1').map((f) => f.key));
    expect(new URL(FakeXhr.sent[0].url).searchParams.get('name')).toBe('a.png');
    expect(r.state('v1')).toBe('uploading');
    expect(r.take('v1')).toBeUndefined();
    FakeXhr.sent[0].answer(201, { attachment: attachment('a_1', 'a.png') });
    await vi.waitFor(() => expect(r.files('v1')[0].state).toBe('done'));
    expect(r.state('v1')).toBe('uploading');
    FakeXhr.sent[1].answer(201, { attachment: attachment('a_2', 'b.pdf') });
    await vi.waitFor(() => expect(r.state('v1')).toBe('ready'));
    expect(r.files('v2')).toEqual([]);
    expect(r.take('v1')?.map((a) => a.id)).toEqual(['a_1', 'a_2']);
    expect(r.files('v1')).toEqual([]);
    expect(r.state('v1')).toBe('none');
  });

  it('retries a failed upload under the same clientId, and holds the reply back while it is failed', async () => {
    const { r } = replies();
    r.add('v1', [file('a.png')], LIMITS);
    FakeXhr.sent[0].answer(503, { error: { code: 'unavailable', message: 'busy' } });
    await vi.waitFor(() => expect(r.files('v1')[0]).toMatchObject({ state: 'failed', code: 'unavailable' }));
    expect(r.take('v1')).toBeUndefined();
    r.retry('v1', r.files('v1')[0].key);
    expect(FakeXhr.sent).toHaveLength(2);
    expect(FakeXhr.sent[1].clientId).toBe(FakeXhr.sent[0].clientId);
    FakeXhr.sent[1].answer(200, { attachment: attachment('a_1', 'a.png') });
    await vi.waitFor(() => expect(r.state('v1')).toBe('ready'));
    expect(r.take('v1')?.map((a) => a.id)).toEqual(['a_1']);
  });

  it('cancels an upload in flight: the request is aborted and nothing is left to send', () => {
    const { r } = replies();
    r.add('v1', [file('a.png')], LIMITS);
    r.remove('v1', r.files('v1')[0].key);
    expect(FakeXhr.sent[0].aborted).toBe(true);
    expect(r.files('v1')).toEqual([]);
    expect(r.take('v1')).toEqual([]);
  });

  it('keeps refused files out of the tray and says why until the next pick', () => {
    const { r } = replies();
    r.add('v1', [file('setup.exe')], LIMITS);
    expect(FakeXhr.sent).toEqual([]);
    expect(r.refused('v1')).toEqual([{ name: 'setup.exe', reason: 'type' }]);
    r.add('v1', [file('a.png')], LIMITS);
    expect(r.refused('v1')).toEqual([]);
  });

  it('passes on every change of state, and progress alone at most every 200 ms', async () => {
    const { r, onChange, clock } = replies();
    r.add('v1', [file('a.png')], LIMITS);
    const calls = onChange.mock.calls.length;
    const progress = (loaded: number) => FakeXhr.sent[0].upload.onprogress?.({ lengthComputable: true, loaded, total: 10 });
    progress(2);
    progress(4);
    expect(onChange.mock.calls.length).toBe(calls);
    clock.t += 200;
    progress(6);
    expect(onChange.mock.calls.length).toBe(calls + 1);
    expect(r.files('v1')[0].progress).toBe(0.6);
    FakeXhr.sent[0].answer(201, { attachment: attachment('a_1', 'a.png') });
    await vi.waitFor(() => expect(r.state('v1')).toBe('ready'));
    expect(onChange.mock.calls.length).toBe(calls + 2);
  });
});
