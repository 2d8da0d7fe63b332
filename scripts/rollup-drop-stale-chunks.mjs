// Hashed chunks of earlier builds would pile up in dist/public (and be
// served for nothing): after writing, this drops same-named chunks with other
// hashes. The widget and console builds share the folder and can both emit a
// chunk of the same module (the opt-in transports) with different hashes, so
// both builds of one run pass the same `written` set: what either wrote stays.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const HASHED = /^(.+)-[A-Za-z0-9_-]{8}\.js$/;

export default function dropStaleChunks(written = new Set()) {
  return {
    name: 'kefu-drop-stale-chunks',
    writeBundle(options, bundle) {
      for (const name of Object.keys(bundle)) written.add(name);
      const stems = new Set([...written].map((f) => HASHED.exec(f)?.[1]).filter(Boolean));
      for (const file of readdirSync(options.dir)) {
        const stem = HASHED.exec(file)?.[1];
        if (stem && stems.has(stem) && !written.has(file)) rmSync(join(options.dir, file));
      }
    },
  };
}
