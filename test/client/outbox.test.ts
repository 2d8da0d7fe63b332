import { describe, expect, it, vi } from 'vitest';
import { Outbox, type Outgoing } from '../../client/outbox.js';

interface Line extends Outgoing {
  content: string;
}

/** An outbox whose deliveries the test settles by hand, one promise per attempt. */
function outbox() {
  const attempts: { item: Line; resolve: (stored: string) => void; reject: (err: Error) => void }[] = [];
  const delivered = vi.fn();
  const onChange = vi.fn();
  const box = new Outbox<Line, string>({
    deliver: (item) => new Promise<string>((resolve, reject) => attempts.push({ item: { ...item }, resolve, reject })),
    onDelivered: delivered,
    onChange,
  });
  return { box, attempts, delivered, onChange };
}

describe('Outbox', () => {
  it('shows a new message as sending and delivers it under a fresh clientId', () => {
    const { box, attempts, onChange } = outbox();
    const a = box.send({ content: 'hi' });
    const b = box.send({ content: 'again' });
    expect(box.items).toEqual([
      { content: 'hi', clientId: a.clientId, state: 'sending' },
      { content: 'again', clientId: b.clientId, state: 'sending' },
    ]);
    expect(a.clientId).toMatch(/^[0-9a-f]{32}$/);
    expect(a.clientId).not.toBe(b.clientId);
    expect(attempts.map((x) => x.item.content)).toEqual(['hi', 'again']);
    expect(onChange).toHaveBeenCalledTimes(2);
  });

  it('drops a delivered message before handing over the server\'s answer', async () => {
    const { box, attempts, delivered } = outbox();
    const item = box.send({ content: 'hi' });
    let leftWhenDelivered: readonly Line[] | undefined;
    delivered.mockImplementation(() => (leftWhenDelivered = box.items));
    attempts[0].resolve('stored');
    await vi.waitFor(() => expect(delivered).toHaveBeenCalledWith('stored', item));
    expect(leftWhenDelivered).toEqual([]);
    expect(box.items).toEqual([]);
  });

  it('marks a message failed when delivery fails, and tells', async () => {
    const { box, attempts, onChange } = outbox();
    const item = box.send({ content: 'hi' });
    const before = box.items;
    attempts[0].reject(new Error('offline'));
    await vi.waitFor(() => expect(box.items[0]?.state).toBe('failed'));
    expect(box.items).not.toBe(before);
    expect(box.items).toEqual([{ ...item, state: 'failed' }]);
    expect(onChange).toHaveBeenCalledTimes(2);
  });

  it('retries a failed message with the same clientId, so the server can store it once', async () => {
    const { box, attempts, delivered } = outbox();
    const item = box.send({ content: 'hi' });
    attempts[0].reject(new Error('offline'));
    await vi.waitFor(() => expect(box.items[0]?.state).toBe('failed'));
    box.retry(item.clientId);
    expect(box.items[0].state).toBe('sending');
    expect(attempts.map((x) => x.item.clientId)).toEqual([item.clientId, item.clientId]);
    attempts[1].resolve('stored');
    await vi.waitFor(() => expect(delivered).toHaveBeenCalledOnce());
    expect(box.items).toEqual([]);
  });

  it('ignores a retry of a message still sending or unknown', () => {
    const { box, attempts } = outbox();
    const item = box.send({ content: 'hi' });
    box.retry(item.clientId);
    box.retry('nope');
    expect(attempts).toHaveLength(1);
  });

  it('lets the feed settle a message before its own answer arrives, keeping the others', () => {
    const { box } = outbox();
    const a = box.send({ content: 'a' });
    const b = box.send({ content: 'b' });
    const before = box.items;
    box.settle([undefined, 'unknown']);
    expect(box.items).toBe(before);
    box.settle([a.clientId, undefined]);
    expect(box.items).toEqual([b]);
  });
});
