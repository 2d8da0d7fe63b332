// Builds the browser bundles the sidecar serves from dist/public:
//   widget.js  – the <kefu-chat> launcher every page loads (no Lit in it);
//                the Lit panel is a lazily imported chunk next to it;
//   admin.js   – the <kefu-admin> agent console.
// Chunk names are flat and match /^[A-Za-z0-9_.-]+\.js$/ (the sidecar serves
// dist/public/*.js as /kefu/<name>.js, so relative import() works).
import typescript from '@rollup/plugin-typescript';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import minifyTemplates from './scripts/rollup-minify-templates.mjs';
import dropStaleChunks from './scripts/rollup-drop-stale-chunks.mjs';
import consoleIcons from './scripts/rollup-console-icons.mjs';

// What both builds of this run wrote (scripts/rollup-drop-stale-chunks.mjs).
const writtenThisRun = new Set();

const plugins = ({ module = true } = {}) => [
  // Lit's production build whatever NODE_ENV says (vitest sets it to 'test', which picks Lit's dev build).
  nodeResolve({ browser: true, exportConditions: ['production'] }),
  typescript({
    tsconfig: './tsconfig.json',
    include: ['widget/**/*.ts', 'admin-panel/**/*.ts', 'client/**/*.ts', 'protocol/**/*.ts'],
    compilerOptions: {
      module: 'ESNext',
      moduleResolution: 'Bundler',
      target: 'ES2021',
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      types: [],
      declaration: false,
      sourceMap: false,
      noEmit: false,
      outDir: undefined,
    },
    outputToFilesystem: false,
  }),
  minifyTemplates(),
  dropStaleChunks(writtenThisRun),
  terser({
    ecma: 2020,
    module,
    compress: { passes: 2, pure_getters: true },
    format: { comments: false },
  }),
];

const output = {
  dir: 'dist/public',
  format: 'es',
  entryFileNames: '[name].js',
  chunkFileNames: '[name]-[hash].js',
  sourcemap: false,
};

export default [
  {
    input: { widget: 'widget/kefu-chat.ts' },
    // Lets widget.js itself hold the code it shares with the panel chunk (no extra request).
    preserveEntrySignatures: 'allow-extension',
    output,
    plugins: plugins(),
  },
  {
    input: { admin: 'admin-panel/kefu-admin.ts' },
    output,
    plugins: plugins(),
  },
  {
    // The console's service worker (docs/push.md): a classic script of its own, never in
    // the console bundle. Its exports stay reachable as `kefuConsoleWorker` (the browser tests
    // call its click handling: a headless browser has no notification to click).
    input: { 'console-sw': 'admin-panel/console-sw.ts' },
    output: { ...output, format: 'iife', name: 'kefuConsoleWorker' },
    plugins: [...plugins({ module: false }), consoleIcons()],
  },
];
