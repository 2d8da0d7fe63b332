import { css } from 'lit';

/**
 * The parts message-parts.ts renders that look the same in both faces: a
 * failed message's bubble, state and retry link. A failed bubble is marked by
 * a dashed red border with the thread's own text colour, not by fading: faded
 * text on the accent fell to 2.6:1. Each face sets `--_accent` and
 * lays out `.state` itself; the console's dark theme also sets
 * `--_accent-text` and `--_danger-fg`, lighter for dark surfaces. The
 * fallback red is dark enough for 4.5:1 (WCAG AA) on the widget's grey
 * thread, where #dc2626 was not.
 */
export const messagePartStyles = css`
  .msg.failed .bubble {
    background: none;
    color: inherit;
    border: 1px dashed var(--_danger-fg, #b91c1c);
  }
  .state[data-state='failed'] {
    color: var(--_danger-fg, #b91c1c);
  }
  .retry {
    border: 0;
    padding: 0;
    background: none;
    color: var(--_accent-text, var(--_accent));
    text-decoration: underline;
    font-size: inherit;
  }
`;
