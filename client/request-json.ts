import { ApiError } from './api-error.js';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  token?: string;
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  credentials?: RequestCredentials;
  /** 'no-store' unless said: answers are per visitor. A public answer may allow the HTTP cache. */
  cache?: RequestCache;
}

/** Joins a server base ('' for same origin, or 'https://host') with a path. */
export function joinUrl(base: string, path: string, query?: RequestOptions['query']): string {
  let url = base.replace(/\/+$/, '') + path;
  if (query) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
    const qs = params.toString();
    if (qs) url += '?' + qs;
  }
  return url;
}

/**
 * One JSON call. Resolves with the parsed body (undefined for 204); rejects
 * with an ApiError, never with a raw TypeError, so callers decide on retries
 * by `status` alone.
 */
export async function requestJson<T>(url: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(url, {
      method: opts.method ?? 'GET',
      headers,
      body,
      signal: opts.signal,
      credentials: opts.credentials ?? 'omit',
      cache: opts.cache ?? 'no-store',
    });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
  }
  if (res.status === 204) return undefined as T;
  let data: unknown;
  try {
    data = await res.json();
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string } } | undefined)?.error;
    const ra = Number(res.headers.get('retry-after'));
    throw new ApiError(
      res.status,
      e?.code ?? 'http_' + res.status,
      e?.message ?? res.statusText,
      Number.isFinite(ra) && ra > 0 ? ra * 1000 : undefined,
    );
  }
  return data as T;
}
