import { css } from 'lit';
import { baseStyles, themeStyles } from './console-base.styles.js';

/** The shell: the console's box, its header, and where the three columns go at each width. */
export const adminStyles = [
  themeStyles,
  baseStyles,
  css`
    :host {
      display: block;
      /* Layout follows the console's own width (a CMS menu beside it), not the window's. */
      container-type: inline-size;
      height: var(--kefu-admin-height, 100%);
      min-height: 420px;
      font: var(--_t2) / 1.45 var(--kefu-font, system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', sans-serif);
      color: var(--_text);
      background: var(--_bg);
    }
    .app {
      display: grid;
      grid-template-columns: minmax(240px, 300px) 1fr minmax(200px, 260px);
      grid-template-rows: auto auto 1fr;
      height: 100%;
      border: 1px solid var(--_line);
      border-radius: var(--kefu-radius, 10px);
      overflow: hidden;
    }
    header.top {
      grid-column: 1 / -1;
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px 12px;
      padding: 10px 16px;
      border-bottom: 1px solid var(--_line);
      background: var(--_bg);
    }
    .brand {
      margin: 0;
      font-weight: 700;
      font-size: var(--_t3, 16px);
    }
    .conn {
      font-size: var(--_t1, 12px);
      color: var(--_muted);
      display: flex;
      align-items: center;
      gap: 6px;
    }
    .spacer {
      flex: 1;
    }
    .presence {
      display: inline-flex;
      border: 1px solid var(--_line);
      border-radius: 999px;
      padding: 2px;
      background: var(--_surface);
    }
    .presence button {
      border: 0;
      background: transparent;
      border-radius: 999px;
      padding: 4px 12px;
      font-size: var(--_t2, 14px);
      display: inline-flex;
      align-items: center;
      gap: 6px;
    }
    .presence button[aria-pressed='true'] {
      background: var(--_bg);
      box-shadow: 0 1px 3px rgba(15, 23, 42, 0.15);
      font-weight: 600;
    }
    .banners {
      grid-column: 1 / -1;
    }
    .banner {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px 12px;
      padding: 10px 16px;
      background: var(--_warn-bg);
      color: var(--_warn-fg);
      border-bottom: 1px solid var(--_warn-line);
    }
    .banner.handoff {
      background: var(--_info-bg);
      color: var(--_info-fg);
      border-bottom-color: var(--_info-line);
    }
    .banner span {
      flex: 1;
      min-width: 12em;
    }
    .me {
      font-weight: 600;
      font-size: var(--_t2, 14px);
    }

    .app:not(.has-selection) {
      grid-template-columns: minmax(240px, 360px) 1fr;
    }
    .app:not(.has-selection) kefu-visitor-details {
      display: none;
    }
    @container (max-width: 1000px) {
      .app {
        grid-template-columns: minmax(220px, 280px) 1fr;
      }
      kefu-visitor-details {
        display: none;
      }
    }
    .notify .short {
      display: none;
    }
    @container (max-width: 640px) {
      .app,
      .app:not(.has-selection) {
        grid-template-columns: 1fr;
      }
      header.top {
        gap: 6px 8px;
        padding: 8px 10px;
      }
      .notify .long {
        display: none;
      }
      .notify .short {
        display: inline;
      }
      .presence button {
        padding: 4px 8px;
      }
      .app.has-selection kefu-inbox-list,
      .app:not(.has-selection) kefu-conversation {
        display: none;
      }
    }
  `,
];
