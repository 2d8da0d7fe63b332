// The feed against a scripted store and a hand-moved clock: late commits,
// gap expiry, id steps, the gap cap, ring trimming and event gaps.
import { describe, expect, it } from 'vitest';
import { GAP_HOLD_MS, MessageFeed, type FeedLimits } from '../../../sidecar/core/message-feed.js';
import type { Message } from '../../../sidecar/core/message.js';
import type { StoredEvent } from '../../../sidecar/store/store.js';
import { manualClock, memoryLogger, ScriptedStore } from '../../helpers/scripted-store.js';

function setup(limits: Partial<FeedLimits> = {}, step = 1) {
  const store = new ScriptedStore();
  store.step = step;
  const clock = manualClock();
  const log = memoryLogger();
  const feed = new MessageFeed({ store, log, intervalMs: 1e9, now: clock.now, limits });
  const got: Message[] = [];
  const events: StoredEvent[] = [];
  feed.subscribe({ messages: (b) => got.push(...b), events: (b) => events.push(...b) });
  return { store, clock, log, feed, got, events, mids: () => got.map((m) => m.mid) };
}

describe('MessageFeed', () => {
  it('delivers a row that commits after a later one, once', async () => {
    const { store, feed, mids } = setup();
    await feed.start();
    store.write('v1', 'admin', 'a');
    const b = store.write('v1', 'admin', 'b', { commit: false });
    store.write('v1', 'admin', 'c');
    await feed.tailOnce();
    expect(mids()).toEqual([1, 3]);
    expect([...feed.mids.pending.keys()]).toEqual([2]);
    store.commit(b.mid);
    await feed.tailOnce();
    await feed.tailOnce();
    expect(mids()).toEqual([1, 3, 2]);
    expect(feed.mids.pending.size).toBe(0);
  });

  it('re-checks a gap for the hold time, then gives it up', async () => {
    const { store, feed, clock, mids } = setup();
    await feed.start();
    const open = store.write('v1', 'admin', 'rolled back later', { commit: false });
    store.write('v1', 'admin', 'b');
    await feed.tailOnce();
    clock.advance(GAP_HOLD_MS - 1);
    await feed.tailOnce();
    expect(feed.mayArrive(open.mid)).toBe(true);
    clock.advance(2);
    await feed.tailOnce();
    expect(feed.mayArrive(open.mid)).toBe(false);
    await feed.tailOnce();
    // The re-check query asked for it by range while it was pending, and no longer.
    const tails = store.calls.filter((c) => c.method === 'tail');
    expect(tails.at(-2)!.args[1]).toEqual([[open.mid, open.mid]]);
    expect(tails.at(-1)!.args[1]).toEqual([]);
    expect(mids()).toEqual([2]);
  });

  it('with ids stepping by 2 tracks only ids the server can hand out', async () => {
    const { store, feed, mids } = setup({}, 2);
    await feed.start();
    store.write('a', 'admin', 'x'); // 1
    const late = store.write('a', 'admin', 'late', { commit: false }); // 3
    for (let i = 0; i < 60; i++) store.write('b', 'admin', `to b ${i}`); // 5, 7, …
    await feed.tailOnce();
    expect([...feed.mids.pending.keys()]).toEqual([late.mid]);
    store.commit(late.mid);
    await feed.tailOnce();
    expect(mids().at(-1)).toBe(late.mid);
    expect(new Set(mids()).size).toBe(62);
  });

  it('makes newer rows wait, never drops a gap, when more gaps are open than it can track', async () => {
    const { store, feed, clock, log, mids } = setup({ maxPendingGaps: 5 });
    await feed.start();
    const open = [1, 2, 3, 4].map((i) => store.write('v', 'admin', `open ${i}`, { commit: false }));
    store.write('v', 'admin', 'five'); // four gaps below: they fit
    await feed.tailOnce();
    expect(mids()).toEqual([5]);
    const more = [6, 7].map((i) => store.write('v', 'admin', `open ${i}`, { commit: false }));
    store.write('v', 'admin', 'eight'); // two more gaps, room for one: wait
    await feed.tailOnce();
    expect(mids()).toEqual([5]);
    expect(feed.seenMax).toBe(5);
    expect(log.lines.some((l) => l.level === 'warn' && /more open gaps/.test(l.msg))).toBe(true);
    store.commit(open[0].mid);
    clock.advance(100);
    await feed.tailOnce();
    // One gap filled: now the two fit, and row 8 goes out.
    expect(mids()).toEqual([5, 1, 8]);
    for (const o of [...open.slice(1), ...more]) store.commit(o.mid);
    await feed.tailOnce();
    expect(mids().sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(log.lines.some((l) => /gap backlog cleared/.test(l.msg))).toBe(true);
  });

  it('answers a cursor from the database when a gap it carries lies below the trimmed ring', async () => {
    const { store, feed, clock } = setup({ ringTarget: 2, ringMinAgeMs: 0, ringHardCap: 3 });
    await feed.start();
    const late = store.write('v', 'admin', 'late', { commit: false });
    for (let i = 0; i < 5; i++) store.write('v', 'admin', `r${i}`);
    await feed.tailOnce();
    store.commit(late.mid);
    clock.advance(10);
    await feed.tailOnce();
    // The late row arrived and was trimmed with the older rows.
    for (let i = 0; i < 5; i++) store.write('v', 'admin', `s${i}`);
    clock.advance(10);
    await feed.tailOnce();
    expect(feed.get(late.mid)).toBeUndefined();
    expect(feed.ringFloor).toBeGreaterThan(late.mid);
    // A cursor made before the late row arrived carries it as a gap: memory cannot answer for it.
    expect(feed.covers(feed.ringFloor, [late.mid])).toBe(false);
    expect(feed.covers(feed.ringFloor, [])).toBe(true);
  });

  it('delivers an event whose id commits after a higher one', async () => {
    const { store, feed, events } = setup();
    await feed.start();
    const first = store.writeEvent('v', 'both', { type: 'typing', visitorId: 'v', from: 'agent:1', typing: true }, false);
    store.writeEvent('v', 'both', { type: 'typing', visitorId: 'v', from: 'agent:2', typing: true });
    await feed.tailOnce();
    expect(events.map((e) => e.id)).toEqual([2]);
    expect(feed.eventIds.mayArrive(first.id)).toBe(true);
    // A cursor taken now carries the event gap, and gets the event once it commits.
    const after = feed.eventsAfter(2, [first.id], 'visitor', 'v');
    expect(after).toEqual([]);
    store.commitEvent(first.id);
    await feed.tailOnce();
    expect(feed.eventsAfter(2, [first.id], 'visitor', 'v').map((e) => e.id)).toEqual([first.id]);
    expect(events.map((e) => e.id)).toEqual([2, 1]);
  });

  it('takes its own committed row at once, and the tail does not bring it twice', async () => {
    const { store, feed, mids } = setup();
    await feed.start();
    const m = store.write('v', 'admin', 'mine');
    feed.accept(m);
    expect(mids()).toEqual([m.mid]);
    await feed.tailOnce();
    expect(mids()).toEqual([m.mid]);
  });

  it('keeps the last rows and reports health through a failing tail', async () => {
    const { store, feed, log } = setup();
    await feed.start();
    store.failNext('tail', Object.assign(new Error('gone'), { code: 'ECONNREFUSED' }), 2);
    await feed.tailOnce();
    await feed.tailOnce();
    expect(feed.healthy).toBe(false);
    expect(log.lines.filter((l) => l.level === 'warn').map((l) => l.fields?.code)).toEqual(['ECONNREFUSED']);
    store.write('v', 'admin', 'after');
    await feed.tailOnce();
    expect(feed.healthy).toBe(true);
  });
});
