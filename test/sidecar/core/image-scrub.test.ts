// Every image kind comes out of reencodeImage as pixels written again in its
// own format: metadata gone, anything appended gone, animation kept, turned
// upright, and refused with the protocol's codes when too large or not an image.
import { crc32, deflateSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { MAX_IMAGE_PIXELS, reencodeImage } from '../../../sidecar/core/image-scrub.js';
import { kindByMime } from '../../../sidecar/core/attachment-types.js';
import { GPS_IFD_TAG, jpegWithGps } from '../../helpers/files.js';

const kind = (mime: string) => kindByMime(mime)!;
const MARK = 'KefuTestCam';
/** Bytes a polyglot file hides after the image's end: a script here. */
const TRAILER = Buffer.from('<?php system($_GET["c"]); ?>');

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A PNG header: width × height, 8-bit grey. */
function ihdr(width: number, height: number): Buffer {
  const b = Buffer.alloc(13);
  b.writeUInt32BE(width, 0);
  b.writeUInt32BE(height, 4);
  b[8] = 8;
  return b;
}

const square = (background: string) => sharp({ create: { width: 12, height: 8, channels: 3, background } });

describe('reencodeImage', () => {
  for (const [mime, encode] of [
    ['image/png', (s: Sharp) => s.png()],
    ['image/webp', (s: Sharp) => s.webp()],
    ['image/jpeg', (s: Sharp) => s.jpeg()],
  ] as const) {
    it(`drops the EXIF and the appended bytes of a ${mime}, and keeps its format and size`, async () => {
      const input = Buffer.concat([await encode(square('red')).withExif({ IFD0: { Make: MARK } }).toBuffer(), TRAILER]);
      expect(input.includes(MARK)).toBe(true);
      const out = await reencodeImage(input, kind(mime));
      expect(out.data.includes(MARK)).toBe(false);
      expect(out.data.includes(TRAILER)).toBe(false);
      const meta = await sharp(out.data).metadata();
      expect(meta.format).toBe(mime === 'image/jpeg' ? 'jpeg' : mime.slice(6));
      expect(meta.exif).toBeUndefined();
      expect([out.width, out.height]).toEqual([12, 8]);
    });
  }

  it('removes the GPS position of a photo', async () => {
    const input = await jpegWithGps();
    expect(input.includes(GPS_IFD_TAG)).toBe(true);
    const out = await reencodeImage(input, kind('image/jpeg'));
    expect(out.data.includes(GPS_IFD_TAG)).toBe(false);
  });

  it('keeps every frame of an animated GIF and drops what follows it', async () => {
    const frames = await Promise.all(['red', 'green', 'blue'].map((c) => square(c).png().toBuffer()));
    const gif = await sharp(frames, { join: { animated: true } }).gif().toBuffer();
    const out = await reencodeImage(Buffer.concat([gif, TRAILER]), kind('image/gif'));
    const meta = await sharp(out.data, { animated: true }).metadata();
    expect([meta.format, meta.pages]).toEqual(['gif', 3]);
    expect([out.width, out.height]).toEqual([12, 8]);
    expect(out.data.includes(TRAILER)).toBe(false);
  });

  it('turns a photo upright by its EXIF orientation before the orientation goes', async () => {
    const sideways = await square('red').jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const out = await reencodeImage(sideways, kind('image/jpeg'));
    expect([out.width, out.height]).toEqual([8, 12]);
    expect((await sharp(out.data).metadata()).orientation).toBeUndefined();
  });

  it('refuses an image of more pixels than the limit as too_large', async () => {
    // A header and a few bytes of pixels: the limit must hold before any are decoded.
    const side = Math.ceil(Math.sqrt(MAX_IMAGE_PIXELS)) + 1;
    const huge = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), pngChunk('IHDR', ihdr(side, side)), pngChunk('IDAT', deflateSync(Buffer.alloc(64))), pngChunk('IEND', Buffer.alloc(0))]);
    await expect(reencodeImage(huge, kind('image/png'))).rejects.toMatchObject({ code: 'too_large' });
  });

  it('refuses bytes that only start like an image as unsupported_type', async () => {
    const png = await square('red').png().toBuffer();
    await expect(reencodeImage(png.subarray(0, 40), kind('image/png'))).rejects.toMatchObject({ code: 'unsupported_type' });
  });
});
