// An error that carries its protocol meaning from where it is raised; the
// HTTP error middleware turns it into `{"error": {code, message}}`.

export type ErrorCode =
  | 'bad_request' | 'unauthorized' | 'forbidden' | 'not_found' | 'too_large' | 'rate_limited' | 'unavailable'
  // Attachments (docs/PROTOCOL.md): a file whose bytes are of a type not accepted; a byte range past the file's end.
  | 'unsupported_type' | 'range_not_satisfiable'
  // Ratings: the request fits the protocol but not the conversation's state (not resolved, or already rated).
  | 'conflict';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400, unauthorized: 401, forbidden: 403, not_found: 404, too_large: 413, rate_limited: 429, unavailable: 503,
  unsupported_type: 415, range_not_satisfiable: 416, conflict: 409,
};

export class KefuError extends Error {
  readonly status: number;
  constructor(readonly code: ErrorCode, message: string, readonly retryAfter?: number) {
    super(message);
    this.name = 'KefuError';
    this.status = STATUS[code];
  }
}

export const badRequest = (message: string) => new KefuError('bad_request', message);

/** What a log line may say of an error: its code (a driver's, or the name), never its message. */
export function errorCode(err: unknown): string {
  const e = err as { cause?: { code?: string }; code?: string; name?: string };
  return e?.cause?.code ?? e?.code ?? e?.name ?? 'error';
}
