// The 'forever frame': a hidden iframe whose HTML response never ends, each
// event one <script> chunk calling parent.postMessage. For agents (PROTOCOL.md)
// and, in the same format, for visitors (docs/protocol-notes.md).
import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { randomBytes } from 'node:crypto';
import { errorCode, KefuError } from '../core/kefu-error.js';
import { requestSignal, type HeldConnections } from '../http/held-connections.js';
import { queryCursor, queryString } from '../http/request-input.js';
import { selfOrigin } from '../http/self-origin.js';
import type { Cursor } from '../core/cursor.js';
import type { Message, Scope, StreamEvent } from '../core/message.js';
import { TICKET_MAX_CHARS, type Identity } from '../auth/tokens.js';
import type { Runtime } from '../runtime.js';

const PRELUDE_PADDING = 2048;
/**
 * A woken stream waits this long before it collects, so the rows that arrive
 * meanwhile go out in one write: at 200 messages/s to 100 agent streams, one
 * write per row per stream was 20,000 socket writes a second and a p99 of
 * 843 ms (docs/benchmarks.md); batched, a few thousand.
 */
const COALESCE_MS = 10;

/**
 * Run first in the frame: whenever the parser adds to the body, everything
 * before its newest element goes (earlier chunks' scripts have all run: a
 * parser-inserted script runs at its end tag, before the next one starts; and
 * the line breaks between them). The frame's DOM stays a few nodes however long
 * the stream lives, and the chunks keep the protocol's plain form. What still
 * grows is the parser's own copy of the bytes (about 2.6 MiB of the tab's memory
 * per MiB of stream, half of it without this), which only a new frame gives
 * back: hence KEFU_STREAM_MAX_BYTES (docs/benchmarks.md).
 */
const PRUNE_SCRIPTS =
  'new MutationObserver(function(){var b=document.body,l=b.lastElementChild;while(b.firstChild&&b.firstChild!==l)b.removeChild(b.firstChild)})' +
  '.observe(document.body,{childList:true})';

/** A message's script-safe JSON, made once however many streams carry it. */
const messageJson = new WeakMap<Message, string>();

function jsonOfMessage(m: Message): string {
  let json = messageJson.get(m);
  if (json === undefined) messageJson.set(m, (json = scriptSafeJson(m)));
  return json;
}

/** JSON that cannot end a <script> element or break a JS string literal. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function allowedOrigin(rt: Runtime, ctx: Context, origin: string | undefined): string {
  if (!origin) throw new KefuError('bad_request', 'origin is required');
  let normal: string;
  try {
    normal = new URL(origin).origin;
  } catch {
    throw new KefuError('forbidden', 'origin not allowed');
  }
  if (normal !== origin || (normal !== selfOrigin(ctx) && !rt.config.allowedOrigins.includes(normal))) {
    throw new KefuError('forbidden', 'origin not allowed');
  }
  return normal;
}

export function iframeStreamRoutes(router: Router, rt: Runtime, held: HeldConnections): void {
  async function stream(ctx: Context, kind: Identity['kind']) {
    const origin = allowedOrigin(rt, ctx, queryString(ctx, 'origin', 512));
    const ticketText = queryString(ctx, 'ticket', TICKET_MAX_CHARS);
    if (!ticketText) throw new KefuError('unauthorized', 'ticket is required');
    const ticket = await rt.tokens.readTicket(ticketText);
    if (ticket.who.kind !== kind) throw new KefuError('forbidden', `this stream is for ${kind}s`);
    let given = true;
    const cursor = queryCursor(ctx, () => { given = false; return rt.delivery.currentCursor(); });
    if (!(await rt.store.consumeTicket(ticket.jti, ticket.expiresAt))) throw new KefuError('unauthorized', 'ticket already used');
    // As with polls, the cursor a visitor comes back with says what it received.
    // (A stream's own chunks prove nothing: they may die in a buffer; see protocol-notes.)
    if (given && ticket.who.kind === 'visitor') rt.chat.visitorReceived(ticket.who.visitorId, cursor);
    const release = held.hold(ctx.ip);
    const who = ticket.who;
    const scope: Scope = who.kind === 'agent' ? { kind: 'agents' } : { kind: 'visitor', visitorId: who.visitorId };
    const markSeen = () => (who.kind === 'agent' ? rt.presence.agentSeen(who.agent) : rt.presence.visitorSeen(who.visitorId));
    markSeen();
    // An agent's stream ends with the token it was opened with: to go on, the console
    // needs a fresh token, which the CMS refuses to a user who lost the right to it.
    const maxMs = who.kind === 'agent' && who.until ? Math.min(rt.config.streamMaxMs, who.until - Date.now()) : rt.config.streamMaxMs;
    await runStream(ctx, rt, scope, cursor, origin, markSeen, maxMs).finally(release);
  }

  router.get('/agent/stream', (ctx) => stream(ctx, 'agent'));
  router.get('/visitor/stream', (ctx) => stream(ctx, 'visitor'));
}

async function runStream(ctx: Context, rt: Runtime, scope: Scope, start: Cursor, origin: string, markSeen: () => void, maxMs: number): Promise<void> {
  const { config, delivery } = rt;
  const nonce = randomBytes(16).toString('base64');
  const res = ctx.res;
  ctx.respond = false;
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Accel-Buffering': 'no',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; frame-ancestors 'self' ${[...config.allowedOrigins].join(' ')}`.trim(),
    'Referrer-Policy': 'no-referrer',
  });
  const originJson = scriptSafeJson(origin);
  let bytes = 0;
  // Chunks of one batch go out in one write.
  let pending: string[] = [];
  const write = (chunk: string) => {
    bytes += Buffer.byteLength(chunk);
    pending.push(chunk);
  };
  const flush = () => {
    if (!pending.length) return;
    const text = pending.length === 1 ? pending[0] : pending.join('');
    pending = [];
    res.write(text);
  };
  write(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>kefu stream</title></head><body>\n<!--${' '.repeat(PRELUDE_PADDING)}-->\n` +
    `<script nonce="${nonce}">${PRUNE_SCRIPTS}</script>\n`);
  const chunk = (json: string) => write(`<script nonce="${nonce}">parent.postMessage(${json}, ${originJson})</script>\n`);
  const send = (event: StreamEvent) => chunk(scriptSafeJson({ kefu: event }));
  // Same JSON as send({type: 'message', …}), with the message's part made once for all streams.
  const sendMessage = (m: Message, cursorJson: string) => chunk(`{"kefu":{"type":"message","message":${jsonOfMessage(m)},"cursor":${cursorJson}}}`);

  let cursor = start;
  const online = () => rt.delivery.agentsOnlineFor(scope);
  let agentsOnline = online();
  // At once: the client learns that the frame runs (not held by a buffering proxy) and who is online.
  send({ type: 'ping' });
  send({ type: 'presence', agentsOnline });
  flush();
  const { signal: gone, dispose: stopWatching } = requestSignal(res);
  const startedAt = performance.now();
  let wake: (() => void) | null = null;
  const sub = delivery.subscribe(scope, cursor, () => wake?.());
  const ping = setInterval(() => { send({ type: 'ping' }); flush(); markSeen(); }, config.pingIntervalMs);
  const stop = () => wake?.();
  gone.addEventListener('abort', stop);
  const unwatch = rt.shutdown.watch(stop);
  try {
    for (;;) {
      const version = rt.feed.version;
      const batch = await delivery.collect(scope, cursor);
      if (gone.aborted) return;
      // Only the last message of a batch carries the new cursor: a frame cut mid-batch resumes before it.
      const nextJson = scriptSafeJson(delivery.encode(batch.next));
      const heldJson = batch.messages.length > 1 ? scriptSafeJson(delivery.encode(cursor)) : nextJson;
      batch.messages.forEach((message, i) => sendMessage(message, i === batch.messages.length - 1 ? nextJson : heldJson));
      for (const e of batch.events) send(e);
      if (online() !== agentsOnline) {
        agentsOnline = online();
        send({ type: 'presence', agentsOnline });
      }
      flush();
      cursor = batch.next;
      sub.high = cursor.high;
      sub.gaps = cursor.gaps;
      sub.event = cursor.event;
      sub.eventGaps = cursor.eventGaps ?? [];
      const left = maxMs - (performance.now() - startedAt);
      if (left <= 0 || bytes >= config.streamMaxBytes || rt.shutdown.aborted) break;
      if (batch.messages.length >= 100) continue;
      const woken = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => done(false), left);
        function done(byData: boolean) { clearTimeout(timer); wake = null; resolve(byData); }
        wake = () => done(!gone.aborted && !rt.shutdown.aborted);
        if (gone.aborted || rt.shutdown.aborted) done(false);
        else if (rt.feed.version !== version) done(true);
      });
      if (gone.aborted) return;
      if (woken) await new Promise((r) => setTimeout(r, COALESCE_MS));
      if (gone.aborted) return;
    }
    send({ type: 'reconnect', cursor: delivery.encode(cursor) });
    flush();
    res.end('</body></html>');
  } catch (err) {
    // The status is sent; an error can only end the stream, with a cursor to resume from.
    rt.log.warn('stream ended by an error', { code: errorCode(err) });
    if (!res.writableEnded) {
      send({ type: 'reconnect', cursor: delivery.encode(cursor) });
      flush();
      res.end();
    }
  } finally {
    clearInterval(ping);
    gone.removeEventListener('abort', stop);
    stopWatching();
    unwatch();
    delivery.unsubscribe(sub);
    if (gone.aborted) res.destroy();
  }
}
