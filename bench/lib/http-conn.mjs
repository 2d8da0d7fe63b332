// A minimal HTTP/1.1 client over one keep-alive socket, one request at a time.
// Ten thousand of these fit in one load-generator process far more cheaply
// than http.Agent sockets, and what they measure is the server, not the client.
import net from 'node:net';

const CRLF2 = Buffer.from('\r\n\r\n');

export class HttpConn {
  constructor(port, host = '127.0.0.1') {
    this.port = port;
    this.host = host;
    this.socket = null;
    this.pending = null;
    this.buf = null;
    this.closed = false;
  }

  connect() {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port: this.port, host: this.host, noDelay: true });
      s.once('connect', () => { s.off('error', reject); resolve(this); });
      s.once('error', reject);
      s.on('data', (d) => this.onData(d));
      s.on('error', () => {});
      s.on('close', () => {
        this.closed = true;
        this.socket = null;
        const p = this.pending;
        this.pending = null;
        if (p) p.reject(new Error('connection closed'));
      });
      this.socket = s;
      this.closed = false;
    });
  }

  /** Resolves {status, headers (lower-case keys), body (string)}. `onChunk` streams a chunked body instead. */
  async request(method, path, headers = {}, body, onChunk) {
    if (!this.socket || this.closed) await this.connect();
    if (this.pending) throw new Error('request already in flight');
    const payload = body === undefined ? null : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    if (payload) head += `Content-Type: application/json\r\nContent-Length: ${payload.length}\r\n`;
    head += '\r\n';
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject, onChunk, head: null, status: 0, headers: null, length: -1, chunked: false, body: [], got: 0 };
      this.buf = null;
      this.socket.write(payload ? Buffer.concat([Buffer.from(head), payload]) : head);
    });
  }

  destroy() {
    if (this.socket) this.socket.destroy();
    this.socket = null;
  }

  onData(d) {
    const p = this.pending;
    if (!p) return;
    this.buf = this.buf ? Buffer.concat([this.buf, d]) : d;
    if (!p.headers) {
      const end = this.buf.indexOf(CRLF2);
      if (end < 0) return;
      const lines = this.buf.subarray(0, end).toString('latin1').split('\r\n');
      p.status = Number(lines[0].split(' ')[1]);
      p.headers = {};
      for (const line of lines.slice(1)) {
        const i = line.indexOf(':');
        p.headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      p.chunked = /chunked/i.test(p.headers['transfer-encoding'] ?? '');
      p.length = p.chunked ? -1 : Number(p.headers['content-length'] ?? 0);
      this.buf = this.buf.subarray(end + 4);
    }
    if (p.chunked) return this.readChunks(p);
    if (this.buf.length >= p.length) {
      const body = this.buf.subarray(0, p.length).toString('utf8');
      this.buf = null;
      this.finish(p, body);
    }
  }

  readChunks(p) {
    for (;;) {
      const eol = this.buf.indexOf('\r\n');
      if (eol < 0) return;
      const size = parseInt(this.buf.subarray(0, eol).toString('latin1'), 16);
      if (this.buf.length < eol + 2 + size + 2) return;
      const chunk = this.buf.subarray(eol + 2, eol + 2 + size);
      this.buf = this.buf.subarray(eol + 2 + size + 2);
      if (size === 0) return this.finish(p, p.onChunk ? '' : Buffer.concat(p.body).toString('utf8'));
      if (p.onChunk) p.onChunk(chunk.toString('utf8'));
      else p.body.push(Buffer.from(chunk));
    }
  }

  finish(p, body) {
    this.pending = null;
    if (/close/i.test(p.headers.connection ?? '')) this.destroy();
    p.resolve({ status: p.status, headers: p.headers, body });
  }
}

/** A small pool of keep-alive connections for request/response traffic (sending, sessions). */
export class ConnPool {
  constructor(port, size) {
    this.port = port;
    this.free = Array.from({ length: size }, () => new HttpConn(port));
    this.waiting = [];
  }

  async request(method, path, headers, body) {
    const conn = this.free.pop() ?? (await new Promise((r) => this.waiting.push(r)));
    try {
      return await conn.request(method, path, headers, body);
    } finally {
      const next = this.waiting.shift();
      if (next) next(conn);
      else this.free.push(conn);
    }
  }

  close() {
    for (const c of this.free) c.destroy();
  }
}
