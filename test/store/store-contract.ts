// One contract every store implementation passes (run by store.test.ts for
// the embedded SQLite store and for MySQL/MariaDB).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentsTakenError, type Store } from '../../sidecar/store/store.js';
import { rowContent } from '../../sidecar/core/attachment-text.js';
import type { Attachment } from '../../sidecar/core/message.js';
import { ratingStoreContract } from './rating-store-contract.js';
import { pushStoreContract } from './push-store-contract.js';
import { mailStoreContract } from './mail-store-contract.js';

const V1 = 'v_AAAAAAAAAAAAAAAAAAAAAA';
const V2 = 'v_BBBBBBBBBBBBBBBBBBBBBB';

export function storeContract(name: string, open: () => Promise<{ store: Store; cleanup: () => Promise<void> }>) {
  describe(`${name} store contract`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      ({ store, cleanup } = await open());
      await store.migrate();
      await store.migrate(); // idempotent
    });
    afterAll(async () => {
      await store.close();
      await cleanup();
    });

    const msg = (from: string, to: string, content: string, clientId: string | null = null) =>
      store.insertMessage({ from, to, content, clientId, fromName: from.startsWith('agent:') ? 'Alice' : null });

    it('round-trips Chinese text and 4-byte emoji exactly', async () => {
      const text = '你好，世界 😀👩‍💻 𝄞 \u202Eabc';
      const { message } = await msg(V1, 'admin', text);
      const [back] = await store.history({ kind: 'visitor', visitorId: V1 }, null, 1);
      expect(back.content).toBe(text);
      expect(back.mid).toBe(message.mid);
      expect(back.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Math.abs(Date.parse(back.createdAt!) - Date.now())).toBeLessThan(60_000);
    });

    it('stores one row per sender and clientId', async () => {
      const a = await msg(V1, 'admin', 'once', 'c-1');
      const b = await msg(V1, 'admin', 'once', 'c-1');
      expect(a.created).toBe(true);
      expect(b.created).toBe(false);
      expect(b.message.mid).toBe(a.message.mid);
      const other = await msg(V2, 'admin', 'same id, other sender', 'c-1');
      expect(other.created).toBe(true);
      expect(other.message.mid).not.toBe(a.message.mid);
    });

    it('tails rows above a mid in order, re-checks gap mids, and returns events', async () => {
      const { mid: start, eventId } = await store.latestIds();
      const m1 = (await msg(V1, 'admin', 't1')).message;
      const m2 = (await msg('agent:7', V1, 't2')).message;
      await store.insertEvent(V1, 'agents', { type: 'typing', visitorId: V1, from: V1, typing: true });
      const batch = await store.tail(start, [], eventId, [], 10);
      expect(batch.messages.map((m) => m.mid)).toEqual([m1.mid, m2.mid]);
      expect(batch.messages[1]).toMatchObject({ from: 'agent:7', to: V1, fromName: 'Alice', read: false });
      expect(batch.events).toHaveLength(1);
      expect(batch.events[0]).toMatchObject({ visitorId: V1, audience: 'agents', event: { type: 'typing', typing: true } });
      const limited = await store.tail(start, [], eventId, [], 1);
      expect(limited.messages.map((m) => m.mid)).toEqual([m1.mid]);
      const recheck = await store.tail(m2.mid, [[m1.mid, m1.mid], [m2.mid + 1000, m2.mid + 1000]], eventId + 1, [], 10);
      expect(recheck.messages.map((m) => m.mid)).toEqual([m1.mid]);
      expect(recheck.events).toHaveLength(0);
      // Ranges stand for open multi-row inserts; events are re-checked the same way.
      const span = await store.tail(m2.mid, [[start + 1, m2.mid]], eventId + 1, [[eventId + 1, eventId + 1]], 10);
      expect(span.messages.map((m) => m.mid)).toEqual([m1.mid, m2.mid]);
      expect(span.events.map((e) => e.id)).toEqual([batch.events[0].id]);
    });

    it('writes several events in one statement, in order', async () => {
      const { eventId } = await store.latestIds();
      await store.insertEvents([
        { visitorId: V1, audience: 'agents', event: { type: 'read', visitorId: V1, upto: 5, by: 'visitor' } },
        { visitorId: V2, audience: 'both', event: { type: 'read', visitorId: V2, upto: 6, by: 'agent' } },
      ]);
      const batch = await store.tail(Number.MAX_SAFE_INTEGER, [], eventId, [], 10);
      expect(batch.events.map((e) => [e.visitorId, e.audience, e.event])).toEqual([
        [V1, 'agents', { type: 'read', visitorId: V1, upto: 5, by: 'visitor' }],
        [V2, 'both', { type: 'read', visitorId: V2, upto: 6, by: 'agent' }],
      ]);
    });

    it('keeps each visitor to their own rows', async () => {
      await msg(V2, 'admin', 'secret of v2');
      const start = 0;
      const v1 = await store.scopeMessages({ kind: 'visitor', visitorId: V1 }, start, Number.MAX_SAFE_INTEGER, [], 1000);
      expect(v1.length).toBeGreaterThan(0);
      expect(v1.every((m) => m.from === V1 || m.to === V1)).toBe(true);
      expect(v1.map((m) => m.mid)).toEqual([...v1.map((m) => m.mid)].sort((a, b) => a - b));
      const all = await store.scopeMessages({ kind: 'agents' }, start, Number.MAX_SAFE_INTEGER, [], 1000);
      expect(all.some((m) => m.from === V2)).toBe(true);
    });

    it('names each message\'s conversation, whatever id its visitor has', async () => {
      // Ids a PHP site may have written into an adopted table: no `v_` to go by.
      const { mid: start, eventId } = await store.latestIds();
      const sent = [
        (await msg('guest42', 'admin', 'g1')).message,
        (await msg('agent:1', 'guest42', 'g2')).message,
        (await msg('admin', '1007', 'n1')).message,
        (await msg('1007', 'admin', 'n2')).message,
        (await msg('admin', 'agent:3', 'note between colleagues')).message,
      ];
      const expected = ['guest42', 'guest42', '1007', '1007', 'agent:3'];
      expect(sent.map((m) => m.conversation)).toEqual(expected);
      const again = await msg('guest42', 'admin', 'g1', 'g-retry');
      const repeat = await msg('guest42', 'admin', 'g1', 'g-retry');
      expect([again.message.conversation, repeat.created, repeat.message.conversation]).toEqual(['guest42', false, 'guest42']);
      const byMid = (list: { mid: number; conversation: string }[]) => new Map(list.map((m) => [m.mid, m.conversation]));
      const tailed = byMid((await store.tail(start, [], eventId, [], 100)).messages);
      expect(sent.map((m) => tailed.get(m.mid))).toEqual(expected);
      const agents = byMid(await store.scopeMessages({ kind: 'agents' }, start, Number.MAX_SAFE_INTEGER, [], 100));
      expect(sent.map((m) => agents.get(m.mid))).toEqual(expected);
      const guest = await store.scopeMessages({ kind: 'visitor', visitorId: 'guest42' }, start, Number.MAX_SAFE_INTEGER, [], 100);
      expect(guest.map((m) => [m.content, m.conversation])).toEqual([['g1', 'guest42'], ['g2', 'guest42'], ['g1', 'guest42']]);
      const numbered = await store.history({ kind: 'visitor', visitorId: '1007' }, null, 10);
      expect(numbered.map((m) => [m.content, m.conversation])).toEqual([['n1', '1007'], ['n2', '1007']]);
    });

    it('pages history backwards, oldest first within a page', async () => {
      const V3 = 'v_CCCCCCCCCCCCCCCCCCCCCC';
      const mids: number[] = [];
      for (let i = 0; i < 7; i++) mids.push((await msg(i % 2 ? 'agent:1' : V3, i % 2 ? V3 : 'admin', `h${i}`)).message.mid);
      const last = await store.history({ kind: 'visitor', visitorId: V3 }, null, 3);
      expect(last.map((m) => m.mid)).toEqual(mids.slice(4));
      const before = await store.history({ kind: 'visitor', visitorId: V3 }, last[0].mid, 3);
      expect(before.map((m) => m.mid)).toEqual(mids.slice(1, 4));
      const first = await store.history({ kind: 'visitor', visitorId: V3 }, before[0].mid, 3);
      expect(first.map((m) => m.mid)).toEqual(mids.slice(0, 1));
    });

    it('marks rows read by primary key, only ever to 1', async () => {
      const V4 = 'v_DDDDDDDDDDDDDDDDDDDDDD';
      const a = (await msg('agent:1', V4, 'r1')).message.mid;
      const b = (await msg('agent:1', V4, 'r2')).message.mid;
      const c = (await msg('agent:1', V4, 'r3')).message.mid;
      expect(await store.markRead([b])).toBe(1);
      const rows = await store.history({ kind: 'visitor', visitorId: V4 }, null, 10);
      expect(rows.map((m) => [m.mid, m.read])).toEqual([[a, false], [b, true], [c, false]]);
      expect(await store.markRead([a, b, c])).toBe(2);
      expect(await store.markRead([])).toBe(0);
    });

    it('lists unread rows to or from given ids up to a mid, exactly matching the id', async () => {
      const V5 = 'v_EEEEEEEEEEEEEEEEEEEEEE';
      const a = (await msg(V5, 'admin', 'q1')).message.mid;
      const b = (await msg(V5, 'admin', 'q2')).message.mid;
      const c = (await msg('agent:1', V5, 'q3')).message.mid;
      await msg('V_EEEEEEEEEEEEEEEEEEEEEE', 'admin', 'other case');
      expect(await store.unreadRows('pos', [V5], b)).toEqual([{ mid: a, from: V5, to: 'admin' }, { mid: b, from: V5, to: 'admin' }]);
      expect(await store.unreadRows('rec', [V5], c)).toEqual([{ mid: c, from: 'agent:1', to: V5 }]);
      await store.markRead([a]);
      expect((await store.unreadRows('pos', [V5], c)).map((r) => r.mid)).toEqual([b]);
      expect(await store.unreadRows('pos', [], c)).toEqual([]);
    });

    it('keeps visitor profiles, changing only the fields sent', async () => {
      const V6 = 'v_FFFFFFFFFFFFFFFFFFFFFF';
      const now = new Date();
      const p = await store.upsertVisitor({ visitorId: V6, name: 'Ann', email: 'ann@example.com', page: '/a' }, now);
      expect(p).toMatchObject({ visitorId: V6, name: 'Ann', email: 'ann@example.com', page: '/a', referrer: null });
      const q = await store.upsertVisitor({ visitorId: V6, page: '/b' }, new Date(now.getTime() + 1000));
      expect(q).toMatchObject({ name: 'Ann', page: '/b' });
      expect(q.firstSeenAt).toBe(p.firstSeenAt);
      expect(Date.parse(q.lastSeenAt!)).toBeGreaterThan(Date.parse(p.lastSeenAt!));
      expect(await store.getVisitor('v_nobodynobodynobody000')).toBeNull();
    });

    it('keeps the browser, system, device and time zone of the latest session, and lists them', async () => {
      const V = 'v_JJJJJJJJJJJJJJJJJJJJJJ';
      const now = new Date();
      const first = await store.upsertVisitor({ visitorId: V, browser: 'Chrome 131', os: 'Windows 10', device: 'desktop', timeZone: 'Asia/Shanghai' }, now);
      expect(first).toMatchObject({ browser: 'Chrome 131', os: 'Windows 10', device: 'desktop', timeZone: 'Asia/Shanghai' });
      // A later session from a phone that did not say its zone: the zone stays, the rest follows the phone.
      await store.upsertVisitor({ visitorId: V, browser: 'Safari 17', os: 'iOS 17.5', device: 'mobile' }, now);
      const m = (await msg(V, 'admin', 'from my phone')).message;
      await store.noteActivity([[V, m.mid]]);
      const listed = (await store.conversations(200)).find((c) => c.visitorId === V);
      expect(listed).toMatchObject({ browser: 'Safari 17', os: 'iOS 17.5', device: 'mobile', timeZone: 'Asia/Shanghai' });
      await store.upsertVisitor({ visitorId: V, browser: null, os: null, device: null }, now);
      expect(await store.getVisitor(V)).toMatchObject({ browser: null, os: null, device: null, timeZone: 'Asia/Shanghai' });
    });

    it('lists a person\'s other conversations by email, ignoring case, latest first, never someone else\'s', async () => {
      const now = new Date();
      const [P1, P2, P3, P4, OTHER, BARE, QUIET] = ['PA', 'PB', 'PC', 'PD', 'PE', 'PF', 'PG'].map((x) => `v_${x.repeat(11)}`);
      const talk = async (id: string, content: string) => {
        const { message } = await msg(id, 'admin', content);
        await store.noteActivity([[id, message.mid]]);
      };
      await store.upsertVisitor({ visitorId: P1, name: 'Pat', email: 'Pat@Example.com' }, now);
      await store.upsertVisitor({ visitorId: P2, name: 'Pat L.', email: 'pat@example.com' }, now);
      await store.upsertVisitor({ visitorId: OTHER, name: 'Pat', email: 'pat@example.org' }, now);
      await store.upsertVisitor({ visitorId: BARE, name: 'Pat' }, now);
      await store.upsertVisitor({ visitorId: QUIET, email: 'PAT@example.com' }, now);
      // A verified user's record (visitorOfUser), with the address the site gave.
      const { visitorId: P3user } = await store.visitorOfUser('user:4242', P3, now);
      await store.upsertVisitor({ visitorId: P3user, name: 'Pat Lee', email: 'pat@EXAMPLE.com' }, now);
      await store.upsertVisitor({ visitorId: P4, email: ' ' }, now);
      await talk(P1, 'first question');
      await talk(P2, 'x'.repeat(50) + '  \n  ' + '好'.repeat(100));
      await talk(OTHER, 'same name, other address');
      await talk(BARE, 'no address at all');
      await talk(P3user, 'signed in now');
      await talk(P4, 'blank address');
      // QUIET opened a session but never wrote: no conversation to show.

      const related = await store.relatedConversations(P1, 20);
      expect(related.map((r) => r.visitorId)).toEqual([P3user, P2]);
      expect(related[0]).toMatchObject({ name: 'Pat Lee', email: 'pat@EXAMPLE.com', verified: true, status: 'open', preview: 'signed in now' });
      expect(Math.abs(Date.parse(related[0].lastAt!) - Date.now())).toBeLessThan(60_000);
      // One line of at most 120 whole characters, cut with "…".
      expect(related[1].preview).toBe('x'.repeat(50) + ' ' + '好'.repeat(68) + '…');
      expect(related[1].verified).toBe(false);
      // From the verified user's side too.
      expect((await store.relatedConversations(P3user, 20)).map((r) => r.visitorId)).toEqual([P2, P1]);
      expect(await store.relatedConversations(P1, 1)).toHaveLength(1);
      expect(await store.relatedConversations(OTHER, 20)).toEqual([]);
      // No address, or a blank one, links nobody.
      expect(await store.relatedConversations(BARE, 20)).toEqual([]);
      expect(await store.relatedConversations(P4, 20)).toEqual([]);
      expect(await store.relatedConversations('v_nobodynobodynobody000', 20)).toEqual([]);
      await store.desk.changeState(P2, { status: 'resolved' });
      expect((await store.relatedConversations(P1, 20)).find((r) => r.visitorId === P2)?.status).toBe('resolved');
    });

    it('lists conversations by latest activity with unread counts and the last message', async () => {
      const A = 'v_GGGGGGGGGGGGGGGGGGGGGG';
      const B = 'v_HHHHHHHHHHHHHHHHHHHHHH';
      const now = new Date();
      await store.upsertVisitor({ visitorId: A, name: 'A' }, now);
      await store.upsertVisitor({ visitorId: B, name: 'B' }, now);
      const a1 = (await msg(A, 'admin', 'a1')).message;
      await store.noteActivity([[A, a1.mid]]);
      const b1 = (await msg(B, 'admin', 'b1')).message;
      const a2 = (await msg(A, 'admin', 'a2')).message;
      // One batch; an older mid arriving after a newer one never moves a conversation back.
      await store.noteActivity([[B, b1.mid], [A, a2.mid]]);
      await store.noteActivity([[A, a1.mid]]);
      const list = await store.conversations(50);
      const ids = list.map((c) => c.visitorId);
      expect(ids.indexOf(A)).toBeLessThan(ids.indexOf(B));
      const a = list.find((c) => c.visitorId === A)!;
      expect(a.unread).toBe(2);
      expect(a.lastMessage?.content).toBe('a2');
      // A row another program wrote for an unknown visitor still opens a conversation.
      const ghost = 'v_IIIIIIIIIIIIIIIIIIIIII';
      const g = (await msg('admin', ghost, 'from php')).message;
      await store.noteActivity([[ghost, g.mid]]);
      expect((await store.conversations(50))[0].visitorId).toBe(ghost);
    });

    it('accepts a stream ticket once', async () => {
      const exp = new Date(Date.now() + 60_000);
      expect(await store.consumeTicket('jti-1', exp)).toBe(true);
      expect(await store.consumeTicket('jti-1', exp)).toBe(false);
    });

    it('counts agents online within the window', async () => {
      const now = new Date();
      await store.setAgentPresence({ id: 'agent:1', name: 'Alice' }, 'online', now);
      await store.setAgentPresence({ id: 'agent:2', name: 'Bob' }, 'away', now);
      await store.setAgentPresence({ id: 'agent:3', name: 'Old' }, 'online', new Date(now.getTime() - 10 * 60_000));
      expect(await store.agentsOnline(new Date(now.getTime() - 90_000))).toBe(1);
      await store.setAgentPresence({ id: 'agent:2', name: 'Bob' }, 'online', now);
      expect(await store.agentsOnline(new Date(now.getTime() - 90_000))).toBe(2);
    });

    it('lists the team for visitors: online first, then the latest seen, with the latest token\'s name and picture', async () => {
      // A day ahead, so the agents of the test above are out of every window here (the 12 h one too).
      const t0 = Date.now() + 24 * 3600_000;
      const at = (minutesAgo: number) => new Date(t0 - minutesAgo * 60_000);
      const pic = (n: number) => `https://cdn.example.test/a/${n}.png?s=96`;
      await store.setAgentPresence({ id: 'agent:t1', name: 'Old name', avatar: pic(1) }, 'online', at(5));
      await store.setAgentPresence({ id: 'agent:t1', name: 'Tao' }, null, at(0.5)); // a token without a picture: none now
      await store.setAgentPresence({ id: 'agent:t2', name: 'Una', avatar: pic(2) }, 'away', at(0.2));
      await store.setAgentPresence({ id: 'agent:t3', name: 'Vic', avatar: pic(3) }, 'online', at(3)); // online, but not lately
      await store.setAgentPresence({ id: 'agent:t4', name: 'Wen', avatar: pic(4) }, 'online', at(1));
      await store.setAgentPresence({ id: 'agent:t5', name: 'Xia' }, 'online', at(60 * 13)); // before the window
      const members = await store.team.members(at(1.5), at(60 * 12), 8);
      expect(members).toEqual([
        { id: 'agent:t1', name: 'Tao', avatar: null, online: true },
        { id: 'agent:t4', name: 'Wen', avatar: pic(4), online: true },
        { id: 'agent:t2', name: 'Una', avatar: pic(2), online: false },
        { id: 'agent:t3', name: 'Vic', avatar: pic(3), online: false },
      ]);
      expect((await store.team.members(at(1.5), at(60 * 12), 3)).map((m) => m.id)).toEqual(['agent:t1', 'agent:t4', 'agent:t2']);
      await store.setAgentPresence({ id: 'agent:t1', name: 'Tao', avatar: pic(9) }, null, at(0.4));
      expect((await store.team.members(at(1.5), at(60 * 12), 1))[0]).toEqual({ id: 'agent:t1', name: 'Tao', avatar: pic(9), online: true });
    });

    it('reads the newest message rows since a time for the reply time, oldest first and bounded', async () => {
      const since = new Date(Date.now() - 1000);
      const a = (await msg(V2, 'admin', 'waiting')).message;
      const b = (await msg('agent:7', V2, 'answer')).message;
      const c = (await msg(V2, 'admin', 'thanks')).message;
      // Rows of the tests above may fall within the same second: only this test's are compared.
      const rows = (await store.team.exchanges(since, 100)).filter((r) => r.mid >= a.mid);
      expect(rows.map((r) => r.mid)).toEqual([a.mid, b.mid, c.mid]);
      expect(rows[1]).toEqual({ mid: b.mid, from: 'agent:7', to: V2, at: Date.parse(b.createdAt!) });
      expect((await store.team.exchanges(since, 2)).map((r) => r.mid)).toEqual([b.mid, c.mid]);
      expect(await store.team.exchanges(new Date(Date.now() + 60_000), 100)).toEqual([]);
    });

    describe('attachments', () => {
      const V3 = 'v_CCCCCCCCCCCCCCCCCCCCCC';
      let n = 0;
      const fileId = () => `a_${String(++n).padStart(4, '0')}${'x'.repeat(18)}`;
      /** An upload of `owner` to `visitorId`, finished: what Attachments.upload leaves. */
      const uploaded = async (owner: string, visitorId: string, name: string, image = false, at = new Date()): Promise<Attachment> => {
        const id = fileId();
        await store.attachments.begin({ id, visitorId, owner, name: 'raw name', store: 'db' }, at);
        const facts = { name, type: image ? 'image/png' : 'application/pdf', size: 1000 + n, width: image ? 64 : null, height: image ? 48 : null };
        expect(await store.attachments.finish(id, facts, null)).toBe(true);
        return image ? { id, ...facts, width: 64, height: 48, mid: null } : { id, name, type: facts.type, size: facts.size, mid: null };
      };
      const send = (from: string, to: string, text: string, files: Attachment[], clientId: string | null = null) =>
        store.insertMessage({ from, to, content: rowContent(text, files), clientId, fromName: null, attachments: files });

      it('ties files to their message in one write; every read gives them back, in order, with the typed text', async () => {
        const { mid: before, eventId } = await store.latestIds();
        const pic = await uploaded(V3, V3, '照片.png', true);
        const pdf = await uploaded(V3, V3, 'invoice.pdf');
        const { message, created } = await send(V3, 'admin', 'see these', [pic, pdf], 'files-1');
        expect(created).toBe(true);
        expect(message.content).toBe('see these');
        expect(message.attachments).toEqual([{ ...pic, mid: message.mid }, { ...pdf, mid: message.mid }]);
        const [fromHistory] = (await store.history({ kind: 'visitor', visitorId: V3 }, null, 1));
        expect(fromHistory).toMatchObject({ mid: message.mid, content: 'see these', attachments: message.attachments });
        const tailed = (await store.tail(before, [], eventId, [], 10)).messages.find((m) => m.mid === message.mid);
        expect(tailed).toMatchObject({ content: 'see these', attachments: message.attachments });
        const scoped = await store.scopeMessages({ kind: 'agents' }, before, message.mid, [], 10);
        expect(scoped.find((m) => m.mid === message.mid)?.attachments).toEqual(message.attachments);
        expect((await store.attachments.get(pic.id))).toMatchObject({ mid: message.mid, visitorId: V3, owner: V3, status: 'ready' });
        // A retry of the send: the same message, its files included.
        const again = await send(V3, 'admin', 'see these', [pic, pdf], 'files-1');
        expect(again.created).toBe(false);
        expect(again.message).toMatchObject({ mid: message.mid, content: 'see these', attachments: message.attachments });
      });

      it('sends a message of files alone, and refuses a file already sent or not the sender\'s, writing nothing', async () => {
        const pdf = await uploaded(V3, V3, 'only.pdf');
        const alone = await send(V3, 'admin', '', [pdf]);
        expect(alone.message.content).toBe('');
        expect(alone.message.attachments?.map((a) => a.id)).toEqual([pdf.id]);
        const { mid } = await store.latestIds();
        const fresh = await uploaded(V3, V3, 'fresh.pdf');
        await expect(send(V3, 'admin', 'twice', [fresh, pdf])).rejects.toBeInstanceOf(AttachmentsTakenError);
        const theirs = await uploaded(V2, V2, 'theirs.pdf');
        await expect(send(V3, 'admin', 'not mine', [theirs])).rejects.toBeInstanceOf(AttachmentsTakenError);
        const agentFile = await uploaded('agent:7', V3, 'from-agent.pdf');
        await expect(send(V3, 'admin', 'the agent\'s', [agentFile])).rejects.toBeInstanceOf(AttachmentsTakenError);
        expect((await store.latestIds()).mid).toBe(mid);
        // Nothing was taken by the refused sends: the fresh file still goes out.
        expect((await send(V3, 'admin', 'now', [fresh])).message.attachments?.[0].id).toBe(fresh.id);
        // The agent sends its own file to the conversation.
        expect((await send('agent:7', V3, 'from us', [agentFile])).message.attachments?.[0]).toMatchObject({ id: agentFile.id, name: 'from-agent.pdf' });
      });

      it('shows a row edited by hand as it reads, its files still attached', async () => {
        const pdf = await uploaded(V3, V3, 'edited.pdf');
        const { message } = await send(V3, 'admin', 'hello', [pdf]);
        const files = await store.attachments.forMessages([message.mid]);
        expect(files.get(message.mid)?.map((a) => a.id)).toEqual([pdf.id]);
        // A row whose text no longer ends with the file lines (as PHP might leave it) keeps its text whole.
        const { message: other } = await store.insertMessage({ from: V3, to: 'admin', content: '📎 not a file line', clientId: null, fromName: null });
        const [back] = (await store.history({ kind: 'visitor', visitorId: V3 }, null, 1));
        expect(back).toMatchObject({ mid: other.mid, content: '📎 not a file line' });
        expect(back.attachments).toBeUndefined();
      });

      it('completes an upload once per uploader and clientId', async () => {
        const [first, second] = [fileId(), fileId()];
        for (const id of [first, second]) await store.attachments.begin({ id, visitorId: V3, owner: V3, name: 'a.pdf', store: 'db' }, new Date());
        const facts = { name: 'a.pdf', type: 'application/pdf', size: 10, width: null, height: null };
        expect(await store.attachments.finish(first, facts, 'up-1')).toBe(true);
        expect(await store.attachments.finish(second, facts, 'up-1')).toBe(false);
        expect((await store.attachments.byClientId(V3, 'up-1'))?.id).toBe(first);
        expect(await store.attachments.byClientId('agent:7', 'up-1')).toBeNull();
        expect((await store.attachments.getMany([second, 'a_nonexistent00000000000', first])).map((a) => a.id)).toEqual([second, first]);
      });

      it('finds the files to remove: cut-off uploads, files never sent, files whose conversation is gone', async () => {
        const V4 = 'v_DDDDDDDDDDDDDDDDDDDDDD';
        const V5 = 'v_EEEEEEEEEEEEEEEEEEEEEE';
        const now = Date.now();
        await store.upsertVisitor({ visitorId: V4 }, new Date(now));
        const recent = await uploaded(V4, V4, 'recent.pdf');
        const old = await uploaded(V4, V4, 'old.pdf', false, new Date(now - 2 * 24 * 3600_000));
        const orphan = await uploaded(V5, V5, 'orphan.pdf');
        const cut = fileId();
        await store.attachments.begin({ id: cut, visitorId: V4, owner: V4, name: 'cut.pdf', store: 'db' }, new Date(now - 2 * 3600_000));
        const mine = (files: Array<{ id: string }>) => files.map((f) => f.id).filter((id) => [recent.id, old.id, orphan.id, cut].includes(id)).sort();
        const expired = await store.attachments.expired(new Date(now - 3600_000), new Date(now - 24 * 3600_000), 1000);
        expect(mine(expired)).toEqual([old.id, orphan.id, cut].sort());
        expect(expired.find((f) => f.id === cut)?.store).toBe('db');
        await store.attachments.remove([old.id, orphan.id, cut]);
        expect(await store.attachments.get(old.id)).toBeNull();
        expect(mine(await store.attachments.expired(new Date(now - 3600_000), new Date(now - 24 * 3600_000), 1000))).toEqual([]);
        expect((await store.attachments.get(recent.id))?.name).toBe('recent.pdf');
      });
    });

    ratingStoreContract(() => store);
    pushStoreContract(() => store);
    mailStoreContract(() => store);
  });
}
