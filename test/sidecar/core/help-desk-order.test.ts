// A message's follow-up (a visitor's message reopening a resolved conversation,
// an agent's answer claiming an unowned one) runs after the sender has its
// answer. An agent's change made after that answer must come after the
// follow-up too, or the follow-up lands late and undoes it. The desk store here
// is scripted: its writes wait on a gate, so the late landing is certain.
import { describe, expect, it } from 'vitest';
import { HelpDesk } from '../../../sidecar/core/help-desk.js';
import { createLogger } from '../../../sidecar/logger.js';
import type { ConversationState } from '../../../sidecar/core/message.js';
import type { MessageFeed } from '../../../sidecar/core/message-feed.js';
import type { StateChange } from '../../../sidecar/store/desk-store.js';
import { ScriptedStore } from '../../helpers/scripted-store.js';

const VISITOR = 'v_' + 'a'.repeat(22);
const ann = { id: 'agent:1', name: 'Ann' };

/** One conversation in memory; `hold()` makes the next write wait until released. */
function deskStore(initial: Pick<ConversationState, 'status' | 'assignee'>) {
  let row = { visitorId: VISITOR, status: initial.status, assignee: initial.assignee, assigneeName: null as string | null };
  let gate: Promise<void> | null = null;
  const changeState = async (_visitorId: string, change: StateChange): Promise<ConversationState | null> => {
    const waitFor = gate;
    gate = null;
    if (waitFor) await waitFor;
    const when = change.when ?? {};
    if (when.status && row.status !== when.status) return null;
    if (when.assignee === null && row.assignee !== null) return null;
    const next = {
      ...row,
      ...(change.status ? { status: change.status } : {}),
      ...(change.assignee !== undefined ? { assignee: change.assignee?.id ?? null, assigneeName: change.assignee?.name ?? null } : {}),
    };
    if (next.status === row.status && next.assignee === row.assignee) return null;
    row = next;
    return { ...row } as ConversationState;
  };
  const store = new ScriptedStore();
  Object.defineProperty(store, 'desk', {
    value: {
      changeState,
      state: async () => ({ ...row }) as ConversationState,
      agents: async () => [{ id: 'agent:2', name: 'Bob', online: true }],
    },
  });
  return {
    store,
    get row() {
      return row;
    },
    /** The next write waits; call the returned function to let it through. */
    hold(): () => void {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return release;
    },
  };
}

function helpDesk(store: ScriptedStore): HelpDesk {
  const feed = { kick: async () => undefined } as unknown as MessageFeed;
  return new HelpDesk({ store, feed, log: createLogger('silent'), secret: 'x'.repeat(32), unassignAfterMs: 0 });
}

describe('the order of a message\'s follow-up and an agent\'s change', () => {
  it('keeps a conversation resolved when the agent resolves it right after the visitor\'s message', async () => {
    const db = deskStore({ status: 'open', assignee: 'agent:1' });
    const desk = helpDesk(db.store);
    const release = db.hold();
    // The message is stored and answered; its reopen is still on its way.
    const reopen = desk.visitorWrote(VISITOR);
    // The agent reads the message and resolves again.
    const resolving = desk.setStatus(ann, VISITOR, 'resolved');
    release();
    await Promise.all([reopen, resolving]);
    expect(db.row.status).toBe('resolved');
  });

  it('keeps a conversation unassigned when the agent gives it back right after answering', async () => {
    const db = deskStore({ status: 'open', assignee: null });
    const desk = helpDesk(db.store);
    const release = db.hold();
    const claim = desk.agentAnswered(ann, VISITOR);
    const giveBack = desk.assign(ann, VISITOR, null, undefined);
    release();
    await Promise.all([claim, giveBack]);
    expect(db.row.assignee).toBeNull();
  });

  it('still lets a change through when the follow-up failed', async () => {
    const db = deskStore({ status: 'resolved', assignee: 'agent:1' });
    const desk = helpDesk(db.store);
    const failing = Object.getOwnPropertyDescriptor(db.store, 'desk')!.value as { changeState: unknown };
    const real = failing.changeState as (...a: unknown[]) => Promise<unknown>;
    failing.changeState = async () => {
      failing.changeState = real;
      throw new Error('connection lost');
    };
    await expect(desk.visitorWrote(VISITOR)).rejects.toThrow('connection lost');
    await desk.setStatus(ann, VISITOR, 'open');
    expect(db.row.status).toBe('open');
  });
});
