import { css } from 'lit';
import { messagePartStyles } from '../client/ui/message-parts.styles.js';

// Text keeps 4.5:1 (WCAG AA) in both themes: the muted grey on --_surface,
// where names and times sit, and the header's status line, in full
// --_on-accent on the accent. One type scale (--_t1 12px, --_t2 14px, --_t3
// 16px) and one spacing scale (--_s1 4px … --_s5 20px) for every rule.
// Dark: the same tokens, set when the visitor's system asks for it or the
// site forces it with theme="dark"; theme="light" keeps the light set. On the
// dark thread a red and the accent as text fall below 4.5:1, so a failure
// says so in a light red and the retry link takes the text colour. The
// dark set is written out twice: gzip makes the repeat nearly free, where an
// interpolated fragment would cost the widget bytes at run time.
// The font family is inherited from <kefu-chat>, which sets --kefu-font.
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
    --_line: #cbd5e1;
    --_bubble: var(--_bg);
    --_radius: var(--kefu-radius, 16px);
    --_t1: 12px;
    --_t2: 14px;
    --_t3: 16px;
    --_s1: 4px;
    --_s2: 8px;
    --_s3: 12px;
    --_s4: 16px;
    --_s5: 20px;
    color-scheme: light;
    position: absolute;
    bottom: calc(var(--kefu-launcher-size, 56px) + 16px);
    right: 0;
    font-size: var(--_t2);
    line-height: 1.45;
    color: var(--_text);
  }
  :host([theme='dark']) {
    --_bg: var(--kefu-background, #0f172a);
    --_text: var(--kefu-text, #e2e8f0);
    --_muted: var(--kefu-muted, #94a3b8);
    --_surface: var(--kefu-surface, #111c2e);
    --_line: #334155;
    --_bubble: #1e293b;
    --_danger-fg: #fca5a5;
    --_accent-text: var(--_text);
    color-scheme: dark;
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      --_bg: var(--kefu-background, #0f172a);
      --_text: var(--kefu-text, #e2e8f0);
      --_muted: var(--kefu-muted, #94a3b8);
      --_surface: var(--kefu-surface, #111c2e);
      --_line: #334155;
      --_bubble: #1e293b;
      --_danger-fg: #fca5a5;
      --_accent-text: var(--_text);
      color-scheme: dark;
    }
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
    gap: var(--_s3);
    padding: var(--_s4) var(--_s3) var(--_s4) var(--_s5);
    background: var(--_accent);
    color: var(--_on-accent);
  }
  header .text {
    flex: 1;
    min-width: 0;
  }
  .faces {
    display: flex;
    flex: none;
  }
  .faces .avatar {
    width: 36px;
    height: 36px;
    font-size: var(--_t2);
    box-shadow: 0 0 0 2px var(--_accent);
  }
  .faces .avatar + .avatar {
    margin-left: -6px;
  }
  .avatar {
    display: inline-grid;
    place-items: center;
    flex: none;
    width: 24px;
    height: 24px;
    border-radius: 50%;
    object-fit: cover;
    background: var(--_bubble);
    color: var(--_text);
    font-size: 11px;
    font-weight: 600;
  }
  .avatar::before {
    content: attr(data-initials);
  }
  h2 {
    margin: 0;
    font-size: var(--_t3);
    font-weight: 600;
    line-height: 1.3;
  }
  .status {
    display: flex;
    align-items: center;
    gap: 6px;
    margin: 2px 0 0;
    font-size: var(--_t1);
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
    padding: var(--_s4) var(--_s3) var(--_s2);
    background: var(--_surface);
    display: flex;
    flex-direction: column;
    gap: 2px;
  }
  .day {
    align-self: center;
    margin: var(--_s3) 0 var(--_s1);
    font-size: var(--_t1);
    color: var(--_muted);
  }
  .msg {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    max-width: 82%;
  }
  .msg.tail {
    margin-bottom: var(--_s2);
  }
  .msg.own {
    align-self: flex-end;
    align-items: flex-end;
  }
  .who {
    display: flex;
    align-items: center;
    gap: 6px;
    font-size: var(--_t1);
    color: var(--_muted);
    margin: var(--_s1) 0;
  }
  .bubble {
    padding: var(--_s2) var(--_s3);
    border-radius: 14px 14px 14px 4px;
    background: var(--_bubble);
    box-shadow: 0 1px 1px rgba(15, 23, 42, 0.06);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .bubble a {
    color: inherit;
  }
  .own .bubble {
    border-radius: 14px 14px 4px 14px;
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .meta {
    display: flex;
    gap: 6px;
    align-items: center;
    font-size: var(--_t1);
    color: var(--_muted);
    margin: var(--_s1) var(--_s1) 0;
  }
  .state[data-state='read'] {
    font-weight: 600;
  }
  .note {
    align-self: center;
    text-align: center;
    font-size: var(--_t1);
    color: var(--_muted);
    margin: var(--_s2) var(--_s3);
  }
  .typing {
    padding: var(--_s1) var(--_s4) 6px;
    font-size: var(--_t1);
    color: var(--_muted);
    background: var(--_surface);
  }
  form.composer {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-end;
    gap: var(--_s2);
    padding: 10px 10px 10px var(--_s3);
    padding-bottom: calc(10px + env(safe-area-inset-bottom, 0px));
    border-top: 1px solid var(--_line);
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
  .form {
    flex: 1;
    overflow-y: auto;
    display: flex;
    flex-direction: column;
    gap: var(--_s3);
    padding: var(--_s5);
    padding-bottom: calc(var(--_s5) + env(safe-area-inset-bottom, 0px));
  }
  .form h3 {
    margin: 0;
    font-size: var(--_t3);
  }
  .form p {
    margin: 0;
    color: var(--_muted);
  }
  label {
    display: flex;
    flex-direction: column;
    gap: var(--_s1);
    font-size: var(--_t1);
    color: var(--_muted);
  }
  .grow {
    flex: 1;
    max-height: 260px;
  }
  .form input,
  .form textarea {
    border: 1px solid var(--_line);
    border-radius: var(--_s2);
    padding: var(--_s2) 10px;
    background: var(--_bg);
    color: var(--_text);
  }
  .form textarea {
    flex: 1;
    min-height: 96px;
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
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
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
    header {
      padding-top: calc(var(--_s4) + env(safe-area-inset-top, 0px));
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
