#!/usr/bin/env node
// Packs the WordPress plugin as dist/kefu-wordpress.zip, the file a site owner
// uploads under Plugins → Add New → Upload Plugin:
//
//   kefu/…            wordpress/kefu as it is in the repository
//   kefu/assets/…     the built browser bundles (dist/public), so that the site
//                     can serve widget.js and admin.js itself
//   kefu/languages/*.mo   compiled from the .po files at build time
//
// `node scripts/build-wordpress-zip.mjs --write-mo` also writes the compiled
// .mo files next to their .po sources (they are committed, for sites that
// install the plugin folder straight from the repository).
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import yazl from 'yazl';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PLUGIN_DIR = path.join(ROOT, 'wordpress', 'kefu');
const PUBLIC_DIR = path.join(ROOT, 'dist', 'public');
const OUT_FILE = path.join(ROOT, 'dist', 'kefu-wordpress.zip');

/** Files of the plugin folder that do not belong in the installable zip. */
const SKIP = [/(^|\/)\.[^/]*$/, /\.mo$/, /(^|\/)assets(\/|$)/];

/**
 * Parses a gettext .po file into entries. Fuzzy entries are left out, as
 * msgfmt does, except for the header.
 *
 * @param {string} text
 * @returns {{context?: string, id: string, plural?: string, strings: string[]}[]}
 */
export function parsePo(text) {
  const entries = [];
  let entry = newEntry();
  let field = null;

  function newEntry() {
    return { context: undefined, id: undefined, plural: undefined, strings: [], fuzzy: false };
  }
  function flush() {
    if (entry.id !== undefined && (!entry.fuzzy || entry.id === '')) {
      entries.push({ context: entry.context, id: entry.id, plural: entry.plural, strings: entry.strings });
    }
    entry = newEntry();
    field = null;
  }
  function append(value) {
    if (field === 'msgctxt') entry.context += value;
    else if (field === 'msgid') entry.id += value;
    else if (field === 'msgid_plural') entry.plural += value;
    else if (typeof field === 'number') entry.strings[field] += value;
  }

  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      // A comment after a msgstr starts the next entry.
      if (typeof field === 'number') flush();
      if (line.startsWith('#,') && /\bfuzzy\b/.test(line)) entry.fuzzy = true;
      continue;
    }
    const m = /^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$/.exec(line);
    if (m) {
      const [, keyword, index, literal] = m;
      const value = unquote(literal);
      // A new msgctxt or msgid after a msgstr starts the next entry.
      if ((keyword === 'msgctxt' || keyword === 'msgid') && typeof field === 'number') flush();
      if (keyword === 'msgctxt') { entry.context = value; field = 'msgctxt'; }
      else if (keyword === 'msgid') { entry.id = value; field = 'msgid'; }
      else if (keyword === 'msgid_plural') { entry.plural = value; field = 'msgid_plural'; }
      else {
        const i = index === undefined ? 0 : Number(index);
        entry.strings[i] = value;
        field = i;
      }
      continue;
    }
    if (line.startsWith('"')) {
      append(unquote(line));
      continue;
    }
    throw new Error(`cannot parse .po line: ${raw}`);
  }
  flush();
  return entries;
}

/** @param {string} literal a double-quoted C string */
function unquote(literal) {
  const escapes = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v' };
  return literal.slice(1, -1).replace(/\\(.)/g, (m, ch) => escapes[ch] ?? m);
}

/**
 * Compiles .po entries into a little-endian GNU .mo file without a hash
 * table (readers fall back to binary search, as WordPress's MO class does).
 * Untranslated entries are left out.
 *
 * @param {ReturnType<typeof parsePo>} entries
 * @returns {Buffer}
 */
export function compileMo(entries) {
  const pairs = [];
  for (const e of entries) {
    if (e.strings.length === 0 || e.strings.every((s) => s === undefined || s === '')) {
      if (e.id !== '') continue;
    }
    let key = e.id;
    if (e.plural !== undefined) key += '\0' + e.plural;
    if (e.context !== undefined) key = e.context + '\x04' + key;
    pairs.push([Buffer.from(key, 'utf8'), Buffer.from(e.strings.map((s) => s ?? '').join('\0'), 'utf8')]);
  }
  pairs.sort((a, b) => Buffer.compare(a[0], b[0]));

  const n = pairs.length;
  const headerSize = 28;
  const originalsAt = headerSize;
  const translationsAt = originalsAt + n * 8;
  let offset = translationsAt + n * 8;
  const table = Buffer.alloc(offset);
  table.writeUInt32LE(0x950412de, 0);
  table.writeUInt32LE(0, 4); // revision
  table.writeUInt32LE(n, 8);
  table.writeUInt32LE(originalsAt, 12);
  table.writeUInt32LE(translationsAt, 16);
  table.writeUInt32LE(0, 20); // hash table size
  table.writeUInt32LE(offset, 24); // hash table offset (empty)

  const strings = [];
  pairs.forEach(([key], i) => {
    table.writeUInt32LE(key.length, originalsAt + i * 8);
    table.writeUInt32LE(offset, originalsAt + i * 8 + 4);
    strings.push(key, Buffer.from([0]));
    offset += key.length + 1;
  });
  pairs.forEach(([, value], i) => {
    table.writeUInt32LE(value.length, translationsAt + i * 8);
    table.writeUInt32LE(offset, translationsAt + i * 8 + 4);
    strings.push(value, Buffer.from([0]));
    offset += value.length + 1;
  });
  return Buffer.concat([table, ...strings]);
}

/** Files under dir, as paths relative to it with forward slashes, sorted. */
async function listFiles(dir, prefix = '') {
  const out = [];
  for (const dirent of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${dirent.name}` : dirent.name;
    if (dirent.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (dirent.isFile()) out.push(rel);
  }
  return out.sort();
}

/** The compiled .mo of every .po in the plugin's languages folder. */
async function compileTranslations() {
  const dir = path.join(PLUGIN_DIR, 'languages');
  const out = new Map();
  for (const name of existsSync(dir) ? await readdir(dir) : []) {
    if (!name.endsWith('.po')) continue;
    const po = await readFile(path.join(dir, name), 'utf8');
    out.set(`languages/${name.replace(/\.po$/, '.mo')}`, compileMo(parsePo(po)));
  }
  return out;
}

async function writeMoFiles() {
  for (const [rel, mo] of await compileTranslations()) {
    await writeFile(path.join(PLUGIN_DIR, rel), mo);
    console.log(`wrote wordpress/kefu/${rel}`);
  }
}

async function buildZip() {
  const zip = new yazl.ZipFile();
  const dirs = new Set(['kefu/']);
  const addDirsOf = (entry) => {
    const parts = entry.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      const dir = parts.slice(0, i).join('/') + '/';
      if (!dirs.has(dir)) {
        dirs.add(dir);
        zip.addEmptyDirectory(dir);
      }
    }
  };
  zip.addEmptyDirectory('kefu/');

  let count = 0;
  for (const rel of await listFiles(PLUGIN_DIR)) {
    if (SKIP.some((re) => re.test(rel))) continue;
    const file = path.join(PLUGIN_DIR, rel);
    const info = await stat(file);
    addDirsOf(`kefu/${rel}`);
    zip.addFile(file, `kefu/${rel}`, { mtime: info.mtime, mode: 0o100644 });
    count++;
  }

  for (const [rel, mo] of await compileTranslations()) {
    addDirsOf(`kefu/${rel}`);
    zip.addBuffer(mo, `kefu/${rel}`, { mtime: new Date(), mode: 0o100644 });
    count++;
  }

  let assets = 0;
  if (existsSync(PUBLIC_DIR)) {
    for (const rel of await listFiles(PUBLIC_DIR)) {
      if (rel.endsWith('.map')) continue;
      const file = path.join(PUBLIC_DIR, rel);
      const info = await stat(file);
      addDirsOf(`kefu/assets/${rel}`);
      zip.addFile(file, `kefu/assets/${rel}`, { mtime: info.mtime, mode: 0o100644 });
      assets++;
    }
  }
  if (assets === 0) {
    console.warn('build-wordpress-zip: dist/public has no bundles yet; the zip loads widget.js and admin.js from the sidecar until it is rebuilt.');
  } else {
    for (const bundle of ['widget.js', 'admin.js']) {
      if (!existsSync(path.join(PUBLIC_DIR, bundle))) console.warn(`build-wordpress-zip: dist/public/${bundle} is missing.`);
    }
  }

  // Written beside the target and renamed, so a reader never sees half a zip.
  await mkdir(path.dirname(OUT_FILE), { recursive: true });
  const partial = `${OUT_FILE}.partial`;
  await new Promise((resolve, reject) => {
    const out = createWriteStream(partial);
    out.on('close', resolve);
    out.on('error', reject);
    zip.outputStream.on('error', reject).pipe(out);
    zip.end();
  });
  await rename(partial, OUT_FILE);
  console.log(`wrote ${path.relative(ROOT, OUT_FILE)} (${count} plugin files, ${assets} assets)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const run = process.argv.includes('--write-mo') ? writeMoFiles().then(buildZip) : buildZip();
  run.catch((err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
