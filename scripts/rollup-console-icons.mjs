// The console app's icons (the web app manifest's and the notifications'),
// drawn from one SVG with sharp while the service worker is built, so that no
// binary sits in the repository: a white chat bubble on the console's blue,
// inside the middle 80% that launchers keep when they cut an icon to a shape.
import sharp from 'sharp';

const SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">
<rect width="512" height="512" fill="#2563eb"/>
<path fill="#fff" d="M136 128h240a40 40 0 0 1 40 40v144a40 40 0 0 1-40 40H232l-84 68v-68h-12a40 40 0 0 1-40-40V168a40 40 0 0 1 40-40z"/>
<circle cx="190" cy="240" r="22" fill="#2563eb"/><circle cx="256" cy="240" r="22" fill="#2563eb"/><circle cx="322" cy="240" r="22" fill="#2563eb"/>
</svg>`;

export const ICON_SIZES = [192, 512];

export default function consoleIcons() {
  return {
    name: 'kefu-console-icons',
    async generateBundle() {
      for (const size of ICON_SIZES) {
        const source = await sharp(Buffer.from(SVG)).resize(size, size).png({ compressionLevel: 9 }).toBuffer();
        this.emitFile({ type: 'asset', fileName: `console-icon-${size}.png`, source });
      }
    },
  };
}
