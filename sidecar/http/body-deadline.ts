// Node's requestTimeout is one number for the whole server: how long a request,
// body included, may take to arrive. An upload of a few megabytes from a phone
// needs minutes; every other body is at most 16 KiB and keeps its 20 s. So the
// server's limit is the uploads' (server.ts), and this cuts other bodies at theirs.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { endJson, errorBody } from './error-handler.js';

/** Answers 408 and closes the connection when the body of `req` has not arrived within `ms` of its headers. */
export function bodyDeadline(req: IncomingMessage, res: ServerResponse, ms: number): void {
  const length = req.headers['content-length'];
  const hasBody = (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody || req.complete) return;
  const timer = setTimeout(() => {
    if (req.complete) return;
    if (res.headersSent) {
      req.socket.destroy();
      return;
    }
    // The answer Node gives at its own limit (server.ts, clientError).
    res.setHeader('Connection', 'close');
    endJson(res, 408, errorBody('bad_request', 'the request took too long to arrive'));
  }, ms);
  timer.unref();
  res.once('close', () => clearTimeout(timer));
}
