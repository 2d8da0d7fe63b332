// A mail's link back into a conversation, in the widget (widget/resume.ts), and
// the language the widget tells the session (mails to the visitor are in it).
// No DOM: location, history, fetch and storage are the test's.
import { afterEach, describe, expect, it, vi } from 'vitest';
import resume from '../../widget/resume.js';
import { ChatController } from '../../widget/chat-controller.js';
import type { KefuChat } from '../../widget/kefu-chat.js';
import { fakeHost } from '../client/fake-host.js';

const SERVER = 'https://chat.shop.example';
const KEY = `kefu.v1@${SERVER}.token`;

function page(hash: string) {
  const store = new Map<string, string>([[KEY, 'old-visitor-token']]);
  const replaced: string[] = [];
  vi.stubGlobal('location', { hash, pathname: '/p/2', search: '?ref=mail', href: `https://shop.example/p/2?ref=mail${hash}`, origin: 'https://shop.example' });
  vi.stubGlobal('history', { state: { kept: true }, replaceState: (_s: unknown, _t: string, url: string) => replaced.push(url) });
  vi.stubGlobal('localStorage', { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v), removeItem: (k: string) => store.delete(k) });
  const calls: string[] = [];
  const chat = {
    server: SERVER,
    connectedCallback: vi.fn(() => calls.push(`connected with ${store.get(KEY)}`)),
    set open(v: boolean) { calls.push(`open ${v}`); },
  } as unknown as KefuChat;
  return { store, replaced, chat, calls };
}

afterEach(() => vi.unstubAllGlobals());

describe('a mail\'s resume link', () => {
  it('takes the token off the address, exchanges it, keeps the answer as this browser\'s conversation, then opens the panel', async () => {
    const { replaced, chat, calls } = page('#kefu-resume=aaa.bbb.ccc');
    const fetch = vi.fn(async () => new Response(JSON.stringify({ visitorId: 'v_x', token: 'resumed-token' }), { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    await resume(chat);
    expect(replaced).toEqual(['/p/2?ref=mail']);
    expect(fetch).toHaveBeenCalledOnce();
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(`${SERVER}/kefu/api/visitor/session`);
    expect(init).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(init.body as string)).toEqual({ resume: 'aaa.bbb.ccc' });
    expect(calls).toEqual(['connected with resumed-token', 'open true']);
  });

  it('opens the panel on this browser\'s own conversation when the link is refused or the network is down', async () => {
    for (const answer of [() => Promise.resolve(new Response('{"error":{}}', { status: 403 })), () => Promise.reject(new TypeError('offline'))]) {
      const { replaced, chat, calls } = page('#kefu-resume=expired.link.token');
      vi.stubGlobal('fetch', vi.fn(answer));
      await resume(chat);
      expect(replaced).toEqual(['/p/2?ref=mail']);
      expect(calls).toEqual(['connected with old-visitor-token', 'open true']);
    }
  });
});

describe('the session the widget opens', () => {
  it('carries the widget\'s language', async () => {
    vi.stubGlobal('location', { href: 'http://site.test/page', origin: 'http://site.test' });
    vi.stubGlobal('document', { referrer: '' });
    const host = fakeHost();
    const c = new ChatController(host, { base: 'http://127.0.0.1:9', transport: 'long-poll', lang: 'zh-CN' });
    const session = vi.spyOn(c.api, 'session').mockResolvedValue({
      token: 't', visitorId: 'v_AAAAAAAAAAAAAAAAAAAAAA', cursor: 'c0', agentsOnline: 1, verified: false, name: null, email: null, consentAt: null, askRating: false,
    });
    vi.spyOn(c.api, 'history').mockResolvedValue([]);
    vi.spyOn(c.api, 'poll').mockImplementation((_c, _w, signal) => new Promise((_, reject) => signal!.addEventListener('abort', () => reject(new Error('aborted')))));
    host.connect();
    await c.start({ name: 'Bo' });
    expect(session.mock.calls[0][0]).toMatchObject({ name: 'Bo', lang: 'zh-CN', page: 'http://site.test/page' });
    host.disconnect();
  });
});
