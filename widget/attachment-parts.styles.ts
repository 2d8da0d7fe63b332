import { css } from 'lit';

// The files chunk's rules, added to the panel's adopted sheets when it loads
// (never a <style>: strict CSPs block those). Colours come from the panel's
// tokens, so both themes follow; text on a file is --_text or --_muted on
// --_bubble or --_surface, which keep 4.5:1 in both. The lightbox is dark
// in either theme, as photo viewers are.
// (Comments stay out of the CSS text: it ships as written.)
export const attachmentStyles = css`
  .panel {
    position: relative;
  }
  .attach,
  .file svg {
    flex: none;
  }
  .tray,
  .tray ul {
    display: flex;
    flex-direction: column;
    gap: var(--_s1);
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .tray {
    flex-basis: 100%;
    font-size: var(--_t1);
  }
  .tray li {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0 var(--_s2);
    padding: 2px 2px 2px var(--_s3);
    border-radius: var(--_s2);
    background: var(--_surface);
  }
  .tray progress,
  .tray .why {
    order: 1;
    flex-basis: 100%;
    margin: 0 0 var(--_s1);
    accent-color: var(--_accent);
  }
  .tray .retry {
    color: inherit;
  }
  .fname {
    flex: 1;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .fsize {
    color: var(--_muted);
  }
  .files {
    display: flex;
    flex-direction: column;
    align-items: inherit;
    gap: var(--_s1);
    max-width: 100%;
    margin-top: 2px;
  }
  .thumb,
  .file {
    max-width: 100%;
    padding: 0;
    border: 1px solid var(--_line);
    border-radius: 12px;
    overflow: hidden;
    background: var(--_bubble);
  }
  .thumb img {
    display: block;
    max-width: 100%;
    height: auto;
  }
  .file {
    display: flex;
    align-items: center;
    gap: var(--_s2);
    padding: var(--_s2) var(--_s3);
    color: var(--_text);
  }
  .drop {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    border: 2px dashed var(--_accent);
    border-radius: inherit;
    background: var(--_bg);
    pointer-events: none;
  }
  .lightbox {
    border: 0;
    background: transparent;
    color: #fff;
  }
  .lightbox::backdrop {
    background: rgba(2, 6, 23, 0.88);
  }
  .lightbox button {
    margin: 0 0 var(--_s2) auto;
  }
  .lightbox img {
    display: block;
    max-width: calc(100vw - 64px);
    max-height: calc(100vh - 96px);
  }
`;
