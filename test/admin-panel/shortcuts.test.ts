import { describe, expect, it } from 'vitest';
import { SHORTCUTS, isTextField, matchShortcut, type ShortcutKey } from '../../admin-panel/shortcuts.js';

/** A keydown: `key` as the layout gives it, `code` the physical key. */
function key(k: string, code: string, mods: Partial<Omit<ShortcutKey, 'key' | 'code'>> = {}): ShortcutKey {
  return { key: k, code, altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, ...mods };
}

describe('matchShortcut', () => {
  it('maps single keys outside text fields', () => {
    const pairs = [
      ['j', 'KeyJ', 'next'],
      ['k', 'KeyK', 'previous'],
      ['e', 'KeyE', 'resolve'],
      ['a', 'KeyA', 'assignMe'],
      ['r', 'KeyR', 'reply'],
      ['n', 'KeyN', 'note'],
      ['/', 'Slash', 'search'],
    ] as const;
    for (const [k, code, action] of pairs) expect(matchShortcut(key(k, code), false)).toBe(action);
  });

  it('ignores single keys in a text field: they are typing', () => {
    for (const [k, code] of [['j', 'KeyJ'], ['e', 'KeyE'], ['/', 'Slash'], ['?', 'Slash']]) {
      expect(matchShortcut(key(k, code), true)).toBeUndefined();
    }
    expect(matchShortcut(key('?', 'Slash', { shiftKey: true }), true)).toBeUndefined();
  });

  it('takes ? with Shift (and / where the layout needs Shift for it)', () => {
    expect(matchShortcut(key('?', 'Slash', { shiftKey: true }), false)).toBe('help');
    // German layout: ? is Shift+ß, / is Shift+7.
    expect(matchShortcut(key('?', 'Minus', { shiftKey: true }), false)).toBe('help');
    expect(matchShortcut(key('/', 'Digit7', { shiftKey: true }), false)).toBe('search');
  });

  it('leaves letters with Shift, Ctrl or Cmd to the browser', () => {
    expect(matchShortcut(key('J', 'KeyJ', { shiftKey: true }), false)).toBeUndefined();
    expect(matchShortcut(key('e', 'KeyE', { ctrlKey: true }), false)).toBeUndefined();
    expect(matchShortcut(key('r', 'KeyR', { metaKey: true }), false)).toBeUndefined();
  });

  it('reads a letter typed with Caps Lock on', () => {
    expect(matchShortcut(key('J', 'KeyJ'), false)).toBe('next');
  });

  it('matches Alt combinations by physical key, in text fields too (macOS Option types other characters)', () => {
    expect(matchShortcut(key('ArrowDown', 'ArrowDown', { altKey: true }), true)).toBe('next');
    expect(matchShortcut(key('ArrowUp', 'ArrowUp', { altKey: true }), false)).toBe('previous');
    expect(matchShortcut(key('®', 'KeyR', { altKey: true }), true)).toBe('resolve');
    expect(matchShortcut(key('å', 'KeyA', { altKey: true }), true)).toBe('assignMe');
    expect(matchShortcut(key('µ', 'KeyM', { altKey: true }), true)).toBe('note');
  });

  it('leaves Alt+E and Alt+N alone (Chrome\'s menu; é and ñ on a Mac)', () => {
    expect(matchShortcut(key('Dead', 'KeyE', { altKey: true }), true)).toBeUndefined();
    expect(matchShortcut(key('Dead', 'KeyN', { altKey: true }), true)).toBeUndefined();
  });

  it('does not take AltGr (Ctrl+Alt on Windows) for a shortcut', () => {
    expect(matchShortcut(key('ą', 'KeyA', { altKey: true, ctrlKey: true }), true)).toBeUndefined();
  });

  it('opens search with Ctrl+K or Cmd+K, even in a text field', () => {
    expect(matchShortcut(key('k', 'KeyK', { ctrlKey: true }), true)).toBe('search');
    expect(matchShortcut(key('k', 'KeyK', { metaKey: true }), false)).toBe('search');
    // Russian layout: the same key types к.
    expect(matchShortcut(key('л', 'KeyK', { ctrlKey: true }), true)).toBe('search');
    // Ctrl+Shift+K is Firefox's web console.
    expect(matchShortcut(key('K', 'KeyK', { ctrlKey: true, shiftKey: true }), true)).toBeUndefined();
  });

  it('takes Escape anywhere, but not while an IME is composing', () => {
    expect(matchShortcut(key('Escape', 'Escape'), true)).toBe('escape');
    expect(matchShortcut(key('Escape', 'Escape'), false)).toBe('escape');
    expect(matchShortcut({ ...key('Escape', 'Escape'), isComposing: true }, true)).toBeUndefined();
    expect(matchShortcut({ ...key('j', 'KeyJ'), isComposing: true }, false)).toBeUndefined();
  });

  it('lists in the sheet exactly the single keys and Alt keys that work', () => {
    const alt: Record<string, string> = { '↓': 'ArrowDown', '↑': 'ArrowUp' };
    for (const s of SHORTCUTS) {
      if (s.where) continue;
      for (const k of s.keys) {
        if (k.startsWith('Alt+')) {
          const name = k.slice(4);
          const code = alt[name] ?? `Key${name}`;
          expect(matchShortcut(key(name, code, { altKey: true }), true), k).toBe(s.action);
        } else if (k === 'Esc') {
          expect(matchShortcut(key('Escape', 'Escape'), false)).toBe(s.action);
        } else if (k === 'Ctrl+K' || k === '⌘K') {
          expect(matchShortcut(key('k', 'KeyK', { ctrlKey: k === 'Ctrl+K', metaKey: k === '⌘K' }), true)).toBe(s.action);
        } else {
          expect(matchShortcut(key(k.toLowerCase(), '', { shiftKey: k === '?' }), false), k).toBe(s.action);
        }
      }
    }
  });
});

describe('isTextField', () => {
  const el = (tagName: string, more: object = {}) => ({ tagName, ...more }) as unknown as EventTarget;

  it('counts where typing goes, by the innermost element of the path', () => {
    expect(isTextField([el('TEXTAREA'), el('KEFU-ADMIN')])).toBe(true);
    expect(isTextField([el('INPUT', { type: 'search' })])).toBe(true);
    expect(isTextField([el('DIV', { isContentEditable: true })])).toBe(true);
    expect(isTextField([el('INPUT', { type: 'checkbox' })])).toBe(false);
    expect(isTextField([el('BUTTON'), el('TEXTAREA')])).toBe(false);
    expect(isTextField([])).toBe(false);
  });
});
