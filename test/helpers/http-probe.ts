// Raw HTTP for the security suites: any method, path, headers and body bytes,
// and checks of the protocol's error shape.
import { expect } from 'vitest';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export async function request(
  base: string,
  path: string,
  opts: { method?: string; token?: string; headers?: Record<string, string>; body?: string; json?: unknown; timeoutMs?: number } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  let body = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(base + path, {
    method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
    signal: AbortSignal.timeout(opts.timeoutMs ?? 40_000),
  });
  const text = await res.text();
  let json: unknown;
  if ((res.headers.get('content-type') ?? '').includes('application/json')) {
    try { json = JSON.parse(text); } catch { json = undefined; }
  }
  return { status: res.status, headers: res.headers, text, json };
}

const CODES: Record<number, string> = {
  400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 413: 'too_large', 429: 'rate_limited', 503: 'unavailable',
};

/** Whether an answer is a 4xx in the protocol's JSON error shape (and leaks no internals). */
export function isProtocolError(a: Answer, statuses?: readonly number[]): boolean {
  if (statuses && !statuses.includes(a.status)) return false;
  if (a.status < 400 || a.status >= 500 || !CODES[a.status]) return false;
  const e = (a.json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (!e || e.code !== CODES[a.status] || typeof e.message !== 'string') return false;
  if (a.status === 429 && !/^\d+$/.test(a.headers.get('retry-after') ?? '')) return false;
  return !leaksInternals(a.text);
}

/** Stack frames, SQL text or driver messages in a body. */
export function leaksInternals(text: string): boolean {
  return /\bat \S+ \(|node_modules|\.ts:\d+|SELECT |INSERT |UPDATE |ER_[A-Z_]+|SQLITE_|sqlMessage/.test(text);
}

export function expectError(a: Answer, status: number): void {
  expect({ status: a.status, body: a.json }).toMatchObject({ status, body: { error: { code: CODES[status] } } });
  expect(isProtocolError(a, [status])).toBe(true);
}
