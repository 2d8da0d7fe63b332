import { css } from 'lit';
import { cannedPickerStyles } from './canned-picker.js';
import { baseStyles } from './console-base.styles.js';

export const composerStyles = [
  baseStyles,
  cannedPickerStyles,
  css`
    :host {
      display: block;
      border-top: 1px solid var(--_line);
    }
    .modes {
      display: flex;
      align-items: center;
      gap: 4px;
      padding: 6px 12px 0;
      font-size: var(--_t1, 12px);
    }
    .modes button {
      border: 0;
      background: none;
      padding: 4px 8px;
      border-radius: 6px;
      color: var(--_muted);
      font-weight: 600;
    }
    .modes button[aria-pressed='true'] {
      color: var(--_text);
      background: var(--_surface);
      box-shadow: inset 0 -2px 0 var(--_accent);
    }
    .modes button[data-mode='note'][aria-pressed='true'] {
      box-shadow: inset 0 -2px 0 var(--_note-line);
    }
    .hint {
      color: var(--_note-head);
      margin-left: 4px;
    }
    .notice {
      margin: 6px 12px 0;
      font-size: var(--_t1, 12px);
      color: var(--_danger-fg);
    }
    form.composer {
      position: relative;
      display: flex;
      gap: 8px;
      align-items: flex-end;
      padding: 8px 12px 10px;
    }
    textarea {
      flex: 1;
      resize: none;
      min-height: 40px;
      max-height: 160px;
      border: 1px solid var(--_line);
      border-radius: 8px;
      padding: 9px 10px;
      background: var(--_bg);
    }
    .note-mode textarea {
      background: var(--_note-bg);
      border-color: var(--_note-line);
      color: var(--_note-fg);
    }
    .send {
      border: 0;
      border-radius: 8px;
      padding: 9px 16px;
      background: var(--_accent);
      color: var(--_on-accent);
      font-weight: 600;
      white-space: nowrap;
    }
    .send[aria-disabled='true'] {
      cursor: not-allowed;
      background: var(--_surface);
      color: var(--_muted);
      box-shadow: inset 0 0 0 1px var(--_line);
    }
    .attach {
      flex: none;
      display: flex;
      align-items: center;
      justify-content: center;
      width: 40px;
      height: 40px;
      border: 1px solid var(--_line);
      border-radius: 8px;
      background: var(--_bg);
      color: var(--_muted);
    }
    .attach:hover {
      color: var(--_text);
    }
    .note-mode .send {
      background: #854d0e;
      color: #fff;
    }
  `,
];
