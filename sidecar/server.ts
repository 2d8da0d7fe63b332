// Listens, sets Node's timeouts for long polls and streams, and shuts down
// cleanly: held polls are answered, streams told to reconnect, the pool closed.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type AppOptions } from './app.js';
import { longPollHandler } from './transports/long-poll.js';
import { isUploadPath } from './transports/attachment-api.js';
import { bodyDeadline } from './http/body-deadline.js';
import type { Runtime } from './runtime.js';

export interface RunningServer {
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

/** A client must send its request headers within this time, or the socket is closed (408). */
export const HEADERS_TIMEOUT_MS = 15_000;
/**
 * ... and its whole request, body included (at most 16 KiB), within this time;
 * an upload within KEFU_ATTACHMENTS_UPLOAD_SECONDS (http/body-deadline.ts).
 * Node counts only the time to *receive* the request, so long polls and
 * streams, which spend their time answering, are not cut by it.
 */
export const REQUEST_TIMEOUT_MS = 20_000;
/** How often Node checks those two timeouts (its default, 30 s, lets a slow client stay up to 45 s). */
export const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

export async function listen(rt: Runtime, opts: AppOptions & { host?: string; port?: number } = {}): Promise<RunningServer> {
  await rt.start();
  const app = createApp(rt, opts);
  const koa = app.callback();
  // Polls are answered before Koa (see transports/long-poll.ts); the rest is Koa's.
  const polls = longPollHandler(rt, app.held);
  const server = http.createServer(
    {
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: Math.max(REQUEST_TIMEOUT_MS, rt.config.attachments.uploadTimeoutMs),
    },
    (req, res) => {
      if (polls(req, res)) return;
      if (!isUploadPath((req.url ?? '').split('?')[0])) bodyDeadline(req, res, REQUEST_TIMEOUT_MS);
      void koa(req, res);
    },
  );
  // Above the 60 s idle timeout of common proxies, so they close idle sockets first.
  server.keepAliveTimeout = 65_000;
  server.timeout = 0;
  server.maxHeadersCount = 100;
  // Requests Node refuses before the app sees them still get the protocol's JSON error.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const code = String(err.code);
    const answer: [number, string, string, string] | null =
      code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout', 'bad_request', 'the request took too long to arrive']
      : code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large', 'too_large', 'request headers are too large']
      : code.startsWith('HPE_') ? [400, 'Bad Request', 'bad_request', 'malformed HTTP request']
      : null;
    if (!answer || !socket.writable) {
      socket.destroy();
      return;
    }
    const body = JSON.stringify({ error: { code: answer[2], message: answer[3] } });
    socket.end(`HTTP/1.1 ${answer[0]} ${answer[1]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? rt.config.port, opts.host ?? rt.config.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  let closing: Promise<void> | null = null;
  return {
    server,
    url: `http://${host}:${addr.port}`,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Held polls answer and streams say `reconnect` on this signal.
        rt.beginShutdown();
        server.closeIdleConnections();
        const deadline = setTimeout(() => server.closeAllConnections(), 3_000);
        await closed;
        clearTimeout(deadline);
        await rt.stop();
      })();
      return closing;
    },
  };
}
