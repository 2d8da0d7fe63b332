// Delivery and Hub against a scripted store: gaps answered from memory or the
// database, a lowered cursor never lost and never a busy loop, event gaps wake.
import { describe, expect, it } from 'vitest';
import { Delivery, MAX_BATCH } from '../../../sidecar/core/delivery.js';
import { Hub, type Subscriber } from '../../../sidecar/core/hub.js';
import { MessageFeed } from '../../../sidecar/core/message-feed.js';
import { decodeCursor, fitCursor } from '../../../sidecar/core/cursor.js';
import { manualClock, memoryLogger, ScriptedStore } from '../../helpers/scripted-store.js';

async function setup() {
  const store = new ScriptedStore();
  const clock = manualClock();
  const log = memoryLogger();
  const feed = new MessageFeed({ store, log, intervalMs: 1e9, now: clock.now, limits: { ringTarget: 5, ringMinAgeMs: 0, ringHardCap: 5 } });
  const hub = new Hub();
  const delivery = new Delivery({ store, feed, hub, log, agentsOnline: () => 1 });
  await feed.start();
  return { store, clock, log, feed, hub, delivery };
}

const never = new AbortController().signal;

describe('Delivery', () => {
  it('delivers a gap row from memory, then from the database once memory has moved on', async () => {
    const { store, feed, delivery } = await setup();
    const late = store.write('agent:1', 'v', 'late', { commit: false });
    store.write('agent:1', 'v', 'on time');
    await feed.tailOnce();
    const c1 = (await delivery.collect({ kind: 'visitor', visitorId: 'v' }, { high: 0, event: 0, gaps: [] })).next;
    expect(c1.gaps).toEqual([late.mid]);
    store.commit(late.mid);
    await feed.tailOnce();
    const fromMemory = await delivery.collect({ kind: 'visitor', visitorId: 'v' }, c1);
    expect(fromMemory.messages.map((m) => m.content)).toEqual(['late']);
    expect(store.count('scopeMessages')).toBe(0);
    // Ten more rows push the late one out of the (tiny) ring: the same cursor now reads the database.
    for (let i = 0; i < 10; i++) store.write('agent:1', 'w', `w${i}`);
    await feed.tailOnce();
    const fromDb = await delivery.collect({ kind: 'visitor', visitorId: 'v' }, c1);
    expect(fromDb.messages.map((m) => m.content)).toEqual(['late']);
    expect(store.count('scopeMessages')).toBe(1);
  });

  it('loses no row the feed takes while a database read for an old cursor is under way', async () => {
    const { store, feed, delivery } = await setup();
    for (let i = 0; i < 12; i++) store.write('agent:1', 'w', `w${i}`);
    const mine = store.write('agent:1', 'v', 'before');
    await feed.tailOnce();
    // An old cursor (below the tiny ring): the database answers, and meanwhile a reply
    // to the same visitor commits and is taken by the feed (a send in this process).
    const reply = store.write('agent:1', 'v', 'during the read', { commit: false });
    store.duringScopeMessages = () => {
      store.commit(reply.mid);
      feed.accept(store.rows.get(reply.mid)!.message);
    };
    const first = await delivery.collect({ kind: 'visitor', visitorId: 'v' }, { high: 0, event: 0, gaps: [] });
    store.duringScopeMessages = null;
    expect(first.messages.map((m) => m.mid)).toEqual([mine.mid]);
    const second = await delivery.collect({ kind: 'visitor', visitorId: 'v' }, first.next);
    expect(second.messages.map((m) => m.mid)).toEqual([reply.mid]);
  });

  it('answers more than a batch in pages, keeping the gaps of what is left', async () => {
    const { store, feed, delivery } = await setup();
    const open = store.write('agent:1', 'v', 'open', { commit: false });
    for (let i = 0; i < MAX_BATCH + 20; i++) store.write('agent:1', 'v', `m${i}`);
    for (let k = 0; k < 3; k++) await feed.tailOnce();
    const first = await delivery.collect({ kind: 'visitor', visitorId: 'v' }, { high: 0, event: 0, gaps: [] });
    expect(first.messages).toHaveLength(MAX_BATCH);
    expect(first.next.gaps).toContain(open.mid);
    const second = await delivery.collect({ kind: 'visitor', visitorId: 'v' }, first.next);
    expect(second.messages).toHaveLength(20);
    store.commit(open.mid);
    await feed.tailOnce();
    const third = await delivery.collect({ kind: 'visitor', visitorId: 'v' }, second.next);
    expect(third.messages.map((m) => m.mid)).toEqual([open.mid]);
  });

  it('with a lowered cursor delivers the uncertain rows again but does not answer early with only them', async () => {
    const { store, feed, delivery } = await setup();
    const rows = Array.from({ length: 4 }, (_, i) => store.write('agent:1', 'v', `r${i}`));
    await feed.tailOnce();
    // As fitCursor leaves it: high lowered below rows 2 and 3, which the client most likely has.
    const lowered = { high: rows[1].mid, event: 0, gaps: [], seen: rows[3].mid };
    const t0 = performance.now();
    const batch = await delivery.waitFor({ kind: 'visitor', visitorId: 'v' }, lowered, 300, never, 1);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(280);
    expect(batch.messages.map((m) => m.mid)).toEqual([rows[2].mid, rows[3].mid]);
    // Anything new past `seen` answers at once, with the uncertain rows beside it.
    const held = delivery.waitFor({ kind: 'visitor', visitorId: 'v' }, lowered, 5000, never, 1);
    const fresh = store.write('agent:1', 'v', 'new');
    const t1 = performance.now();
    await feed.tailOnce();
    const answer = await held;
    expect(performance.now() - t1).toBeLessThan(200);
    expect(answer.messages.map((m) => m.mid)).toEqual([rows[2].mid, rows[3].mid, fresh.mid]);
    expect(answer.next.seen).toBeUndefined();
  });

  it('a woken agents\' wait gathers what follows within its window into the same answer', async () => {
    const { store, feed, delivery } = await setup();
    const start = delivery.currentCursor();
    const send = (text: string) => feed.accept(store.write('guest42', 'admin', text));
    const gathered = delivery.waitFor({ kind: 'agents' }, start, 5000, never, 1, 80);
    const plain = delivery.waitFor({ kind: 'agents' }, start, 5000, never, 1);
    send('first');
    await new Promise((r) => setTimeout(r, 20));
    send('second');
    expect((await plain).messages.map((m) => m.content)).toEqual(['first']);
    expect((await gathered).messages.map((m) => m.content)).toEqual(['first', 'second']);
  });

  it('the text of a cursor too full for 512 characters decodes to one that loses nothing', async () => {
    const { delivery, log } = await setup();
    const high = 1_000_000;
    const gaps = Array.from({ length: 300 }, (_, i) => high - 5 * i - (i % 4) - 1);
    const back = decodeCursor(delivery.encode({ high, event: 3, gaps }));
    for (const g of gaps) expect(back.gaps.includes(g) || g > back.high).toBe(true);
    expect({ ...back, eventGaps: back.eventGaps ?? [] }).toEqual(fitCursor({ high, event: 3, gaps }).cursor);
    expect(log.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
  });
});

describe('Hub', () => {
  it('wakes a subscriber for an event id among its gaps, and not for one it has', () => {
    const hub = new Hub();
    let woken = 0;
    const sub: Subscriber = { scope: { kind: 'visitor', visitorId: 'v' }, high: 10, gaps: [], event: 20, eventGaps: [17], notify: () => { woken++; } };
    hub.add(sub);
    const typing = { type: 'typing' as const, visitorId: 'v', from: 'agent:1', typing: true };
    hub.onEvents([{ id: 15, visitorId: 'v', audience: 'both', event: typing }]);
    expect(woken).toBe(0);
    hub.onEvents([{ id: 17, visitorId: 'v', audience: 'visitor', event: typing }]);
    expect(woken).toBe(1);
    hub.onEvents([{ id: 21, visitorId: 'v', audience: 'agents', event: typing }]);
    expect(woken).toBe(1);
    hub.onMessages([{ mid: 9, from: 'agent:1', to: 'v', conversation: 'v', content: '', createdAt: null, read: false }]);
    expect(woken).toBe(1);
    hub.onMessages([{ mid: 11, from: 'agent:1', to: 'v', conversation: 'v', content: '', createdAt: null, read: false }]);
    expect(woken).toBe(2);
    hub.remove(sub);
    expect(hub.size).toBe(0);
  });
});
