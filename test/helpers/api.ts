// A small HTTP client for the tests: JSON in, status + JSON out.

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function call<T = any>(
  base: string,
  path: string,
  opts: { method?: string; token?: string; body?: unknown; raw?: string; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method: opts.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, signal: opts.signal ?? AbortSignal.timeout(40_000) });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed as T };
}

export interface VisitorSession {
  visitorId: string;
  token: string;
  cursor: string;
  agentsOnline: number;
}

export async function newVisitor(base: string, profile: Record<string, unknown> = {}): Promise<VisitorSession> {
  const r = await call<VisitorSession>(base, '/api/visitor/session', { body: profile });
  if (r.status !== 200) throw new Error(`session: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function send(base: string, token: string, content: string, clientId?: string) {
  return call(base, '/api/visitor/messages', { token, body: { content, clientId } });
}

export async function poll(base: string, scope: 'visitor' | 'agent', token: string, cursor: string | null, wait = 0) {
  const q = new URLSearchParams({ wait: String(wait) });
  if (cursor) q.set('cursor', cursor);
  return call<{ messages: any[]; cursor: string; agentsOnline: number; events: any[] }>(base, `/api/${scope}/poll?${q}`, { token });
}
