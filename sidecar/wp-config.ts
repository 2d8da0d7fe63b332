// Reads the few settings Kefu needs from a WordPress wp-config.php without
// running PHP: string constants given to define() and `$table_prefix`.
import { readFile } from 'node:fs/promises';

export interface WpConfig {
  dbName?: string;
  dbUser?: string;
  dbPassword?: string;
  dbHost?: string;
  dbCharset?: string;
  tablePrefix?: string;
  kefuSecret?: string;
  /** `KEFU_TABLE_PREFIX` and `KEFU_MSG_TABLE` constants: the plugin reads the same ones. */
  kefuTablePrefix?: string;
  kefuMsgTable?: string;
}

export interface MysqlHost {
  host?: string;
  port?: number;
  socketPath?: string;
}

/** Removes PHP comments while leaving string literals intact. */
function stripComments(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === "'" || c === '"') {
      const end = skipString(src, i);
      out += src.slice(i, end);
      i = end;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 2;
      out += ' ';
    } else if ((c === '/' && src[i + 1] === '/') || c === '#') {
      const end = src.indexOf('\n', i);
      i = end < 0 ? src.length : end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function skipString(src: string, start: number): number {
  const quote = src[start];
  let i = start + 1;
  while (i < src.length && src[i] !== quote) i += src[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** The value of a PHP single- or double-quoted literal (no interpolation). */
function unquote(literal: string): string {
  const quote = literal[0];
  const body = literal.slice(1, -1);
  if (quote === "'") return body.replace(/\\(['\\])/g, '$1');
  const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', v: '\v', f: '\f', '\\': '\\', $: '$', '"': '"', '0': '\0' };
  return body.replace(/\\(.)/g, (m, ch: string) => escapes[ch] ?? m);
}

const STRING = String.raw`('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")`;

export function parseWpConfig(src: string): WpConfig {
  const code = stripComments(src);
  const constants = new Map<string, string>();
  const defineRe = new RegExp(String.raw`\bdefine\s*\(\s*` + STRING + String.raw`\s*,\s*` + STRING + String.raw`\s*(?:,[^)]*)?\)`, 'gi');
  for (const m of code.matchAll(defineRe)) constants.set(unquote(m[1]), unquote(m[2]));
  const prefix = new RegExp(String.raw`\$table_prefix\s*=\s*` + STRING + String.raw`\s*;`).exec(code);
  return {
    dbName: constants.get('DB_NAME'),
    dbUser: constants.get('DB_USER'),
    dbPassword: constants.get('DB_PASSWORD'),
    dbHost: constants.get('DB_HOST'),
    dbCharset: constants.get('DB_CHARSET'),
    tablePrefix: prefix ? unquote(prefix[1]) : undefined,
    kefuSecret: constants.get('KEFU_SECRET'),
    kefuTablePrefix: constants.get('KEFU_TABLE_PREFIX'),
    kefuMsgTable: constants.get('KEFU_MSG_TABLE'),
  };
}

export async function readWpConfig(path: string): Promise<WpConfig> {
  return parseWpConfig(await readFile(path, 'utf8'));
}

/**
 * WordPress's DB_HOST forms: `host`, `host:port`, `host:/path/to.sock`,
 * `:/path/to.sock`, `[::1]:3306`, and the `p:` prefix for persistent links.
 */
export function parseDbHost(value: string): MysqlHost {
  let v = value.trim().replace(/^p:/, '');
  if (v.startsWith('[')) {
    const close = v.indexOf(']');
    const host = v.slice(1, close);
    const rest = v.slice(close + 1);
    return rest.startsWith(':') ? { host, port: Number(rest.slice(1)) } : { host };
  }
  const colon = v.indexOf(':');
  if (colon < 0) return { host: v || 'localhost' };
  const host = v.slice(0, colon) || 'localhost';
  const rest = v.slice(colon + 1);
  if (/^\d+$/.test(rest)) return { host, port: Number(rest) };
  if (rest.includes('/')) return { socketPath: rest };
  v = host;
  return { host: v };
}
