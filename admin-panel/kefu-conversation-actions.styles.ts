import { css } from 'lit';
import { baseStyles } from './console-base.styles.js';

export const actionsStyles = [
  baseStyles,
  css`
    :host {
      display: block;
      color: var(--_text);
    }
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 6px;
      font-size: var(--_t2, 14px);
    }
    .toolbar button {
      min-height: 32px;
      border: 1px solid var(--_line);
      background: var(--_bg);
      border-radius: 8px;
      padding: 4px 10px;
      white-space: nowrap;
    }
    .toolbar button:not([aria-disabled='true']):hover {
      background: var(--_surface);
    }
    button[aria-disabled='true'] {
      opacity: 0.6;
      cursor: progress;
    }
    .status {
      font-weight: 600;
      border-radius: 999px;
      padding: 2px 8px;
      background: var(--_info-bg);
      color: var(--_info-fg);
    }
    .status[data-status='pending'] {
      background: var(--_pending-bg);
      color: var(--_pending-fg);
    }
    .status[data-status='resolved'] {
      background: var(--_ok-bg);
      color: var(--_ok-fg);
    }
    .owner {
      color: var(--_muted);
      margin-right: 4px;
    }
    .error {
      margin: 6px 0 0;
      padding: 6px 10px;
      border-radius: 8px;
      background: var(--_danger-bg);
      color: var(--_danger-fg);
      font-size: var(--_t1, 12px);
    }
    .error:empty {
      display: none;
    }
    dialog {
      width: min(440px, calc(100vw - 24px));
      max-height: calc(100vh - 24px);
      overflow: auto;
      border: 1px solid var(--_line);
      border-radius: 12px;
      padding: 16px 18px;
      background: var(--_bg);
      color: var(--_text);
      box-shadow: 0 20px 50px rgba(15, 23, 42, 0.3);
    }
    dialog::backdrop {
      background: rgba(15, 23, 42, 0.4);
    }
    dialog h2 {
      margin: 0 0 12px;
      font-size: var(--_t3, 16px);
    }
    form {
      display: flex;
      flex-direction: column;
      gap: 6px;
    }
    label {
      font-weight: 600;
      font-size: var(--_t2, 14px);
      margin-top: 6px;
    }
    label.check {
      font-weight: 400;
      display: flex;
      gap: 8px;
      align-items: center;
    }
    label.check input {
      width: 16px;
      height: 16px;
      margin: 0;
      flex: none;
    }
    select,
    textarea {
      font: inherit;
      border: 1px solid var(--_line);
      border-radius: 8px;
      padding: 7px 9px;
      background: var(--_bg);
      color: var(--_text);
    }
    textarea {
      resize: vertical;
    }
    .buttons {
      display: flex;
      flex-wrap: wrap;
      justify-content: flex-end;
      gap: 8px;
      margin-top: 12px;
    }
    .buttons button {
      min-height: 34px;
      border: 1px solid var(--_line);
      background: var(--_bg);
      border-radius: 8px;
      padding: 6px 14px;
    }
    .buttons .primary {
      background: var(--_accent);
      border-color: var(--_accent);
      color: var(--_on-accent);
      font-weight: 600;
    }
    .buttons .danger {
      background: #b91c1c;
      border-color: #b91c1c;
      color: #fff;
      font-weight: 600;
    }
  `,
];
