// Receipts against a scripted store: only rows a cursor proves received are
// marked, in one UPDATE per flush, and a lock wait delays marks, never polls.
import { describe, expect, it } from 'vitest';
import { MessageFeed } from '../../../sidecar/core/message-feed.js';
import { Receipts } from '../../../sidecar/core/receipts.js';
import { manualClock, memoryLogger, ScriptedStore } from '../../helpers/scripted-store.js';

async function setup() {
  const store = new ScriptedStore();
  const clock = manualClock();
  const log = memoryLogger();
  const feed = new MessageFeed({ store, log, intervalMs: 1e9, now: clock.now });
  // A long interval: the test flushes by hand.
  const receipts = new Receipts({ store, feed, log, intervalMs: 1e9, now: clock.now });
  await feed.start();
  return { store, clock, log, feed, receipts };
}

const lockWait = () => Object.assign(new Error('Lock wait timeout exceeded'), { code: 'ER_LOCK_WAIT_TIMEOUT' });

describe('Receipts', () => {
  it('marks only rows at or below the high mark and not among the gaps, after the call returns', async () => {
    const { store, feed, receipts } = await setup();
    receipts.knownFresh('v1');
    const a = store.write('agent:1', 'v1', 'a');
    const gap = store.write('agent:1', 'v1', 'gap', { commit: false });
    const c = store.write('agent:1', 'v1', 'c');
    const d = store.write('agent:1', 'v1', 'd');
    await feed.tailOnce();
    store.commit(gap.mid);
    await feed.tailOnce();
    // The cursor covers a and c, not the gap row, not d.
    receipts.visitorReceived('v1', { high: c.mid, gaps: [gap.mid], event: 0 });
    expect(store.count('markRead')).toBe(0);
    await receipts.flush();
    expect([a, gap, c, d].map((m) => store.isRead(m.mid))).toEqual([true, false, true, false]);
    expect(store.calls.filter((x) => x.method === 'insertEvents').map((x) => x.args[0])).toEqual([
      [{ visitorId: 'v1', audience: 'agents', event: { type: 'read', visitorId: 'v1', upto: c.mid, by: 'visitor' } }],
    ]);
    // A later cursor covering the rest marks the rest.
    receipts.visitorReceived('v1', { high: d.mid, gaps: [], event: 0 });
    await receipts.flush();
    expect([gap, d].map((m) => store.isRead(m.mid))).toEqual([true, true]);
  });

  it('writes one UPDATE and one INSERT per flush, however many visitors acknowledged', async () => {
    const { store, feed, receipts } = await setup();
    const visitors = Array.from({ length: 50 }, (_, i) => `guest${i}`);
    for (const v of visitors) receipts.knownFresh(v);
    const sent = visitors.map((v) => store.write('agent:1', v, 'hi'));
    await feed.tailOnce();
    for (const [i, v] of visitors.entries()) receipts.visitorReceived(v, { high: sent[i].mid, gaps: [], event: 0 });
    await receipts.flush();
    expect([store.count('markRead'), store.count('insertEvents'), store.count('unreadRows')]).toEqual([1, 1, 0]);
    expect(sent.every((m) => store.isRead(m.mid))).toBe(true);
  });

  it('on a lock wait halves the batch until the locked row stands alone, and logs the code', async () => {
    const { store, feed, log, receipts } = await setup();
    receipts.knownFresh('v');
    const sent = Array.from({ length: 8 }, (_, i) => store.write('agent:1', 'v', `m${i}`));
    await feed.tailOnce();
    receipts.visitorReceived('v', { high: sent[7].mid, gaps: [], event: 0 });
    store.failNext('markRead', lockWait(), 2); // the whole batch, then its first half
    await receipts.flush();
    expect(sent.some((m) => store.isRead(m.mid))).toBe(false);
    await receipts.flush();
    // The second half went through at once; the first is split again.
    expect(sent.map((m) => store.isRead(m.mid))).toEqual([false, false, false, false, true, true, true, true]);
    await receipts.flush();
    expect(sent.every((m) => store.isRead(m.mid))).toBe(true);
    expect(store.calls.filter((c) => c.method === 'markRead').map((c) => (c.args[0] as number[]).length)).toEqual([8, 4, 4, 2, 2]);
    expect(log.lines.filter((l) => l.level === 'warn').map((l) => l.fields?.code)).toEqual(['ER_LOCK_WAIT_TIMEOUT', 'ER_LOCK_WAIT_TIMEOUT']);
  });

  it('finds older unread rows once per visitor by a plain read, under the same rule', async () => {
    const { store, feed, receipts } = await setup();
    // Rows from before this process started: the feed never saw them.
    const old = [store.write('agent:1', 'guest42', 'old 1'), store.write('agent:1', 'guest42', 'old 2'), store.write('agent:1', 'guest42', 'old 3')];
    await feed.start();
    receipts.visitorReceived('guest42', { high: old[2].mid, gaps: [old[1].mid], event: 0 });
    await receipts.flush();
    expect(old.map((m) => store.isRead(m.mid))).toEqual([true, false, true]);
    receipts.visitorReceived('guest42', { high: old[2].mid, gaps: [], event: 0 });
    await receipts.flush();
    expect(store.count('unreadRows')).toBe(1);
  });

  it('marks the visitor\'s own messages for an agent, and tells both sides', async () => {
    const { store, feed, receipts } = await setup();
    const q1 = store.write('1007', 'admin', 'q1');
    const q2 = store.write('1007', 'admin', 'q2');
    await feed.tailOnce();
    receipts.agentRead('1007', q1.mid);
    await receipts.flush();
    expect([store.isRead(q1.mid), store.isRead(q2.mid)]).toEqual([true, false]);
    expect(store.calls.find((c) => c.method === 'insertEvents')!.args[0]).toEqual([
      { visitorId: '1007', audience: 'both', event: { type: 'read', visitorId: '1007', upto: q1.mid, by: 'agent' } },
    ]);
  });

  it('keeps the work when the database is away and writes it when it is back', async () => {
    const { store, feed, log, receipts } = await setup();
    receipts.knownFresh('v');
    const m = store.write('agent:1', 'v', 'x');
    await feed.tailOnce();
    receipts.visitorReceived('v', { high: m.mid, gaps: [], event: 0 });
    const down = Object.assign(new Error('down'), { code: 'ECONNREFUSED' });
    store.failNext('markRead', down);
    store.failNext('insertEvents', down);
    await receipts.flush();
    expect(store.isRead(m.mid)).toBe(false);
    await receipts.flush();
    expect(store.isRead(m.mid)).toBe(true);
    expect(store.count('insertEvents')).toBe(2);
    expect(log.lines.filter((l) => l.level === 'warn').map((l) => l.fields?.code)).toEqual(['ECONNREFUSED', 'ECONNREFUSED']);
    expect(receipts.idle).toBe(true);
  });
});
