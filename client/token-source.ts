export interface TokenSourceOptions {
  /** Answers JSON `{token}` (the WordPress routes add `expiresAt`) to `method`, GET by default; the console and widget POST. */
  url?: string;
  method?: 'GET' | 'POST';
  /** WordPress REST nonce, sent as X-WP-Nonce. */
  nonce?: string;
  /** Refresh this long before `exp`. */
  marginMs?: number;
  onToken?: (token: string) => void;
  onError?: (error: unknown) => void;
}

/** The `exp` claim of a JWT in milliseconds, without verifying it (the server does). */
export function jwtExpiry(token: string): number | undefined {
  const exp = jwtClaims(token).exp;
  return typeof exp === 'number' ? exp * 1000 : undefined;
}

/**
 * The agent token and its renewal: fetches a fresh one from `url` shortly
 * before the current one expires (or at once when the server refused it),
 * with the CMS session cookie and nonce.
 */
export class TokenSource {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inflight: Promise<string | undefined> | undefined;

  constructor(
    public token: string | undefined,
    private readonly opts: TokenSourceOptions = {},
  ) {
    this.schedule();
  }

  get canRefresh(): boolean {
    return !!this.opts.url;
  }

  refresh(): Promise<string | undefined> {
    if (!this.opts.url) return Promise.resolve(this.token);
    this.inflight ??= this.fetchToken().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  /** Stops renewing (the console left the page); `resume()` starts again. */
  dispose(): void {
    clearTimeout(this.timer);
  }

  /** Renews on schedule again after `dispose()`. */
  resume(): void {
    this.schedule();
  }

  private async fetchToken(): Promise<string | undefined> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.opts.nonce) headers['X-WP-Nonce'] = this.opts.nonce;
    try {
      const res = await fetch(this.opts.url!, {
        method: this.opts.method ?? 'GET',
        headers,
        credentials: 'same-origin',
        cache: 'no-store',
      });
      if (!res.ok) throw new Error(`token-url answered ${res.status}`);
      const body = (await res.json()) as { token?: unknown };
      if (typeof body.token !== 'string' || !body.token) throw new Error('token-url answered without a token');
      this.token = body.token;
      this.opts.onToken?.(body.token);
    } catch (err) {
      this.opts.onError?.(err);
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.refresh(), 30_000);
      return this.token;
    }
    this.schedule();
    return this.token;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (!this.opts.url || !this.token) return;
    const exp = jwtExpiry(this.token);
    if (!exp) return;
    const margin = this.opts.marginMs ?? 5 * 60_000;
    const delay = Math.max(5_000, exp - Date.now() - margin);
    // setTimeout overflows past ~24.8 days; agent tokens live at most 12 hours.
    this.timer = setTimeout(() => void this.refresh(), Math.min(delay, 2 ** 31 - 1));
  }
}

/** The payload of a JWT, unverified (for display and for telling own messages apart). */
/** The claims the browser reads (never trusts: the server checks the signature on every request). */
export interface AgentClaims {
  sub?: string;
  name?: string;
  exp?: number;
  /** May edit the team's shared canned replies. */
  manage?: boolean;
}

export function jwtClaims(token: string | undefined): AgentClaims {
  const part = token?.split('.')[1];
  if (!part) return {};
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as AgentClaims;
  } catch {
    return {};
  }
}
