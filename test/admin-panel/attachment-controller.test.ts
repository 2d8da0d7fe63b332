import { afterEach, describe, expect, it, vi } from 'vitest';
import { AttachmentController } from '../../admin-panel/attachment-controller.js';
import { AgentApi } from '../../client/agent-api.js';
import type { AttachmentLimits } from '../../protocol/wire.js';
import { fakeHost } from '../client/fake-host.js';

const LIMITS: AttachmentLimits = { maxBytes: 1000, maxPerMessage: 3, types: ['image/png'], accept: '.png,image/png' };

/** A controller with no server behind it (a closed port): the test answers the API calls. */
function controller() {
  const host = fakeHost();
  const clock = { t: 1_000_000 };
  const api = new AgentApi('https://desk.example/base', () => 'tok');
  const limits = vi.spyOn(api, 'attachmentLimits').mockResolvedValue(LIMITS);
  const link = vi.spyOn(api, 'attachmentLink');
  let n = 0;
  link.mockImplementation(async (id) => ({ url: `/kefu/api/attachments/${id}?sig=${++n}`, expiresIn: 60 }));
  const withToken = vi.fn((call: () => Promise<unknown>) => call());
  const c = new AttachmentController(host, { api, withToken: withToken as <T>(call: () => Promise<T>) => Promise<T> }, () => clock.t);
  return { c, host, clock, limits, link, withToken };
}

describe('AttachmentController', () => {
  afterEach(() => vi.restoreAllMocks());

  it('asks what the server accepts when connected, and offers files only when it allows some', async () => {
    const { c, host, limits } = controller();
    expect(c.enabled).toBe(false);
    host.connect();
    await vi.waitFor(() => expect(c.limits).toEqual(LIMITS));
    expect(c.enabled).toBe(true);
    expect(limits).toHaveBeenCalledTimes(1);
    expect(host.requestUpdate).toHaveBeenCalled();
    host.disconnect();
    host.connect();
    expect(limits).toHaveBeenCalledTimes(1);
  });

  it('asks again with the next file when the limits could not be fetched', async () => {
    const { c, limits } = controller();
    limits.mockRejectedValueOnce(new Error('offline'));
    await c.add('v1', [new File(['x'], 'a.png')]);
    expect(c.enabled).toBe(false);
    expect(c.refused('v1')).toEqual([{ name: 'a.png', reason: 'offline' }]);
    await c.add('v1', [new File(['x'], 'notes.exe')]);
    expect(limits).toHaveBeenCalledTimes(2);
    expect(c.enabled).toBe(true);
    expect(c.refused('v1')).toEqual([{ name: 'notes.exe', reason: 'type' }]);
  });

  it('has nothing to send, and nothing to hold back, before any file was picked', () => {
    const { c } = controller();
    expect(c.files('v1')).toEqual([]);
    expect(c.refused(undefined)).toEqual([]);
    expect(c.take('v1')).toEqual([]);
  });

  it('gives a file\'s address against the sidecar\'s base, and the same one while it lasts', async () => {
    const { c, link, withToken } = controller();
    const first = await c.link('a_1');
    expect(first).toEqual({ url: 'https://desk.example/base/kefu/api/attachments/a_1?sig=1', expiresAt: 1_000_000 + 60_000 });
    expect(withToken).toHaveBeenCalledTimes(1);
    expect(await c.link('a_1')).toBe(first);
    expect(link).toHaveBeenCalledTimes(1);
  });

  it('asks once for a file however many ask at the same time', async () => {
    const { c, link } = controller();
    const [a, b] = await Promise.all([c.link('a_1'), c.link('a_1')]);
    expect(a).toBe(b);
    expect(link).toHaveBeenCalledTimes(1);
  });

  it('renews an address about to run out, and one that no longer works', async () => {
    const { c, clock } = controller();
    await c.link('a_1');
    clock.t += 50_000;
    expect((await c.link('a_1')).url).toMatch(/sig=2$/);
    expect((await c.link('a_1')).url).toMatch(/sig=2$/);
    expect((await c.link('a_1', true)).url).toMatch(/sig=3$/);
  });
});
