// An agent's picture as the CMS gave it: the agent token's `avatar` claim. The
// widget shows it as an <img> on every site that embeds the chat, so only an
// https address passes (an http image there is mixed content, and anything else
// — javascript:, data: — is never a picture we load); plain http only for this
// machine, where tests serve their own images.
export const AVATAR_MAX_CHARS = 512;
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost']);

/** The URL, normalised, when it is one the widget may show; else undefined (the claim is ignored). */
export function avatarUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > AVATAR_MAX_CHARS) return undefined;
  // The URL parser quietly drops tabs, newlines and outer spaces; a claim with them is not taken at all.
  if (!/^[\x21-\x7e\u00a0-\uffff]+$/.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const allowed = url.protocol === 'https:' || (url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname));
  // Credentials in an image address would reach every visitor's browser.
  if (!allowed || url.username || url.password) return undefined;
  return url.href.length <= AVATAR_MAX_CHARS ? url.href : undefined;
}
