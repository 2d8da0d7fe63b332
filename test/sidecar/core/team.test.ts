// The team answer comes from memory: faces for 5 s, the reply time for 10
// minutes; askers at the same moment share one query; a failure is not kept.
import { describe, expect, it, vi } from 'vitest';
import { FACES_TTL_MS, REPLY_ROWS, REPLY_TTL_MS, TEAM_SIZE, TEAM_WINDOW_MS, Team } from '../../../sidecar/core/team.js';
import { AGENT_ONLINE_WINDOW_MS } from '../../../sidecar/core/presence.js';
import { manualClock, ScriptedStore } from '../../helpers/scripted-store.js';
import type { Exchange } from '../../../sidecar/store/team-store.js';

const ann = { id: 'agent:1', name: 'Ann', avatar: 'https://cdn.example.test/ann.png', online: true };

/** Five conversations, each answered after 30 s. */
const answered: Exchange[] = Array.from({ length: 5 }, (_, i) => [
  { mid: 2 * i + 1, from: `v_${String(i).padStart(22, 'x')}`, to: 'admin', at: i * 1e6 },
  { mid: 2 * i + 2, from: 'agent:1', to: `v_${String(i).padStart(22, 'x')}`, at: i * 1e6 + 30_000 },
]).flat();

function setup() {
  const clock = manualClock(1_700_000_000_000);
  const store = new ScriptedStore();
  const members = vi.fn(async () => [ann]);
  const exchanges = vi.fn(async () => answered);
  const agentsOnline = vi.fn(async () => 1);
  Object.assign(store, { team: { members, exchanges }, agentsOnline });
  return { clock, members, exchanges, agentsOnline, team: new Team({ store, now: clock.now }) };
}

describe('Team', () => {
  it('answers faces, the online count and the median reply, asking with the windows', async () => {
    const { clock, team, members, exchanges, agentsOnline } = setup();
    expect(await team.answer()).toEqual({ agentsOnline: 1, agents: [ann], replySeconds: 30 });
    const t = clock.now();
    expect(members).toHaveBeenCalledWith(new Date(t - AGENT_ONLINE_WINDOW_MS), new Date(t - TEAM_WINDOW_MS), TEAM_SIZE);
    expect(agentsOnline).toHaveBeenCalledWith(new Date(t - AGENT_ONLINE_WINDOW_MS));
    expect(exchanges).toHaveBeenCalledWith(new Date(t - TEAM_WINDOW_MS), REPLY_ROWS);
  });

  it('asks the store once for a page full of widgets asking at once', async () => {
    const { team, members, exchanges } = setup();
    await Promise.all(Array.from({ length: 50 }, () => team.answer()));
    expect(members).toHaveBeenCalledTimes(1);
    expect(exchanges).toHaveBeenCalledTimes(1);
  });

  it('asks again for faces after 5 s and for the reply time after 10 minutes', async () => {
    const { clock, team, members, exchanges } = setup();
    await team.answer();
    clock.advance(FACES_TTL_MS - 1);
    await team.answer();
    expect(members).toHaveBeenCalledTimes(1);
    clock.advance(1);
    await team.answer();
    expect(members).toHaveBeenCalledTimes(2);
    expect(exchanges).toHaveBeenCalledTimes(1);
    clock.advance(REPLY_TTL_MS);
    await team.answer();
    expect(exchanges).toHaveBeenCalledTimes(2);
  });

  it('does not keep a failure: the next asker tries again', async () => {
    const { team, members } = setup();
    members.mockRejectedValueOnce(new Error('database unavailable'));
    await expect(team.answer()).rejects.toThrow('database unavailable');
    expect(await team.answer()).toMatchObject({ agents: [ann] });
    expect(members).toHaveBeenCalledTimes(2);
  });
});
