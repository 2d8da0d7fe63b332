// Uploading and downloading files against a real sidecar on the real MariaDB:
// types read from bytes, images stripped of EXIF, limits while streaming,
// retries by clientId, the download's headers and ranges.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import net from 'node:net';
import sharp from 'sharp';
import { REQUEST_TIMEOUT_MS } from '../../sidecar/server.js';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { newVisitor, type VisitorSession } from '../helpers/api.js';
import { connectTestDb } from '../helpers/mysql.js';
import { GPS_IFD_TAG, docx, elf, jpegWithGps, pdf, raw, streamOf, windowsExe } from '../helpers/files.js';

const MAX = 1024 * 1024;

describe('attachments: upload and download', () => {
  let s: TestSidecar;
  let db: mysql.Connection;
  let v: VisitorSession;

  const count = async (table: 'kefu_attachment' | 'kefu_attachment_chunk') =>
    Number(((await db.query(`SELECT COUNT(*) AS n FROM \`${s.prefix}${table}\``)) as any)[0][0].n);
  /** The bytes as the database holds them, chunk by chunk. */
  const stored = async (id: string) => {
    const [rows] = (await db.query(`SELECT data FROM \`${s.prefix}kefu_attachment_chunk\` WHERE blob_key = ? ORDER BY seq`, [id])) as any;
    return Buffer.concat(rows.map((r: { data: Buffer }) => r.data));
  };
  const upload = (bytes: Buffer | ReadableStream<Uint8Array>, name: string, extra: Record<string, string> = {}, token = v.token) =>
    raw(`${s.url}/api/visitor/attachments?${new URLSearchParams({ name, ...extra })}`, { token, body: bytes, headers: { 'content-type': 'application/octet-stream' } });

  beforeAll(async () => {
    s = await startSidecar({ store: 'mysql', env: { KEFU_ATTACHMENTS_MAX_BYTES: String(MAX) } });
    db = await connectTestDb();
  });
  // A visitor may send 10 files at once, then one per 6 s: each test is a new visitor.
  beforeEach(async () => {
    v = await newVisitor(s.url);
  });
  afterAll(async () => {
    await db?.end();
    await s?.stop();
  });

  it('stores a photo re-encoded with its GPS position gone, and serves it inline', async () => {
    const photo = await jpegWithGps();
    const exif = (await sharp(photo).metadata()).exif!;
    expect(exif.includes(GPS_IFD_TAG)).toBe(true); // the test's photo does carry a position
    expect(photo.includes(Buffer.from('KefuTestCam'))).toBe(true);

    const r = await upload(photo, 'holiday.JPG');
    expect(r.status).toBe(201);
    const a = r.body.attachment;
    expect(a).toMatchObject({ name: 'holiday.JPG', type: 'image/jpeg', width: 64, height: 48, mid: null });
    expect(a.id).toMatch(/^a_[A-Za-z0-9_-]{22}$/);

    const kept = await stored(a.id);
    expect(kept.length).toBe(a.size);
    expect((await sharp(kept).metadata()).exif).toBeUndefined();
    expect(kept.includes(Buffer.from('Exif\0\0'))).toBe(false);
    expect(kept.includes(Buffer.from('KefuTestCam'))).toBe(false);
    expect((await sharp(kept).metadata())).toMatchObject({ format: 'jpeg', width: 64, height: 48 });

    const d = await raw(`${s.url}/api/attachments/${a.id}`, { token: v.token });
    expect(d.status).toBe(200);
    expect(d.bytes.equals(kept)).toBe(true);
    expect(d.headers.get('content-type')).toBe('image/jpeg');
    expect(d.headers.get('content-disposition')).toBe('inline; filename="holiday.JPG"');
    expect(d.headers.get('x-content-type-options')).toBe('nosniff');
    expect(d.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
  });

  it('serves a PDF only as a download, with nosniff and a sandbox', async () => {
    const file = pdf(5000);
    const r = await upload(file, '报价单 final.pdf');
    expect(r.status).toBe(201);
    expect(r.body.attachment).toMatchObject({ name: '报价单 final.pdf', type: 'application/pdf', size: file.length });
    expect(r.body.attachment.width).toBeUndefined();
    const d = await raw(`${s.url}/api/attachments/${r.body.attachment.id}`, { token: v.token });
    expect(d.status).toBe(200);
    expect(d.bytes.equals(file)).toBe(true);
    expect(d.headers.get('content-type')).toBe('application/pdf');
    expect(d.headers.get('content-disposition')).toBe(`attachment; filename="??? final.pdf"; filename*=UTF-8''%E6%8A%A5%E4%BB%B7%E5%8D%95%20final.pdf`);
    expect(d.headers.get('x-content-type-options')).toBe('nosniff');
    expect(d.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(d.headers.get('accept-ranges')).toBe('bytes');
    expect(d.headers.get('content-length')).toBe(String(file.length));
  });

  it.each([
    ['a Linux executable named invoice.pdf', elf(), 'application/x-elf'],
    ['a Windows executable named invoice.pdf', windowsExe(), 'application/x-msdownload'],
  ])('refuses %s with 415 and keeps nothing', async (_label, bytes, mime) => {
    const [files, chunks] = [await count('kefu_attachment'), await count('kefu_attachment_chunk')];
    const r = await upload(bytes, 'invoice.pdf', {}, v.token);
    expect(r.status).toBe(415);
    expect(r.body.error.code).toBe('unsupported_type');
    expect(r.body.error.message).toContain(mime);
    expect([await count('kefu_attachment'), await count('kefu_attachment_chunk')]).toEqual([files, chunks]);
  });

  it('refuses bytes of no accepted kind, whatever their name says', async () => {
    const r = await upload(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x00, 0x01, 0x02]), 'notes.txt');
    expect(r.status).toBe(415);
    expect(r.body.error.code).toBe('unsupported_type');
  });

  it('takes plain text as text, and gives a name that says otherwise a .txt ending', async () => {
    const r = await upload(Buffer.from('<html><script>alert(1)</script></html>\n'), 'page.html');
    expect(r.status).toBe(201);
    expect(r.body.attachment).toMatchObject({ name: 'page.html.txt', type: 'text/plain' });
    const d = await raw(`${s.url}/api/attachments/${r.body.attachment.id}`, { token: v.token });
    expect(d.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(d.headers.get('content-disposition')).toBe('attachment; filename="page.html.txt"');
  });

  it('recognises an office document from its zip entries', async () => {
    const r = await upload(await docx(), '../../etc/合同.docx');
    expect(r.status).toBe(201);
    expect(r.body.attachment).toMatchObject({ name: '合同.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
  });

  it('refuses a file declared over the limit with 413 before reading it', async () => {
    const [files, chunks] = [await count('kefu_attachment'), await count('kefu_attachment_chunk')];
    const r = await upload(pdf(MAX), 'big.pdf');
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('too_large');
    expect(r.headers.get('connection')).toBe('close');
    expect([await count('kefu_attachment'), await count('kefu_attachment_chunk')]).toEqual([files, chunks]);
  });

  it('stops a streamed file at the first byte past the limit with 413 and keeps nothing', async () => {
    const [files, chunks] = [await count('kefu_attachment'), await count('kefu_attachment_chunk')];
    // Chunked, no Content-Length: the sidecar has already written chunks when it finds out.
    const r = await upload(streamOf(MAX + 1, Buffer.from('%PDF-1.4\n')), 'endless.pdf');
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('too_large');
    expect([await count('kefu_attachment'), await count('kefu_attachment_chunk')]).toEqual([files, chunks]);
    // Exactly the limit is fine.
    const ok = await upload(streamOf(MAX, Buffer.from('%PDF-1.4\n')), 'limit.pdf');
    expect(ok.status).toBe(201);
    expect(ok.body.attachment.size).toBe(MAX);
  });

  it('gives the same file for a retried upload with the same clientId, never a second one', async () => {
    const before = await count('kefu_attachment');
    const first = await upload(pdf(), 'retry.pdf', { clientId: 'up-retry-1' });
    const again = await upload(pdf(), 'retry.pdf', { clientId: 'up-retry-1' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.attachment).toEqual(first.body.attachment);
    // Two at once: both answer with one file.
    const [x, y] = await Promise.all([upload(pdf(), 'twin.pdf', { clientId: 'up-twin' }), upload(pdf(), 'twin.pdf', { clientId: 'up-twin' })]);
    expect(x.body.attachment.id).toBe(y.body.attachment.id);
    expect([x.status, y.status].sort()).toEqual([200, 201]);
    expect(await count('kefu_attachment')).toBe(before + 2);
  });

  it('answers a range with 206 and exactly those bytes, and 416 past the end', async () => {
    const file = pdf(300 * 1024); // more than one 256 KiB chunk
    const { id } = (await upload(file, 'ranges.pdf')).body.attachment;
    const get = (range: string) => raw(`${s.url}/api/attachments/${id}`, { token: v.token, headers: { range } });
    const cases: Array<[string, number, number]> = [['bytes=0-9', 0, 9], ['bytes=262140-262150', 262_140, 262_150], ['bytes=-16', file.length - 16, file.length - 1], ['bytes=300000-', 300_000, file.length - 1]];
    for (const [range, start, end] of cases) {
      const r = await get(range);
      expect(r.status, range).toBe(206);
      expect(r.headers.get('content-range')).toBe(`bytes ${start}-${end}/${file.length}`);
      expect(r.bytes.equals(file.subarray(start, end + 1)), range).toBe(true);
    }
    const past = await get(`bytes=${file.length}-`);
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${file.length}`);
    expect(past.body.error.code).toBe('range_not_satisfiable');
    // Several ranges at once: the whole file, which HTTP allows.
    const several = await get('bytes=0-1,5-6');
    expect(several.status).toBe(200);
    expect(several.bytes.equals(file)).toBe(true);
  });

  it(`lets an upload take longer than the ${REQUEST_TIMEOUT_MS / 1000} s every other request body gets`, async () => {
    const file = pdf(4000);
    const pieces = 44;
    const answer = await new Promise<string>((resolve, reject) => {
      const url = new URL(`${s.url}/api/visitor/attachments?name=slow.pdf`);
      let got = '';
      const socket = net.connect(Number(url.port), url.hostname, () => {
        socket.write(`POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${v.token}\r\nContent-Length: ${file.length}\r\n\r\n`);
        // A slow phone: the file arrives over about 22 s.
        let i = 0;
        const size = Math.ceil(file.length / pieces);
        const drip = setInterval(() => {
          socket.write(file.subarray(i * size, (i + 1) * size));
          if (++i >= pieces) clearInterval(drip);
        }, (REQUEST_TIMEOUT_MS + 2000) / pieces);
      });
      socket.on('data', (d) => { got += String(d); if (got.includes('}}')) socket.end(); });
      socket.on('error', reject);
      socket.on('close', () => resolve(got));
    });
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 201 Created');
    expect(answer).toContain('"name":"slow.pdf"');
  }, REQUEST_TIMEOUT_MS + 15_000);

  it('tells clients the limits without a token', async () => {
    const r = await raw(`${s.url}/api/attachments/limits`);
    expect(r.status).toBe(200);
    expect(r.body.maxBytes).toBe(MAX);
    expect(r.body.maxPerMessage).toBe(5);
    expect(r.body.types).toContain('image/png');
    expect(r.body.accept).toContain('.pdf');
  });

  it('needs a visitor token to upload', async () => {
    expect((await raw(`${s.url}/api/visitor/attachments?name=a.pdf`, { body: pdf() })).status).toBe(401);
    const agent = await s.agentToken(1, 'Ann');
    expect((await upload(pdf(), 'a.pdf', {}, agent)).status).toBe(403);
  });
});

describe('attachments: upload limits per visitor and per address (KEFU_ATTACHMENTS_PER_MINUTE)', () => {
  let s: TestSidecar;
  beforeAll(async () => {
    s = await startSidecar({ env: { KEFU_ATTACHMENTS_PER_MINUTE: '2' } });
  });
  afterAll(async () => {
    await s?.stop();
  });
  const upload = (v: VisitorSession, n: number) =>
    raw(`${s.url}/api/visitor/attachments?${new URLSearchParams({ name: `note-${n}.txt` })}`, { token: v.token, body: Buffer.from(`file ${n}\n`) });

  it('lets a visitor start that many uploads a minute and an address six times as many, then answers 429 with Retry-After', async () => {
    const first = await newVisitor(s.url);
    expect([(await upload(first, 1)).status, (await upload(first, 2)).status]).toEqual([201, 201]);
    const refused = await upload(first, 3);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Five more visitors behind the same address: 12 uploads in all is the address's share.
    for (let i = 0; i < 5; i++) {
      const v = await newVisitor(s.url);
      expect([(await upload(v, 1)).status, (await upload(v, 2)).status]).toEqual([201, 201]);
    }
    expect((await upload(await newVisitor(s.url), 1)).status).toBe(429);
  });
});
