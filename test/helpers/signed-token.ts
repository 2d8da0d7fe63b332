// A token signed the way a CMS signs one (HS256 over the site's secret, as
// the PHP side does with hash_hmac), for tests that play the site: visitor
// identity tokens of a logged-in user, agent tokens with chosen claims.
import { createHmac } from 'node:crypto';
import { base64url } from 'jose';
import { TEST_SECRET } from './sidecar.js';

export function signedToken(claims: Record<string, unknown>, secret = TEST_SECRET): string {
  const h = base64url.encode(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const p = base64url.encode(JSON.stringify(claims));
  return `${h}.${p}.${createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url')}`;
}
