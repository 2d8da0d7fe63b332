// A Lit host without a DOM, for testing ReactiveControllers: it records the
// controllers and render requests, and plays connecting and disconnecting.
import { expect, vi, type Mock } from 'vitest';
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface FakeHost extends ReactiveControllerHost {
  requestUpdate: Mock<() => void>;
  connect(): void;
  disconnect(): void;
}

export function fakeHost(): FakeHost {
  const controllers: ReactiveController[] = [];
  return {
    addController: (c) => void controllers.push(c),
    removeController: (c) => void controllers.splice(controllers.indexOf(c), 1),
    requestUpdate: vi.fn<() => void>(),
    updateComplete: Promise.resolve(true),
    connect: () => controllers.forEach((c) => c.hostConnected?.()),
    disconnect: () => controllers.forEach((c) => c.hostDisconnected?.()),
  };
}

/** A poll answer that never comes: pending until its request is aborted. */
export function heldUntilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), { once: true }));
}

/**
 * With the first held poll (`c1` its cursor) in flight, takes the host out
 * and puts it back: the controller must carry on from `c1` with one poll.
 */
export async function expectResumeFromCursor(host: FakeHost, polls: readonly { cursor?: string; signal: AbortSignal }[]): Promise<void> {
  await vi.waitFor(() => expect(polls).toHaveLength(2));
  host.disconnect();
  host.connect();
  await vi.waitFor(() => expect(polls).toHaveLength(3));
  expect(polls[2].cursor).toBe('c1');
  expect(polls.filter((p) => !p.signal.aborted)).toHaveLength(1);
}
