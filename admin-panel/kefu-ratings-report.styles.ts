import { css } from 'lit';
import { baseStyles, panelStyles } from './console-base.styles.js';

// Counts are --_text, the dates under a week and the comments' bylines
// --_muted: both keep 4.5:1 on --_bg and --_surface in either theme. A share
// of good ratings is plain text, never a colour alone.
export const ratingsReportStyles = [
  baseStyles,
  panelStyles,
  css`
    .weeks {
      display: inline-flex;
      align-items: center;
      gap: 8px;
      font-size: var(--_t2, 14px);
      font-weight: 600;
    }
    select {
      font: inherit;
      color: inherit;
      padding: 4px 8px;
      border: 1px solid var(--_line);
      border-radius: 8px;
      background: var(--_bg);
    }
    .table-wrap {
      margin: 12px 0 4px;
      overflow-x: auto;
      border: 1px solid var(--_line);
      border-radius: 10px;
    }
    table {
      width: 100%;
      border-collapse: collapse;
      font-size: var(--_t2, 14px);
      font-variant-numeric: tabular-nums;
    }
    th,
    td {
      padding: 6px 10px;
      text-align: center;
      white-space: nowrap;
      border-bottom: 1px solid var(--_line);
    }
    tbody tr:last-child > * {
      border-bottom: 0;
    }
    thead th {
      background: var(--_surface);
      font-size: var(--_t1, 12px);
      font-weight: 600;
    }
    th[scope='row'],
    thead th:first-child {
      text-align: start;
      position: sticky;
      left: 0;
      background: var(--_surface);
    }
    th[scope='row'] {
      font-weight: 600;
      max-width: 180px;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .date {
      display: block;
      font-weight: 400;
      color: var(--_muted);
    }
    .share {
      display: block;
      font-weight: 600;
    }
    .counts {
      font-size: var(--_t1, 12px);
    }
    td.total {
      border-inline-start: 1px solid var(--_line);
    }
    td.none {
      color: var(--_muted);
    }
    h3 {
      margin: 16px 0 6px;
      font-size: var(--_t3, 16px);
    }
    .comments {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .comments li {
      display: grid;
      grid-template-columns: 6.5em minmax(0, 1fr);
      gap: 2px 10px;
      padding: 8px 2px;
    }
    .comments li + li {
      border-top: 1px solid var(--_line);
    }
    .score {
      font-size: var(--_t1, 12px);
      font-weight: 600;
      white-space: nowrap;
    }
    q {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .by {
      grid-column: 2;
      font-size: var(--_t1, 12px);
      color: var(--_muted);
    }
    .error {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
      margin: 10px 0 0;
    }
    .more {
      display: block;
      margin: 10px auto 0;
    }
    .empty {
      padding: 12px 8px;
    }
  `,
];
