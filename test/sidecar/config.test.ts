import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseDbHost, parseWpConfig } from '../../sidecar/wp-config.js';
import { flagsToEnv, loadConfig } from '../../sidecar/config.js';

// Shaped like the wp-config.php WordPress writes, with the usual comments and quirks.
const WP_CONFIG = `<?php
/**
 * The base configuration for WordPress
 * define( 'DB_NAME', 'commented_out' );
 */

// ** Database settings - You can get this info from your web host ** //
/** The name of the database for WordPress */
define( 'DB_NAME', 'shop_wp' );

/** Database username */
define( 'DB_USER', "shop" );

/** Database password */
define( 'DB_PASSWORD', 'p@ss\\'w;rd#1' );

/** Database hostname */
define( 'DB_HOST', 'db.internal:3307' );
# define( 'DB_HOST', 'old-host' );

/** Database charset to use in creating database tables. */
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );

define('AUTH_KEY',         'a;b/*c*/d');
define( 'KEFU_SECRET', 'shared-secret-from-wp-config-0123456789' );

$table_prefix = 'shop_';

define( 'WP_DEBUG', false );
if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
`;

describe('wp-config.php reading', () => {
  it('reads database settings, table prefix and KEFU_SECRET without running PHP', () => {
    expect(parseWpConfig(WP_CONFIG)).toEqual({
      dbName: 'shop_wp',
      dbUser: 'shop',
      dbPassword: "p@ss'w;rd#1",
      dbHost: 'db.internal:3307',
      dbCharset: 'utf8mb4',
      tablePrefix: 'shop_',
      kefuSecret: 'shared-secret-from-wp-config-0123456789',
    });
  });

  it.each([
    ['localhost', { host: 'localhost' }],
    ['127.0.0.1:3307', { host: '127.0.0.1', port: 3307 }],
    ['localhost:/var/run/mysqld/mysqld.sock', { socketPath: '/var/run/mysqld/mysqld.sock' }],
    [':/tmp/mysql.sock', { socketPath: '/tmp/mysql.sock' }],
    ['[::1]:3306', { host: '::1', port: 3306 }],
    ['p:db.example', { host: 'db.example' }],
  ])('understands DB_HOST %s', (value, expected) => {
    expect(parseDbHost(value)).toEqual(expected);
  });

  it('configures MySQL, prefix, table and secret from the file alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-wp-'));
    const file = join(dir, 'wp-config.php');
    writeFileSync(file, WP_CONFIG);
    const c = await loadConfig({ KEFU_WP_CONFIG: file });
    expect(c.mysql).toMatchObject({ host: 'db.internal', port: 3307, user: 'shop', password: "p@ss'w;rd#1", database: 'shop_wp', charset: 'utf8mb4' });
    expect(c.tablePrefix).toBe('shop_');
    expect(c.msgTable).toBe('shop_kefu_msg');
    expect(c.secret).toBe('shared-secret-from-wp-config-0123456789');
    expect(c.secretGenerated).toBe(false);
  });
});

describe('configuration', () => {
  it('has the documented defaults, and keeps a development secret across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-cfg-'));
    const c = await loadConfig({ KEFU_DATA_DIR: dir });
    expect(c).toMatchObject({ mysql: null, host: '127.0.0.1', port: 8790, tablePrefix: '', msgTable: 'kefu_msg', tailIntervalMs: 250, production: false, secretGenerated: true });
    expect(Object.isFrozen(c)).toBe(true);
    expect(c.secret.length).toBeGreaterThanOrEqual(32);
    expect((await loadConfig({ KEFU_DATA_DIR: dir })).secret).toBe(c.secret);
  });

  it('takes every variable as a command-line flag too', async () => {
    const env = flagsToEnv(['--database-url', 'mysql://u:p%40ss@db:3306/site', '--port=9000', '--msg-table', 'msg', '--secret', 's'.repeat(20)]);
    expect(env).toEqual({ KEFU_DATABASE_URL: 'mysql://u:p%40ss@db:3306/site', KEFU_PORT: '9000', KEFU_MSG_TABLE: 'msg', KEFU_SECRET: 's'.repeat(20) });
    const c = await loadConfig(env);
    expect(c.mysql).toMatchObject({ host: 'db', port: 3306, user: 'u', password: 'p@ss', database: 'site' });
    expect(c.msgTable).toBe('msg');
    expect(c.port).toBe(9000);
  });

  it('refuses to run in production without a secret, and rejects bad values clearly', async () => {
    await expect(loadConfig({ NODE_ENV: 'production' })).rejects.toThrow(/KEFU_SECRET is required/);
    await expect(loadConfig({ KEFU_PORT: 'eighty' })).rejects.toThrow('KEFU_PORT must be a whole number from 0 to 65535');
    await expect(loadConfig({ KEFU_MSG_TABLE: 'msg; DROP TABLE x' })).rejects.toThrow(/KEFU_MSG_TABLE/);
    await expect(loadConfig({ KEFU_ALLOWED_ORIGINS: 'not a url' })).rejects.toThrow(/KEFU_ALLOWED_ORIGINS/);
    await expect(loadConfig({ KEFU_DATABASE_URL: 'postgres://x' })).rejects.toThrow(/mysql:\/\//);
  });

  it('reads the attachment settings: documented defaults, kinds by name, the S3 bucket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-cfg-'));
    const c = await loadConfig({ KEFU_DATA_DIR: dir });
    expect(c.attachments).toMatchObject({ maxBytes: 10 * 1024 * 1024, maxPerMessage: 5, store: 'db', s3: null, dir: null, linkSeconds: 300, uploadTimeoutMs: 120_000 });
    expect(c.attachments.types).toEqual(['png', 'jpeg', 'gif', 'webp', 'pdf', 'txt', 'docx', 'xlsx', 'pptx', 'odt', 'ods']);
    const s3 = await loadConfig({
      KEFU_DATA_DIR: dir, KEFU_ATTACHMENTS_TYPES: 'JPG, png,pdf', KEFU_ATTACHMENTS_STORE: 's3', KEFU_S3_BUCKET: 'files',
      KEFU_S3_ENDPOINT: 'http://127.0.0.1:9000', KEFU_S3_ACCESS_KEY_ID: 'id', KEFU_S3_SECRET_ACCESS_KEY: 'key',
    });
    expect(s3.attachments.types).toEqual(['jpeg', 'png', 'pdf']);
    expect(s3.attachments.s3).toEqual({
      bucket: 'files', region: 'us-east-1', endpoint: 'http://127.0.0.1:9000', accessKeyId: 'id', secretAccessKey: 'key', forcePathStyle: true, prefix: 'kefu/',
    });
    await expect(loadConfig({ KEFU_DATA_DIR: dir, KEFU_ATTACHMENTS_TYPES: 'png,exe' })).rejects.toThrow('KEFU_ATTACHMENTS_TYPES: unknown kind "exe"');
    await expect(loadConfig({ KEFU_DATA_DIR: dir, KEFU_ATTACHMENTS_STORE: 's3' })).rejects.toThrow('KEFU_ATTACHMENTS_STORE=s3 needs KEFU_S3_BUCKET');
    await expect(loadConfig({ KEFU_DATA_DIR: dir, KEFU_ATTACHMENTS_STORE: 'disk' })).rejects.toThrow('KEFU_ATTACHMENTS_STORE must be db, s3 or folder');
    await expect(loadConfig({ KEFU_DATA_DIR: dir, KEFU_S3_BUCKET: 'b', KEFU_S3_ACCESS_KEY_ID: 'only-half' })).rejects.toThrow(/go together/);
    await expect(loadConfig({ KEFU_DATA_DIR: dir, KEFU_ATTACHMENTS_MAX_BYTES: '-1' })).rejects.toThrow(/KEFU_ATTACHMENTS_MAX_BYTES/);
  });

  it('reads the attachments folder: absolute as given, relative from the working directory, refused when unknown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-cfg-'));
    const files = join(dir, 'files');
    const c = await loadConfig({ KEFU_DATA_DIR: dir, KEFU_ATTACHMENTS_STORE: 'folder', KEFU_ATTACHMENTS_DIR: files });
    expect(c.attachments).toMatchObject({ store: 'folder', dir: files });
    expect(Object.isFrozen(c.attachments)).toBe(true);
    expect((await loadConfig({ KEFU_DATA_DIR: dir, KEFU_ATTACHMENTS_STORE: 'folder', KEFU_ATTACHMENTS_DIR: 'var/kefu-files' })).attachments.dir)
      .toBe(join(process.cwd(), 'var', 'kefu-files'));
    // Known without being written to: files kept there stay readable after a switch back.
    expect((await loadConfig({ KEFU_DATA_DIR: dir, KEFU_ATTACHMENTS_DIR: files })).attachments).toMatchObject({ store: 'db', dir: files });
    await expect(loadConfig({ KEFU_DATA_DIR: dir, KEFU_ATTACHMENTS_STORE: 'folder' })).rejects.toThrow('KEFU_ATTACHMENTS_STORE=folder needs KEFU_ATTACHMENTS_DIR');
    await expect(loadConfig({ KEFU_DATA_DIR: dir, KEFU_ATTACHMENTS_STORE: 'folder', KEFU_ATTACHMENTS_DIR: '  ' })).rejects.toThrow('needs KEFU_ATTACHMENTS_DIR');
  });

  it('keeps a WordPress site\'s files in wp-content/uploads/kefu-files beside its wp-config.php, unless told otherwise', async () => {
    const site = mkdtempSync(join(tmpdir(), 'kefu-wp-'));
    writeFileSync(join(site, 'wp-config.php'), WP_CONFIG);
    const c = await loadConfig({ KEFU_WP_CONFIG: join(site, 'wp-config.php'), KEFU_ATTACHMENTS_STORE: 'folder' });
    expect(c.attachments).toMatchObject({ store: 'folder', dir: join(site, 'wp-content', 'uploads', 'kefu-files') });
    // A path to wp-config.php from the working directory still gives an absolute folder.
    const fromSite = await loadConfig({ KEFU_WP_CONFIG: relative(process.cwd(), join(site, 'wp-config.php')) });
    expect(fromSite.attachments).toMatchObject({ store: 'db', dir: join(site, 'wp-content', 'uploads', 'kefu-files') });
    const elsewhere = join(site, 'private', 'chat-files');
    expect((await loadConfig({ KEFU_WP_CONFIG: join(site, 'wp-config.php'), KEFU_ATTACHMENTS_STORE: 'folder', KEFU_ATTACHMENTS_DIR: elsewhere })).attachments.dir).toBe(elsewhere);
  });

  it('keeps the files of a network\'s other site in uploads/sites/<id>/kefu-files, where that site\'s uninstall looks', async () => {
    const site = mkdtempSync(join(tmpdir(), 'kefu-wp-'));
    writeFileSync(join(site, 'wp-config.php'), WP_CONFIG);
    const c = await loadConfig({ KEFU_WP_CONFIG: join(site, 'wp-config.php'), KEFU_SITE_ID: '3' });
    expect(c.attachments.dir).toBe(join(site, 'wp-content', 'uploads', 'sites', '3', 'kefu-files'));
  });
});
