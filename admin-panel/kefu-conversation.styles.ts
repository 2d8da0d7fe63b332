import { css } from 'lit';
import { messagePartStyles } from '../client/ui/message-parts.styles.js';
import { baseStyles } from './console-base.styles.js';

export const conversationStyles = [
  baseStyles,
  messagePartStyles,
  css`
    :host {
      display: block;
      min-width: 0;
      min-height: 0;
    }
    main {
      display: flex;
      flex-direction: column;
      height: 100%;
      min-width: 0;
      min-height: 0;      position: relative;
    }
    .drop-zone {
      position: absolute;
      inset: 0;
      z-index: 2;
      display: flex;
      align-items: center;
      justify-content: center;
      margin: 8px;
      border: 2px dashed var(--_accent);
      border-radius: 12px;
      background: color-mix(in srgb, var(--_bg) 88%, transparent);
    }
    .drop-zone p {
      pointer-events: none;
      margin: 0;
      padding: 12px 16px;
      border-radius: 8px;
      background: var(--_bg);
      color: var(--_text);
      font-weight: 600;
    }
    .conv-head {
      display: flex;
      align-items: center;
      gap: 10px;
      padding: 12px 16px;
      border-bottom: 1px solid var(--_line);
    }
    .conv-head h2 {
      margin: 0;
      font-size: var(--_t3, 16px);
    }
    .conv-head .sub {
      font-size: var(--_t1, 12px);
      color: var(--_muted);
    }
    .back {
      display: none;
    }
    .messages {
      flex: 1;
      overflow-y: auto;
      padding: 16px 20px 8px;
      display: flex;
      flex-direction: column;
      gap: 2px;
      background: var(--_surface);
    }
    .msg {
      display: flex;
      flex-direction: column;
      align-items: flex-start;
      max-width: 72%;
      margin-top: 6px;
    }
    .msg.agent {
      align-self: flex-end;
      align-items: flex-end;      --_files-align: flex-end;
    }
    .msg .name {
      font-size: var(--_t1, 12px);
      color: var(--_muted);
      margin: 4px 4px 2px;
    }
    /* Links take the bubble's own colour (white on the accent), underlined: readable on every bubble. */
    .bubble a,
    .note-body a {
      color: inherit;
      text-decoration: underline;
    }
    .bubble {
      padding: 8px 12px;
      border-radius: 14px 14px 14px 4px;
      background: var(--_bg);
      border: 1px solid var(--_line);
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .msg.agent .bubble {
      border-radius: 14px 14px 4px 14px;
      border-color: transparent;
      background: var(--_accent);
      color: var(--_on-accent);
    }
    .msg.colleague .bubble {
      background: var(--_colleague-bg);
      color: var(--_text);
    }
    .meta {
      font-size: var(--_t1, 12px);
      color: var(--_muted);
      margin: 3px 4px 0;
      display: flex;
      gap: 6px;
    }
    .state[data-state='seen'] {
      color: var(--_accent-text);
    }
    .loading {
      align-self: center;
      color: var(--_muted);
      font-size: var(--_t1, 12px);
      margin: 8px;
    }
    .msg.found .bubble {
      outline: 3px solid #f59e0b;
      outline-offset: 2px;
    }
    .team-note {
      align-self: center;
      width: min(560px, 92%);
      margin: 8px 0 4px;
      padding: 8px 12px;
      border-radius: 10px;
      border: 1px dashed var(--_note-line);
      background: var(--_note-bg);
      color: var(--_note-fg);
    }
    .team-note .note-head {
      font-size: var(--_t1, 12px);
      font-weight: 600;
      color: var(--_note-head);
    }
    .team-note .note-body {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      margin-top: 2px;
    }
    .team-note .meta {
      color: var(--_note-head);
      margin: 3px 0 0;
    }
    .team-note.failed {
      border-style: solid;
      border-color: #b91c1c;
    }
    .presence-line {
      display: flex;
      flex-wrap: wrap;
      gap: 4px 12px;
      padding: 4px 20px 6px;
      font-size: var(--_t1, 12px);
      color: var(--_muted);
      background: var(--_surface);
    }
    .typing {
      font-style: italic;
    }
    .viewers {
      color: var(--_pending-fg);
    }
    .blocked {
      margin: 0;
      padding: 6px 16px;
      font-size: var(--_t1, 12px);
      background: var(--_danger-bg);
      color: var(--_danger-fg);
      border-top: 1px solid var(--_danger-line);
    }
    .conv-head > div {
      flex: 1 1 14em;
      min-width: 0;
    }
    .conv-head {
      flex-wrap: wrap;
    }
    ::slotted([slot='actions']) {
      flex: 0 1 auto;
    }
    /* The console's own width (kefu-admin is the container), not the window's. */
    @container (max-width: 640px) {
      .back {
        display: inline-block;
      }
    }
  `,
];
