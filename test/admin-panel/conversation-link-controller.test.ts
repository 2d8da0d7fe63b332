// The console opens the conversation a push notification names: from the
// address's #conversation= and from the service worker's message; it listens
// only while connected (a fake host and fake event targets, no DOM).
import { describe, expect, it } from 'vitest';
import { ConversationLinkController, conversationInHash } from '../../admin-panel/conversation-link-controller.js';
import { OPEN_CONVERSATION } from '../../admin-panel/push-click.js';
import { fakeHost } from '../client/fake-host.js';

const V = 'v_AAAAAAAAAAAAAAAAAAAAAA';

function setup(hash = '') {
  const host = fakeHost();
  const opened: string[] = [];
  const serviceWorker = new EventTarget();
  const location = { hash };
  new ConversationLinkController(host, (id) => opened.push(id), { location, serviceWorker });
  const message = (data: unknown) => serviceWorker.dispatchEvent(new MessageEvent('message', { data }));
  return { host, opened, location, message };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('conversation links', () => {
  it('reads the conversation from the fragment, among other parts, decoded', () => {
    expect(conversationInHash(`#conversation=${V}`)).toBe(V);
    expect(conversationInHash(`#token=abc&conversation=guest%2042`)).toBe('guest 42');
    expect(conversationInHash('#token=abc')).toBeUndefined();
    expect(() => conversationInHash('#conversation=%E0%A4%A')).not.toThrow();
    expect(conversationInHash('#conversation=')).toBeUndefined();
    expect(conversationInHash('#conversation=' + 'x'.repeat(65))).toBeUndefined();
  });

  it('opens the fragment\'s conversation once connected, and the one a notification click names', async () => {
    const t = setup(`#conversation=${V}`);
    expect(t.opened).toEqual([]);
    t.host.connect();
    await settle();
    expect(t.opened).toEqual([V]);
    t.message({ type: OPEN_CONVERSATION, visitorId: 'v_other' });
    t.message({ type: 'something-else', visitorId: 'v_nope' });
    t.message(null);
    expect(t.opened).toEqual([V, 'v_other']);
  });

  it('stops listening when disconnected and listens again when put back', async () => {
    const t = setup();
    t.host.connect();
    t.host.disconnect();
    t.message({ type: OPEN_CONVERSATION, visitorId: V });
    await settle();
    expect(t.opened).toEqual([]);
    t.host.connect();
    t.message({ type: OPEN_CONVERSATION, visitorId: V });
    expect(t.opened).toEqual([V]);
  });
});
