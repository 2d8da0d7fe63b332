// What a push notification says, and what a console may register as a push
// subscription (sidecar/core/push-text.ts, push-subscription.ts).
import { describe, expect, it } from 'vitest';
import { BODY_CHARS, pushBody, pushPayload } from '../../../sidecar/core/push-text.js';
import { parsePushSubscription } from '../../../sidecar/core/push-subscription.js';
import { rowContent } from '../../../sidecar/core/attachment-text.js';
import { KefuError } from '../../../sidecar/core/kefu-error.js';

const V = 'v_AAAAAAAAAAAAAAAAAAAAAA';

describe('push text', () => {
  it('cuts the message to one line of whole characters, and names files without their address', () => {
    expect(pushBody('  hello\n\n  there ', 'en')).toBe('hello there');
    const long = '好'.repeat(200);
    const cut = pushBody(long, 'en');
    expect([...cut]).toHaveLength(BODY_CHARS);
    expect(cut.endsWith('…')).toBe(true);
    expect(pushBody('😀'.repeat(130), 'en')).toBe('😀'.repeat(BODY_CHARS - 1) + '…');
    const withFile = rowContent('see attached', [{ id: 'a_AAAAAAAAAAAAAAAAAAAAAA', name: 'invoice (2).pdf', size: 2048 }]);
    expect(pushBody(withFile, 'en')).toBe('see attached 📎 invoice (2).pdf');
    expect(pushBody('', 'zh-CN')).toBe('发送了文件');
  });

  it('titles a new conversation, a message and a long wait in the console\'s language', () => {
    const facts = { visitorId: V, name: null, content: 'hi' };
    expect(pushPayload({ ...facts, kind: 'new-conversation' }, 'en', null)).toEqual({ title: 'New conversation: Visitor AAAAAA', body: 'hi', visitorId: V, url: null });
    expect(pushPayload({ ...facts, kind: 'message', name: 'Ann' }, 'zh-CN', 'https://x.example/kefu/console').title).toBe('Ann');
    expect(pushPayload({ ...facts, kind: 'escalate', minutes: 7 }, 'zh-CN', 'https://x.example/kefu/console')).toEqual({
      title: '访客 AAAAAA 已等待回复 7 分钟', body: 'hi', visitorId: V, url: `https://x.example/kefu/console#conversation=${V}`,
    });
  });
});

describe('push subscriptions', () => {
  const keys = { p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url'), auth: Buffer.alloc(16, 1).toString('base64url') };
  const rules = { allowHttpEndpoints: false };
  const refused = (body: Record<string, unknown>, r = rules) => {
    try {
      parsePushSubscription(body, null, r);
    } catch (err) {
      return err instanceof KefuError ? err.status : err;
    }
    return 'accepted';
  };

  it('takes a browser\'s subscription, unpadded, with the page it was made on but not its fragment', () => {
    const sub = parsePushSubscription({ endpoint: 'https://fcm.googleapis.com/fcm/send/abc:def', expirationTime: null, keys: { p256dh: keys.p256dh + '=', auth: keys.auth }, lang: 'zh-CN', page: 'https://x.example/wp-admin/admin.php?page=kefu#conversation=v_1' }, 'Chrome 131', rules);
    expect(sub).toEqual({ endpoint: 'https://fcm.googleapis.com/fcm/send/abc:def', p256dh: keys.p256dh, auth: keys.auth, label: 'Chrome 131', lang: 'zh-CN', page: 'https://x.example/wp-admin/admin.php?page=kefu' });
  });

  it('refuses endpoints a push service would not have, and http except on loopback with the test flag', () => {
    expect(refused({ endpoint: 'http://127.0.0.1:9/push', keys })).toBe(400);
    expect(refused({ endpoint: 'http://127.0.0.1:9/push', keys }, { allowHttpEndpoints: true })).toBe('accepted');
    expect(refused({ endpoint: 'http://localhost:9/push', keys }, { allowHttpEndpoints: true })).toBe('accepted');
    expect(refused({ endpoint: 'http://push.example.com/push', keys }, { allowHttpEndpoints: true })).toBe(400);
    for (const endpoint of ['https://[::1]/x', 'https://192.168.1.1/x', 'https://localhost/x', 'https://kefu.localhost/x', 'https://intranet/x', 'ftp://push.example.com/x', 'https://push.example.com/' + 'x'.repeat(2048), 'https://push.example.com/ü', 42]) {
      expect({ endpoint, status: refused({ endpoint, keys }) }).toEqual({ endpoint, status: 400 });
    }
    expect(refused({ endpoint: 'https://push.example.com/x', keys, expirationTime: 'soon' })).toBe(400);
  });
});
