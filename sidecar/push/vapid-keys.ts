// The VAPID key pair that identifies this site to push services (RFC 8292).
// From KEFU_VAPID_PUBLIC_KEY / KEFU_VAPID_PRIVATE_KEY when set; otherwise made
// once with web-push and kept in the settings table, so that every process and
// every restart signs with the same pair (a new pair would orphan every
// subscription: browsers tie a subscription to the key it was made with).
import webpush from 'web-push';
import type { SettingStore } from '../store/setting-store.js';
import type { VapidKeys } from './web-push-sender.js';

export const VAPID_SETTING = 'vapid_keys';

function parse(value: string | null): VapidKeys | null {
  if (!value) return null;
  try {
    const v = JSON.parse(value) as Partial<VapidKeys>;
    return typeof v.publicKey === 'string' && typeof v.privateKey === 'string' ? { publicKey: v.publicKey, privateKey: v.privateKey } : null;
  } catch {
    return null;
  }
}

export async function loadVapidKeys(
  configured: { vapidPublicKey: string | null; vapidPrivateKey: string | null },
  settings: SettingStore,
  generate: () => VapidKeys = () => webpush.generateVAPIDKeys(),
): Promise<VapidKeys> {
  if (configured.vapidPublicKey && configured.vapidPrivateKey) {
    return { publicKey: configured.vapidPublicKey, privateKey: configured.vapidPrivateKey };
  }
  const kept = parse(await settings.get(VAPID_SETTING));
  if (kept) return kept;
  const fresh = generate();
  // Two processes starting at once both make a pair; the one stored first is everyone's.
  await settings.addIfAbsent(VAPID_SETTING, JSON.stringify(fresh), new Date());
  const stored = parse(await settings.get(VAPID_SETTING));
  if (!stored) throw new Error(`the ${VAPID_SETTING} setting holds no key pair; delete that row to have a new pair made`);
  return stored;
}
