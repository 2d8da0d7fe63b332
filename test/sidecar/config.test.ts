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

describe('business hours', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-cfg-hours-'));

  it('is always open with nothing set, as before', async () => {
    expect((await loadConfig({ KEFU_DATA_DIR: dir })).businessHours).toBeNull();
    expect((await loadConfig({ KEFU_DATA_DIR: dir, KEFU_BUSINESS_HOURS: '  ' })).businessHours).toBeNull();
  });

  it('reads the schedule, its zone and holidays, with the offline form by default', async () => {
    const c = await loadConfig({
      KEFU_DATA_DIR: dir, KEFU_BUSINESS_HOURS: 'mon-fri 09:00-17:30; sat 10:00-14:00', KEFU_BUSINESS_TZ: 'Asia/Shanghai', KEFU_HOLIDAYS: '2026-10-01..2026-10-07, 2026-12-31',
    });
    expect(Object.isFrozen(c.businessHours)).toBe(true);
    expect(c.businessHours!.outside).toBe('offline-form');
    const h = c.businessHours!.schedule;
    expect(h.timeZone).toBe('Asia/Shanghai');
    expect(h.isOpen(new Date('2026-12-30T09:00:00+08:00'))).toBe(true);
    expect(h.isOpen(new Date('2026-12-31T09:00:00+08:00'))).toBe(false);
    expect(h.isOpen(new Date('2026-12-26T13:59:59+08:00'))).toBe(true);
    expect((await loadConfig({ KEFU_DATA_DIR: dir, KEFU_BUSINESS_HOURS: 'closed', KEFU_OUTSIDE_HOURS: 'hide' })).businessHours!.outside).toBe('hide');
  });

  it('takes the server\'s zone when none is given', async () => {
    const c = await loadConfig({ KEFU_DATA_DIR: dir, KEFU_BUSINESS_HOURS: 'mon 09:00-10:00' });
    expect(c.businessHours!.schedule.timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  it('refuses to start on bad input, naming the variable and the part', async () => {
    const base = { KEFU_DATA_DIR: dir, KEFU_BUSINESS_HOURS: 'mon-fri 09:00-17:30' };
    await expect(loadConfig({ ...base, KEFU_BUSINESS_HOURS: 'mon-fri 09:00-17:30; sat 10-14' })).rejects.toThrow('KEFU_BUSINESS_HOURS: "10-14" is not a time range like 09:00-17:30');
    await expect(loadConfig({ ...base, KEFU_BUSINESS_HOURS: 'fri 22:00-02:00' })).rejects.toThrow('KEFU_BUSINESS_HOURS: "22:00-02:00" does not end after it starts');
    await expect(loadConfig({ ...base, KEFU_BUSINESS_TZ: 'Europe/Berlinn' })).rejects.toThrow('KEFU_BUSINESS_TZ: "Europe/Berlinn" is not a time zone');
    await expect(loadConfig({ ...base, KEFU_HOLIDAYS: '2026-12-25, 2026-13-01' })).rejects.toThrow('KEFU_HOLIDAYS: "2026-13-01" is not a date like 2026-12-25');
    await expect(loadConfig({ ...base, KEFU_OUTSIDE_HOURS: 'hidden' })).rejects.toThrow('KEFU_OUTSIDE_HOURS must be offline-form or hide');
  });

  it('refuses the other settings without a schedule: alone they would do nothing', async () => {
    await expect(loadConfig({ KEFU_DATA_DIR: dir, KEFU_HOLIDAYS: '2026-12-25' })).rejects.toThrow('KEFU_HOLIDAYS needs KEFU_BUSINESS_HOURS');
    await expect(loadConfig({ KEFU_DATA_DIR: dir, KEFU_BUSINESS_TZ: 'UTC' })).rejects.toThrow('KEFU_BUSINESS_TZ needs KEFU_BUSINESS_HOURS');
    await expect(loadConfig({ KEFU_DATA_DIR: dir, KEFU_OUTSIDE_HOURS: 'hide' })).rejects.toThrow('KEFU_OUTSIDE_HOURS needs KEFU_BUSINESS_HOURS');
  });

  it('has matching command-line flags', async () => {
    const c = await loadConfig({ KEFU_DATA_DIR: dir, ...flagsToEnv(['--business-hours', 'sun 10:00-11:00', '--business-tz=UTC', '--outside-hours', 'hide']) });
    expect(c.businessHours).toMatchObject({ outside: 'hide', schedule: { timeZone: 'UTC' } });
  });
});

describe('mail settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-config-mail-'));
  const smtp = { KEFU_DATA_DIR: dir, KEFU_SMTP_URL: 'smtps://kefu%40shop.example:s3cret-pa55@smtp.shop.example:465' };

  it('is off without KEFU_SMTP_URL, with the documented defaults', async () => {
    expect((await loadConfig({ KEFU_DATA_DIR: dir })).mail).toEqual({
      smtpUrl: null, wpMailUrl: null, from: null, notifyEmails: [], escalateAfterMs: 10 * 60_000, visitorAwayMs: 3 * 60_000, siteUrl: null, lang: 'en',
    });
  });

  it('reads every option, sending from the SMTP user when it is an address', async () => {
    const c = await loadConfig({
      ...smtp,
      KEFU_NOTIFY_EMAILS: ' team@shop.example, boss@shop.example ,team@shop.example',
      KEFU_ESCALATE_AFTER_MIN: '0',
      KEFU_VISITOR_AWAY_MIN: '5',
      KEFU_SITE_URL: 'https://shop.example/store/',
      KEFU_MAIL_LANG: 'zh-cn',
    });
    expect(c.mail).toEqual({
      smtpUrl: smtp.KEFU_SMTP_URL, wpMailUrl: null, from: 'kefu@shop.example', notifyEmails: ['team@shop.example', 'boss@shop.example'],
      escalateAfterMs: 0, visitorAwayMs: 5 * 60_000, siteUrl: 'https://shop.example/store', lang: 'zh-CN',
    });
    expect(Object.isFrozen(c.mail)).toBe(true);
    expect((await loadConfig({ ...smtp, KEFU_MAIL_FROM: 'Shop chat <chat@shop.example>' })).mail.from).toBe('Shop chat <chat@shop.example>');
    expect((await loadConfig({ KEFU_DATA_DIR: dir, ...flagsToEnv(['--smtp-url', 'smtp://relay:25', '--mail-from', 'a@b.example']) })).mail).toMatchObject({ smtpUrl: 'smtp://relay:25', from: 'a@b.example' });
  });

  it('refuses bad values, never repeating the SMTP password', async () => {
    const bad = async (env: Record<string, string>) => {
      const err = await loadConfig({ KEFU_DATA_DIR: dir, ...env }).then(() => null, (e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err!.message).not.toContain('s3cret');
      return err!.message;
    };
    expect(await bad({ KEFU_SMTP_URL: 'http://user:s3cret@smtp.example' })).toContain('KEFU_SMTP_URL must start with smtp:// or smtps://');
    expect(await bad({ KEFU_SMTP_URL: 'smtp://user:s3cret@[bad' })).toContain('KEFU_SMTP_URL must look like');
    expect(await bad({ KEFU_SMTP_URL: 'smtp://user:s3cret@smtp.example' })).toContain('KEFU_MAIL_FROM is needed');
    expect(await bad({ ...smtp, KEFU_MAIL_FROM: 'Shop <not an address>' })).toContain('KEFU_MAIL_FROM must be an address');
    expect(await bad({ KEFU_NOTIFY_EMAILS: 'team@shop.example, boss' })).toBe('KEFU_NOTIFY_EMAILS: not an address: boss');
    expect(await bad({ KEFU_ESCALATE_AFTER_MIN: '-1' })).toContain('KEFU_ESCALATE_AFTER_MIN must be a whole number');
    expect(await bad({ KEFU_VISITOR_AWAY_MIN: '2.5' })).toContain('KEFU_VISITOR_AWAY_MIN must be a whole number');
    expect(await bad({ KEFU_SITE_URL: 'ftp://shop.example' })).toContain('KEFU_SITE_URL must start with https:// or http://');
    expect(await bad({ KEFU_MAIL_LANG: 'fr' })).toBe('KEFU_MAIL_LANG must be en or zh-CN');
  });
});

describe('mail through WordPress', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-config-wpmail-'));

  it('reads KEFU_WP_MAIL_URL, which needs no From (wp_mail sets it)', async () => {
    const c = await loadConfig({ KEFU_DATA_DIR: dir, KEFU_WP_MAIL_URL: ' https://shop.example/wp-json/kefu/v1/mail ' });
    expect(c.mail).toMatchObject({ smtpUrl: null, wpMailUrl: 'https://shop.example/wp-json/kefu/v1/mail', from: null });
  });

  it('keeps both when both are set (SMTP is the one used)', async () => {
    const c = await loadConfig({ KEFU_DATA_DIR: dir, KEFU_SMTP_URL: 'smtp://relay:25', KEFU_MAIL_FROM: 'a@b.example', KEFU_WP_MAIL_URL: 'http://127.0.0.1/?rest_route=/kefu/v1/mail' });
    expect(c.mail).toMatchObject({ smtpUrl: 'smtp://relay:25', wpMailUrl: 'http://127.0.0.1/?rest_route=/kefu/v1/mail' });
  });

  it('refuses an address that is not http or https', async () => {
    await expect(loadConfig({ KEFU_DATA_DIR: dir, KEFU_WP_MAIL_URL: 'shop.example/wp-json' })).rejects.toThrow('KEFU_WP_MAIL_URL must be an address');
    await expect(loadConfig({ KEFU_DATA_DIR: dir, KEFU_WP_MAIL_URL: 'ftp://shop.example/' })).rejects.toThrow('KEFU_WP_MAIL_URL must start with https:// or http://');
  });
});
