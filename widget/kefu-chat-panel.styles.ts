import { css } from 'lit';
import { messagePartStyles } from '../client/ui/message-parts.styles.js';

// Text keeps 4.5:1 (WCAG AA): the muted grey on --_surface, where names and
// times sit, and the header's status line, in full --_on-accent on the accent.
// (Comments stay out here: the CSS text ships as written.)
export const panelStyles = [
  messagePartStyles,
  css`
  :host {
    --_accent: var(--kefu-accent, var(--_accent-attr, #2563eb));
    --_on-accent: var(--kefu-on-accent, #fff);
    --_bg: var(--kefu-background, #fff);
    --_text: var(--kefu-text, #0f172a);
    --_muted: var(--kefu-muted, #5b6b80);
    --_surface: var(--kefu-surface, #f1f5f9);
    --_radius: var(--kefu-radius, 16px);
    position: absolute;
    bottom: calc(var(--kefu-launcher-size, 56px) + 16px);
    right: 0;
    font: 14px/1.45 var(--kefu-font, system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', sans-serif);
    color: var(--_text);
  }
  :host([position='left']) {
    right: auto;
    left: 0;
  }
  :host(:not([open])) {
    display: none;
  }
  * {
    box-sizing: border-box;
  }
  .panel {
    display: flex;
    flex-direction: column;
    width: var(--kefu-panel-width, 370px);
    height: min(var(--kefu-panel-height, 580px), calc(100vh - 120px));
    background: var(--_bg);
    border-radius: var(--_radius);
    box-shadow: 0 12px 48px rgba(15, 23, 42, 0.22), 0 2px 6px rgba(15, 23, 42, 0.08);
    overflow: hidden;
    animation: rise 0.18s ease-out;
  }
  @keyframes rise {
    from {
      opacity: 0;
      transform: translateY(8px);
    }
  }
  header {
    display: flex;
    align-items: center;
    gap: 12px;
    padding: 16px 12px 16px 20px;
    background: var(--_accent);
    color: var(--_on-accent);
  }
  header .text {
    flex: 1;
    min-width: 0;
  }
  h2 {
    margin: 0;
    font-size: 16px;
    font-weight: 600;
    line-height: 1.3;
  }
  .status {
    display: flex;
    align-items: center;
    gap: 6px;
    margin: 2px 0 0;
    font-size: 12.5px;
  }
  .dot {
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: #94a3b8;
    flex: none;
  }
  .dot.on {
    background: #4ade80;
  }
  button {
    font: inherit;
    cursor: pointer;
  }
  .icon-button {
    display: grid;
    place-items: center;
    width: 36px;
    height: 36px;
    border: 0;
    border-radius: 50%;
    background: transparent;
    color: inherit;
  }
  .icon-button:hover {
    background: rgba(255, 255, 255, 0.18);
  }
  button:focus-visible,
  textarea:focus-visible,
  input:focus-visible,
  .messages:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  header button:focus-visible {
    outline-color: var(--_on-accent);
  }
  svg {
    width: 20px;
    height: 20px;
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
    stroke-linecap: round;
    stroke-linejoin: round;
  }
  .messages {
    flex: 1;
    overflow-y: auto;
    overscroll-behavior: contain;
    padding: 16px 14px 8px;
    background: var(--_surface);
    display: flex;
    flex-direction: column;
    gap: 2px;
  }
  .msg {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    max-width: 82%;
    margin-top: 6px;
  }
  .msg.own {
    align-self: flex-end;
    align-items: flex-end;
  }
  .who {
    font-size: 12px;
    color: var(--_muted);
    margin: 4px 0 2px 4px;
  }
  .bubble {
    padding: 8px 12px;
    border-radius: 14px 14px 14px 4px;
    background: var(--_bg);
    box-shadow: 0 1px 1px rgba(15, 23, 42, 0.06);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .own .bubble {
    border-radius: 14px 14px 4px 14px;
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .failed .bubble {
    opacity: 0.6;
  }
  .meta {
    display: flex;
    gap: 6px;
    align-items: center;
    font-size: 11.5px;
    color: var(--_muted);
    margin: 3px 4px 0;
  }
  .state[data-state='read'] {
    color: var(--_accent);
  }
  .note {
    align-self: center;
    text-align: center;
    font-size: 12.5px;
    color: var(--_muted);
    margin: 8px 12px;
  }
  .typing {
    padding: 4px 18px 6px;
    font-size: 12.5px;
    color: var(--_muted);
    background: var(--_surface);
    font-style: italic;
  }
  form.composer {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-end;
    gap: 8px;
    padding: 10px 10px 10px 14px;
    border-top: 1px solid #e2e8f0;
    background: var(--_bg);
  }
  textarea,
  input {
    font: inherit;
    color: inherit;
  }
  .composer textarea {
    flex: 1;
    resize: none;
    border: 0;
    background: transparent;
    padding: 8px 0;
    max-height: 120px;
    min-height: 36px;
    line-height: 20px;
  }
  .composer textarea:focus-visible {
    outline: none;
  }
  .consent {
    flex-basis: 100%;
    display: flex;
    flex-direction: row;
    gap: 8px;
    align-items: flex-start;
    font-size: 13px;
    line-height: 18px;
    color: var(--_text);
  }
  .consent input[type='checkbox'] {
    flex: none;
    padding: 0;
    margin: 2px 0 0;
    accent-color: var(--_accent);
  }
  .consent a {
    color: inherit;
  }
  .send {
    display: grid;
    place-items: center;
    width: 38px;
    height: 38px;
    flex: none;
    border: 0;
    border-radius: 50%;
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .send:disabled {
    opacity: 0.45;
    cursor: default;
  }
  .form {
    flex: 1;
    overflow-y: auto;
    display: flex;
    flex-direction: column;
    gap: 12px;
    padding: 20px;
  }
  .form h3 {
    margin: 0;
    font-size: 15px;
  }
  .form p {
    margin: 0;
    color: var(--_muted);
  }
  label {
    display: flex;
    flex-direction: column;
    gap: 4px;
    font-size: 12.5px;
    color: var(--_muted);
  }
  .form input,
  .form textarea {
    border: 1px solid #cbd5e1;
    border-radius: 8px;
    padding: 8px 10px;
    background: var(--_bg);
    color: var(--_text);
  }
  .form textarea {
    min-height: 96px;
    resize: vertical;
  }
  .primary {
    border: 0;
    border-radius: 8px;
    padding: 10px 14px;
    background: var(--_accent);
    color: var(--_on-accent);
    font-weight: 600;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  @media (max-width: 479.98px) {
    :host {
      position: fixed;
      inset: 0;
      bottom: 0;
    }
    .panel {
      width: 100%;
      height: 100%;
      height: 100dvh;
      border-radius: 0;
    }
    /* 16 px keeps mobile Safari from zooming in on focus. */
    textarea,
    input {
      font-size: 16px;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .panel {
      animation: none;
    }
  }
`,
];
