import { describe, expect, it } from 'vitest';
import { matchesFilter, shiftCounts, TABS } from '../../admin-panel/conversation-filter.js';
import type { ConversationCounts, ConversationFilter, ConversationState } from '../../protocol/wire.js';

const ME = 'agent:1';
const OTHER = 'agent:2';
type State = Partial<Pick<ConversationState, 'status' | 'assignee'>>;

/** The tabs (and `all`) a conversation is listed under. */
const tabsOf = (c: State, me: string | undefined = ME) =>
  (['all', ...TABS] as ConversationFilter[]).filter((f) => matchesFilter(c, f, me));

const counts = (open: number, mine: number, unassigned: number, resolved: number): ConversationCounts => ({ open, mine, unassigned, resolved });

describe('TABS', () => {
  it('lists the tabs in the order they are shown, without "all"', () => {
    expect(TABS).toEqual(['mine', 'unassigned', 'open', 'resolved']);
  });
});

describe('matchesFilter', () => {
  it('lists an open conversation of nobody under unassigned and open', () => {
    expect(tabsOf({ status: 'open', assignee: null })).toEqual(['all', 'unassigned', 'open']);
  });

  it('lists an open conversation of mine under mine and open', () => {
    expect(tabsOf({ status: 'open', assignee: ME })).toEqual(['all', 'mine', 'open']);
  });

  it('lists an open conversation of a colleague only under open', () => {
    expect(tabsOf({ status: 'open', assignee: OTHER })).toEqual(['all', 'open']);
  });

  it('counts a pending conversation as open', () => {
    expect(tabsOf({ status: 'pending', assignee: ME })).toEqual(['all', 'mine', 'open']);
    expect(tabsOf({ status: 'pending', assignee: null })).toEqual(['all', 'unassigned', 'open']);
  });

  it('lists a resolved conversation only under resolved, whoever had it', () => {
    expect(tabsOf({ status: 'resolved', assignee: ME })).toEqual(['all', 'resolved']);
    expect(tabsOf({ status: 'resolved', assignee: null })).toEqual(['all', 'resolved']);
  });

  it('treats an entry with no status yet (known only from the feed) as open and nobody\'s', () => {
    expect(tabsOf({})).toEqual(['all', 'unassigned', 'open']);
  });

  it('never lists anything under mine when the agent is not known', () => {
    expect(matchesFilter({ status: 'open', assignee: ME }, 'mine', undefined)).toBe(false);
    expect(matchesFilter({ status: 'open', assignee: null }, 'mine', undefined)).toBe(false);
    expect(matchesFilter({}, 'mine', undefined)).toBe(false);
  });
});

describe('shiftCounts', () => {
  it('moves a claimed conversation from unassigned to mine', () => {
    const next = shiftCounts(counts(5, 1, 3, 9), { status: 'open', assignee: null }, { status: 'open', assignee: ME }, ME);
    expect(next).toEqual(counts(5, 2, 2, 9));
  });

  it('takes a conversation I transferred to a colleague out of mine, leaving unassigned as it was', () => {
    const next = shiftCounts(counts(5, 2, 3, 9), { status: 'open', assignee: ME }, { status: 'open', assignee: OTHER }, ME);
    expect(next).toEqual(counts(5, 1, 3, 9));
  });

  it('moves a conversation a colleague claimed out of unassigned, leaving mine as it was', () => {
    const next = shiftCounts(counts(5, 2, 3, 9), { status: 'open', assignee: null }, { status: 'open', assignee: OTHER }, ME);
    expect(next).toEqual(counts(5, 2, 2, 9));
  });

  it('moves a resolved conversation of mine from open and mine to resolved', () => {
    const next = shiftCounts(counts(5, 2, 3, 9), { status: 'open', assignee: ME }, { status: 'resolved', assignee: ME }, ME);
    expect(next).toEqual(counts(4, 1, 3, 10));
  });

  it('moves a resolved conversation of nobody from open and unassigned to resolved', () => {
    const next = shiftCounts(counts(5, 2, 3, 9), { status: 'pending', assignee: null }, { status: 'resolved', assignee: null }, ME);
    expect(next).toEqual(counts(4, 2, 2, 10));
  });

  it('moves a reopened conversation from resolved back to open and its owner\'s tab', () => {
    expect(shiftCounts(counts(4, 1, 3, 10), { status: 'resolved', assignee: ME }, { status: 'open', assignee: ME }, ME)).toEqual(counts(5, 2, 3, 9));
    expect(shiftCounts(counts(4, 1, 3, 10), { status: 'resolved', assignee: null }, { status: 'open', assignee: null }, ME)).toEqual(counts(5, 1, 4, 9));
  });

  it('counts a conversation known only from the feed (no status) as open and unassigned before', () => {
    expect(shiftCounts(counts(5, 1, 3, 9), {}, { status: 'open', assignee: ME }, ME)).toEqual(counts(5, 2, 2, 9));
  });

  it('leaves the counts as they were when nothing that counts changed', () => {
    const before = counts(5, 2, 3, 9);
    expect(shiftCounts(before, { status: 'open', assignee: ME }, { status: 'pending', assignee: ME }, ME)).toEqual(before);
    expect(shiftCounts(before, { status: 'open', assignee: null }, { status: 'open', assignee: null }, ME)).toEqual(before);
  });

  it('returns new counts and leaves the ones given untouched', () => {
    const before = counts(5, 1, 3, 9);
    const next = shiftCounts(before, { status: 'open', assignee: null }, { status: 'open', assignee: ME }, ME);
    expect(next).not.toBe(before);
    expect(before).toEqual(counts(5, 1, 3, 9));
  });

  it('never takes a count below zero', () => {
    const next = shiftCounts(counts(0, 0, 0, 0), { status: 'open', assignee: ME }, { status: 'resolved', assignee: ME }, ME);
    expect(next).toEqual(counts(0, 0, 0, 1));
  });

  // Clamping after the subtraction and again after the addition would raise a
  // stale zero by one for a tab the conversation merely stays in.
  it('leaves a zero count at zero when the conversation stays under that tab', () => {
    const zero = counts(0, 0, 0, 0);
    expect(shiftCounts(zero, { status: 'open', assignee: null }, { status: 'open', assignee: null }, ME)).toEqual(zero);
    expect(shiftCounts(zero, { status: 'open', assignee: ME }, { status: 'pending', assignee: ME }, ME)).toEqual(zero);
  });
});
