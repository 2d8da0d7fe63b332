import { css } from 'lit';
import { baseStyles, panelStyles } from './console-base.styles.js';

export const pushSettingsStyles = [
  baseStyles,
  panelStyles,
  css`
    .state {
      display: flex;
      align-items: center;
      gap: 8px;
      margin: 0 0 12px;
      padding: 10px 12px;
      border-radius: 8px;
      border: 1px solid var(--_line);
      background: var(--_surface);
      font-size: var(--_t2, 14px);
    }
    .state[data-state='on'] {
      background: var(--_ok-bg);
      color: var(--_ok-fg);
      border-color: var(--_ok-line);
    }
    .state[data-state='blocked'],
    .state[data-state='unsupported'] {
      background: var(--_warn-bg);
      color: var(--_warn-fg);
      border-color: var(--_warn-line);
    }
    .error {
      margin: 0 0 12px;
      border: 1px solid var(--_danger-line);
      font-size: var(--_t2, 14px);
    }
    button {
      border: 1px solid var(--_line);
      border-radius: 8px;
      padding: 8px 16px;
      min-height: 36px;
      font-weight: 600;
      background: var(--_bg);
      color: var(--_text);
    }
    button.on {
      border-color: transparent;
      background: var(--_accent);
      color: var(--_on-accent);
    }
    button[aria-disabled='true'] {
      opacity: 0.75;
      cursor: progress;
    }
  `,
];
