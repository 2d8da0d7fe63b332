// The mail outbox's part of the store contract (store-contract.ts runs it on
// every engine): queued once per key, claimed by one caller at a time, and
// the conversations' newest messages the notices read.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../sidecar/store/store.js';
import type { ClaimedMail, NewMail } from '../../sidecar/store/mail-store.js';

const T0 = Date.parse('2031-01-01T00:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const mail = (key: string): NewMail => ({
  kind: 'offline', dedupeKey: key, recipients: ['a@example.com', 'b@example.com'], lang: 'zh-CN',
  subject: '访客在 shop.example 留言', text: '你好 😀\nline 2', html: '<p>你好 😀</p>',
});

export function mailStoreContract(getStore: () => Store) {
  describe('mail outbox', () => {
    /** Gives up whatever a test left due, so the next test claims only its own. */
    const drain = async (when: Date) => {
      for (const m of await getStore().mail.claim(when, 60_000, 1000)) await getStore().mail.giveUp(m, 'TEST');
    };

    it('queues a mail once per dedupe key, whoever queues it', async () => {
      const s = getStore().mail;
      expect(await s.enqueue(mail('c1:once'), at(0))).toBe(true);
      expect(await s.enqueue({ ...mail('c1:once'), text: 'another rendering' }, at(1))).toBe(false);
      expect(await s.existing(['c1:once', 'c1:never', 'C1:ONCE'])).toEqual(new Set(['c1:once']));
      expect(await s.existing([])).toEqual(new Set());
      const [claimed] = await s.claim(at(1), 60_000, 10);
      expect(claimed).toMatchObject({ ...mail('c1:once'), attempts: 1 });
      await s.sent(claimed, at(1));
    });

    it('lets one caller claim a due mail; the other gets nothing until the claim runs out', async () => {
      const s = getStore().mail;
      await s.enqueue(mail('c2:a'), at(10));
      await s.enqueue(mail('c2:b'), at(10));
      expect(await s.claim(at(9), 60_000, 10)).toEqual([]); // not due yet
      const [first, second] = await Promise.all([s.claim(at(10), 60_000, 10), s.claim(at(10), 60_000, 10)]);
      const keys = [...first, ...second].map((m) => m.dedupeKey).sort();
      expect(keys).toEqual(['c2:a', 'c2:b']);
      expect(await s.claim(at(10.5), 60_000, 10)).toEqual([]);
      // The holder went quiet (a crash): after the lease anyone may take it, as a second attempt.
      const again = await s.claim(at(11), 60_000, 10);
      expect(again.map((m) => [m.dedupeKey, m.attempts]).sort()).toEqual([['c2:a', 2], ['c2:b', 2]]);
      // The first holder's word no longer counts for rescheduling…
      const old = [...first, ...second].find((m) => m.dedupeKey === 'c2:a')!;
      await s.retry(old, at(500), 'LATE');
      await s.release(old);
      expect(await s.claim(at(11.5), 60_000, 10)).toEqual([]);
      // …but a mail it did send is sent, whoever holds the claim now.
      await s.sent(old, at(11.5));
      const b = again.find((m) => m.dedupeKey === 'c2:b')!;
      await s.sent(b, at(11.5));
      expect(await s.claim(at(100), 60_000, 10)).toEqual([]);
    });

    it('keeps no text of a sent or given-up mail, and never offers it again', async () => {
      const s = getStore().mail;
      await s.enqueue(mail('c3:sent'), at(20));
      await s.enqueue(mail('c3:lost'), at(20));
      const claimed = await s.claim(at(20), 60_000, 10);
      const byKey = new Map(claimed.map((m) => [m.dedupeKey, m]));
      await s.sent(byKey.get('c3:sent')!, at(20));
      await s.giveUp(byKey.get('c3:lost')!, 'EENVELOPE:550');
      expect(await s.claim(at(10_000), 60_000, 10)).toEqual([]);
      expect(await s.enqueue(mail('c3:sent'), at(30))).toBe(false);
      expect(await s.existing(['c3:sent', 'c3:lost'])).toEqual(new Set(['c3:sent', 'c3:lost']));
    });

    it('offers a failed mail again when it is due, and a released one at once', async () => {
      const s = getStore().mail;
      await drain(at(39));
      await s.enqueue(mail('c4:retry'), at(40));
      const [m] = await s.claim(at(40), 60_000, 10);
      await s.retry(m, at(45), 'ECONNECTION');
      expect(await s.claim(at(44), 60_000, 10)).toEqual([]);
      const [again] = await s.claim(at(45), 60_000, 10);
      expect(again).toMatchObject({ dedupeKey: 'c4:retry', attempts: 2 });
      await s.release(again);
      const [third] = await s.claim(at(45), 60_000, 10);
      expect(third).toMatchObject({ dedupeKey: 'c4:retry', attempts: 3, text: '你好 😀\nline 2' });
      await s.sent(third, at(45));
    });

    it('prunes sent and given-up mails queued before a time, never one still to send', async () => {
      const s = getStore().mail;
      await drain(at(59));
      await s.enqueue(mail('c5:old-sent'), at(60));
      await s.enqueue(mail('c5:pending'), at(60));
      const claimed: ClaimedMail[] = await s.claim(at(60), 60_000, 10);
      await s.sent(claimed.find((m) => m.dedupeKey === 'c5:old-sent')!, at(60));
      await s.retry(claimed.find((m) => m.dedupeKey === 'c5:pending')!, at(90), 'ETIMEDOUT');
      expect(await s.prune(at(61))).toBeGreaterThanOrEqual(1);
      expect(await s.existing(['c5:old-sent', 'c5:pending'])).toEqual(new Set(['c5:pending']));
      await drain(at(90));
    });

    it('lists conversations by their newest message, newest first, with what the notices need', async () => {
      const store = getStore();
      const [A, B, C] = ['MA', 'MB', 'MC'].map((x) => `v_${x.repeat(11)}`);
      const now = new Date();
      await store.upsertVisitor({ visitorId: A, name: 'Ann', email: 'ann@example.com', page: 'https://shop.example/a', lang: 'zh-CN', timeZone: 'Asia/Shanghai' }, now);
      await store.upsertVisitor({ visitorId: B }, now);
      const a1 = (await store.insertMessage({ from: A, to: 'admin', content: 'a1', clientId: null, fromName: null })).message;
      const b1 = (await store.insertMessage({ from: 'agent:7', to: B, content: 'b1', clientId: null, fromName: 'Ann' })).message;
      const c1 = (await store.insertMessage({ from: C, to: 'admin', content: 'c1', clientId: null, fromName: null })).message;
      await store.noteActivity([[A, a1.mid], [B, b1.mid], [C, c1.mid]]);
      await store.markRead([b1.mid]);
      const tips = await store.mail.latestConversations(null, 3);
      expect(tips.map((t) => t.visitorId)).toEqual([C, B, A]);
      expect(tips[2]).toEqual({
        visitorId: A, name: 'Ann', email: 'ann@example.com', verified: false, page: 'https://shop.example/a', lang: 'zh-CN', timeZone: 'Asia/Shanghai',
        lastSeenAt: now.toISOString(), last: { mid: a1.mid, from: A, to: 'admin', read: false, createdAt: a1.createdAt },
      });
      expect(tips[1].last).toMatchObject({ mid: b1.mid, from: 'agent:7', to: B, read: true });
      expect(tips[0]).toMatchObject({ name: null, email: null, lang: null });
      expect((await store.mail.latestConversations(b1.mid, 2)).map((t) => t.visitorId)[0]).toBe(A);
      // The widget's language is kept until a session says another; other fields leave it alone.
      expect((await store.upsertVisitor({ visitorId: A, page: '/b' }, now)).lang).toBe('zh-CN');
      expect((await store.upsertVisitor({ visitorId: A, lang: 'en' }, now)).lang).toBe('en');
    });
  });
}
