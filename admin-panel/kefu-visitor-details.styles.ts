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
      font-size: var(--_t2, 14px);
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
      font-size: var(--_t1, 12px);
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
      font-size: var(--_t1, 12px);
    }
    .past-list {
      margin-top: 20px;
    }
    h4 {
      margin: 0 0 8px;
      font-size: var(--_t1, 12px);
      font-weight: 600;
      color: var(--_muted);
    }
    .past-list ul {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 6px;
    }
    .past {
      display: grid;
      gap: 2px;
      width: 100%;
      min-width: 0;
      text-align: left;
      padding: 6px 8px;
      border: 1px solid var(--_line);
      border-radius: 8px;
      background: var(--_bg);
      color: var(--_text);
    }
    .past:hover {
      background: var(--_surface);
    }
    .past .what {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .past .meta {
      font-size: var(--_t1, 12px);
      color: var(--_muted);
    }
  `,
];
