import { html } from 'lit';

// The panel's icons, shared with its lazily loaded parts (a chunk imports
// them from the panel's instead of carrying copies). Each is decoration:
// the button around it carries the label.

export const CLOSE_ICON = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18" /></svg>`;
export const SEND_ICON = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 12l16-8-6 16-2.5-6.5L4 12z" /></svg>`;
