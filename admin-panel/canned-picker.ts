import { css, html, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { CannedReply } from '../protocol/wire.js';
import { cannedPreview } from './canned.js';
import type { AdminStrings } from './i18n/en.js';

// The canned-reply popup of the composer, as a template rather than a
// component: focus stays in the composer's textarea, which points
// `aria-activedescendant` at the active option, and an id reference cannot
// cross a shadow root, so the options must live in the composer's own.

export interface CannedPickerOptions {
  items: readonly CannedReply[];
  /** Index in `items` of the option the arrow keys are on. */
  active: number;
  /** The listbox's id; option `i` gets `${id}-${i}`. */
  id: string;
  onPick(c: CannedReply): void;
  t: AdminStrings;
}

/** A `role="listbox"` of replies (`/shortcut`, title, Shared/Yours, one-line preview), or a line saying none matches. */
export function renderCannedPicker(opts: CannedPickerOptions): TemplateResult {
  const { items, active, id, onPick, t } = opts;
  // pointerdown, not click: picking must not take focus from the textarea,
  // or the caret (and the token to replace) would be lost.
  const pick = (e: PointerEvent, c: CannedReply): void => {
    if (e.button !== 0) return;
    e.preventDefault();
    onPick(c);
  };
  return html`<div class="canned" role="listbox" id=${id} aria-label=${t.cannedTitle}>
    ${items.length
      ? repeat(
          items,
          (c) => c.id,
          (c, i) => html`<div
            class="canned-option"
            role="option"
            id="${id}-${i}"
            aria-selected=${i === active ? 'true' : 'false'}
            data-shortcut=${c.shortcut}
            @pointerdown=${(e: PointerEvent) => pick(e, c)}
          >
            <span class="canned-shortcut">/${c.shortcut}</span>
            <span class="canned-name">${c.title === c.shortcut ? '' : c.title}</span>
            <span class="canned-scope" data-shared=${c.owner === null ? 'true' : 'false'}>${c.owner === null ? t.cannedShared : t.cannedYours}</span>
            <span class="canned-preview">${cannedPreview(c.content)}</span>
          </div>`,
        )
      : html`<div class="canned-none" role="option" aria-disabled="true" aria-selected="false" id="${id}-none">${t.cannedNoMatch}</div>`}
  </div>`;
}

/**
 * The picker's look, for the composer's styles. It floats above the
 * composer form, which must be `position: relative`. Class names carry a
 * `canned-` prefix so they cannot meet the composer's own.
 */
export const cannedPickerStyles = css`
  .canned {
    position: absolute;
    left: 8px;
    right: 8px;
    bottom: calc(100% + 4px);
    z-index: 2;
    max-height: min(288px, 50vh);
    overflow-y: auto;
    overscroll-behavior: contain;
    padding: 4px;
    border: 1px solid var(--_line);
    border-radius: 10px;
    background: var(--_bg);
    color: var(--_text);
    box-shadow: 0 8px 24px rgba(15, 23, 42, 0.16);
  }
  .canned-option {
    display: grid;
    grid-template-columns: auto minmax(0, 1fr) auto;
    gap: 1px 8px;
    align-items: baseline;
    padding: 6px 10px;
    border-radius: 6px;
    cursor: pointer;
    font-size: 13.5px;
  }
  .canned-option:hover {
    background: var(--_surface);
  }
  /* The keyboard's place: focus stays in the textarea, so this ring is the visible focus. */
  .canned-option[aria-selected='true'] {
    background: var(--_surface);
    outline: 2px solid var(--_accent);
    outline-offset: -2px;
  }
  .canned-shortcut {
    font-weight: 600;
    color: var(--_text);
    white-space: nowrap;
  }
  .canned-name,
  .canned-preview {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .canned-preview {
    grid-column: 1 / -1;
    color: var(--_muted);
    font-size: 12.5px;
  }
  .canned-scope {
    font-size: 11px;
    font-weight: 600;
    line-height: 16px;
    padding: 0 6px;
    border-radius: 8px;
    border: 1px solid var(--_badge-line);
    color: var(--_badge-fg);
    background: var(--_badge-bg);
  }
  .canned-scope[data-shared='false'] {
    border-color: var(--_info-line);
    color: var(--_info-fg);
    background: var(--_info-bg);
  }
  .canned-none {
    padding: 10px;
    color: var(--_muted);
    font-size: 13px;
  }
  @media (forced-colors: active) {
    .canned-option[aria-selected='true'] {
      outline-color: Highlight;
    }
  }
`;
