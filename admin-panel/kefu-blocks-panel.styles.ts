import { css } from 'lit';
import { baseStyles, panelStyles } from './console-base.styles.js';

export const blocksPanelStyles = [
  baseStyles,
  panelStyles,
  css`
    .error {
      margin: 0 0 10px;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    li {
      display: flex;
      flex-wrap: wrap;
      align-items: flex-start;
      justify-content: space-between;
      gap: 6px 12px;
      padding: 10px 0;
    }
    li + li {
      border-top: 1px solid var(--_line);
    }
    .what {
      display: flex;
      flex-direction: column;
      gap: 2px;
      flex: 1 1 220px;
      min-width: 0;
    }
    .who {
      font-weight: 600;
      overflow-wrap: anywhere;
    }
    .address {
      font-weight: 400;
    }
    .reason {
      overflow-wrap: anywhere;
    }
    .reason.none,
    .by {
      color: var(--_muted);
      font-size: var(--_t2, 14px);
    }
    [aria-disabled='true'] {
      opacity: 0.6;
      cursor: progress;
    }
  `,
];
