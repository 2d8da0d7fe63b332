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
    --_bg: var(--kefu-background, #fff);
    --_text: var(--kefu-text, #0f172a);
    --_muted: var(--kefu-muted, #5b6b80);
    --_line: var(--kefu-line, #e2e8f0);
    --_surface: var(--kefu-surface, #f8fafc);
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
    color: var(--_accent);
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
    font-size: 12.5px;
  }
  .empty {
    color: var(--_muted);
    padding: 24px 16px;
    text-align: center;
  }
  .identity {
    display: inline-block;
    vertical-align: middle;
    font-size: 11px;
    font-weight: 600;
    line-height: 16px;
    padding: 1px 6px;
    border-radius: 8px;
    color: #475569;
    background: #f1f5f9;
    border: 1px solid #cbd5e1;
  }
  .identity.verified {
    color: #065f46;
    background: #ecfdf5;
    border-color: #6ee7b7;
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
 * The panels the header's tools show in a dialog (search, blocks,
 * shortcuts): a block with a heading and an introduction line.
 */
export const panelStyles = css`
  :host {
    display: block;
    color: var(--_text);
  }
  h2 {
    margin: 0 0 4px;
    font-size: 18px;
  }
  .intro {
    margin: 0 0 12px;
    color: var(--_muted);
    font-size: 13px;
  }
`;
