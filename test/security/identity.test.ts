// Verified visitors and per-site tokens: a session is verified only by an
// identity token the site signed, one user has one conversation on every
// browser, what a visitor typed is never merged into a user's history, and a
// token of one WordPress network site opens nothing on another site's sidecar.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSidecar, TEST_SECRET, type TestSidecar } from '../helpers/sidecar.js';
import { signedToken } from '../helpers/signed-token.js';
import { expectError, request } from '../helpers/http-probe.js';
import { loadConfig } from '../../sidecar/config.js';
import { parseWpConfig } from '../../sidecar/wp-config.js';

type Session = { visitorId: string; token: string; name: string | null; email: string | null; verified: boolean; consentAt: string | null };

const now = () => Math.floor(Date.now() / 1000);

const signed = signedToken;

const identity = (over: Record<string, unknown> = {}, secret = TEST_SECRET) =>
  signed({ typ: 'identity', sub: 'user:42', name: 'Grace Customer', email: 'grace@example.test', iat: now(), exp: now() + 600, ...over }, secret);

for (const store of ['sqlite', 'mysql'] as const) {
  describe(`verified visitors (${store})`, () => {
    let sc: TestSidecar;
    let agent: string;

    beforeAll(async () => {
      sc = await startSidecar({ store });
      agent = await sc.agentToken(1, 'Ann');
    });
    afterAll(async () => {
      await sc?.stop();
    });

    const session = async (body: Record<string, unknown>, token?: string) => request(sc.url, '/api/visitor/session', { json: body, token });
    const conversation = async (visitorId: string) => {
      const list = (await request(sc.url, '/api/agent/conversations', { token: agent })).json as { conversations: Array<Session & { visitorId: string }> };
      return list.conversations.find((c) => c.visitorId === visitorId);
    };

    it('marks a session verified only from a valid identity token, with the user\'s name and email', async () => {
      const forged = (await session({ name: 'Grace Customer', email: 'grace@example.test' })).json as Session;
      expect(forged.verified).toBe(false);
      const real = (await session({ identity: identity(), name: 'Someone Else', email: 'x@evil.test' })).json as Session;
      expect(real.verified).toBe(true);
      expect([real.name, real.email]).toEqual(['Grace Customer', 'grace@example.test']);
      expect(real.visitorId).not.toBe(forged.visitorId);

      await request(sc.url, '/api/visitor/messages', { token: forged.token, json: { content: 'I am Grace, honest' } });
      await request(sc.url, '/api/visitor/messages', { token: real.token, json: { content: 'hello from the real Grace' } });
      expect((await conversation(forged.visitorId))?.verified).toBe(false);
      expect((await conversation(real.visitorId))?.verified).toBe(true);
    });

    it('gives a user the same conversation on another browser, and never merges an unverified one into it', async () => {
      const first = (await session({ identity: identity({ sub: 'user:77' }) })).json as Session;
      await request(sc.url, '/api/visitor/messages', { token: first.token, json: { content: 'from the laptop' } });
      // A second browser that already chatted anonymously, then logs in.
      const anon = (await session({ email: 'someone@example.test' })).json as Session;
      await request(sc.url, '/api/visitor/messages', { token: anon.token, json: { content: 'typed before logging in' } });
      const second = (await session({ identity: identity({ sub: 'user:77' }) }, anon.token)).json as Session;
      expect(second.visitorId).toBe(first.visitorId);
      const history = (await request(sc.url, '/api/visitor/messages', { token: second.token })).json as { messages: Array<{ content: string }> };
      expect(history.messages.map((m) => m.content)).toEqual(['from the laptop']);
      // The anonymous conversation is still its own, unverified.
      expect((await conversation(anon.visitorId))?.verified).toBe(false);
    });

    it('does not resume a verified conversation without an identity (the user logged out)', async () => {
      const mine = (await session({ identity: identity({ sub: 'user:88' }) })).json as Session;
      await request(sc.url, '/api/visitor/messages', { token: mine.token, json: { content: 'private order details' } });
      const after = (await session({}, mine.token)).json as Session;
      expect(after.visitorId).not.toBe(mine.visitorId);
      expect(after.verified).toBe(false);
      const history = (await request(sc.url, '/api/visitor/messages', { token: after.token })).json as { messages: unknown[] };
      expect(history.messages).toEqual([]);
    });

    it('refuses forged, expired, long-lived and wrong-kind identities with 401 and creates nothing', async () => {
      const before = ((await request(sc.url, '/api/agent/conversations', { token: agent })).json as { conversations: unknown[] }).conversations.length;
      const cases: Array<[string, string]> = [
        ['signed with another secret', identity({}, 'another-secret-0123456789abcdef')],
        ['expired', identity({ iat: now() - 1200, exp: now() - 600 })],
        ['living two hours', identity({ exp: now() + 7200 })],
        ['an agent token', await sc.agentToken(3, 'Mallory')],
        ['a visitor token', ((await session({})).json as Session).token],
        ['a user id that is not user:<id>', identity({ sub: 'agent:1' })],
      ];
      for (const [what, token] of cases) {
        const answer = await session({ identity: token, name: 'Mallory' });
        expect(answer.status, what).toBe(401);
        expectError(answer, 401);
      }
      expectError(await session({ identity: 42 }), 400);
      const afterCount = ((await request(sc.url, '/api/agent/conversations', { token: agent })).json as { conversations: unknown[] }).conversations.length;
      expect(afterCount).toBe(before);
    });

    it('an identity token is not an agent token', async () => {
      expectError(await request(sc.url, '/api/agent/conversations', { token: identity() }), 401);
    });

    it('records consent once, with its time', async () => {
      const s = (await session({})).json as Session;
      expect(s.consentAt).toBeNull();
      const given = (await session({ consent: true }, s.token)).json as Session;
      expect(given.visitorId).toBe(s.visitorId);
      expect(Date.parse(given.consentAt!)).toBeGreaterThan(Date.now() - 60_000);
      await new Promise((r) => setTimeout(r, 20));
      const again = (await session({ consent: true }, s.token)).json as Session;
      expect(again.consentAt).toBe(given.consentAt);
      expectError(await session({ consent: 'yes' }, s.token), 400);
    });
  });
}

describe('tokens of another network site', () => {
  let site2: TestSidecar;
  beforeAll(async () => {
    site2 = await startSidecar({ env: { KEFU_SITE_ID: '2' } });
  });
  afterAll(async () => {
    await site2?.stop();
  });

  it('answers 403 to a token whose site claim is another site, and 200 to its own', async () => {
    const claims = { typ: 'agent', sub: 'agent:5', name: 'Sam', iat: now(), exp: now() + 600 };
    expectError(await request(site2.url, '/api/agent/conversations', { token: signed({ ...claims, site: 3 }) }), 403);
    // No claim means the main site.
    expectError(await request(site2.url, '/api/agent/conversations', { token: signed(claims) }), 403);
    expect((await request(site2.url, '/api/agent/conversations', { token: signed({ ...claims, site: 2 }) })).status).toBe(200);
    expect(
      (await request(site2.url, '/api/visitor/session', { json: { identity: identity({ site: 3 }) } })).status,
    ).toBe(403);
  });

  it('signs its own visitor tokens for its site', async () => {
    const s = (await request(site2.url, '/api/visitor/session', { json: {} })).json as Session;
    const claims = JSON.parse(Buffer.from(s.token.split('.')[1], 'base64url').toString()) as { site?: number };
    expect(claims.site).toBe(2);
  });

  it('uses WordPress\'s per-site table prefix', () => {
    expect(site2.rt.config.tablePrefix).toBe(`${site2.prefix}2_`);
    expect(site2.rt.config.msgTable).toBe(`${site2.prefix}2_kefu_msg`);
  });
});

describe('table names from one source', () => {
  const wp = (extra: string) => `<?php define('DB_NAME','x'); define('DB_USER','root'); define('KEFU_SECRET','0123456789abcdef0123'); ${extra} $table_prefix = 'wp_';`;

  it('reads KEFU_TABLE_PREFIX and KEFU_MSG_TABLE from wp-config.php, as the plugin does', () => {
    const parsed = parseWpConfig(wp("define( 'KEFU_TABLE_PREFIX', 'chat_' ); define( 'KEFU_MSG_TABLE', 'msg' );"));
    expect([parsed.kefuTablePrefix, parsed.kefuMsgTable]).toEqual(['chat_', 'msg']);
  });

  it('refuses an environment that contradicts wp-config.php', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const file = `${mkdtempSync(`${tmpdir()}/kefu-wp-`)}/wp-config.php`;
    writeFileSync(file, wp("define( 'KEFU_MSG_TABLE', 'msg' );"));
    await expect(loadConfig({ KEFU_WP_CONFIG: file, KEFU_MSG_TABLE: 'other' })).rejects.toThrow(/KEFU_MSG_TABLE.*wp-config\.php/);
    const same = await loadConfig({ KEFU_WP_CONFIG: file, KEFU_MSG_TABLE: 'msg' });
    expect(same.msgTable).toBe('msg');
    const fromFile = await loadConfig({ KEFU_WP_CONFIG: file });
    expect([fromFile.msgTable, fromFile.tablePrefix]).toEqual(['msg', 'wp_']);
    // An adopted table belongs to the main site; site 3 has its own.
    const site3 = await loadConfig({ KEFU_WP_CONFIG: file, KEFU_SITE_ID: '3' });
    expect([site3.msgTable, site3.tablePrefix]).toEqual(['wp_3_kefu_msg', 'wp_3_']);
  });
});

describe('an agent\'s token bounds what it opens', () => {
  let sc: TestSidecar;
  beforeAll(async () => {
    sc = await startSidecar();
  });
  afterAll(async () => {
    await sc?.stop();
  });

  it('ends a stream when the agent token behind its ticket expires, and a poll waits no longer', async () => {
    const token = signed({ typ: 'agent', sub: 'agent:9', name: 'Short', iat: now(), exp: now() + 3 });
    const { ticket } = (await request(sc.url, '/api/agent/stream-ticket', { token, json: {} })).json as { ticket: string };
    const started = Date.now();
    const stream = await fetch(`${sc.url}/agent/stream?ticket=${ticket}&origin=${encodeURIComponent(sc.origin)}`, { signal: AbortSignal.timeout(20_000) });
    const body = await stream.text();
    const took = Date.now() - started;
    expect(body).toContain('"reconnect"');
    // The configured stream life is 5 minutes; the token's end came first.
    expect(took).toBeLessThan(8_000);

    const poll = Date.now();
    const answer = await request(sc.url, '/api/agent/poll?wait=25', { token: signed({ typ: 'agent', sub: 'agent:9', name: 'Short', iat: now(), exp: now() + 2 }) });
    expect(answer.status).toBe(200);
    expect(Date.now() - poll).toBeLessThan(6_000);
  });
});
