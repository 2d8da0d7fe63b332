// The service worker's click decisions (admin-panel/push-click.ts), without a
// browser: which address a notification opens, which window it reuses, and
// what a push whose data is not ours still shows.
import { describe, expect, it } from 'vitest';
import { clickAction, consoleUrl, notificationOf, notificationTarget, OPEN_CONVERSATION } from '../../admin-panel/push-click.js';

const SIDECAR_SW = 'https://example.com/kefu/console-sw.js';
const WP_SW = 'https://example.com/wp-admin/admin-ajax.php?action=kefu_console_sw&console=https%3A%2F%2Fexample.com%2Fwp-admin%2Fadmin.php%3Fpage%3Dkefu';
const V = 'v_AAAAAAAAAAAAAAAAAAAAAA';

describe('push notification clicks', () => {
  it('finds the console beside the sidecar\'s worker, or where WordPress says, never on another origin', () => {
    expect(consoleUrl(SIDECAR_SW).href).toBe('https://example.com/kefu/console');
    expect(consoleUrl(WP_SW).href).toBe('https://example.com/wp-admin/admin.php?page=kefu');
    expect(consoleUrl('https://example.com/kefu/console-sw.js?console=https%3A%2F%2Fevil.example%2F').href).toBe('https://example.com/kefu/console');
  });

  it('opens the notification\'s own address on this origin, else the console, always with its conversation', () => {
    expect(notificationTarget({ visitorId: V, url: `https://example.com/wp-admin/admin.php?page=kefu#conversation=${V}` }, WP_SW))
      .toEqual({ url: `https://example.com/wp-admin/admin.php?page=kefu#conversation=${V}`, visitorId: V });
    expect(notificationTarget({ visitorId: V, url: 'https://evil.example/phish' }, SIDECAR_SW)?.url).toBe(`https://example.com/kefu/console#conversation=${V}`);
    expect(notificationTarget({ visitorId: 'guest 42/?', url: null }, WP_SW)?.url).toBe('https://example.com/wp-admin/admin.php?page=kefu#conversation=guest%2042%2F%3F');
    expect(notificationTarget({ url: 'https://example.com/kefu/console' }, SIDECAR_SW)).toBeNull();
    expect(notificationTarget({ visitorId: 'x'.repeat(65) }, SIDECAR_SW)).toBeNull();
    expect(notificationTarget(undefined, SIDECAR_SW)).toBeNull();
  });

  it('reuses a window showing the console, whatever its fragment, and else opens one', () => {
    const target = { url: `https://example.com/kefu/console#conversation=${V}`, visitorId: V };
    expect(clickAction(target, ['https://example.com/kefu/demo', 'https://example.com/kefu/console#token=gone'])).toEqual({
      focus: 1,
      message: { type: OPEN_CONVERSATION, visitorId: V },
    });
    expect(clickAction(target, ['https://example.com/kefu/demo'])).toEqual({ open: target.url });
    const wp = { url: `https://example.com/wp-admin/admin.php?page=kefu#conversation=${V}`, visitorId: V };
    expect(clickAction(wp, ['https://example.com/wp-admin/admin.php?page=kefu-settings'])).toEqual({ open: wp.url });
  });

  it('shows a push whatever it carries: our JSON, or a title of its own', () => {
    expect(notificationOf(JSON.stringify({ title: 'New conversation: Ann', body: 'Hi', visitorId: V, url: 'u', extra: 1 }))).toEqual({
      title: 'New conversation: Ann', body: 'Hi', tag: V, data: { url: 'u', visitorId: V },
    });
    expect(notificationOf('not json')).toEqual({ title: 'Kefu', body: '', tag: undefined, data: { url: undefined, visitorId: undefined } });
    expect(notificationOf(null).title).toBe('Kefu');
  });
});
