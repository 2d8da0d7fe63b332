#!/usr/bin/env node
// The `kefu` command: serve, migrate, token. The TypeScript sources are built
// into dist/ by `npm install` (the prepare script) or `npm run build`.
import { main } from '../dist/sidecar/main.js';

main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => { console.error(err instanceof Error ? err.message : String(err)); process.exit(1); },
);
