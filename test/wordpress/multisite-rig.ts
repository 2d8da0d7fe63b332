// A throw-away WordPress network for the plugin's multisite end-to-end test:
// Debian's `wordpress` package copied into a temporary folder, its own
// MariaDB database, a subdirectory network made by core's own install_network()
// and populate_network(), PHP's built-in server on 127.0.0.1:80 behind a router
// that applies core's multisite .htaccess rules, and one Kefu sidecar per site.
//
// Why port 80: core's network set-up takes only ports 80 and 443 in the site
// address (wp-admin/network.php), and a network's sites are matched by host
// and path, so the network's domain is '127.0.0.1' without a port.
import { execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  createDatabase,
  dropDatabase,
  killGroup,
  pluginLogLines,
  removeSiteDir,
  runPhpScript,
  startPhpServer,
  startSidecar,
  WORDPRESS_SOURCE,
  wpConfig,
  ZIP_PATH,
  type Sidecar,
  type SiteUser,
  type WordPressInstall,
} from './rig.js';

const run = promisify(execFile);

/** The network's only address: see the note at the top. */
export const NETWORK_HOST = '127.0.0.1';
export const NETWORK_URL = `http://${NETWORK_HOST}`;

export type NetworkUser = SiteUser;

export interface SubSite {
  id: number;
  /** '/site2/'. */
  path: string;
  /** 'http://127.0.0.1/site2' (no trailing slash; the main site is NETWORK_URL). */
  url: string;
}

export interface NetworkSidecar extends Sidecar {
  siteId: number;
}

export interface Network extends WordPressInstall {
  superAdmin: NetworkUser & { id: number };
  /** Adds a site with wpmu_create_blog() at /<slug>/. */
  addSite(slug: string, title: string): Promise<SubSite>;
  /** The main site as a SubSite. */
  mainSite: SubSite;
  /** Unzips the plugin zip into wp-content/plugins (not activated). */
  installPlugin(zip?: string): Promise<void>;
  /** `node bin/kefu.js serve` for one site of the network. */
  startSidecar(siteId: number): Promise<NetworkSidecar>;
}

/** What wp-admin/network.php tells the owner to paste into wp-config.php, for a subdirectory install. */
const MULTISITE_CONSTANTS = `
define( 'WP_ALLOW_MULTISITE', true );
define( 'MULTISITE', true );
define( 'SUBDOMAIN_INSTALL', false );
define( 'DOMAIN_CURRENT_SITE', '${NETWORK_HOST}' );
define( 'PATH_CURRENT_SITE', '/' );
define( 'SITE_ID_CURRENT_SITE', 1 );
define( 'BLOG_ID_CURRENT_SITE', 1 );
`;

/**
 * Fails with a plain reason when 127.0.0.1:80 cannot be bound: another run of
 * this test holds it, or the process may not bind a low port.
 */
export async function assertPort80Free(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'EADDRINUSE'
          ? 'something already listens there (another run of the multisite test?)'
          : err.code === 'EACCES'
            ? 'this process may not bind a port below 1024 (run as root, or grant CAP_NET_BIND_SERVICE)'
            : err.message;
      reject(
        new Error(
          `the multisite end-to-end test needs ${NETWORK_HOST}:80 (WordPress networks take only ports 80 and 443) but cannot bind it: ${why}`,
        ),
      );
    });
    server.listen(80, NETWORK_HOST, () => server.close(() => resolve()));
  });
}

/**
 * Creates a database, copies WordPress, installs a single site, turns it into
 * a subdirectory network and serves it on 127.0.0.1:80.
 */
export async function createNetwork(): Promise<Network> {
  await assertPort80Free();

  const suffix = randomBytes(4).toString('hex');
  const database = `kefu_wpms_${suffix}`;
  const tablePrefix = 'wp_';
  const secret = randomBytes(32).toString('hex');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kefu-wordpress-multisite-'));
  const superAdmin = { user: 'netadmin', password: `pw-${randomBytes(6).toString('hex')}`, email: 'netadmin@example.test', displayName: 'Nora Network' };
  const configPath = path.join(dir, 'wp-config.php');

  const db = await createDatabase(database);

  let server: ChildProcess | undefined;
  const sidecars = new Set<NetworkSidecar>();
  // Every step runs even when an earlier one fails, so nothing is left behind.
  const stop = async () => {
    await Promise.all([...sidecars].map((s) => s.stop().catch(() => {})));
    if (server) await killGroup(server).catch(() => {});
    await dropDatabase(database, db);
    await removeSiteDir(dir);
  };

  const wp = <T>(command: string, args: Record<string, unknown> = {}): Promise<T> => runPhpScript<T>('network.php', dir, NETWORK_URL, command, args);

  const mainSite: SubSite = { id: 1, path: '/', url: NETWORK_URL };

  try {
    // -L: Debian's package holds relative symlinks that would dangle in a copy.
    await cp(WORDPRESS_SOURCE, dir, { recursive: true, dereference: true });
    // No WP_HOME / WP_SITEURL: on a network they would give every site the main site's address.
    await writeFile(configPath, wpConfig({ database, prefix: tablePrefix, secret, dir }));
    const { userId } = await wp<{ userId: number }>('install', superAdmin);

    // Core's Network Setup, then the constants it asks the owner to add.
    const made = await wp<{ ok?: boolean; error?: string }>('network', { domain: NETWORK_HOST, email: superAdmin.email });
    if (!made.ok) throw new Error(`populate_network() failed: ${made.error}`);
    await writeFile(configPath, wpConfig({ database, prefix: tablePrefix, secret, dir, extra: MULTISITE_CONSTANTS }));

    server = await startPhpServer(dir, NETWORK_HOST, 80, 'router-multisite.php');

    const network: Network = {
      dir,
      url: NETWORK_URL,
      database,
      tablePrefix,
      secret,
      configPath,
      superAdmin: { ...superAdmin, id: userId },
      db,
      wp,
      mainSite,
      async addSite(slug, title) {
        const made = await wp<{ id?: number; error?: string }>('create-site', { slug, title, adminId: userId });
        if (!made.id) throw new Error(`wpmu_create_blog() failed for ${slug}: ${made.error}`);
        return { id: made.id, path: `/${slug}/`, url: `${NETWORK_URL}/${slug}` };
      },
      async installPlugin(zip = ZIP_PATH) {
        await run('unzip', ['-q', '-o', zip, '-d', path.join(dir, 'wp-content', 'plugins')], { timeout: 60_000 });
      },
      async startSidecar(siteId) {
        const sidecar = await startSiteSidecar(configPath, siteId);
        sidecars.add(sidecar);
        const stopOne = sidecar.stop;
        sidecar.stop = async () => {
          sidecars.delete(sidecar);
          await stopOne();
        };
        return sidecar;
      },
      pluginLogLines: () => pluginLogLines(dir),
      stop,
    };
    return network;
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * `node bin/kefu.js serve` for one site of the network: the network's
 * wp-config.php, and KEFU_SITE_ID for every site but the first (whose
 * default it is).
 */
async function startSiteSidecar(configPath: string, siteId: number): Promise<NetworkSidecar> {
  const sidecar = await startSidecar(
    { configPath, url: NETWORK_URL },
    { env: siteId === 1 ? {} : { KEFU_SITE_ID: String(siteId) }, name: `the sidecar of site ${siteId}` },
  );
  return { siteId, ...sidecar };
}
