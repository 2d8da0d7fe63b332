/**
 * The launcher's styles. Plain CSS text (no Lit here: this is the part every
 * page loads). Everything is inside the shadow root; the host page reaches in
 * only through `--kefu-*` custom properties and `::part()`. The offsets add
 * the phone's safe area (notch, home bar) when the page opts into
 * `viewport-fit=cover`; elsewhere env() is 0. On a phone the open panel fills
 * the screen and has its own close button, so the launcher hides (the last
 * rule; no comment inside the text: every page would download it).
 */
/** A tag the build's template minifier knows (scripts/rollup-minify-templates.mjs); no Lit behind it. */
const css = String.raw;

export const launcherStyles = css`
:host{all:initial;position:fixed;z-index:var(--kefu-z-index,2147483000);bottom:calc(var(--kefu-offset-y,20px) + env(safe-area-inset-bottom,0px));right:calc(var(--kefu-offset-x,20px) + env(safe-area-inset-right,0px));font-family:var(--kefu-font,system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif);color-scheme:light;--_card:var(--kefu-background,#fff);--_ink:var(--kefu-text,#0f172a)}
:host([position=left]){right:auto;left:calc(var(--kefu-offset-x,20px) + env(safe-area-inset-left,0px))}
:host([hidden]){display:none}
:host([theme=dark]){--_card:var(--kefu-background,#1e293b);--_ink:var(--kefu-text,#f1f5f9)}
@media (prefers-color-scheme:dark){:host(:not([theme=light])){--_card:var(--kefu-background,#1e293b);--_ink:var(--kefu-text,#f1f5f9)}}
.root{--_accent:var(--kefu-accent,var(--_accent-attr,#2563eb));--_on-accent:var(--kefu-on-accent,#fff);display:flex;flex-direction:column;align-items:flex-end}
:host([position=left]) .root{align-items:flex-start}
button{all:unset;box-sizing:border-box;cursor:pointer}
[part=launcher]{position:relative;display:grid;place-items:center;width:var(--kefu-launcher-size,56px);height:var(--kefu-launcher-size,56px);border-radius:50%;background:var(--_accent);color:var(--_on-accent);box-shadow:0 6px 20px rgba(15,23,42,.25);transition:transform .15s ease}
[part=launcher]:hover{transform:scale(1.05)}
button:focus-visible{outline:3px solid var(--_accent);outline-offset:3px}
svg{width:26px;height:26px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 5px;box-sizing:border-box;border-radius:10px;background:var(--kefu-badge,#dc2626);color:#fff;font:600 12px/20px system-ui,sans-serif;text-align:center;box-shadow:0 0 0 2px var(--_card)}
.badge[hidden],.preview[hidden]{display:none}
.preview{position:relative;display:flex;align-items:flex-start;max-width:min(280px,calc(100vw - 40px));margin-bottom:12px;border-radius:14px;background:var(--_card);color:var(--_ink);box-shadow:0 8px 28px rgba(15,23,42,.22);font-size:14px;line-height:1.4}
.preview .show{display:flex;flex-direction:column;gap:2px;padding:12px 4px 12px 14px;min-width:0}
.preview strong{font-size:12px;font-weight:600;opacity:.8}
.preview span{display:-webkit-box;-webkit-line-clamp:3;-webkit-box-orient:vertical;overflow:hidden;overflow-wrap:anywhere;white-space:pre-wrap}
.preview .dismiss{flex:none;display:grid;place-items:center;width:32px;height:32px;margin:4px;border-radius:50%}
.preview .dismiss svg{width:16px;height:16px}
@media (prefers-reduced-motion:reduce){[part=launcher]{transition:none}}
@media (max-width:479.98px){:host([open]) [part=launcher]{display:none}}
`;
