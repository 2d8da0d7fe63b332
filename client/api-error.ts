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

  /** Worth trying again later: the network, a 5xx, a rate limit or a timeout. */
  get transient(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}
