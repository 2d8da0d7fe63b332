/**
 * A fresh identity token from the site (the `identity-url` attribute: POST,
 * the nonce as X-WP-Nonce, the site's own cookies), or undefined. Only a page
 * left open past the token's life needs it, so it is a chunk of its own.
 */
export async function renewIdentity(url: string, nonce: string | undefined): Promise<string | undefined> {
  try {
    const res = await fetch(url, { method: 'POST', headers: nonce ? { 'X-WP-Nonce': nonce } : {}, credentials: 'same-origin', cache: 'no-store' });
    const body = res.ok ? ((await res.json()) as { token?: unknown }) : {};
    return typeof body.token === 'string' && body.token ? body.token : undefined;
  } catch {
    // Offline or refused: the chat goes on unverified (ChatController.doStart).
    return undefined;
  }
}
