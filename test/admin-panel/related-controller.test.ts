import { describe, expect, it, vi } from 'vitest';
import { RelatedController, type RelatedFn } from '../../admin-panel/related-controller.js';
import type { RelatedConversation } from '../../protocol/wire.js';
import { fakeHost } from '../client/fake-host.js';

const past = (visitorId: string): RelatedConversation => ({
  visitorId, name: 'Pat', email: 'pat@example.test', verified: false, status: 'resolved', preview: 'earlier', lastAt: '2024-05-01T10:00:00.000Z',
});

interface Call {
  visitorId: string;
  signal: AbortSignal;
  answer(items: RelatedConversation[]): void;
  fail(err: unknown): void;
}

/** A controller whose every fetch waits for the test to answer it. */
function scripted() {
  const calls: Call[] = [];
  const fetchRelated = vi.fn<RelatedFn>((visitorId, signal) => new Promise((answer, fail) => calls.push({ visitorId, signal, answer, fail })));
  const host = fakeHost();
  const c = new RelatedController(host, fetchRelated);
  host.connect();
  return { c, host, calls };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('RelatedController', () => {
  it('asks once per conversation shown, again only when its email changes', async () => {
    const { c, host, calls } = scripted();
    c.show('v_one', 'pat@example.test');
    c.show('v_one', ' PAT@example.test ');
    expect(calls.map((x) => x.visitorId)).toEqual(['v_one']);
    calls[0].answer([past('v_two')]);
    await settle();
    expect(c.items.map((r) => r.visitorId)).toEqual(['v_two']);
    expect(host.requestUpdate).toHaveBeenCalled();
    c.show('v_one', 'pat@example.test');
    expect(calls).toHaveLength(1);
    // The visitor gave another address: other conversations may now belong with it. The old list stays meanwhile.
    c.show('v_one', 'pat@elsewhere.test');
    expect(calls).toHaveLength(2);
    expect(c.items).toHaveLength(1);
  });

  it('drops the previous visitor\'s list at once and an answer that comes after another conversation was shown', async () => {
    const { c, calls } = scripted();
    c.show('v_one', 'a@example.test');
    calls[0].answer([past('v_x')]);
    await settle();
    c.show('v_two', 'b@example.test');
    expect(c.items).toEqual([]);
    c.show('v_three', null);
    expect(calls[1].signal.aborted).toBe(true);
    calls[1].answer([past('v_late')]);
    calls[2].answer([]);
    await settle();
    expect(c.items).toEqual([]);
    c.show(undefined, undefined);
    expect(calls).toHaveLength(3);
  });

  it('shows nothing when the request fails, and asks again when the conversation is shown again', async () => {
    const { c, calls } = scripted();
    c.show('v_one', 'a@example.test');
    calls[0].fail(new Error('offline'));
    await settle();
    expect(c.items).toEqual([]);
    c.show(undefined, undefined);
    c.show('v_one', 'a@example.test');
    expect(calls).toHaveLength(2);
  });

  it('aborts when the host leaves and asks again when it comes back, not when the answer was in', async () => {
    const { c, host, calls } = scripted();
    c.show('v_one', 'a@example.test');
    host.disconnect();
    expect(calls[0].signal.aborted).toBe(true);
    host.connect();
    expect(calls).toHaveLength(2);
    calls[1].answer([past('v_two')]);
    await settle();
    host.disconnect();
    host.connect();
    expect(calls).toHaveLength(2);
    expect(c.items).toHaveLength(1);
  });
});
