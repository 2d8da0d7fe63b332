import { css } from 'lit';
import { baseStyles } from './console-base.styles.js';

export const listStyles = [
  baseStyles,
  css`
    :host {
      display: block;
      min-height: 0;
      border-right: 1px solid var(--_line);
      background: var(--_surface);
    }
    .list {
      display: flex;
      flex-direction: column;
      height: 100%;
      min-height: 0;
    }
    .tabs {
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
      padding: 10px 10px 0;
    }
    .tabs button {
      border: 1px solid var(--_line);
      background: var(--_bg);
      border-radius: 999px;
      padding: 3px 10px;
      font-size: var(--_t1, 12px);
      color: var(--_text);
    }
    .tabs button[aria-pressed='true'] {
      background: var(--_accent);
      border-color: var(--_accent);
      color: var(--_on-accent);
      font-weight: 600;
    }
    .tab-count {
      font-variant-numeric: tabular-nums;
      opacity: 0.85;
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
    .who {
      font-weight: 600;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .when {
      font-size: var(--_t1, 12px);
      color: var(--_muted);
    }
    .last,
    .owner,
    .page {
      grid-column: 2 / 3;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      color: var(--_muted);
      font-size: var(--_t2, 14px);
    }
    .page,
    .owner {
      font-size: var(--_t1, 12px);
    }
    .waiting {
      color: var(--_warn-fg);
      font-weight: 600;
    }
    .status[data-status='pending'] {
      color: var(--_pending-fg);
      font-weight: 600;
    }
    .status[data-status='resolved'] {
      color: var(--_ok-fg);
      font-weight: 600;
    }
    .has-unread .last {
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
      font-size: var(--_t1, 12px);
      font-weight: 600;
      line-height: 20px;
      text-align: center;
    }
  `,
];
