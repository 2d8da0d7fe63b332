// Who answers, for the widget's header: the team's faces and how soon it
// usually replies. Every widget on every page asks, without a token, so both
// parts come from memory: the faces for a few seconds (as fresh as the online
// count), the reply time, a 30-day figure, for minutes. Concurrent askers
// share one query.
import type { Store } from '../store/store.js';
import type { TeamAnswer, TeamMember } from './message.js';
import { AGENT_ONLINE_WINDOW_MS } from './presence.js';
import { replySeconds } from './reply-time.js';

export const TEAM_SIZE = 8;
export const TEAM_WINDOW_MS = 30 * 24 * 3600_000;
export const FACES_TTL_MS = 5_000;
export const REPLY_TTL_MS = 10 * 60_000;
/** The most message rows one reply-time figure reads: the newest, on a site busier than this over 30 days. */
export const REPLY_ROWS = 20_000;

export interface TeamDeps {
  store: Store;
  now?: () => number;
}

/** A value loaded at most once per `ttlMs`; callers while it loads share the load, and a failed load is not kept. */
class Cached<T> {
  private value: { v: T; until: number } | null = null;
  private loading: Promise<T> | null = null;

  constructor(private readonly load: () => Promise<T>, private readonly ttlMs: number, private readonly now: () => number) {}

  get(): Promise<T> {
    if (this.value && this.now() < this.value.until) return Promise.resolve(this.value.v);
    this.loading ??= this.load()
      .then((v) => {
        this.value = { v, until: this.now() + this.ttlMs };
        return v;
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }
}

export class Team {
  private readonly faces: Cached<{ agentsOnline: number; agents: TeamMember[] }>;
  private readonly reply: Cached<number | null>;

  constructor(deps: TeamDeps) {
    const { store, now = Date.now } = deps;
    this.faces = new Cached(async () => {
      const onlineSince = new Date(now() - AGENT_ONLINE_WINDOW_MS);
      // The count apart from the list: more may be online than the list shows.
      const [agents, agentsOnline] = await Promise.all([
        store.team.members(onlineSince, new Date(now() - TEAM_WINDOW_MS), TEAM_SIZE),
        store.agentsOnline(onlineSince),
      ]);
      return { agentsOnline, agents };
    }, FACES_TTL_MS, now);
    this.reply = new Cached(async () => replySeconds(await store.team.exchanges(new Date(now() - TEAM_WINDOW_MS), REPLY_ROWS)), REPLY_TTL_MS, now);
  }

  async answer(): Promise<TeamAnswer> {
    const [faces, replySeconds] = await Promise.all([this.faces.get(), this.reply.get()]);
    return { ...faces, replySeconds };
  }
}
