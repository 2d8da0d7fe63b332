// Images are decoded and encoded again (sharp, libvips) before they are kept:
// what is stored is pixels the sidecar wrote itself, in the same format, with
// no metadata (EXIF and its GPS position, XMP, comments) and nothing appended
// (a PNG that is also a ZIP or a script is a PNG only afterwards). EXIF
// orientation is applied first, so the picture stays upright without it.
import type { Sharp } from 'sharp';
import { KefuError } from './kefu-error.js';
import type { FileKind } from './attachment-types.js';

/**
 * Decoding needs the pixels in memory (4 bytes each): a 10 MB file can hold a
 * 16,000 × 16,000 PNG of one colour. 40 megapixels is more than phone cameras
 * take and bounds one image at about 160 MB while it is re-encoded.
 */
export const MAX_IMAGE_PIXELS = 40_000_000;

export interface CleanImage {
  data: Buffer;
  width: number;
  height: number;
}

/**
 * sharp and libvips, loaded with the first image: about 23 MiB and 250 ms that
 * a sidecar whose visitors send no pictures never spends.
 */
let loading: Promise<typeof import('sharp')['default']> | null = null;
function loadSharp() {
  return (loading ??= import('sharp').then(({ default: sharp }) => {
    // libvips' operation cache keeps recent images for re-use, which a server that never sees the same upload twice only pays for.
    sharp.cache(false);
    return sharp;
  }));
}

/** The image re-encoded in its own format; 413 past MAX_IMAGE_PIXELS, 415 when it cannot be decoded. */
export async function reencodeImage(input: Buffer, kind: FileKind): Promise<CleanImage> {
  const sharp = await loadSharp();
  const animated = kind.name === 'gif' || kind.name === 'webp';
  let image: Sharp = sharp(input, { limitInputPixels: MAX_IMAGE_PIXELS, animated, failOn: 'error' }).autoOrient();
  if (kind.name === 'png') image = image.png();
  else if (kind.name === 'jpeg') image = image.jpeg({ quality: 90 });
  else if (kind.name === 'gif') image = image.gif();
  else if (kind.name === 'webp') image = image.webp({ quality: 90 });
  else throw new Error(`not an image kind: ${kind.name}`);
  try {
    const { data, info } = await image.toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.pageHeight ?? info.height };
  } catch (err) {
    if (/pixel limit/i.test(String((err as Error)?.message))) {
      throw new KefuError('too_large', `the image has more than ${MAX_IMAGE_PIXELS / 1_000_000} million pixels`);
    }
    throw new KefuError('unsupported_type', 'the image could not be read: it is damaged or not what its first bytes say');
  }
}
