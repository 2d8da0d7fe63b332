// Attachment bytes as files in one folder on this machine
// (KEFU_ATTACHMENTS_STORE=folder): for a single sidecar next to its site, where
// files should not fill the database. Several sidecars on several machines need
// the database or a bucket, which they all reach.
//
// Each file is named by its attachment id alone, which the sidecar made: a key
// that is not exactly such an id is refused before any path is built, so no
// name a visitor chose ever reaches the file system. Files sit in a sub-folder
// named by two characters of the id (`<root>/Xy/a_Xy…`), so each folder holds
// about 1/4096 of them and none grows to hundreds of thousands of entries.
//
// On WordPress the folder is wp-content/uploads/kefu-files, under a folder the
// web server serves. Nothing in it must ever be listed, executed or served:
// the sidecar is its only reader, and it sends the bytes with its own
// sandboxing headers (docs/PROTOCOL.md, "Attachments"), which a web server
// serving the file directly would not. So the root gets files that make Apache
// (.htaccess), IIS (web.config) and servers without either (index.php,
// index.html) refuse it; nginx ignores all of them and needs its own `deny`
// (docs/wordpress.md). A rule the server does not allow there ends in an error
// page, which serves nothing either. The folders are 0700 and the files 0600,
// so a web server running as another user cannot even enter.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobStore, ByteRange } from './blob-store.js';

/**
 * What newAttachmentId() makes (core/message.ts ATTACHMENT_ID, repeated here
 * because the store does not reach into the core): `a_` and 22 base64url
 * characters. Nothing else names a file.
 */
const KEY = /^a_[A-Za-z0-9_-]{22}$/;

const FOLDER_MODE = 0o700;
const FILE_MODE = 0o600;
/** The protection files must be readable by the web server that obeys them (Apache answers 403 to all, IIS 500, when it cannot read them); they hold nothing secret. */
const GUARD_MODE = 0o644;

const HTACCESS = `# Kefu chat attachments: only the chat server reads these files.
# The web server must never list, run or serve anything in this folder.
Options -Indexes -ExecCGI
<IfModule mod_authz_core.c>
	Require all denied
</IfModule>
<IfModule !mod_authz_core.c>
	Order deny,allow
	Deny from all
</IfModule>
<IfModule mod_mime.c>
	RemoveHandler .php .phtml .php3 .php4 .php5 .php7 .php8 .phar .pl .py .cgi .asp .aspx .shtml
	RemoveType .php .phtml .php3 .php4 .php5 .php7 .php8 .phar
</IfModule>
<IfModule mod_php.c>
	php_flag engine off
</IfModule>
<IfModule mod_php7.c>
	php_flag engine off
</IfModule>
<IfModule mod_php5.c>
	php_flag engine off
</IfModule>
`;

// Request filtering ships with every IIS; URL authorization may not, and a
// section IIS does not know also ends in an error page, never in the file.
const WEB_CONFIG = `<?xml version="1.0" encoding="UTF-8"?>
<!-- Kefu chat attachments: only the chat server reads these files. -->
<configuration>
	<system.webServer>
		<directoryBrowse enabled="false" />
		<handlers accessPolicy="None" />
		<security>
			<requestFiltering>
				<verbs allowUnlisted="false" />
			</requestFiltering>
			<authorization>
				<remove users="*" roles="" verbs="" />
				<add accessType="Deny" users="*" />
			</authorization>
		</security>
	</system.webServer>
</configuration>
`;

/** The files that keep a web server out of the root, by name. */
const GUARD_FILES: Readonly<Record<string, string>> = Object.freeze({
  '.htaccess': HTACCESS,
  'web.config': WEB_CONFIG,
  'index.php': '<?php // Silence is golden.\n',
  'index.html': '',
});

const code = (err: unknown) => (err as NodeJS.ErrnoException | null)?.code;

/** Writes `text` unless the file already holds exactly it; through a temporary, so a web server never reads half a rule. */
async function writeIfChanged(path: string, text: string): Promise<void> {
  try {
    if ((await readFile(path, 'utf8')) === text) return;
  } catch (err) {
    if (code(err) !== 'ENOENT') throw err;
  }
  const temp = `${path}.${randomBytes(6).toString('hex')}.part`;
  try {
    await writeFile(temp, text, { mode: GUARD_MODE, flag: 'wx' });
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
}

export class FolderBlobStore implements BlobStore {
  readonly name = 'folder';
  readonly root: string;
  private prepared: Promise<void> | null = null;

  /** `root`: the folder itself; a relative one is taken from the working directory. */
  constructor(root: string) {
    this.root = resolve(root);
  }

  /**
   * On start. With `create` (new files go here) the root is made when missing
   * (0700; its parent must exist: wp-content/uploads is WordPress's to make, with
   * its own owner and mode) and the protection files are written. Without it
   * (the folder only keeps older files) they are written only into a root that
   * exists, so a site that never chose the folder never gets one.
   */
  async start({ create }: { create: boolean }): Promise<void> {
    if (create) return this.prepare();
    try {
      await this.guard();
    } catch (err) {
      if (code(err) !== 'ENOENT') throw err;
    }
  }

  /** Once per process, before the first file; again after a failure. */
  private prepare(): Promise<void> {
    return (this.prepared ??= (async () => {
      try {
        await mkdir(this.root, { mode: FOLDER_MODE });
      } catch (err) {
        if (code(err) === 'ENOENT') throw new Error(`cannot make the attachments folder ${this.root}: ${dirname(this.root)} does not exist`);
        if (code(err) !== 'EEXIST') throw err;
      }
      await this.guard();
    })().catch((err: unknown) => {
      this.prepared = null;
      throw err;
    }));
  }

  private async guard(): Promise<void> {
    for (const [file, text] of Object.entries(GUARD_FILES)) await writeIfChanged(join(this.root, file), text);
  }

  /** Where `key` lives; throws for anything that is not an attachment id. */
  path(key: string): string {
    if (typeof key !== 'string' || !KEY.test(key)) throw new Error('the folder store takes attachment ids only');
    // The two characters after `a_`, which are the same in every id.
    return join(this.root, key.slice(2, 4), key);
  }

  async put(key: string, body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<number> {
    const file = this.path(key);
    await this.prepare();
    const folder = dirname(file);
    try {
      await mkdir(folder, { mode: FOLDER_MODE });
      // Listing is refused by the root's rules on Apache and IIS; a server with
      // automatic indexes and no rules would otherwise list the ids here.
      await writeFile(join(folder, 'index.html'), '', { mode: GUARD_MODE, flag: 'wx' }).catch((err: unknown) => {
        if (code(err) !== 'EEXIST') throw err;
      });
    } catch (err) {
      if (code(err) !== 'EEXIST') throw err;
    }
    // Same folder, so the rename below is atomic: the key names a whole file or nothing.
    const temp = join(folder, `.${key}.${randomBytes(6).toString('hex')}.part`);
    const fh = await open(temp, 'wx', FILE_MODE);
    let size = 0;
    try {
      try {
        for await (const piece of body) {
          for (let at = 0; at < piece.byteLength;) {
            const { bytesWritten } = await fh.write(piece, at, piece.byteLength - at);
            at += bytesWritten;
          }
          size += piece.byteLength;
        }
        // On the disk before it has its name: after a power cut the key holds the whole file or nothing.
        await fh.datasync();
      } catch (err) {
        // The body's own error is the one to report, not a failure to close.
        await fh.close().catch(() => undefined);
        throw err;
      }
      await fh.close();
      await rename(temp, file);
      return size;
    } catch (err) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw err;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable | null> {
    const file = this.path(key);
    let fh: FileHandle;
    try {
      fh = await open(file, 'r');
    } catch (err) {
      if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return null;
      throw err;
    }
    // From the handle already open: a delete meanwhile cannot turn the answer into an error.
    return fh.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async delete(keys: readonly string[]): Promise<void> {
    const files = keys.map((k) => this.path(k));
    for (const file of files) {
      await unlink(file).catch((err: unknown) => {
        if (code(err) !== 'ENOENT' && code(err) !== 'ENOTDIR') throw err;
      });
    }
  }

  /** Nothing stays open between calls. */
  async close(): Promise<void> {}
}
