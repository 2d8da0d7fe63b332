// Reading and checking what a request carries. Everything wrong is a 400
// with a sentence that says what to fix; nothing is written before this passes.
import type { Context } from 'koa';
import { badRequest } from '../core/kefu-error.js';
import { CursorError, decodeCursor, type Cursor } from '../core/cursor.js';

export function jsonBody(ctx: Context): Record<string, unknown> {
  const body = (ctx.request as { body?: unknown }).body;
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('request body must be a JSON object');
  return body as Record<string, unknown>;
}

export function optionalString(body: Record<string, unknown>, key: string, max: number): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badRequest(`${key} must be a string`);
  const s = v.trim();
  if (s.length > max) throw badRequest(`${key} must be at most ${max} characters`);
  if (!s.isWellFormed() || s.includes('\0')) throw badRequest(`${key} must be valid text`);
  return s;
}

/**
 * An IANA time zone name (`Asia/Shanghai`) of at most 64 characters that this
 * runtime's Intl knows. Kept as the browser spelled it: ICU's canonical form
 * can be an older name (`Asia/Kolkata` becomes `Asia/Calcutta`).
 */
/**
 * An IANA zone name. A malformed value is refused; a well-formed name this
 * server's time zone data does not know (a zone newer than its ICU) is
 * dropped (undefined: the record keeps what it had), so a visitor with a
 * newer browser still gets a session.
 */
export function optionalTimeZone(body: Record<string, unknown>, key: string): string | undefined {
  const s = optionalString(body, key, 64);
  if (s === undefined) return undefined;
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(s)) {
    throw badRequest(`${key} must be a time zone name such as "Europe/Paris" or "Asia/Shanghai"`);
  }
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: s });
    return s;
  } catch {
    return undefined;
  }
}

export function optionalBoolean(body: Record<string, unknown>, key: string): boolean | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw badRequest(`${key} must be true or false`);
  return v;
}

export function requiredBoolean(body: Record<string, unknown>, key: string): boolean {
  const v = body[key];
  if (typeof v !== 'boolean') throw badRequest(`${key} must be true or false`);
  return v;
}

/** What query readers need: Koa's ctx, or a parsed query for requests served before Koa. */
export interface HasQuery {
  query: Record<string, string | string[] | undefined>;
}

function singleQuery(ctx: HasQuery, key: string): string | undefined {
  const v = ctx.query[key];
  if (Array.isArray(v)) throw badRequest(`${key} must be given once`);
  return v === undefined || v === '' ? undefined : v;
}

/** A whole number in [min, max]; `fallback` when absent. */
export function queryInt(ctx: HasQuery, key: string, min: number, max: number, fallback: number | null): number | null {
  const raw = singleQuery(ctx, key);
  if (raw === undefined) return fallback;
  if (!/^\d{1,16}$/.test(raw) || Number(raw) < min || Number(raw) > max) throw badRequest(`${key} must be a whole number from ${min} to ${max}`);
  return Number(raw);
}

export function bodyMid(body: Record<string, unknown>, key: string): number {
  const v = body[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw badRequest(`${key} must be a message id (a whole number)`);
  return v;
}

export function queryCursor(ctx: HasQuery, fallback: () => Cursor): Cursor {
  const raw = singleQuery(ctx, 'cursor');
  if (raw === undefined) return fallback();
  try {
    return decodeCursor(raw);
  } catch (err) {
    if (err instanceof CursorError) throw badRequest(err.message);
    throw err;
  }
}

/** `wait` in seconds, 0 to 30, default 25; returned in milliseconds. */
export function queryWaitMs(ctx: HasQuery): number {
  const raw = singleQuery(ctx, 'wait');
  if (raw === undefined) return 25_000;
  if (!/^\d{1,2}(\.\d{1,3})?$/.test(raw) || Number(raw) > 30) throw badRequest('wait must be a number of seconds from 0 to 30');
  return Math.round(Number(raw) * 1000);
}

export function queryString(ctx: HasQuery, key: string, max: number): string | undefined {
  const raw = singleQuery(ctx, key);
  if (raw !== undefined && raw.length > max) throw badRequest(`${key} is too long`);
  return raw;
}

/** Conversation ids in agent routes: a visitor id, or an id from an adopted table. */
export function conversationParam(value: string | undefined): string {
  if (!value || !/^[A-Za-z0-9_.@:-]{1,64}$/.test(value) || value === 'admin' || value.startsWith('agent:')) {
    throw badRequest('not a conversation id');
  }
  return value;
}
