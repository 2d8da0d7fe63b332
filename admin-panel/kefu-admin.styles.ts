import { css } from 'lit';

export const adminStyles = css`
  :host {
    --_accent: var(--kefu-accent, #2563eb);
    --_on-accent: var(--kefu-on-accent, #fff);
    --_bg: var(--kefu-background, #fff);
    --_text: var(--kefu-text, #0f172a);
    --_muted: var(--kefu-muted, #64748b);
    --_line: var(--kefu-line, #e2e8f0);
    --_surface: var(--kefu-surface, #f8fafc);
    display: block;
    /* Layout follows the console's own width (a CMS menu beside it), not the window's. */
    container-type: inline-size;
    height: var(--kefu-admin-height, 100%);
    min-height: 420px;
    font: 14px/1.45 var(--kefu-font, system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', sans-serif);
    color: var(--_text);
    background: var(--_bg);
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
  .app {
    display: grid;
    grid-template-columns: minmax(240px, 300px) 1fr minmax(200px, 260px);
    grid-template-rows: auto 1fr;
    height: 100%;
    border: 1px solid var(--_line);
    border-radius: var(--kefu-radius, 10px);
    overflow: hidden;
  }
  header.top {
    grid-column: 1 / -1;
    display: flex;
    align-items: center;
    gap: 12px;
    padding: 10px 16px;
    border-bottom: 1px solid var(--_line);
    background: var(--_bg);
  }
  .brand {
    font-weight: 700;
    font-size: 16px;
  }
  .conn {
    font-size: 12.5px;
    color: var(--_muted);
    display: flex;
    align-items: center;
    gap: 6px;
  }
  .spacer {
    flex: 1;
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
  .presence {
    display: inline-flex;
    border: 1px solid var(--_line);
    border-radius: 999px;
    padding: 2px;
    background: var(--_surface);
  }
  .presence button {
    border: 0;
    background: transparent;
    border-radius: 999px;
    padding: 4px 12px;
    font-size: 13px;
    display: inline-flex;
    align-items: center;
    gap: 6px;
  }
  .presence button[aria-pressed='true'] {
    background: var(--_bg);
    box-shadow: 0 1px 3px rgba(15, 23, 42, 0.15);
    font-weight: 600;
  }
  .list {
    display: flex;
    flex-direction: column;
    min-height: 0;
    border-right: 1px solid var(--_line);
    background: var(--_surface);
  }
  .filter {
    margin: 10px;
    padding: 7px 10px;
    border: 1px solid var(--_line);
    border-radius: 8px;
    background: var(--_bg);
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0 6px 8px;
    overflow-y: auto;
    flex: 1;
  }
  .conv {
    display: grid;
    grid-template-columns: auto 1fr auto;
    gap: 2px 8px;
    align-items: center;
    width: 100%;
    text-align: left;
    border: 0;
    border-radius: 8px;
    padding: 9px 10px;
    background: transparent;
  }
  .conv:hover {
    background: rgba(15, 23, 42, 0.04);
  }
  .conv[aria-current='true'] {
    background: var(--_bg);
    box-shadow: 0 1px 3px rgba(15, 23, 42, 0.12);
  }
  .conv .who {
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .conv .when {
    font-size: 11.5px;
    color: var(--_muted);
  }
  .conv .last,
  .conv .page {
    grid-column: 2 / 3;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    color: var(--_muted);
    font-size: 13px;
  }
  .conv .page {
    font-size: 11.5px;
  }
  .conv.has-unread .last {
    color: var(--_text);
    font-weight: 500;
  }
  .count {
    grid-column: 3;
    grid-row: 2;
    justify-self: end;
    min-width: 20px;
    height: 20px;
    padding: 0 6px;
    border-radius: 10px;
    background: var(--_accent);
    color: var(--_on-accent);
    font-size: 11.5px;
    font-weight: 600;
    line-height: 20px;
    text-align: center;
  }
  .empty {
    color: var(--_muted);
    padding: 24px 16px;
    text-align: center;
  }
  main {
    display: flex;
    flex-direction: column;
    min-width: 0;
    min-height: 0;
  }
  .conv-head {
    display: flex;
    align-items: center;
    gap: 10px;
    padding: 12px 16px;
    border-bottom: 1px solid var(--_line);
  }
  .conv-head h2 {
    margin: 0;
    font-size: 15px;
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
  .conv-head .sub {
    font-size: 12.5px;
    color: var(--_muted);
  }
  .back {
    display: none;
  }
  .messages {
    flex: 1;
    overflow-y: auto;
    padding: 16px 20px 8px;
    display: flex;
    flex-direction: column;
    gap: 2px;
    background: var(--_surface);
  }
  .msg {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    max-width: 72%;
    margin-top: 6px;
  }
  .msg.agent {
    align-self: flex-end;
    align-items: flex-end;
  }
  .msg .name {
    font-size: 12px;
    color: var(--_muted);
    margin: 4px 4px 2px;
  }
  .bubble {
    padding: 8px 12px;
    border-radius: 14px 14px 14px 4px;
    background: var(--_bg);
    border: 1px solid var(--_line);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .msg.agent .bubble {
    border-radius: 14px 14px 4px 14px;
    border-color: transparent;
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .msg.colleague .bubble {
    background: #e0e7ff;
    color: var(--_text);
  }
  .failed .bubble {
    opacity: 0.6;
  }
  .meta {
    font-size: 11.5px;
    color: var(--_muted);
    margin: 3px 4px 0;
    display: flex;
    gap: 6px;
  }
  .state[data-state='seen'] {
    color: var(--_accent);
  }
  .state[data-state='failed'] {
    color: #dc2626;
  }
  .retry {
    border: 0;
    padding: 0;
    background: none;
    color: var(--_accent);
    text-decoration: underline;
    font-size: inherit;
  }
  .note {
    align-self: center;
    color: var(--_muted);
    font-size: 12.5px;
    margin: 8px;
  }
  .typing {
    padding: 4px 20px 6px;
    font-size: 12.5px;
    font-style: italic;
    color: var(--_muted);
    background: var(--_surface);
  }
  form.composer {
    display: flex;
    gap: 8px;
    align-items: flex-end;
    padding: 10px 12px;
    border-top: 1px solid var(--_line);
  }
  form.composer textarea {
    flex: 1;
    resize: none;
    min-height: 40px;
    max-height: 160px;
    border: 1px solid var(--_line);
    border-radius: 8px;
    padding: 9px 10px;
  }
  .send {
    border: 0;
    border-radius: 8px;
    padding: 9px 16px;
    background: var(--_accent);
    color: var(--_on-accent);
    font-weight: 600;
  }
  .details {
    border-left: 1px solid var(--_line);
    padding: 16px;
    overflow-y: auto;
    min-height: 0;
  }
  .details h3 {
    margin: 0 0 12px;
    font-size: 13px;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: var(--_muted);
  }
  dl {
    margin: 0;
    display: grid;
    gap: 10px;
  }
  dt {
    font-size: 12px;
    color: var(--_muted);
  }
  dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  a {
    color: var(--_accent);
  }
  .banner {
    grid-column: 1 / -1;
    padding: 10px 16px;
    background: #fef3c7;
    color: #92400e;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  @container (max-width: 1000px) {
    .app {
      grid-template-columns: minmax(220px, 280px) 1fr;
    }
    .details {
      display: none;
    }
  }
  @container (max-width: 640px) {
    .app {
      grid-template-columns: 1fr;
    }
    .app.has-selection .list,
    .app:not(.has-selection) main {
      display: none;
    }
    .back {
      display: inline-block;
    }
  }
`;
