import { css } from 'lit';
import { baseStyles } from './console-base.styles.js';

export const deskToolsStyles = [
  baseStyles,
  css`
    :host {
      display: contents;
    }
    .tools {
      display: inline-flex;
      flex-wrap: wrap;
      gap: 4px;
    }
    .tool,
    .close {
      border: 1px solid var(--_line);
      background: var(--_bg);
      border-radius: 8px;
      padding: 4px 10px;
      font-size: var(--_t2, 14px);
      min-height: 32px;
    }
    .tool .n {
      display: inline-block;
      min-width: 18px;
      padding: 0 5px;
      border-radius: 9px;
      background: var(--_danger-bg);
      color: var(--_danger-fg);
      font-size: var(--_t1, 12px);
      font-weight: 600;
      text-align: center;
    }
    dialog {
      width: min(640px, calc(100vw - 24px));
      max-height: min(80vh, 720px);
      padding: 0 16px 16px;
      border: 1px solid var(--_line);
      border-radius: 12px;
      background: var(--_bg);
      color: var(--_text);
      box-shadow: 0 20px 50px rgba(15, 23, 42, 0.3);
    }
    dialog[data-tool='ratings'] {
      width: min(960px, calc(100vw - 24px));
    }
    dialog::backdrop {
      background: rgba(15, 23, 42, 0.4);
    }
    .dialog-head {
      display: flex;
      justify-content: flex-end;
      margin: 0 -8px;
      padding: 8px 0 0;
    }
    [hidden] {
      display: none !important;
    }
  `,
];
