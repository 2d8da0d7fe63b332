import { css } from 'lit';

// The rating card's rules, added to the panel's adopted sheets when its chunk
// loads (never a <style>: strict CSPs block those). Colours come from the
// panel's tokens, so both themes follow: --_text and --_muted on --_bg keep
// 4.5:1 in both, and a chosen score is --_on-accent on the accent, as the
// visitor's own bubbles are. The failure line takes the panel's danger colour
// where the dark theme sets one.
// (Comments stay out of the CSS text: it ships as written.)
export const ratingStyles = css`
  .rating {
    display: flex;
    flex-direction: column;
    gap: var(--_s3);
    margin: var(--_s3) 0 var(--_s2);
    padding: var(--_s3) var(--_s4) var(--_s4);
    border: 1px solid var(--_line);
    border-radius: 12px;
    background: var(--_bg);
    text-align: center;
  }
  .rating p {
    margin: 0;
  }
  .rating-question {
    font-weight: 600;
  }
  .rating-scores {
    display: flex;
    gap: var(--_s2);
  }
  .rating-score {
    flex: 1;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    min-height: 40px;
    padding: var(--_s2) var(--_s3);
    border: 1px solid var(--_line);
    border-radius: 8px;
    background: var(--_bubble);
    color: var(--_text);
  }
  .rating-score[aria-pressed='true'] {
    border-color: var(--_accent);
    background: var(--_accent);
    color: var(--_on-accent);
    font-weight: 600;
  }
  .rating-score span {
    font-size: var(--_t3);
  }
  .rating-comment {
    display: flex;
    flex-direction: column;
    gap: var(--_s2);
    text-align: start;
  }
  .rating-comment textarea {
    resize: vertical;
    min-height: 60px;
    border: 1px solid var(--_line);
    border-radius: var(--_s2);
    padding: var(--_s2) 10px;
    background: var(--_bg);
    color: var(--_text);
  }
  .rating-failed {
    color: var(--_danger-fg, #b91c1c);
    font-size: var(--_t1);
  }
  .rating-thanks {
    color: var(--_muted);
  }
  .rating-comment input {
    border: 1px solid var(--_line);
    border-radius: var(--_s2);
    padding: var(--_s2) 10px;
    background: var(--_bg);
    color: var(--_text);
    font: inherit;
  }
  .rating-transcript {
    align-self: center;
    border: 0;
    padding: 0;
    background: none;
    color: var(--_accent-text, var(--_accent));
    text-decoration: underline;
    font-size: var(--_t1);
  }
  .rating button:disabled {
    cursor: default;
    opacity: 0.7;
  }
`;
