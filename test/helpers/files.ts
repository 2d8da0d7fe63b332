// Files for the attachment tests, made here rather than checked in: a JPEG
// with a GPS position in its EXIF (sharp writes it), a PDF, executables under
// innocent names, an office document (a real OOXML zip, written by yazl).
import sharp from 'sharp';
import yazl from 'yazl';

/** The EXIF tag that points at the GPS block (0x8825), as it sits in little-endian EXIF. */
export const GPS_IFD_TAG = Buffer.from([0x25, 0x88]);

/** A photo "taken" in Beijing: EXIF with a camera make and a GPS position. */
export async function jpegWithGps(width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 60, b: 40 } } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'KefuTestCam' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '39/1 54/1 2699/100', GPSLongitudeRef: 'E', GPSLongitude: '116/1 23/1 4400/100' },
    })
    .toBuffer();
}

/** A small, well-formed PDF. */
export function pdf(extra = 0): Buffer {
  const body = '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n';
  return Buffer.concat([Buffer.from(body), Buffer.alloc(extra, 0x20), Buffer.from('trailer << /Root 1 0 R >>\n%%EOF\n')]);
}

/** The start of a Linux executable (ELF, x86-64). */
export function elf(): Buffer {
  const b = Buffer.alloc(4096);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]).copy(b);
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(0x3e, 18); // x86-64
  return b;
}

/** The start of a Windows executable: an MZ header pointing at a PE header. */
export function windowsExe(): Buffer {
  const b = Buffer.alloc(4096);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  return b;
}

/** A minimal Word document: [Content_Types].xml naming the main part, and the part. */
export async function docx(): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
    '</Types>'), '[Content_Types].xml');
  zip.addBuffer(Buffer.from('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>'), 'word/document.xml');
  zip.end();
  const parts: Buffer[] = [];
  for await (const p of zip.outputStream) parts.push(p as Buffer);
  return Buffer.concat(parts);
}

export interface RawReply {
  status: number;
  headers: Headers;
  /** Parsed when JSON, else the bytes. */
  body: any;
  bytes: Buffer;
}

/** A request whose body is bytes (or a stream of them), as the widget's upload sends a File. */
export async function raw(url: string, opts: { method?: string; token?: string; body?: Buffer | ReadableStream<Uint8Array>; headers?: Record<string, string> } = {}): Promise<RawReply> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const init: RequestInit & { duplex?: 'half' } = { method: opts.method ?? (opts.body ? 'POST' : 'GET'), headers, signal: AbortSignal.timeout(40_000) };
  if (opts.body) {
    init.body = Buffer.isBuffer(opts.body) ? new Uint8Array(opts.body) : opts.body;
    // A stream goes out chunked, with no Content-Length: the sidecar learns the size only as it reads.
    if (!Buffer.isBuffer(opts.body)) init.duplex = 'half';
  }
  const res = await fetch(url, init);
  const bytes = Buffer.from(await res.arrayBuffer());
  const json = (res.headers.get('content-type') ?? '').includes('json') && bytes.length;
  return { status: res.status, headers: res.headers, body: json ? JSON.parse(bytes.toString('utf8')) : bytes, bytes };
}

/** `total` bytes of `fill`, as a stream of 64 KiB pieces. */
export function streamOf(total: number, first: Buffer = Buffer.alloc(0), fill = 0x41): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      const n = Math.min(64 * 1024, total - sent);
      const piece = Buffer.alloc(n, fill);
      if (sent === 0) first.copy(piece);
      sent += n;
      controller.enqueue(piece);
    },
  });
}
