// The Web Push part of the store contract (store-contract.ts runs it against
// the embedded SQLite store and MySQL/MariaDB): settings made once, an agent's
// subscriptions by endpoint, who may receive, and one claim per notification.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../sidecar/store/store.js';
import { MAX_DEVICES_PER_AGENT, type PushSubscriptionInput } from '../../sidecar/store/push-store.js';

const P256DH = 'B' + 'A'.repeat(86);
const AUTH = 'Q'.repeat(22);

function sub(endpoint: string, extra: Partial<PushSubscriptionInput> = {}): PushSubscriptionInput {
  return { endpoint, p256dh: P256DH, auth: AUTH, label: 'Chrome 131, Android 14', lang: 'en', page: 'https://example.com/wp-admin/admin.php?page=kefu', ...extra };
}

export function pushStoreContract(store: () => Store): void {
  describe('web push', () => {
    const seen = (id: string, at = new Date()) => store().setAgentPresence({ id, name: id }, 'online', at);

    it('keeps the first value of a setting when two processes make one', async () => {
      const s = store().settings;
      expect(await s.get('contract_vapid')).toBeNull();
      expect(await s.addIfAbsent('contract_vapid', '{"publicKey":"first"}', new Date())).toBe(true);
      expect(await s.addIfAbsent('contract_vapid', '{"publicKey":"second"}', new Date())).toBe(false);
      expect(await s.get('contract_vapid')).toBe('{"publicKey":"first"}');
    });

    it('stores a subscription once per endpoint, moves it to the agent who saves it last, and removes it by its owner only', async () => {
      const s = store();
      await seen('agent:push-a');
      await seen('agent:push-b');
      const endpoint = 'https://push.example.com/send/' + 'x'.repeat(1500);
      const first = await s.push.save('agent:push-a', sub(endpoint, { lang: 'zh-CN', label: '微信 8' }), new Date());
      expect(first.created).toBe(true);
      expect(first.subscription).toMatchObject({ agentId: 'agent:push-a', endpoint, p256dh: P256DH, auth: AUTH, lang: 'zh-CN', label: '微信 8', lastOkAt: null });
      expect(first.subscription.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(await s.push.any()).toBe(true);

      const again = await s.push.save('agent:push-a', sub(endpoint, { auth: 'R'.repeat(22) }), new Date());
      expect(again).toMatchObject({ created: false, subscription: { id: first.subscription.id, auth: 'R'.repeat(22), lang: 'en' } });

      const moved = await s.push.save('agent:push-b', sub(endpoint), new Date());
      expect(moved).toMatchObject({ created: false, subscription: { id: first.subscription.id, agentId: 'agent:push-b' } });
      expect((await s.push.targets(['agent:push-a'], new Date(0))).map((t) => t.id)).not.toContain(first.subscription.id);
      expect((await s.push.targets(['agent:push-b'], new Date(0))).map((t) => t.id)).toContain(first.subscription.id);

      expect(await s.push.remove('agent:push-a', endpoint)).toBe(false);
      expect(await s.push.remove('agent:push-b', endpoint)).toBe(true);
      expect(await s.push.remove('agent:push-b', endpoint)).toBe(false);
    });

    it('sends to the agents named, or to all, but only to agents seen since the cut-off', async () => {
      const s = store();
      const long = new Date(Date.now() - 30 * 24 * 3600_000);
      await seen('agent:push-1');
      await seen('agent:push-2');
      await seen('agent:push-3', long);
      const a = (await s.push.save('agent:push-1', sub('https://push.example.com/t1'), new Date())).subscription;
      const b = (await s.push.save('agent:push-2', sub('https://push.example.com/t2'), new Date())).subscription;
      const c = (await s.push.save('agent:push-3', sub('https://push.example.com/t3'), new Date())).subscription;
      // An agent never seen at all (no presence row) gets nothing either.
      const d = (await s.push.save('agent:push-4', sub('https://push.example.com/t4'), new Date())).subscription;
      const cutoff = new Date(Date.now() - 14 * 24 * 3600_000);
      expect((await s.push.targets(['agent:push-1'], cutoff)).map((t) => t.id)).toEqual([a.id]);
      expect((await s.push.targets([], cutoff))).toEqual([]);
      const all = (await s.push.targets('all', cutoff)).map((t) => t.id);
      expect(all).toEqual(expect.arrayContaining([a.id, b.id]));
      expect(all).not.toContain(c.id);
      expect(all).not.toContain(d.id);
      expect((await s.push.targets(['agent:push-3'], long)).map((t) => t.id)).toEqual([c.id]);

      const at = new Date('2026-03-01T10:00:00.000Z');
      await s.push.delivered([a.id], at);
      expect((await s.push.targets(['agent:push-1'], cutoff))[0].lastOkAt).toBe(at.toISOString());
      await s.push.removeIds([a.id, b.id]);
      expect(await s.push.targets(['agent:push-1', 'agent:push-2'], cutoff)).toEqual([]);
    });

    it(`keeps an agent's newest ${MAX_DEVICES_PER_AGENT} devices`, async () => {
      const s = store();
      await seen('agent:push-many');
      const ids: number[] = [];
      for (let i = 0; i <= MAX_DEVICES_PER_AGENT; i++) ids.push((await s.push.save('agent:push-many', sub(`https://push.example.com/many/${i}`), new Date())).subscription.id);
      const kept = (await s.push.targets(['agent:push-many'], new Date(0))).map((t) => t.id);
      expect(kept).toHaveLength(MAX_DEVICES_PER_AGENT);
      expect(kept).not.toContain(ids[0]);
      expect(kept).toContain(ids[MAX_DEVICES_PER_AGENT]);
    });

    it('gives each notification to one claimant, per kind, until old claims are pruned', async () => {
      const p = store().push;
      const mid = 900_000 + Math.floor(Math.random() * 1000);
      const claims = await Promise.all([p.claim('message', mid, new Date()), p.claim('message', mid, new Date()), p.claim('message', mid, new Date())]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await p.claim('escalate', mid, new Date())).toBe(true);
      expect(await p.claim('escalate', mid, new Date())).toBe(false);
      await p.pruneClaims(new Date(Date.now() - 60_000));
      expect(await p.claim('message', mid, new Date())).toBe(false);
      await p.pruneClaims(new Date(Date.now() + 60_000));
      expect(await p.claim('message', mid, new Date())).toBe(true);
    });
  });
}
