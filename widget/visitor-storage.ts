/**
 * The little the widget keeps in localStorage, per sidecar origin: the visitor
 * token (so the conversation follows the visitor across pages and reloads) and
 * the newest `mid` they have seen (for the unread badge). Storage can be
 * missing or throw (private modes, sandboxed frames); then nothing persists.
 */
export class VisitorStorage {
  private readonly prefix: string;

  constructor(base: string) {
    this.prefix = 'kefu.v1@' + new URL(base || location.origin, globalThis.location?.href).origin;
  }

  private get(key: string): string | null {
    try {
      return localStorage.getItem(this.prefix + '.' + key);
    } catch {
      return null;
    }
  }

  private set(key: string, value: string | null): void {
    try {
      if (value === null) localStorage.removeItem(this.prefix + '.' + key);
      else localStorage.setItem(this.prefix + '.' + key, value);
    } catch {
      // Storage unavailable: the conversation lasts as long as the page.
    }
  }

  get token(): string | null {
    return this.get('token');
  }

  set token(value: string | null) {
    this.set('token', value);
  }

  get seenMid(): number {
    return Number(this.get('seen')) || 0;
  }

  set seenMid(mid: number) {
    this.set('seen', String(mid));
  }
}
