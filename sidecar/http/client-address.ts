// The address per-address limits count against, read the same way for
// requests Koa serves and for the polls answered before Koa.
//
// A proxy such as nginx (`$proxy_add_x_forwarded_for`) or Apache's mod_proxy
// keeps the X-Forwarded-For the client sent and appends the address it saw.
// Only the entries our own proxies appended are facts: the rightmost `hops`
// of them. The first entry is whatever the client wrote, so trusting it would
// give a client a fresh quota for every address it invents. This is Koa's
// `maxIpsCount` reading (lib/request.js `ips` and `ip`).
import type { IncomingMessage } from 'node:http';

export interface ProxyTrust {
  /** Whether requests come through reverse proxies that append to X-Forwarded-For. */
  readonly trustProxy: boolean;
  /** How many such proxies are in front, each appending one entry. */
  readonly proxyHops: number;
}

/** Koa's options for the same reading, so that ctx.ips and ctx.ip agree with clientAddress. */
export function koaProxyOptions(trust: ProxyTrust): { proxy: boolean; maxIpsCount: number } {
  return { proxy: trust.trustProxy, maxIpsCount: trust.proxyHops };
}

/**
 * The client's address: the socket's peer, or behind trusted proxies the
 * entry the farthest of them appended (the `proxyHops`-th from the right).
 */
export function clientAddress(req: IncomingMessage, trust: ProxyTrust): string {
  const socketAddress = req.socket.remoteAddress ?? '';
  if (!trust.trustProxy) return socketAddress;
  const header = req.headers['x-forwarded-for'];
  if (!header) return socketAddress;
  // Node joins repeated X-Forwarded-For lines with ", ", so one string holds every hop.
  const entries = (Array.isArray(header) ? header.join(',') : header).split(',');
  const first = entries.length - Math.max(1, trust.proxyHops);
  return entries[Math.max(0, first)].trim() || socketAddress;
}
