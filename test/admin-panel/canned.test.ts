import { describe, expect, it } from 'vitest';
import { cannedPreview, cannedQuery, fillPlaceholders, insertCanned, matchCanned } from '../../admin-panel/canned.js';
import type { CannedReply } from '../../protocol/wire.js';

let nextId = 1;
const reply = (shortcut: string, title: string, content: string, owner: string | null = null): CannedReply => ({
  id: nextId++,
  owner,
  shortcut,
  title,
  content,
  updatedAt: '2024-01-01T00:00:00.000Z',
});

describe('cannedQuery', () => {
  const at = (text: string, caret = text.length) => cannedQuery(text, caret);

  it('opens on a slash that starts a word, with what follows it up to the caret', () => {
    expect(at('Hi /ref')).toEqual({ start: 3, query: 'ref' });
    expect(at('/ref')).toEqual({ start: 0, query: 'ref' });
    expect(at('/')).toEqual({ start: 0, query: '' });
    expect(at('Hi /')).toEqual({ start: 3, query: '' });
    expect(at('line one\n/th')).toEqual({ start: 9, query: 'th' });
  });

  it('stays closed for a slash inside a word or a URL', () => {
    expect(at('a/b')).toBeNull();
    expect(at('and/or')).toBeNull();
    expect(at('http://x')).toBeNull();
    expect(at('see https://example.com/help')).toBeNull();
  });

  it('closes once a space follows the token', () => {
    expect(at('/ref ')).toBeNull();
    expect(at('Hi /ref now')).toBeNull();
  });

  it('reads only the text before the caret', () => {
    expect(at('Hi /ref more', 7)).toEqual({ start: 3, query: 'ref' });
    expect(at('Hi /refund', 6)).toEqual({ start: 3, query: 're' });
    expect(at('Hi /ref', 3)).toBeNull();
    expect(at('Hi /ref', 4)).toEqual({ start: 3, query: '' });
  });

  it('does not open for paths or a doubled slash', () => {
    expect(at('/usr/bin')).toBeNull();
    expect(at('//')).toBeNull();
    expect(at('a //b')).toBeNull();
  });

  it('opens again for a fresh token after an earlier one', () => {
    expect(at('/one and /two')).toEqual({ start: 9, query: 'two' });
  });

  it('takes CJK text as the query and the ideographic space as a word break', () => {
    expect(at('您好 /退款')).toEqual({ start: 3, query: '退款' });
    expect(at('您好\u3000/退')).toEqual({ start: 3, query: '退' });
    expect(at('是/否')).toBeNull();
  });
});

describe('matchCanned', () => {
  const own = reply('refund', 'Refund policy', 'Refunds take 5 days', 'agent:1');
  const shared = reply('ref', 'Referral', 'Our referral program', null);
  const contains = reply('myref', 'Mine', 'x', null);
  const byTitle = reply('money', 'Get a REFund', 'y', null);
  const byContent = reply('zzz', 'Other', 'about the refill and refunds', 'agent:1');
  const unrelated = reply('hello', 'Greeting', 'Hi {visitor.name}', null);
  const list = [unrelated, byContent, byTitle, contains, shared, own];

  it('ranks shortcut prefix, then shortcut substring, then title, then content', () => {
    expect(matchCanned(list, 'ref').map((c) => c.shortcut)).toEqual(['refund', 'ref', 'myref', 'money', 'zzz']);
  });

  it('ignores case in the query and in every field', () => {
    expect(matchCanned(list, 'REF').map((c) => c.shortcut)).toEqual(['refund', 'ref', 'myref', 'money', 'zzz']);
    expect(matchCanned([reply('Thanks', 'T', 'c')], 'th').map((c) => c.shortcut)).toEqual(['Thanks']);
  });

  it('puts own replies before shared ones within a group, then orders by shortcut', () => {
    const a = reply('bye-b', 't', 'c', null);
    const b = reply('bye-a', 't', 'c', null);
    const c = reply('bye-z', 't', 'c', 'agent:1');
    expect(matchCanned([a, b, c], 'bye').map((r) => r.shortcut)).toEqual(['bye-z', 'bye-a', 'bye-b']);
  });

  it('offers everything by shortcut for an empty query', () => {
    expect(matchCanned(list, '').map((c) => c.shortcut)).toEqual(['hello', 'money', 'myref', 'ref', 'refund', 'zzz']);
  });

  it('returns at most the limit, best first', () => {
    expect(matchCanned(list, 'ref', 2).map((c) => c.shortcut)).toEqual(['refund', 'ref']);
    expect(matchCanned(list, '', 3)).toHaveLength(3);
  });

  it('finds nothing when nothing holds the query', () => {
    expect(matchCanned(list, 'nomatch')).toEqual([]);
    expect(matchCanned([], '')).toEqual([]);
  });

  it('matches CJK shortcuts and text', () => {
    const cjk = [reply('退款', '退款说明', '七天内可退款'), reply('发货', '发货时间', '48 小时内发货，可申请退款')];
    expect(matchCanned(cjk, '退').map((c) => c.shortcut)).toEqual(['退款', '发货']);
  });

  it('leaves the list it was given in its order', () => {
    const copy = [...list];
    matchCanned(list, '');
    matchCanned(list, 'ref');
    expect(list).toEqual(copy);
  });
});

describe('fillPlaceholders', () => {
  const fallback = { visitorName: 'there', agentName: 'the team' };

  it('fills the three placeholders', () => {
    expect(fillPlaceholders('Hi {visitor.name}, {agent.name} here. We wrote to {visitor.email}.', { visitorName: 'Ann', visitorEmail: 'ann@example.com', agentName: 'Bo' }, fallback)).toBe(
      'Hi Ann, Bo here. We wrote to ann@example.com.',
    );
  });

  it('forgives spaces inside the braces and letter case', () => {
    expect(fillPlaceholders('{ visitor.name } {Visitor.Name} {  AGENT . name}', { visitorName: 'Ann', agentName: 'Bo' }, fallback)).toBe('Ann Ann Bo');
  });

  it('fills every occurrence', () => {
    expect(fillPlaceholders('{visitor.name}/{visitor.name}', { visitorName: 'Ann' }, fallback)).toBe('Ann/Ann');
  });

  it('uses the fallback for unknown names and nothing for an unknown email', () => {
    const text = 'Hi {visitor.name} <{visitor.email}> — {agent.name}';
    expect(fillPlaceholders(text, {}, fallback)).toBe('Hi there <> — the team');
    expect(fillPlaceholders(text, { visitorName: null, visitorEmail: null, agentName: null }, fallback)).toBe('Hi there <> — the team');
    expect(fillPlaceholders(text, { visitorName: '  ', visitorEmail: '', agentName: '' }, fallback)).toBe('Hi there <> — the team');
  });

  it('leaves unknown placeholders and stray braces as typed', () => {
    const text = 'Order {order.id} for {visitor} {agent.email} {visitor.name';
    expect(fillPlaceholders(text, { visitorName: 'Ann', agentName: 'Bo' }, fallback)).toBe(text);
  });

  it('never reads a value as a placeholder or a replacement pattern', () => {
    expect(fillPlaceholders('Hi {visitor.name}', { visitorName: '{agent.name}' }, fallback)).toBe('Hi {agent.name}');
    expect(fillPlaceholders('Hi {visitor.name}', { visitorName: "$& $' $1" }, fallback)).toBe("Hi $& $' $1");
  });

  it('fills inside CJK text', () => {
    expect(fillPlaceholders('{visitor.name}您好，我是{agent.name}。', { visitorName: '王先生', agentName: '小李' }, fallback)).toBe('王先生您好，我是小李。');
  });

  it('returns text without placeholders unchanged', () => {
    expect(fillPlaceholders('Thanks!', {}, fallback)).toBe('Thanks!');
  });
});

describe('insertCanned', () => {
  it('replaces the token and puts the caret after the content', () => {
    expect(insertCanned('Hi /ref', { start: 3, caret: 7 }, 'Thanks!')).toEqual({ text: 'Hi Thanks!', caret: 10 });
  });

  it('keeps what follows the token', () => {
    expect(insertCanned('Hi /ref and bye', { start: 3, caret: 7 }, 'X')).toEqual({ text: 'Hi X and bye', caret: 4 });
  });

  it('replaces the whole word when the caret is inside it', () => {
    expect(insertCanned('Hi /refund now', { start: 3, caret: 6 }, 'X')).toEqual({ text: 'Hi X now', caret: 4 });
  });

  it('works on a bare slash and at the start of the text', () => {
    expect(insertCanned('/', { start: 0, caret: 1 }, 'Hello')).toEqual({ text: 'Hello', caret: 5 });
  });

  it('counts the caret in UTF-16 units, as a textarea does', () => {
    const text = '😀 /th';
    const q = cannedQuery(text, text.length)!;
    expect(insertCanned(text, { start: q.start, caret: text.length }, '谢谢')).toEqual({ text: '😀 谢谢', caret: 5 });
  });

  it('works end to end with cannedQuery in the middle of CJK text', () => {
    const text = '您好 /退 祝好';
    const caret = 5;
    const q = cannedQuery(text, caret)!;
    expect(q).toEqual({ start: 3, query: '退' });
    expect(insertCanned(text, { start: q.start, caret }, '七天内可退款')).toEqual({ text: '您好 七天内可退款 祝好', caret: 9 });
  });

  it('keeps multi-line content as it is', () => {
    expect(insertCanned('/a', { start: 0, caret: 2 }, 'one\ntwo')).toEqual({ text: 'one\ntwo', caret: 7 });
  });
});

describe('cannedPreview', () => {
  it('puts the text on one line', () => {
    expect(cannedPreview('  one\n\ntwo\tthree  ')).toBe('one two three');
  });

  it('cuts long text without splitting a character', () => {
    expect(cannedPreview('😀😀😀', 2)).toBe('😀😀…');
    expect(cannedPreview('abc', 3)).toBe('abc');
  });
});
