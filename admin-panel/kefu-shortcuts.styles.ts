import { css } from 'lit';
import { baseStyles, panelStyles } from './console-base.styles.js';

export const shortcutsStyles = [
  baseStyles,
  panelStyles,
  css`
    dl {
      margin: 0;
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      justify-content: space-between;
      align-items: baseline;
      gap: 4px 16px;
      padding: 7px 0;
    }
    .row + .row {
      border-top: 1px solid var(--_line);
    }
    dt {
      flex: 1 1 180px;
    }
    dd {
      margin: 0;
      text-align: right;
    }
    kbd {
      display: inline-block;
      min-width: 1.8em;
      padding: 1px 6px;
      border: 1px solid var(--_line);
      border-bottom-width: 2px;
      border-radius: 5px;
      background: var(--_surface);
      font: var(--_t1, 12px) ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
      text-align: center;
      white-space: nowrap;
    }
    .or,
    .where {
      color: var(--_muted);
      font-size: var(--_t1, 12px);
    }
    .where {
      margin-left: 4px;
    }
  `,
];
