import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { jwtClaims, jwtExpiry, TokenSource } from '../../client/token-source.js';

const b64url = (s: string) => Buffer.from(s).toString('base64url');
const fakeJwt = (claims: object) => `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(JSON.stringify(claims))}.sig`;

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

describe('token helpers', () => {
  it('reads exp, sub and a non-ASCII name from a token', () => {
    const token = fakeJwt({ sub: 'agent:7', name: '小王', exp: 2_000_000_000 });
    expect(jwtExpiry(token)).toBe(2_000_000_000_000);
    expect(jwtClaims(token)).toMatchObject({ sub: 'agent:7', name: '小王' });
  });

  it('treats garbage as a token without claims', () => {
    expect(jwtExpiry('nonsense')).toBeUndefined();
    expect(jwtClaims('a.%%%.b')).toEqual({});
  });
});

describe('TokenSource', () => {
  it('fetches a fresh token from token-url with the WordPress nonce', async () => {
    const fresh = fakeJwt({ sub: 'agent:1', exp: Math.floor(Date.now() / 1000) + 3600 });
    let nonce: string | undefined;
    server = createServer((req, res) => {
      nonce = req.headers['x-wp-nonce'] as string | undefined;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ token: fresh, expiresAt: 0 }));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/wp-json/kefu/v1/token`;
    const seen: string[] = [];
    const source = new TokenSource(fakeJwt({ sub: 'agent:1', exp: 1 }), { url, nonce: 'n0nce', onToken: (t) => seen.push(t) });
    expect(await source.refresh()).toBe(fresh);
    expect(source.token).toBe(fresh);
    expect(seen).toEqual([fresh]);
    expect(nonce).toBe('n0nce');
    source.dispose();
  });

  it('keeps the current token when token-url fails', async () => {
    server = createServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
    const errors: unknown[] = [];
    const source = new TokenSource('old', { url, onError: (e) => errors.push(e) });
    expect(await source.refresh()).toBe('old');
    expect(errors).toHaveLength(1);
    source.dispose();
  });
});
