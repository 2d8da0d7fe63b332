// The `kefu` command line: serve (default), migrate, token.
import { flagsToEnv, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { openStore } from './store/open-store.js';
import { createRuntime } from './runtime.js';
import { listen } from './server.js';
import { Tokens } from './auth/tokens.js';
import { avatarUrl } from './auth/avatar-url.js';

const USAGE = `Usage:
  kefu serve   [--host H] [--port P] [--database-url URL | --wp-config PATH] [--secret S] …
  kefu migrate [same options]        create or upgrade the tables, then exit
  kefu token --agent ID --name NAME [--hours H] [--manage] [--avatar URL]
               print an agent token (for hosts without the CMS plugin; --manage: may edit shared
               canned replies; --avatar: the agent's picture in the widget, an https URL)

Every option is also an environment variable: --database-url is KEFU_DATABASE_URL, and so on.
See README.md for the full list.`;

export async function main(argv: string[]): Promise<number | void> {
  const [command = 'serve', ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (!['serve', 'migrate', 'token'].includes(command)) {
    console.error(`unknown command: ${command}\n\n${USAGE}`);
    return 2;
  }
  const flags = flagsToEnv(rest);
  if (command === 'token') return printToken(flags);
  const config = await loadConfig({ ...process.env, ...flags });
  const log = createLogger(config.logLevel);
  const { store, description } = openStore(config, log);

  if (command === 'migrate') {
    await store.migrate();
    await store.close();
    console.log(`tables ready (${description})`);
    return 0;
  }

  const rt = createRuntime(config, log, store);
  const running = await listen(rt);
  const base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${(running.server.address() as { port: number }).port}`;
  console.log(`kefu listening on ${base} (${description})`);
  if (config.secretGenerated) {
    console.log(`\nNo KEFU_SECRET set: using a development secret kept in ${config.dataDir}/secret. Set KEFU_SECRET in production.`);
  }
  if (!config.production) {
    // The development console's agent runs the team: it may edit shared canned replies.
    const token = await rt.tokens.agentToken('agent:1', 'Demo agent', 8 * 3600, true);
    // The console first: a visitor who writes while no agent is online gets the leave-a-message form.
    console.log(`\n  1. Agent console:      ${base}/kefu/console#token=${token}`);
    console.log(`  2. Visitor demo page:  ${base}/kefu/demo  (in another window)\n`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    running.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function printToken(flags: Record<string, string | undefined>): Promise<number> {
  let config;
  try {
    config = await loadConfig({ ...process.env, ...flags });
  } catch (err) {
    console.error(`kefu token needs the shared secret: ${(err as Error).message}`);
    return 2;
  }
  if (config.secretGenerated) console.error(`(signed with the development secret in ${config.dataDir}/secret)`);
  const raw = flags.KEFU_AGENT;
  if (!raw || raw === 'true') {
    console.error('kefu token needs --agent ID');
    return 2;
  }
  const id = raw.startsWith('agent:') ? raw : `agent:${raw}`;
  const hours = Number(flags.KEFU_HOURS ?? 8);
  if (!(hours > 0 && hours <= 12)) {
    console.error('--hours must be more than 0 and at most 12');
    return 2;
  }
  const manage = flags.KEFU_MANAGE === 'true';
  // Checked here as the sidecar reads it: a picture it would drop is an error now, not a silent blank later.
  const avatar = flags.KEFU_AVATAR === undefined ? undefined : avatarUrl(flags.KEFU_AVATAR);
  if (flags.KEFU_AVATAR !== undefined && !avatar) {
    console.error('--avatar must be an https URL (http only for localhost) of at most 512 characters');
    return 2;
  }
  console.log(await new Tokens(config.secret, config.siteId).agentToken(id, flags.KEFU_NAME ?? id, Math.round(hours * 3600), manage, avatar));
  return 0;
}
