/**
 * The launcher's styles. Plain CSS text (no Lit here: this is the part every
 * page loads). Everything is inside the shadow root; the host page reaches in
 * only through `--kefu-*` custom properties and `::part()`.
 */
export const launcherStyles = `
:host{all:initial;position:fixed;z-index:var(--kefu-z-index,2147483000);bottom:var(--kefu-offset-y,20px);right:var(--kefu-offset-x,20px);font-family:var(--kefu-font,system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif);color-scheme:light}
:host([position=left]){right:auto;left:var(--kefu-offset-x,20px)}
:host([hidden]){display:none}
.root{--_accent:var(--kefu-accent,var(--_accent-attr,#2563eb));--_on-accent:var(--kefu-on-accent,#fff)}
button{all:unset;box-sizing:border-box;cursor:pointer;position:relative;display:grid;place-items:center;width:var(--kefu-launcher-size,56px);height:var(--kefu-launcher-size,56px);border-radius:50%;background:var(--_accent);color:var(--_on-accent);box-shadow:0 6px 20px rgba(15,23,42,.25);transition:transform .15s ease}
button:hover{transform:scale(1.05)}
button:focus-visible{outline:3px solid var(--_accent);outline-offset:3px}
svg{width:26px;height:26px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 5px;box-sizing:border-box;border-radius:10px;background:var(--kefu-badge,#dc2626);color:#fff;font:600 12px/20px system-ui,sans-serif;text-align:center;box-shadow:0 0 0 2px #fff}
.badge[hidden]{display:none}
@media (prefers-reduced-motion:reduce){button{transition:none}}
/* The panel fills a phone's screen and has its own close button. */
@media (max-width:479.98px){:host([open]) button{display:none}}
`;
