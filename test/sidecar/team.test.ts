// GET /kefu/api/visitor/team against the real MariaDB: the faces of the team
// (online first, pictures only from good avatar claims, at most 8, nothing
// private) and "usually replies in …" from message rows as PHP or Kefu wrote them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'mysql2/promise';
import { startSidecar, type TestSidecar } from '../helpers/sidecar.js';
import { call } from '../helpers/api.js';
import { connectTestDb } from '../helpers/mysql.js';
import { sqlTime } from '../../sidecar/store/sql-store.js';
import type { TeamAnswer } from '../../protocol/wire.js';

const pic = (who: string) => `https://cdn.example.test/avatars/${who}.png?s=96`;
const DAY = 24 * 3600_000;

describe('the team route (MySQL)', () => {
  let a: TestSidecar;
  let db: Connection;

  /** A wait of `seconds`, `daysAgo` days ago, in the msg table; no answer when `seconds` is null. */
  async function wait(visitorId: string, daysAgo: number, seconds: number | null): Promise<void> {
    const asked = Date.now() - daysAgo * DAY;
    const rows: Array<[string, string, number]> = [[visitorId, 'admin', asked], [visitorId, 'admin', asked + 2_000]];
    if (seconds !== null) rows.push(['agent:1', visitorId, asked + seconds * 1000], [visitorId, 'admin', asked + seconds * 1000 + 5_000]);
    for (const [pos, rec, at] of rows) {
      await db.query(`INSERT INTO \`${a.rt.config.msgTable}\` (pos, rec, isread, content, created_at) VALUES (?, ?, 0, 'x', ?)`, [pos, rec, sqlTime(new Date(at))]);
    }
  }
  const visitor = (n: number) => `v_${String(n).padStart(22, 'T')}`;

  const token = (id: number, name: string, avatar?: string) => a.rt.tokens.agentToken(`agent:${id}`, name, 600, false, avatar);
  const presence = async (t: string, status: 'online' | 'away') =>
    expect((await call(a.url, '/api/agent/presence', { token: t, body: { status } })).status).toBe(204);

  beforeAll(async () => {
    a = await startSidecar({ store: 'mysql' });
    db = await connectTestDb();
    // Online, with a good picture; the bad claims still sign in, without a picture.
    await presence(await token(1, 'Ann', pic('ann')), 'online');
    await presence(await token(3, 'Cai', 'data:image/png;base64,iVBORw0KGgo='), 'online');
    await presence(await token(4, 'Dee', 'https://cdn.example.test/' + 'x'.repeat(500)), 'online');
    // Bob was online and stepped away: offline, though seen just now.
    const bob = await token(2, 'Bob', 'javascript:alert(document.cookie)');
    await presence(bob, 'online');
    await presence(bob, 'away');
    // Eve only uses the console: the presence batch writes her picture with her last-seen time.
    expect((await call(a.url, '/api/agent/conversations', { token: await token(5, 'Eve', pic('eve')) })).status).toBe(200);
    await a.rt.presence.flush();
    // Seven agents seen days ago, and one seen before the 30-day window.
    for (let i = 10; i < 17; i++) await a.rt.store.setAgentPresence({ id: `agent:${i}`, name: `Old ${i}`, avatar: pic(`old${i}`) }, 'online', new Date(Date.now() - (i - 9) * DAY));
    await a.rt.store.setAgentPresence({ id: 'agent:99', name: 'Gone' }, 'online', new Date(Date.now() - 31 * DAY));
    // Four answered waits in the window, one unanswered, one answered too long ago.
    for (const [n, secs] of [[1, 40], [2, 10], [3, 30], [4, 20]] as const) await wait(visitor(n), n, secs);
    await wait(visitor(5), 0.5, null);
    await wait(visitor(6), 31, 5);
  });
  afterAll(async () => {
    await db?.end();
    await a?.stop();
  });

  it('lists online agents first with their pictures, then others seen lately, at most 8, and nothing private', async () => {
    const r = await call<TeamAnswer>(a.url, '/api/visitor/team');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.headers.get('cache-control')).toBe('public, max-age=5');
    expect(Object.keys(r.body).sort()).toEqual(['agents', 'agentsOnline', 'replySeconds']);
    expect(r.body.agentsOnline).toBe(4);
    const { agents } = r.body;
    expect(agents).toHaveLength(8);
    for (const m of agents) expect(Object.keys(m).sort()).toEqual(['avatar', 'id', 'name', 'online']);
    const online = agents.slice(0, 4);
    expect(online.every((m) => m.online)).toBe(true);
    expect(Object.fromEntries(online.map((m) => [m.name, m.avatar]))).toEqual({ Ann: pic('ann'), Cai: null, Dee: null, Eve: pic('eve') });
    expect(online.find((m) => m.name === 'Ann')).toEqual({ id: 'agent:1', name: 'Ann', avatar: pic('ann'), online: true });
    // Then the latest seen: Bob (away), then the old ones, newest first.
    expect(agents.slice(4)).toEqual([
      { id: 'agent:2', name: 'Bob', avatar: null, online: false },
      { id: 'agent:10', name: 'Old 10', avatar: pic('old10'), online: false },
      { id: 'agent:11', name: 'Old 11', avatar: pic('old11'), online: false },
      { id: 'agent:12', name: 'Old 12', avatar: pic('old12'), online: false },
    ]);
    expect(JSON.stringify(r.body)).not.toMatch(/javascript|data:|eyJ/);
  });

  it('has no reply time below five answered waits in 30 days, and the median from five on', async () => {
    expect((await call<TeamAnswer>(a.url, '/api/visitor/team')).body.replySeconds).toBeNull();
    await wait(visitor(7), 2, 50);
    await wait(visitor(8), 3, 600);
    // A second process on the same tables reads afresh: waits 10, 20, 30, 40, 50, 600.
    const b = await startSidecar({ store: 'mysql', prefix: a.prefix });
    try {
      expect((await call<TeamAnswer>(b.url, '/api/visitor/team')).body.replySeconds).toBe(35);
    } finally {
      await b.stop({ keepData: true });
    }
    // This one keeps its figure for minutes: a page full of widgets costs the database nothing.
    expect((await call<TeamAnswer>(a.url, '/api/visitor/team')).body.replySeconds).toBeNull();
  });
});
