// What only the folder store has to prove, beyond the contract: the files that
// keep a web server out, ids as the only names, no trace of a failed upload,
// private modes, and the fan-out into sub-folders.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderBlobStore } from '../../sidecar/store/folder-blob-store.js';
import { newAttachmentId } from '../../sidecar/core/attachments.js';

const GUARDS = ['.htaccess', 'index.html', 'index.php', 'web.config'];

/** Every path under `dir`, relative, sorted. */
const tree = (dir: string): string[] => (readdirSync(dir, { recursive: true }) as string[]).sort();
const mode = (path: string) => statSync(path).mode & 0o777;

describe('attachment bytes in a folder', () => {
  let outer: string;
  let root: string;
  let blobs: FolderBlobStore;

  beforeEach(() => {
    outer = mkdtempSync(join(tmpdir(), 'kefu-folder-'));
    root = join(outer, 'kefu-files');
    blobs = new FolderBlobStore(root);
  });
  afterEach(() => {
    rmSync(outer, { recursive: true, force: true });
  });

  it('makes the root with files that forbid listing, running and serving, and leaves them alone when they are right', async () => {
    await blobs.start({ create: true });
    expect(readdirSync(root).sort()).toEqual(GUARDS);
    const htaccess = readFileSync(join(root, '.htaccess'), 'utf8');
    expect(htaccess).toMatch(/^Options -Indexes -ExecCGI$/m);
    expect(htaccess).toMatch(/<IfModule mod_authz_core\.c>\s+Require all denied\s+<\/IfModule>/);
    expect(htaccess).toMatch(/<IfModule !mod_authz_core\.c>\s+Order deny,allow\s+Deny from all\s+<\/IfModule>/);
    expect(htaccess).toMatch(/<IfModule mod_php\.c>\s+php_flag engine off\s+<\/IfModule>/);
    expect(htaccess).toMatch(/<IfModule mod_mime\.c>\s+RemoveHandler \.php /);
    // Outside an IfModule, php_flag would be an error on servers running PHP through FastCGI.
    expect(htaccess.replace(/<IfModule mod_php\d?\.c>[^<]*<\/IfModule>/g, '')).not.toContain('php_flag');
    expect(readFileSync(join(root, 'index.php'), 'utf8')).toBe('<?php // Silence is golden.\n');
    expect(readFileSync(join(root, 'index.html'), 'utf8')).toBe('');
    const webConfig = readFileSync(join(root, 'web.config'), 'utf8');
    expect(webConfig).toContain('<add accessType="Deny" users="*" />');
    expect(webConfig).toContain('<directoryBrowse enabled="false" />');
    expect(webConfig).toContain('<verbs allowUnlisted="false" />');

    const before = Object.fromEntries(GUARDS.map((f) => [f, statSync(join(root, f))]));
    await new FolderBlobStore(root).start({ create: true });
    for (const f of GUARDS) {
      const after = statSync(join(root, f));
      expect([after.ino, after.mtimeMs], f).toEqual([before[f].ino, before[f].mtimeMs]);
    }
    expect(readdirSync(root).sort()).toEqual(GUARDS);
  });

  it('puts back a protection file that was changed or removed, on the next start', async () => {
    await blobs.start({ create: true });
    const htaccess = readFileSync(join(root, '.htaccess'), 'utf8');
    writeFileSync(join(root, '.htaccess'), 'Options +Indexes\nRequire all granted\n');
    rmSync(join(root, 'index.php'));
    // A sidecar that only reads older files from the folder guards it too.
    await new FolderBlobStore(root).start({ create: false });
    expect(readFileSync(join(root, '.htaccess'), 'utf8')).toBe(htaccess);
    expect(readFileSync(join(root, 'index.php'), 'utf8')).toBe('<?php // Silence is golden.\n');
    expect(readdirSync(root).sort()).toEqual(GUARDS);
  });

  it('never makes a folder it only reads from, nor the parent of one it writes to', async () => {
    await blobs.start({ create: false });
    expect(existsSync(root)).toBe(false);
    expect(await blobs.get(newAttachmentId())).toBeNull();
    await blobs.delete([newAttachmentId()]);

    const deep = new FolderBlobStore(join(outer, 'wp-content', 'uploads', 'kefu-files'));
    await expect(deep.start({ create: true })).rejects.toThrow(`${join(outer, 'wp-content', 'uploads')} does not exist`);
    expect(readdirSync(outer)).toEqual([]);
  });

  it('names each file by its id alone, in a sub-folder of two of its characters', async () => {
    const [a, b] = ['a_AbcdefghijklmnopqrstuV', 'a_-_cdefghijklmnopqrstuV'];
    expect(await blobs.put(a, [Buffer.from('first')])).toBe(5);
    await blobs.put(b, [Buffer.from('sec'), Buffer.from('ond')]);
    expect(blobs.path(a)).toBe(join(root, 'Ab', a));
    expect(readFileSync(join(root, 'Ab', a), 'utf8')).toBe('first');
    expect(readFileSync(join(root, '-_', b), 'utf8')).toBe('second');
    expect(tree(root)).toEqual([...GUARDS, '-_', join('-_', 'index.html'), join('-_', b), 'Ab', join('Ab', 'index.html'), join('Ab', a)].sort());
    expect(readFileSync(join(root, 'Ab', 'index.html'), 'utf8')).toBe('');
    // Every id the sidecar makes is taken.
    const id = newAttachmentId();
    await blobs.put(id, [Buffer.from('x')]);
    expect(existsSync(join(root, id.slice(2, 4), id))).toBe(true);
  });

  it('keeps the folders to its own user (0700) and the files too (0600)', async () => {
    const id = newAttachmentId();
    await blobs.put(id, [Buffer.from('private')]);
    expect(mode(root)).toBe(0o700);
    expect(mode(join(root, id.slice(2, 4)))).toBe(0o700);
    expect(mode(blobs.path(id))).toBe(0o600);
    // What the web server must read to obey stays readable.
    expect(mode(join(root, '.htaccess'))).toBe(0o644);
  });

  it.each([
    ['an empty key', ''],
    ['a parent folder', '../escaped'],
    ['a parent folder after the prefix', 'a_../../../../../escaped'],
    ['a slash', 'a_ab/cdefghijklmnopqrstu'],
    ['a backslash', 'a_ab\\cdefghijklmnopqrstu'],
    ['an absolute path', join(tmpdir(), 'escaped')],
    ['a dot', 'a_abcdefghijklmnopqrs.txt'],
    ['a key one character short', 'a_abcdefghijklmnopqrstu'],
    ['a key with a line break after it', 'a_abcdefghijklmnopqrstuv\n'],
    ['a key without the prefix', 'abcdefghijklmnopqrstuvwx'],
  ])('refuses %s and writes nothing anywhere', async (_, key) => {
    await blobs.start({ create: true });
    await expect(blobs.put(key, [Buffer.from('x')])).rejects.toThrow('attachment ids only');
    await expect(blobs.get(key)).rejects.toThrow('attachment ids only');
    await expect(blobs.delete([key])).rejects.toThrow('attachment ids only');
    expect(tree(outer)).toEqual(['kefu-files', ...GUARDS.map((f) => join('kefu-files', f))].sort());
    expect(existsSync(join(tmpdir(), 'escaped'))).toBe(false);
  });

  it('leaves neither the file nor its temporary when the body fails half way', async () => {
    const id = newAttachmentId();
    const boom = new Error('the client went away');
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.alloc(300_000, 1);
      // The temporary exists and holds the first piece by now: the clean-up has something to remove.
      expect(readdirSync(join(root, id.slice(2, 4))).filter((f) => f.endsWith('.part'))).toHaveLength(1);
      yield Buffer.alloc(300_000, 2);
      throw boom;
    }
    await expect(blobs.put(id, failing())).rejects.toBe(boom);
    expect(readdirSync(join(root, id.slice(2, 4)))).toEqual(['index.html']);
    expect(await blobs.get(id)).toBeNull();
  });

  it('shows nothing under a key until its whole file is written, and the rename leaves other files alone', async () => {
    const [done, writing] = [newAttachmentId(), newAttachmentId()];
    await blobs.put(done, [Buffer.from('whole')]);
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    async function* slow(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('half');
      await gate;
      yield Buffer.from(' and the rest');
    }
    const put = blobs.put(writing, slow());
    await expect.poll(() => readdirSync(join(root, writing.slice(2, 4))).some((f) => f.endsWith('.part'))).toBe(true);
    // Under its key there is nothing until the whole file is there.
    expect(await blobs.get(writing)).toBeNull();
    release();
    expect(await put).toBe(17);
    expect(readFileSync(blobs.path(writing), 'utf8')).toBe('half and the rest');
    expect(readFileSync(blobs.path(done), 'utf8')).toBe('whole');
  });
});
