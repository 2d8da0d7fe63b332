// What the console's details column reads, over HTTP against both stores: the
// browser, system and device parsed from a session's User-Agent (and nothing
// of the header kept), the time zone the widget reports (refused with a 400,
// and nothing written, when Intl does not know it), and a person's other
// conversations, by verified user and by email, for agents only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RowDataPacket } from 'mysql2';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { signedToken } from '../helpers/signed-token.js';
import { call, poll, send } from '../helpers/api.js';
import { connectTestDb } from '../helpers/mysql.js';

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

type Session = { visitorId: string; token: string; verified: boolean };
type Related = { visitorId: string; name: string | null; email: string | null; verified: boolean; status: string; preview: string; lastAt: string | null };

const now = () => Math.floor(Date.now() / 1000);

/** An identity token as the site signs it for a logged-in user. */
function identity(sub: string, name: string, email: string): string {
  return signedToken({ typ: 'identity', sub, name, email, iat: now(), exp: now() + 600 });
}

for (const store of ['sqlite', 'mysql'] as const) {
  describe(`the visitor details (${store})`, () => {
    let sc: TestSidecar;
    let agent: string;

    beforeAll(async () => {
      sc = await startSidecar({ store });
      agent = await sc.agentToken(1, 'Ann');
    });
    afterAll(async () => {
      await sc?.stop();
    });

    const session = async (body: Record<string, unknown>, opts: { ua?: string; token?: string } = {}) => {
      const r = await call<Session>(sc.url, '/api/visitor/session', { body, token: opts.token, headers: opts.ua ? { 'user-agent': opts.ua } : {} });
      return r;
    };
    /** A visitor who opened a session and wrote one message. */
    const talker = async (body: Record<string, unknown>, text: string) => {
      const r = await session(body, { ua: WINDOWS });
      expect(r.status).toBe(200);
      expect((await send(sc.url, r.body.token, text)).status).toBe(201);
      return r.body;
    };
    const related = (visitorId: string, token: string | undefined = agent) =>
      call<{ conversations: Related[]; error?: { code: string } }>(sc.url, `/api/agent/conversations/${encodeURIComponent(visitorId)}/related`, { token });
    const entry = async (visitorId: string) =>
      (await call(sc.url, '/api/agent/conversations?filter=all', { token: agent })).body.conversations.find((c: { visitorId: string }) => c.visitorId === visitorId);

    it('records the browser, system and device of the latest session and the reported time zone, and shows them to agents', async () => {
      const start = (await poll(sc.url, 'agent', agent, null, 0)).body.cursor;
      const phone = await session({ name: 'Lin', timeZone: 'Asia/Shanghai' }, { ua: IPHONE });
      expect(phone.status).toBe(200);
      const { visitorId, token } = phone.body;
      await send(sc.url, token, 'hello from my phone');
      const expected = { browser: 'Safari 17', os: 'iOS 17.5', device: 'mobile', timeZone: 'Asia/Shanghai' };
      expect(await entry(visitorId)).toMatchObject(expected);
      // The console hears of it live too: the visitor event carries the same fields.
      const deadline = Date.now() + 10_000;
      let cursor = start;
      let event: { visitor: Record<string, unknown> } | undefined;
      while (!event && Date.now() < deadline) {
        const r = await poll(sc.url, 'agent', agent, cursor, 2);
        cursor = r.body.cursor;
        event = r.body.events.find((e) => e.type === 'visitor' && e.visitor.visitorId === visitorId);
      }
      expect(event?.visitor).toMatchObject(expected);

      // The same visitor later on a Windows PC, the zone not sent: the device follows, the zone stays.
      expect((await session({}, { ua: WINDOWS, token })).status).toBe(200);
      expect(await entry(visitorId)).toMatchObject({ browser: 'Chrome 131', os: 'Windows 10', device: 'desktop', timeZone: 'Asia/Shanghai' });
      // No User-Agent at all: nothing is known of the browser any more.
      expect((await call(sc.url, '/api/visitor/session', { token, body: {}, headers: { 'user-agent': '' } })).status).toBe(200);
      expect(await sc.rt.store.getVisitor(visitorId)).toMatchObject({ browser: null, os: null, device: null, timeZone: 'Asia/Shanghai' });

      if (store === 'mysql') {
        // Only the three short fields are stored: no column holds the header.
        expect((await session({}, { ua: IPHONE, token })).status).toBe(200);
        const conn = await connectTestDb();
        try {
          const [rows] = await conn.query<RowDataPacket[]>(`SELECT * FROM \`${sc.prefix}kefu_visitor\` WHERE id = ?`, [visitorId]);
          expect(rows[0]).toMatchObject({ browser: 'Safari 17', os: 'iOS 17.5', device: 'mobile', time_zone: 'Asia/Shanghai' });
          expect(Object.values(rows[0]).some((v) => typeof v === 'string' && /Mozilla|AppleWebKit/.test(v))).toBe(false);
        } finally {
          await conn.end();
        }
      }
    });

    it('refuses a time zone Intl does not know, a long one or a number with a 400, and writes nothing', async () => {
      const kept = await session({ name: 'Kept', timeZone: 'Europe/Paris' }, { ua: IPHONE });
      const start = (await poll(sc.url, 'agent', agent, null, 0)).body.cursor;
      const rows = async () => {
        if (store !== 'mysql') return 0;
        const conn = await connectTestDb();
        try {
          const [r] = await conn.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${sc.prefix}kefu_visitor\``);
          return Number(r[0].n);
        } finally {
          await conn.end();
        }
      };
      const before = await rows();
      for (const timeZone of ['Asia/<script>', 'Europe/Paris'.padEnd(65, 'x'), 42, '', '../../etc']) {
        const fresh = await session({ name: 'Refused', timeZone }, { ua: WINDOWS });
        expect(fresh.status).toBe(400);
        expect(fresh.headers.get('content-type')).toMatch(/json/);
        expect(fresh.body).toMatchObject({ error: { code: 'bad_request', message: expect.stringContaining('timeZone') } });
        // An existing visitor's record is left as it was: name, zone and device alike.
        const again = await session({ name: 'Refused', timeZone }, { ua: WINDOWS, token: kept.body.token });
        expect(again.status).toBe(400);
      }
      expect(await sc.rt.store.getVisitor(kept.body.visitorId)).toMatchObject({ name: 'Kept', timeZone: 'Europe/Paris', device: 'mobile' });
      expect(await rows()).toBe(before);
      // A well-formed zone this server does not know (newer than its ICU) still gets a session; the zone is dropped.
      const unknown = await session({ name: 'Newer', timeZone: 'Mars/Olympus_Mons' }, { ua: WINDOWS });
      expect(unknown.status).toBe(200);
      expect((await sc.rt.store.getVisitor(unknown.body.visitorId))?.timeZone ?? null).toBeNull();
      // A zone Intl knows is taken as the browser spelled it (ICU would say America/Buenos_Aires).
      const marker = await session({ name: 'Marker', timeZone: 'America/Argentina/Buenos_Aires' }, { ua: WINDOWS });
      expect(marker.status).toBe(200);
      expect((await sc.rt.store.getVisitor(marker.body.visitorId))?.timeZone).toBe('America/Argentina/Buenos_Aires');
      // No session event was written for any refused request: the only ones after the start are the two accepted.
      const deadline = Date.now() + 10_000;
      let cursor = start;
      const seen: string[] = [];
      while (!seen.includes('Marker') && Date.now() < deadline) {
        const r = await poll(sc.url, 'agent', agent, cursor, 2);
        cursor = r.body.cursor;
        for (const e of r.body.events) if (e.type === 'visitor') seen.push(e.visitor.name);
      }
      expect(seen).toEqual(['Newer', 'Marker']);
    });

    it('lists the same person\'s other conversations, by verified user and by email, newest first, never someone else\'s', async () => {
      const tag = store + Date.now();
      const email = `grace.${tag}@example.test`;
      const typed = await talker({ name: 'Grace', email: email.toUpperCase() }, 'I typed my address, not signed in');
      const user = identity(`user:${tag}`, 'Grace Hopper', email);
      const signedIn = await talker({ identity: user }, 'signed in this time');
      // The same user on another browser is the same conversation, not another one.
      const otherBrowser = (await session({ identity: user }, { ua: IPHONE })).body;
      expect(otherBrowser.visitorId).toBe(signedIn.visitorId);
      await send(sc.url, otherBrowser.token, 'and now from my phone');
      const stranger = await talker({ name: 'Grace', email: `someone.else.${tag}@example.test` }, 'same name, other person');
      const nameless = await talker({ name: 'Grace' }, 'no address given');

      const fromTyped = await related(typed.visitorId);
      expect(fromTyped.status).toBe(200);
      expect(fromTyped.body.conversations).toEqual([
        { visitorId: signedIn.visitorId, name: 'Grace Hopper', email, verified: true, status: 'open', preview: 'and now from my phone', lastAt: expect.any(String) },
      ]);
      const fromUser = (await related(signedIn.visitorId)).body.conversations;
      expect(fromUser.map((c) => [c.visitorId, c.verified, c.preview])).toEqual([[typed.visitorId, false, 'I typed my address, not signed in']]);
      expect((await related(stranger.visitorId)).body.conversations).toEqual([]);
      expect((await related(nameless.visitorId)).body.conversations).toEqual([]);

      // Newest first, at most 20.
      const many: string[] = [];
      for (let i = 0; i < 21; i++) many.push((await talker({ email }, `visit ${i}`)).visitorId);
      const list = (await related(typed.visitorId)).body.conversations;
      expect(list).toHaveLength(20);
      expect(list.map((c) => c.visitorId)).toEqual(many.slice(1).reverse());
    });

    it('answers only agents, and 404 for a conversation that does not exist', async () => {
      const v = await talker({ email: 'who@example.test' }, 'hi');
      const none = await related(v.visitorId, '');
      expect(none.status).toBe(401);
      expect(none.body.error?.code).toBe('unauthorized');
      const visitor = await related(v.visitorId, v.token);
      expect(visitor.status).toBe(403);
      expect(visitor.body.error?.code).toBe('forbidden');
      const missing = await related('v_nobodynobodynobody000');
      expect(missing.status).toBe(404);
      expect(missing.body.error?.code).toBe('not_found');
      expect((await related('admin')).status).toBe(400);
    });
  });
}
