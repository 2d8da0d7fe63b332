import { css } from 'lit';
import { baseStyles } from './console-base.styles.js';

export const cannedManagerStyles = [
  baseStyles,
  css`
    :host {
      display: block;
      color: var(--_text);
      font-size: var(--_t2, 14px);
      max-width: 640px;
    }
    .head {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 12px;
    }
    h2 {
      margin: 0;
      font-size: var(--_t4, 18px);
    }
    h3 {
      margin: 20px 0 8px;
      font-size: var(--_t2, 14px);
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
      border: 1px solid var(--_line);
      border-radius: 8px;
    }
    li {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 6px 12px;
      padding: 8px 10px;
    }
    li + li {
      border-top: 1px solid var(--_line);
    }
    li.editing {
      background: var(--_surface);
      box-shadow: inset 3px 0 0 var(--_accent);
    }
    .text {
      flex: 1 1 220px;
      min-width: 0;
      display: flex;
      flex-wrap: wrap;
      gap: 0 8px;
      align-items: baseline;
    }
    .shortcut {
      font-weight: 600;
      overflow-wrap: anywhere;
    }
    .title {
      overflow-wrap: anywhere;
    }
    .preview {
      flex-basis: 100%;
      min-width: 0;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      color: var(--_muted);
      font-size: var(--_t1, 12px);
    }
    .actions,
    .confirm,
    .buttons {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 6px;
    }
    .confirm span {
      font-size: var(--_t2, 14px);
      font-weight: 500;
    }
    .none,
    .hint {
      margin: 4px 0;
      color: var(--_muted);
      font-size: var(--_t1, 12px);
    }
    form {
      display: flex;
      flex-direction: column;
      margin-top: 8px;
      padding-top: 4px;
      border-top: 1px solid var(--_line);
    }
    label {
      margin-top: 10px;
      font-weight: 500;
      font-size: var(--_t2, 14px);
    }
    input:not([type='checkbox']),
    textarea {
      width: 100%;
      margin-top: 4px;
      padding: 7px 10px;
      border: 1px solid var(--_muted);
      border-radius: 8px;
      background: var(--_bg);
      font-size: var(--_t2, 14px);
    }
    textarea {
      resize: vertical;
      min-height: 96px;
    }
    .slash-field {
      display: flex;
      align-items: center;
      gap: 4px;
    }
    .slash-field span {
      margin-top: 4px;
      font-weight: 600;
      color: var(--_muted);
    }
    input:user-invalid,
    textarea:user-invalid {
      border-color: #b91c1c;
    }
    code {
      font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
      font-size: var(--_t1, 12px);
      padding: 0 4px;
      border-radius: 4px;
      background: var(--_surface);
      color: var(--_text);
      border: 1px solid var(--_line);
    }
    label.check {
      display: flex;
      align-items: center;
      gap: 8px;
      font-weight: 400;
      font-size: var(--_t2, 14px);
    }
    label.check input {
      width: 16px;
      height: 16px;
      margin: 0;
      accent-color: var(--_accent);
    }
    .error {
      margin: 10px 0 0;
      padding: 6px 10px;
      border-radius: 8px;
      color: var(--_danger-fg);
      background: var(--_danger-bg);
      border: 1px solid var(--_danger-line);
      font-size: var(--_t2, 14px);
    }
    .buttons {
      margin-top: 14px;
    }
    .primary,
    .danger {
      border: 0;
      border-radius: 8px;
      padding: 8px 16px;
      font-weight: 600;
    }
    .primary {
      background: var(--_accent);
      color: var(--_on-accent);
    }
    .primary[aria-disabled='true'] {
      opacity: 0.75;
      cursor: progress;
    }
    .danger {
      padding: 5px 12px;
      font-size: var(--_t1, 12px);
      background: #b91c1c;
      color: #fff;
    }
    /* Phones: 16 px text, or iOS zooms the page when a field takes focus. */
    @media (max-width: 480px) {
      input:not([type='checkbox']),
      textarea {
        font-size: var(--_t3, 16px);
      }
      .actions,
      .confirm {
        flex-basis: 100%;
      }
    }
  `,
];
