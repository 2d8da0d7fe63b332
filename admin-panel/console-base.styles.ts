import { css } from 'lit';

/**
 * What every part of the console shares: the theme's `--kefu-*` properties
 * with their fallbacks (custom properties inherit through shadow roots, so a
 * site's `kefu-admin { --kefu-accent: … }` reaches every inner component),
 * form controls in the console's font, focus rings, status dots and badges.
 * The muted grey keeps 4.5:1 (WCAG AA) on every surface it meets, the list's
 * hover included. (Comments stay out of the CSS text: it ships as written.)
 */
export const baseStyles = css`
  :host {
    --_accent: var(--kefu-accent, #2563eb);
    --_on-accent: var(--kefu-on-accent, #fff);
    --_accent-text: var(--kefu-accent-text, var(--_theme-accent-text, var(--_accent)));
    --_bg: var(--kefu-background, var(--_theme-bg, #fff));
    --_text: var(--kefu-text, var(--_theme-text, #0f172a));
    --_muted: var(--kefu-muted, var(--_theme-muted, #5b6b80));
    --_line: var(--kefu-line, var(--_theme-line, #e2e8f0));
    --_surface: var(--kefu-surface, var(--_theme-surface, #f8fafc));
  }
  * {
    box-sizing: border-box;
  }
  button,
  input,
  textarea {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
  }
  :focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 1px;
  }
  a {
    color: var(--_accent-text);
  }
  .dot {
    display: inline-block;
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: #cbd5e1;
    flex: none;
  }
  .dot.on {
    background: #22c55e;
  }
  .dot.warn {
    background: #f59e0b;
  }
  .link-button {
    border: 1px solid var(--_line);
    background: var(--_bg);
    border-radius: 8px;
    padding: 5px 10px;
    font-size: var(--_t2, 14px);
  }
  .empty {
    color: var(--_muted);
    padding: 24px 16px;
    text-align: center;
  }
  .identity {
    display: inline-block;
    vertical-align: middle;
    font-size: var(--_t1, 12px);
    font-weight: 600;
    line-height: 16px;
    padding: 1px 6px;
    border-radius: 8px;
    color: var(--_badge-fg);
    background: var(--_badge-bg);
    border: 1px solid var(--_badge-line);
  }
  .identity.verified {
    color: var(--_ok-fg);
    background: var(--_ok-bg);
    border-color: var(--_ok-line);
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;

/**
 * The panels the header's tools show in a dialog (search, blocks, push,
 * ratings, shortcuts): a block with a heading, an introduction line, and the
 * box a failure is said in (each panel places it).
 */
export const panelStyles = css`
  :host {
    display: block;
    color: var(--_text);
  }
  h2 {
    margin: 0 0 4px;
    font-size: var(--_t4, 18px);
  }
  .intro {
    margin: 0 0 12px;
    color: var(--_muted);
    font-size: var(--_t2, 14px);
  }
  .error {
    padding: 8px 10px;
    border-radius: 8px;
    background: var(--_danger-bg);
    color: var(--_danger-fg);
  }
`;

/** The theme's colours, light; `darkTheme` below has the same names. */
const lightTheme = css`
  color-scheme: light;
  --_info-bg: #eff6ff;
  --_info-fg: #1e3a8a;
  --_info-line: #bfdbfe;
  --_ok-bg: #ecfdf5;
  --_ok-fg: #166534;
  --_ok-line: #6ee7b7;
  --_warn-bg: #fef3c7;
  --_warn-fg: #92400e;
  --_warn-line: #fde68a;
  --_pending-bg: #ffedd5;
  --_pending-fg: #9a3412;
  --_danger-bg: #fef2f2;
  --_danger-fg: #b91c1c;
  --_danger-line: #fecaca;
  --_note-bg: #fefce8;
  --_note-fg: #422006;
  --_note-head: #854d0e;
  --_note-line: #ca8a04;
  --_badge-bg: #f1f5f9;
  --_badge-fg: #475569;
  --_badge-line: #cbd5e1;
  --_colleague-bg: #e0e7ff;
`;

const darkTheme = css`
  color-scheme: dark;
  --_theme-bg: #0f172a;
  --_theme-surface: #1e293b;
  --_theme-text: #e2e8f0;
  --_theme-muted: #a3b1c6;
  --_theme-line: #334155;
  --_theme-accent-text: #93c5fd;
  --_info-bg: #172554;
  --_info-fg: #dbeafe;
  --_info-line: #1d4ed8;
  --_ok-bg: #052e16;
  --_ok-fg: #bbf7d0;
  --_ok-line: #15803d;
  --_warn-bg: #451a03;
  --_warn-fg: #fde68a;
  --_warn-line: #92400e;
  --_pending-bg: #431407;
  --_pending-fg: #fed7aa;
  --_danger-bg: #450a0a;
  --_danger-fg: #fecaca;
  --_danger-line: #991b1b;
  --_note-bg: #2a2006;
  --_note-fg: #fef9c3;
  --_note-head: #fde68a;
  --_note-line: #a16207;
  --_badge-bg: #1e293b;
  --_badge-fg: #cbd5e1;
  --_badge-line: #475569;
  --_colleague-bg: #312e81;
`;

/**
 * The console's light and dark themes, for <kefu-admin>'s own :host: every
 * inner component inherits the values. Dark follows the system unless the
 * site sets `theme="light"`, or is forced with `theme="dark"`; a site's own
 * `--kefu-*` properties win over either.
 */
export const themeStyles = css`
  :host {
    ${lightTheme}
    /* The type scale both faces use (the widget's panel has the same steps), and a title step. */
    --_t1: 12px;
    --_t2: 14px;
    --_t3: 16px;
    --_t4: 18px;
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${darkTheme}
    }
  }
  :host([theme='dark']) {
    ${darkTheme}
  }
`;
