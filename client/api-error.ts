/**
 * A failed call to the sidecar: the protocol's error code, the HTTP status
 * (0 when the network itself failed) and `Retry-After` in milliseconds for 429.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Any thrown value as an ApiError (anything else is a network failure). */
  static from(err: unknown): ApiError {
    return err instanceof ApiError ? err : new ApiError(0, 'network', String(err));
  }

  /** The token is refused (401) or of the wrong kind (403): retrying cannot help. */
  get refused(): boolean {
    return this.status === 401 || this.status === 403;
  }

  /** Worth trying again later: the network, a 5xx, a rate limit or a timeout. */
  get transient(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}
