import { describe, expect, it } from 'vitest';
import type { TemplateResult } from 'lit';
import { linkify } from '../../client/ui/linkify.js';

/** Text parts as they are, links as [href]. */
const shape = (text: string) => linkify(text).map((p) => (typeof p === 'string' ? p : [(p as TemplateResult).values[0]]));

describe('linkify', () => {
  it('makes http, https and mailto addresses links, leaving the words around them as text', () => {
    expect(shape('see https://example.com/a?b=1 now')).toEqual(['see ', ['https://example.com/a?b=1'], ' now']);
    expect(shape('write to mailto:help@example.com')).toEqual(['write to ', ['mailto:help@example.com'], '']);
    expect(shape('http://a.test and http://b.test')).toEqual(['', ['http://a.test'], ' and ', ['http://b.test'], '']);
  });

  it('leaves sentence punctuation after an address outside the link, in English and Chinese', () => {
    expect(shape('Open https://example.com/x.')).toEqual(['Open ', ['https://example.com/x'], '.']);
    expect(shape('(https://example.com/x)')).toEqual(['(', ['https://example.com/x'], ')']);
    expect(shape('请看 https://example.com/x。')).toEqual(['请看 ', ['https://example.com/x'], '。']);
  });

  it('never links other schemes and never turns markup into HTML', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'ftp://example.com', 'www.example.com', '<a href="https://x.test">x</a>']) {
      expect(linkify(text).filter((p) => typeof p !== 'string').length).toBe(text.includes('https://') ? 1 : 0);
    }
    // The quote ends the address: markup around it stays text.
    expect(shape('<a href="https://x.test">x</a>')).toEqual(['<a href="', ['https://x.test'], '">x</a>']);
  });
});
