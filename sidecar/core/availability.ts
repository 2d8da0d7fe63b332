// What visitors are told about the team: the agents online, but nobody
// outside business hours (core/business-hours.ts), and when the team is back.
// Agents' own answers keep the true count, so an agent may still go online
// then and answer; a visitor already in a conversation may still write (the
// widget shows its conversation, not the leave-a-message form). At each
// opening and closing the visitors' polls and streams are woken to hear it.
import type { BusinessHours } from './business-hours.js';
import type { HoursState, TeamAnswer } from './message.js';

/** What the widget does outside hours for a visitor without a conversation. */
export type OutsideHours = 'offline-form' | 'hide';

/** A long timer is re-armed at least this often: the clock may be set meanwhile. */
const MAX_TIMER_MS = 6 * 3600_000;

export interface AvailabilityDeps {
  /** Null: always open, as without business hours. */
  hours: BusinessHours | null;
  outside: OutsideHours;
  /** The true number of agents online (presence.ts). */
  agentsOnline: () => number;
  /** The hours opened or closed: waiting visitors should hear it. */
  onChange: () => void;
  now?: () => number;
}

interface Known {
  open: boolean;
  /** Until when `open` holds, in ms; Infinity: for good. */
  until: number;
  /** When it was worked out: a clock set back before this asks again. */
  from: number;
}

export class Availability {
  private known: Known | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastTold: boolean | null = null;
  private readonly now: () => number;

  constructor(private readonly deps: AvailabilityDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** KEFU_OUTSIDE_HOURS=hide with a schedule: the launcher depends on the hours. */
  get hides(): boolean {
    return this.deps.outside === 'hide' && this.deps.hours !== null;
  }

  /** Open now, and until when. Asked on every poll: worked out once per change. */
  private state(): Known {
    const now = this.now();
    const hours = this.deps.hours;
    if (!hours) return { open: true, until: Infinity, from: -Infinity };
    const k = this.known;
    if (k && now >= k.from && now < k.until) return k;
    const at = new Date(now);
    const next = hours.nextChange(at);
    this.known = { open: hours.isOpen(at), until: next ? next.getTime() : Infinity, from: now };
    return this.known;
  }

  get open(): boolean {
    return this.state().open;
  }

  /** The count every visitor-facing answer carries: 0 outside hours, whoever is online. */
  agentsOnlineForVisitors(): number {
    return this.open ? this.deps.agentsOnline() : 0;
  }

  /** The `hours` field of visitor answers; undefined without business hours. */
  hoursState(): HoursState | undefined {
    const hours = this.deps.hours;
    if (!hours) return undefined;
    const s = this.state();
    if (s.open) return { open: true, opensAt: null };
    return { open: false, opensAt: Number.isFinite(s.until) ? new Date(s.until).toISOString() : null };
  }

  /** The team answer as visitors see it: outside hours nobody online, and when the team is back. */
  forVisitors(answer: TeamAnswer): TeamAnswer {
    const hours = this.hoursState();
    if (!hours) return answer;
    if (hours.open) return { ...answer, hours };
    return { ...answer, agentsOnline: 0, agents: answer.agents.map((a) => ({ ...a, online: false })), hours };
  }

  /** True while `hide` keeps the launcher from visitors without a conversation. */
  launcherHidden(): boolean {
    return this.deps.outside === 'hide' && !this.open;
  }

  /** How many whole seconds the present answer stays true, at most `cap`: for Cache-Control. */
  freshSeconds(cap: number): number {
    const left = this.state().until - this.now();
    return Math.max(0, Math.min(cap, Math.floor(left / 1000)));
  }

  start(): void {
    if (!this.deps.hours) return;
    this.lastTold = this.open;
    this.arm();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    const left = this.state().until - this.now();
    // A timer that fires a little early finds nothing changed and waits the rest.
    this.timer = setTimeout(() => this.tick(), Math.min(MAX_TIMER_MS, Math.max(0, left)));
    this.timer.unref?.();
  }

  private tick(): void {
    const open = this.open;
    if (open !== this.lastTold) {
      this.lastTold = open;
      this.deps.onChange();
    }
    this.arm();
  }
}
