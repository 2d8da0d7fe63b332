// Sends one notification: the web-push library encrypts the payload for the
// browser (RFC 8291, aes128gcm) and signs the VAPID header (RFC 8292); this
// file only posts what it made. Posting with fetch rather than the library's
// own https call keeps one HTTP client and lets the tests' local push service
// listen on plain http (KEFU_PUSH_ALLOW_HTTP_ENDPOINTS).
import webpush from 'web-push';
import type { PushSubscriptionRecord } from '../store/push-store.js';
import type { PushOutcome, PushSender } from '../core/push-notifier.js';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/** How long a push service keeps a notification for a device that is off: after an hour it is stale news. */
const TTL_SECONDS = 3600;
const TIMEOUT_MS = 10_000;

export class WebPushSender implements PushSender {
  constructor(
    /** Resolves once the keys are loaded (push/vapid-keys.ts); sends wait for it. */
    private readonly keys: Promise<VapidKeys>,
    private readonly subject: string,
  ) {}

  async send(target: PushSubscriptionRecord, payload: string, topic: string): Promise<PushOutcome> {
    const { publicKey, privateKey } = await this.keys;
    const request = webpush.generateRequestDetails(
      { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
      payload,
      {
        vapidDetails: { subject: this.subject, publicKey, privateKey },
        contentEncoding: 'aes128gcm',
        TTL: TTL_SECONDS,
        urgency: 'high',
        topic,
      },
    );
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      // fetch sets the length of the body it sends.
      if (name.toLowerCase() !== 'content-length') headers[name] = String(value);
    }
    const res = await fetch(request.endpoint, {
      method: 'POST',
      headers,
      body: new Uint8Array(request.body),
      // A push service answers; it does not send us elsewhere (an endpoint is checked once, when stored).
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    // The answer's text is of no use and may quote the endpoint: read and dropped.
    await res.arrayBuffer().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { sent: true };
    return { sent: false, gone: res.status === 404 || res.status === 410, status: res.status };
  }
}
