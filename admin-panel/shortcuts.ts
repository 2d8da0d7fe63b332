// The console's keyboard shortcuts: which key does what, and the list the
// help sheet (<kefu-shortcuts>) shows. No DOM here: the shell reads keydown
// events, asks matchShortcut, and acts.
//
// Two kinds:
// - Single keys (J, K, E…, like Gmail's) only when focus is not in a text
//   field, where they are letters to type.
// - Alt combinations everywhere, even while typing a reply. They read
//   `e.code` (the physical key): on macOS Option+A types "å" and `e.key` says
//   so. Chosen to stay clear of what browsers and systems already do:
//   Alt+E and Alt+F open Chrome's menu on Windows and Linux (Firefox's menus
//   are Alt+F/E/V/S/B/T/H), Alt+D is the address bar, Alt+←/→ go back and
//   forward, and Option+E/N/U/I/` are macOS dead keys (é, ñ, ü, î, è) that
//   agents need for typing. Ctrl/⌘+K is the search key people know from
//   other tools; pages may take it over from the browser.

export type ShortcutAction = 'next' | 'previous' | 'resolve' | 'assignMe' | 'reply' | 'note' | 'canned' | 'search' | 'help' | 'escape';

export interface Shortcut {
  action: ShortcutAction;
  /** For display, not parsed; "Alt" is Option on a Mac. */
  keys: readonly string[];
  /** Only there: the composer handles it (the sheet says "in the reply box"). */
  where?: 'composer';
}

/** The sheet, in the order it lists them. */
export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'next', keys: ['J', 'Alt+↓'] },
  { action: 'previous', keys: ['K', 'Alt+↑'] },
  { action: 'resolve', keys: ['E', 'Alt+R'] },
  { action: 'assignMe', keys: ['A', 'Alt+A'] },
  { action: 'reply', keys: ['R'] },
  { action: 'note', keys: ['N', 'Alt+M'] },
  // '/' at the start of a word opens the canned-reply picker: the composer's own key handling.
  { action: 'canned', keys: ['/'], where: 'composer' },
  { action: 'search', keys: ['/', 'Ctrl+K', '⌘K'] },
  { action: 'help', keys: ['?'] },
  { action: 'escape', keys: ['Esc'] },
];

/** By `e.key`, lower-cased, outside text fields. */
const SINGLE: Readonly<Record<string, ShortcutAction>> = {
  j: 'next',
  k: 'previous',
  e: 'resolve',
  a: 'assignMe',
  r: 'reply',
  n: 'note',
  '/': 'search',
  '?': 'help',
};

/** By `e.code`, with Alt alone, anywhere. */
const ALT: Readonly<Record<string, ShortcutAction>> = {
  ArrowDown: 'next',
  ArrowUp: 'previous',
  KeyR: 'resolve',
  KeyA: 'assignMe',
  KeyM: 'note',
};

export type ShortcutKey = Pick<KeyboardEvent, 'key' | 'code' | 'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey'> & Partial<Pick<KeyboardEvent, 'isComposing'>>;

/**
 * What a keydown asks for, if anything. `inTextField`: focus is where typing
 * goes (see isTextField). The caller prevents the key's default on a match.
 */
export function matchShortcut(e: ShortcutKey, inTextField: boolean): ShortcutAction | undefined {
  // An IME's Escape or Enter belongs to the candidate window, not to the console.
  if (e.isComposing) return undefined;
  if (e.key === 'Escape') return e.ctrlKey || e.metaKey || e.altKey ? undefined : 'escape';
  if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.code === 'KeyK') return 'search';
  // AltGr is Ctrl+Alt on Windows (Polish ą is AltGr+A): only Alt alone counts.
  if (e.altKey) return e.ctrlKey || e.metaKey || e.shiftKey ? undefined : ALT[e.code];
  if (inTextField || e.ctrlKey || e.metaKey) return undefined;
  // '?' and '/' need Shift on some layouts (German: Shift+ß, Shift+7); letters with Shift are left free.
  if (e.key === '?' || e.key === '/') return SINGLE[e.key];
  return e.shiftKey ? undefined : SINGLE[e.key.toLowerCase()];
}

const TEXT_INPUTS = new Set(['text', 'search', 'email', 'url', 'tel', 'password', 'number', 'date', 'datetime-local', 'month', 'time', 'week']);

/**
 * Whether a keydown's target takes typing: pass `e.composedPath()`, whose
 * first entry is the element inside any shadow root (`e.target` would be the
 * outermost host). Duck-typed, so it needs no DOM globals.
 */
export function isTextField(path: readonly EventTarget[]): boolean {
  const el = path[0] as Partial<HTMLElement & HTMLInputElement> | undefined;
  if (!el?.tagName) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select') return true;
  return tag === 'input' && TEXT_INPUTS.has((el.type ?? 'text').toLowerCase());
}
