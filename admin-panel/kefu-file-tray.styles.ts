import { css } from 'lit';
import { baseStyles } from './console-base.styles.js';

export const fileTrayStyles = [
  baseStyles,
  css`
    :host {
      display: block;
      padding: 8px 12px 0;
    }
    .refused {
      margin: 0 0 6px;
      font-size: var(--_t1, 12px);
      color: var(--_danger-fg);
    }
    .tray {
      list-style: none;
      margin: 0;
      padding: 0;
      display: flex;
      flex-direction: column;
      gap: 4px;
      max-height: min(168px, 25vh);
      overflow-y: auto;
    }
    .file {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 4px 8px;
      padding: 6px 8px;
      border: 1px solid var(--_line);
      border-radius: 8px;
      background: var(--_surface);
      font-size: var(--_t2, 14px);
    }
    .file[data-state='failed'] {
      border-color: var(--_danger-line);
      background: var(--_danger-bg);
    }
    .icon {
      display: flex;
      color: var(--_muted);
    }
    .name {
      flex: 1 1 8em;
      min-width: 0;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .size,
    .state {
      font-size: var(--_t1, 12px);
      color: var(--_muted);
    }
    .file[data-state='failed'] .state,
    .file[data-state='failed'] .size {
      color: var(--_danger-fg);
    }
    progress {
      width: 80px;
      height: 6px;
      accent-color: var(--_accent);
    }
    .actions {
      display: flex;
      gap: 4px;
      margin-left: auto;
    }
    .actions button {
      border: 1px solid var(--_line);
      background: var(--_bg);
      border-radius: 6px;
      padding: 2px 8px;
      font-size: var(--_t1, 12px);
    }
  `,
];
