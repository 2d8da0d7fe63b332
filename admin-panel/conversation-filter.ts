import type { ConversationCounts, ConversationFilter, ConversationState } from '../protocol/wire.js';

/** The list's tabs, in the order they are shown. */
export const TABS: readonly Exclude<ConversationFilter, 'all'>[] = ['mine', 'unassigned', 'open', 'resolved'];

type StateLike = Partial<Pick<ConversationState, 'status' | 'assignee'>>;

/**
 * Whether a conversation belongs under a tab, by the same rules as the
 * server's `?filter=`. An entry the feed showed before the list knew it has
 * no status yet: it is a new conversation, so open and nobody's.
 */
export function matchesFilter(c: StateLike, filter: ConversationFilter, me: string | undefined): boolean {
  const status = c.status ?? 'open';
  const assignee = c.assignee ?? null;
  switch (filter) {
    case 'resolved':
      return status === 'resolved';
    case 'open':
      return status !== 'resolved';
    case 'mine':
      return status !== 'resolved' && assignee !== null && assignee === me;
    case 'unassigned':
      return status !== 'resolved' && assignee === null;
    default:
      return true;
  }
}

/**
 * The counts after one conversation moved from `before` to `after`, so every
 * console's tabs follow a change the moment its event arrives, without asking
 * the server again.
 */
export function shiftCounts(counts: ConversationCounts, before: StateLike, after: StateLike, me: string | undefined): ConversationCounts {
  const next = { ...counts };
  for (const tab of TABS) {
    // The change first, then the floor: a stale zero must not grow when the conversation merely stays under a tab.
    const delta = Number(matchesFilter(after, tab, me)) - Number(matchesFilter(before, tab, me));
    next[tab] = Math.max(0, counts[tab] + delta);
  }
  return next;
}
