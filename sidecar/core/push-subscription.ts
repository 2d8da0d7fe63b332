// What a console may register as a push subscription (docs/PROTOCOL.md, "Web
// Push"): the browser's PushSubscription JSON, checked strictly before
// anything is stored, because the sidecar will later POST to its endpoint.
import { isIP } from 'node:net';
import { badRequest } from './kefu-error.js';
import type { PushSubscriptionInput } from '../store/push-store.js';

const MAX_URL = 2048;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;
/** Visible ASCII: what a serialised URL is made of; anything else is not from a browser. */
const URL_CHARS = /^[\x21-\x7e]+$/;

export interface SubscriptionRules {
  /** Tests only: endpoints on http://127.0.0.1 or http://localhost (a local push service). */
  allowHttpEndpoints: boolean;
}

function decode(value: unknown, name: string, bytes: number): string {
  if (typeof value !== 'string' || value.length > 200 || !BASE64URL.test(value)) throw badRequest(`keys.${name} must be base64url text`);
  const raw = Buffer.from(value, 'base64url');
  if (raw.length !== bytes) throw badRequest(`keys.${name} must hold ${bytes} bytes`);
  // Kept unpadded, the form browsers hand out and web-push expects.
  return raw.toString('base64url');
}

const isLoopback = (host: string) => host === '127.0.0.1' || host === 'localhost' || host === '[::1]';

function endpointOf(value: unknown, rules: SubscriptionRules): string {
  if (typeof value !== 'string' || !value || value.length > MAX_URL || !URL_CHARS.test(value)) {
    throw badRequest(`endpoint must be an https address of at most ${MAX_URL} characters`);
  }
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw badRequest('endpoint must be an https address');
  }
  if (u.username || u.password) throw badRequest('endpoint must not carry a user name or password');
  if (u.protocol === 'http:' && rules.allowHttpEndpoints && isLoopback(u.hostname)) return u.href;
  if (u.protocol !== 'https:') throw badRequest('endpoint must be an https address');
  // Push services are public hosts. An address or a local name would let a token holder
  // make the sidecar POST into the network it runs in.
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) || host === 'localhost' || host.endsWith('.localhost') || !host.includes('.')) {
    throw badRequest('endpoint must be a push service on a public host name');
  }
  return u.href;
}

/** The console page a notification opens: http(s), no fragment (the notification adds its own). */
function pageOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > MAX_URL || !URL_CHARS.test(value)) throw badRequest(`page must be an address of at most ${MAX_URL} characters`);
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw badRequest('page must be an address');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw badRequest('page must be an http or https address');
  u.hash = '';
  return u.href;
}

/**
 * `body` is `PushSubscription.toJSON()` (`{endpoint, expirationTime, keys:
 * {p256dh, auth}}`) plus the console's `lang` and `page`. Throws a 400 that
 * says what is wrong; `label` comes from the request's User-Agent.
 */
export function parsePushSubscription(body: Record<string, unknown>, label: string | null, rules: SubscriptionRules): PushSubscriptionInput {
  const endpoint = endpointOf(body.endpoint, rules);
  const keys = body.keys;
  if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) throw badRequest('keys must be an object with p256dh and auth');
  const { p256dh, auth } = keys as Record<string, unknown>;
  const publicKey = decode(p256dh, 'p256dh', 65);
  // An uncompressed P-256 point starts with 4 (RFC 8291, section 3.1).
  if (Buffer.from(publicKey, 'base64url')[0] !== 4) throw badRequest('keys.p256dh must be an uncompressed P-256 public key');
  const secret = decode(auth, 'auth', 16);
  const expiration = body.expirationTime;
  if (expiration !== undefined && expiration !== null && (typeof expiration !== 'number' || !Number.isFinite(expiration))) {
    throw badRequest('expirationTime must be a number or null');
  }
  const lang = body.lang === undefined || body.lang === null ? 'en' : body.lang;
  if (lang !== 'en' && lang !== 'zh-CN') throw badRequest('lang must be en or zh-CN');
  return { endpoint, p256dh: publicKey, auth: secret, label, lang, page: pageOf(body.page) };
}

/** The endpoint of a DELETE: the same rules, since only what was stored can match. */
export function parseEndpoint(body: Record<string, unknown>, rules: SubscriptionRules): string {
  return endpointOf(body.endpoint, rules);
}
