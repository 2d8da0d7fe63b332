import { css } from 'lit';
import { baseStyles, panelStyles } from './console-base.styles.js';

export const searchPanelStyles = [
  baseStyles,
  panelStyles,
  css`
    h2 {
      margin-bottom: 12px;
    }
    label {
      display: block;
      margin-bottom: 4px;
      font-size: var(--_t2, 14px);
      font-weight: 600;
    }
    input {
      width: 100%;
      padding: 8px 10px;
      border: 1px solid var(--_line);
      border-radius: 8px;
      background: var(--_bg);
    }
    .hint {
      color: var(--_muted);
      margin: 10px 2px;
      font-size: var(--_t2, 14px);
    }
    .hits {
      list-style: none;
      margin: 10px 0 0;
      padding: 0;
    }
    .hits[aria-busy='true'] {
      opacity: 0.7;
    }
    .hits li + li {
      border-top: 1px solid var(--_line);
    }
    .hit {
      display: grid;
      grid-template-columns: minmax(0, 1fr) auto;
      gap: 2px 10px;
      width: 100%;
      padding: 9px 8px;
      border: 0;
      border-radius: 8px;
      background: transparent;
      text-align: left;
    }
    .hit:hover {
      background: var(--_surface);
    }
    .who {
      font-weight: 600;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .email {
      font-weight: 400;
      color: var(--_muted);
    }
    .when {
      font-size: var(--_t1, 12px);
      color: var(--_muted);
      white-space: nowrap;
    }
    .note {
      grid-column: 1 / -1;
      font-size: var(--_t1, 12px);
      color: var(--_muted);
    }
    .text {
      grid-column: 1 / -1;
      font-size: var(--_t2, 14px);
      overflow-wrap: anywhere;
    }
    .side {
      font-size: var(--_t1, 12px);
      font-weight: 600;
      color: var(--_muted);
    }
    .side.team {
      color: var(--_accent-text);
    }
    mark {
      /* Dark text on pale yellow: 14:1, whatever the theme's text colour. */
      background: #fef08a;
      color: #0f172a;
      font-weight: 600;
      border-radius: 2px;
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
      margin: 12px auto 0;
    }
    @media (max-width: 480px) {
      /* 16 px: phones do not zoom into the box when it takes the focus. */
      input {
        font-size: var(--_t3, 16px);
      }
    }
  `,
];
