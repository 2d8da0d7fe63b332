import { css } from 'lit';
import { baseStyles } from './console-base.styles.js';

export const attachmentListStyles = [
  baseStyles,
  css`
    :host {
      display: block;
      max-width: 100%;
      margin-top: 4px;
    }
    .files {
      list-style: none;
      margin: 0;
      padding: 0;
      display: flex;
      flex-direction: column;
      gap: 4px;
      align-items: var(--_files-align, flex-start);
    }
    .files li {
      max-width: 100%;
    }
    .thumb {
      display: block;
      max-width: 100%;
      padding: 0;
      border: 1px solid var(--_line);
      border-radius: 10px;
      overflow: hidden;
      background: var(--_bg);
    }
    .thumb img {
      display: block;
      width: 100%;
      height: 100%;
      object-fit: contain;
    }
    .card {
      display: flex;
      align-items: center;
      gap: 10px;
      max-width: 320px;
      padding: 8px 12px;
      border: 1px solid var(--_line);
      border-radius: 10px;
      background: var(--_bg);
      color: var(--_text);
    }
    .card .icon {
      display: flex;
      color: var(--_muted);
    }
    .about {
      display: flex;
      flex-direction: column;
      min-width: 0;
      flex: 1;
    }
    .name {
      display: -webkit-box;
      -webkit-box-orient: vertical;
      -webkit-line-clamp: 2;
      overflow: hidden;
      overflow-wrap: anywhere;
    }
    .size {
      font-size: var(--_t1, 12px);
      color: var(--_muted);
    }
    .download {
      font-size: var(--_t2, 14px);
      font-weight: 600;
      white-space: nowrap;
    }
    .download.pending {
      color: var(--_muted);
    }
    .lightbox {
      padding: 0;
      border: 0;
      border-radius: 12px;
      max-width: min(96vw, 1200px);
      max-height: 96vh;
      background: var(--_bg);
      color: var(--_text);
      overflow: hidden;
    }
    .lightbox::backdrop {
      background: rgb(15 23 42 / 0.75);
    }
    .bar {
      display: flex;
      align-items: center;
      gap: 12px;
      padding: 8px 12px;
      border-bottom: 1px solid var(--_line);
    }
    .bar .name {
      flex: 1;
      font-weight: 600;
    }
    .close {
      border: 1px solid var(--_line);
      background: var(--_surface);
      border-radius: 8px;
      padding: 5px 12px;
    }
    .lightbox img {
      display: block;
      max-width: min(96vw, 1200px);
      max-height: calc(96vh - 52px);
      margin: 0 auto;
      object-fit: contain;
    }
  `,
];
