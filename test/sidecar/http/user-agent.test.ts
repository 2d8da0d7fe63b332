import { describe, expect, it } from 'vitest';
import { summariseUserAgent } from '../../../sidecar/http/user-agent.js';

describe('summariseUserAgent', () => {
  it.each([
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Chrome 131', 'Windows 10', 'desktop'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', 'Safari 17', 'iOS 17.5', 'mobile'],
    ['Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1', 'Safari 16', 'iOS 16.6', 'tablet'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36', 'Chrome 131', 'Android 14', 'mobile'],
    // Every macOS since 11 says 10.15.7: no number is better than a wrong one.
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15', 'Safari 17', 'macOS', 'desktop'],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox 133', 'Linux', 'desktop'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.44(0x18002c2f) NetType/WIFI Language/zh_CN', 'WeChat 8', 'iOS 17.0', 'mobile'],
  ])('reads %s', (ua, browser, os, device) => {
    expect(summariseUserAgent(ua)).toEqual({ browser, os, device });
  });

  it('knows nothing of a missing, empty or unrecognised header, and no device for a crawler', () => {
    const nothing = { browser: null, os: null, device: null };
    expect(summariseUserAgent(undefined)).toEqual(nothing);
    expect(summariseUserAgent('   ')).toEqual(nothing);
    expect(summariseUserAgent('Googlebot/2.1 (+http://www.google.com/bot.html)').device).toBeNull();
  });

  it('keeps every field within 64 characters, whatever the header', () => {
    const long = summariseUserAgent(`Mozilla/5.0 (Windows NT 10.0) ${'x'.repeat(10_000)}`);
    for (const v of Object.values(long)) expect((v ?? '').length).toBeLessThanOrEqual(64);
    const odd = summariseUserAgent(`${'A'.repeat(200)}/1.0`);
    for (const v of Object.values(odd)) expect((v ?? '').length).toBeLessThanOrEqual(64);
  });
});
