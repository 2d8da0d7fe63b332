import { css } from 'lit';

/**
 * The parts message-parts.ts renders that look the same in both faces: a
 * failed message's state and its retry link. Each face sets `--_accent` and
 * lays out `.state` itself.
 */
export const messagePartStyles = css`
  .state[data-state='failed'] {
    color: #dc2626;
  }
  .retry {
    border: 0;
    padding: 0;
    background: none;
    color: var(--_accent);
    text-decoration: underline;
    font-size: inherit;
  }
`;
