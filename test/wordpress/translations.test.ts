// The plugin's translations: the committed .mo matches its .po, the Chinese
// catalogue covers every string in the template, and the PHP parses.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from './rig.js';
// @ts-expect-error -- a plain ES module script without type declarations
import { compileMo, parsePo } from '../../scripts/build-wordpress-zip.mjs';

const run = promisify(execFile);
const PLUGIN = path.join(ROOT, 'wordpress', 'kefu');
const LANGUAGES = path.join(PLUGIN, 'languages');

type Entry = { context?: string; id: string; plural?: string; strings: string[] };
const parse = (file: string): Entry[] => parsePo(readFileSync(path.join(LANGUAGES, file), 'utf8')) as Entry[];

describe('the plugin translations', () => {
  it('ships a .mo compiled from the current .po', () => {
    const po = readdirSync(LANGUAGES).filter((f) => f.endsWith('.po'));
    expect(po).toContain('kefu-zh_CN.po');
    for (const file of po) {
      const mo = readFileSync(path.join(LANGUAGES, file.replace(/\.po$/, '.mo')));
      expect((compileMo(parse(file)) as Buffer).equals(mo), `${file} is newer than its .mo: node scripts/build-wordpress-zip.mjs --write-mo`).toBe(true);
    }
  });

  it('translates every string of the template into Simplified Chinese', () => {
    const zh = new Map(parse('kefu-zh_CN.po').map((e) => [e.id, e]));
    const template = parse('kefu.pot').filter((e) => e.id !== '');
    expect(template.length).toBeGreaterThan(40);
    for (const e of template) {
      const t = zh.get(e.id);
      expect(t?.strings.every((s) => s !== ''), `untranslated: ${e.id}`).toBe(true);
      // Placeholders survive translation.
      const placeholders = (s: string) => (s.match(/%(\d\$)?[sd]/g) ?? []).sort();
      expect(placeholders(t!.strings[0]), e.id).toEqual(placeholders(e.id));
    }
  });

  it('writes a .mo that gettext tools read back', () => {
    const mo = compileMo([
      { id: '', strings: ['Content-Type: text/plain; charset=UTF-8\n'] },
      { id: 'b', strings: ['乙'] },
      { id: 'a', plural: 'as', strings: ['甲'] },
      { context: 'menu', id: 'a', strings: ['菜单'] },
      { id: 'untranslated', strings: [''] },
    ]) as Buffer;
    expect(mo.readUInt32LE(0)).toBe(0x950412de);
    expect(mo.readUInt32LE(8)).toBe(4);
    const at = (table: number, i: number) => {
      const len = mo.readUInt32LE(table + i * 8);
      const off = mo.readUInt32LE(table + i * 8 + 4);
      return mo.subarray(off, off + len).toString('utf8');
    };
    const originals = mo.readUInt32LE(12);
    const translations = mo.readUInt32LE(16);
    expect([0, 1, 2, 3].map((i) => at(originals, i))).toEqual(['', 'a\0as', 'b', 'menu\x04a']);
    expect([1, 2, 3].map((i) => at(translations, i))).toEqual(['甲', '乙', '菜单']);
  });
});

describe('the plugin PHP', () => {
  it('parses on this PHP', async () => {
    const files = readdirSync(PLUGIN, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.php'));
    expect(files).toContain('kefu.php');
    for (const file of files) {
      const { stdout } = await run('php', ['-l', path.join(PLUGIN, file)]);
      expect(stdout).toContain('No syntax errors');
    }
  });
});
