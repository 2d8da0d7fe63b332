// VisitorApi.team: the public team answer, asked without the visitor's token
// and allowed from the browser's HTTP cache (the sidecar says for how long).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VisitorApi } from '../../client/visitor-api.js';
import type { TeamAnswer } from '../../client/types.js';

const team: TeamAnswer = { agentsOnline: 1, agents: [{ id: 'agent:1', name: 'Ann', avatar: null, online: true }], replySeconds: 90 };

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('VisitorApi.team', () => {
  it('GETs /kefu/api/visitor/team without a token, cache allowed, and hands back the answer', async () => {
    const fetch = vi.fn(async (_url: string, _init: RequestInit) => new Response(JSON.stringify(team), { status: 200, headers: { 'content-type': 'application/json' } }));
    vi.stubGlobal('fetch', fetch);
    const api = new VisitorApi('http://kefu.test/', 'visitor-token');
    const signal = new AbortController().signal;
    expect(await api.team(signal)).toEqual(team);
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('http://kefu.test/kefu/api/visitor/team');
    expect(init).toMatchObject({ method: 'GET', cache: 'default', credentials: 'omit', signal });
    expect(init.headers).not.toHaveProperty('authorization');
  });

  it('turns a refusal into an ApiError like every other call', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ error: { code: 'unavailable', message: 'database unavailable' } }), { status: 503, headers: { 'content-type': 'application/json' } })));
    await expect(new VisitorApi('http://kefu.test').team()).rejects.toMatchObject({ status: 503, code: 'unavailable' });
  });
});
