import { LitElement, html, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { AdminStrings } from './i18n/en.js';
import { pickAdminStrings } from './i18n/pick-admin-strings.js';
import { shortcutsStyles } from './kefu-shortcuts.styles.js';
import { SHORTCUTS, type ShortcutAction } from './shortcuts.js';

/**
 * The keyboard shortcuts sheet (`?`): each action and its keys, from
 * `SHORTCUTS` in shortcuts.ts, so the sheet cannot drift from what the keys do.
 * Content only: the shell puts it in a dialog.
 *
 * @csspart key - each `<kbd>`
 *
 * @cssproperty --kefu-background, --kefu-text, --kefu-muted, --kefu-line, --kefu-surface
 */
@customElement('kefu-shortcuts')
export class KefuShortcuts extends LitElement {
  static override styles = shortcutsStyles;

  @property() override lang = '';

  override render(): TemplateResult {
    const t = pickAdminStrings(this.lang);
    return html`
      <h2>${t.shortcutHeading}</h2>
      <p class="intro">${t.shortcutIntro} ${t.shortcutMac}</p>
      <dl>
        ${SHORTCUTS.map(
          (s) => html`<div class="row" data-action=${s.action}>
            <dt>${label(s.action, t)}</dt>
            <dd>
              ${s.keys.map((k, i) => html`${i ? html` <span class="or">${t.shortcutOr}</span> ` : ''}<kbd part="key">${k}</kbd>`)}
              ${s.where === 'composer' ? html`<span class="where">${t.shortcutInReplyBox}</span>` : ''}
            </dd>
          </div>`,
        )}
      </dl>
    `;
  }
}

function label(action: ShortcutAction, t: AdminStrings): string {
  const labels: Record<ShortcutAction, string> = {
    next: t.shortcutNext,
    previous: t.shortcutPrevious,
    resolve: t.shortcutResolve,
    assignMe: t.shortcutAssignMe,
    reply: t.shortcutReply,
    note: t.shortcutNote,
    canned: t.shortcutCanned,
    search: t.shortcutSearch,
    help: t.shortcutHelp,
    escape: t.shortcutEscape,
  };
  return labels[action];
}

declare global {
  interface HTMLElementTagNameMap {
    'kefu-shortcuts': KefuShortcuts;
  }
}
