import { afterEach, describe, expect, it, vi } from 'vitest';
import { VisitorApi } from '../../client/visitor-api.js';

const answer = { visitorId: 'v_AAAAAAAAAAAAAAAAAAAAAA', token: 't2', cursor: 'c0', agentsOnline: 0, name: null, email: null, verified: false, consentAt: null };
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('VisitorApi.session', () => {
  it('tells the server the browser\'s time zone, for the agents\' "local time"', async () => {
    const bodies: unknown[] = [];
    vi.stubGlobal('fetch', vi.fn(async (_url: string, init: RequestInit) => (bodies.push(JSON.parse(String(init.body))), json(200, answer))));
    const api = new VisitorApi('http://kefu.test');
    await api.session({ name: 'Lin' });
    expect(bodies).toEqual([{ name: 'Lin', timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone }]);
    expect(api.token).toBe('t2');
  });
});
