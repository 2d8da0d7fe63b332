// A push service on this machine, for the tests (no browser vendor's is
// reachable here): devices with real subscription keys (P-256 ECDH and a
// 16-byte auth secret, as a browser makes them), and an HTTP endpoint that
// checks every notification as a push service would, its VAPID signature
// (RFC 8292: an ES256 JWT for this origin, not expired, signed by the key in
// `k`), then decrypts it as the browser would (RFC 8291, aes128gcm).
import { createECDH, randomBytes, type ECDH } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, importJWK, jwtVerify } from 'jose';
import * as ece from 'http_ece';

export interface PushDevice {
  name: string;
  /** What PushSubscription.toJSON() gives a page. */
  subscription: { endpoint: string; expirationTime: null; keys: { p256dh: string; auth: string } };
  ecdh: ECDH;
  auth: Buffer;
}

export interface Delivery {
  device: string;
  headers: IncomingHttpHeaders;
  /** The VAPID public key (`k`) the JWT was verified with. */
  vapidKey: string;
  claims: { aud: string; exp: number; sub: string };
  /** The decrypted payload, parsed. */
  payload: Record<string, unknown>;
}

export interface LocalPushService {
  origin: string;
  device(name: string): PushDevice;
  /** The status the endpoint of a device answers from now on (201 by default: 410 for "gone"). */
  answer(name: string, status: number): void;
  received: Delivery[];
  /** Requests that failed a check, with why. */
  rejected: string[];
  close(): Promise<void>;
}

/** The public key of `k=` as a JWK, to verify the JWT with. */
async function vapidKey(k: string) {
  const point = Buffer.from(k, 'base64url');
  if (point.length !== 65 || point[0] !== 4) throw new Error('k is not an uncompressed P-256 point');
  return importJWK({ kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') }, 'ES256');
}

export async function startPushService(): Promise<LocalPushService> {
  const devices = new Map<string, PushDevice>();
  const answers = new Map<string, number>();
  const received: Delivery[] = [];
  const rejected: string[] = [];
  let origin = '';

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const name = /^\/push\/([a-z0-9-]+)$/.exec(req.url ?? '')?.[1] ?? '';
      const device = devices.get(name);
      try {
        if (req.method !== 'POST' || !device) throw new Error(`no such endpoint: ${req.method} ${req.url}`);
        const auth = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(req.headers.authorization ?? '');
        if (!auth) throw new Error(`Authorization is not "vapid t=…, k=…": ${req.headers.authorization}`);
        const [, jwt, k] = auth;
        if (decodeJwt(jwt).aud !== origin) throw new Error('aud is not this push service\'s origin');
        const { payload: claims, protectedHeader } = await jwtVerify(jwt, await vapidKey(k), { algorithms: ['ES256'], audience: origin });
        if (protectedHeader.alg !== 'ES256') throw new Error('not ES256');
        if (typeof claims.exp !== 'number' || claims.exp <= Date.now() / 1000 || claims.exp > Date.now() / 1000 + 24 * 3600) throw new Error('exp is not within 24 hours ahead');
        if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub)) throw new Error('sub is not mailto: or https:');
        if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error(`Content-Encoding is ${req.headers['content-encoding']}`);
        if (!req.headers.ttl) throw new Error('no TTL');
        const plain = ece.decrypt(Buffer.concat(chunks), { version: 'aes128gcm', privateKey: device.ecdh, authSecret: device.auth });
        received.push({
          device: name,
          headers: req.headers,
          vapidKey: k,
          claims: claims as Delivery['claims'],
          payload: JSON.parse(plain.toString('utf8')) as Record<string, unknown>,
        });
        res.statusCode = answers.get(name) ?? 201;
        res.end();
      } catch (err) {
        rejected.push(String(err instanceof Error ? err.message : err));
        res.statusCode = 400;
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    received,
    rejected,
    device(name) {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      const device: PushDevice = {
        name,
        ecdh,
        auth,
        subscription: {
          endpoint: `${origin}/push/${name}`,
          expirationTime: null,
          keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
        },
      };
      devices.set(name, device);
      return device;
    },
    answer(name, status) {
      answers.set(name, status);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
