import { css } from 'lit';
import { baseStyles } from './console-base.styles.js';

export const detailsStyles = [
  baseStyles,
  css`
    :host {
      display: block;
      min-height: 0;
      overflow-y: auto;
      border-left: 1px solid var(--_line);
    }
    aside {
      padding: 16px;
    }
    h3 {
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
    dl > div {
      min-width: 0;
    }
    a.url {
      display: block;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .id dd {
      color: var(--_muted);
      font-size: 12px;
    }
  `,
];
