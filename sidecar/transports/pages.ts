// The two HTML pages the sidecar serves itself: the demo (a page with the
// widget, not in production) and the standalone console for hosts without the
// CMS plugin. Strict CSP: scripts only from this origin plus one nonce'd inline.
import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { randomBytes } from 'node:crypto';
import type { Runtime } from '../runtime.js';
import { selfOrigin } from '../http/self-origin.js';
import { THEME_COLOR } from './console-app.js';

function pageHeaders(ctx: Context, nonce: string, frameAncestors: string): void {
  ctx.set('Content-Type', 'text/html; charset=utf-8');
  ctx.set('Cache-Control', 'no-store');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'same-origin');
  ctx.set(
    'Content-Security-Policy',
    [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'`,
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "media-src 'self' data:",
      "connect-src 'self'",
      "frame-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      `frame-ancestors ${frameAncestors}`,
    ].join('; '),
  );
}

/** The Host header is the client's to choose: never echo it unescaped. */
function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const BASE_STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1f2937;background:#f8fafc}
main{max-width:46rem;margin:0 auto;padding:2rem 1.25rem}h1{font-size:1.6rem}code{background:#e2e8f0;padding:.1em .3em;border-radius:4px}
pre{overflow-x:auto;background:#e2e8f0;padding:.75rem;border-radius:6px}pre code{padding:0}`;

// A chat bubble in the widget's blue, inline: without an icon of its own a
// browser asks for /favicon.ico, which is not ours to serve (a 404 and a console error).
const ICON = `<link rel="icon" href="data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path fill="#2563eb" d="M6 4h20a4 4 0 0 1 4 4v12a4 4 0 0 1-4 4H14l-7 6v-6H6a4 4 0 0 1-4-4V8a4 4 0 0 1 4-4z"/></svg>',
)}">`;

// The console as an installable app, and a phone's home-screen icon (transports/console-app.ts).
const APP_LINKS = `<link rel="manifest" href="/kefu/console.webmanifest"><meta name="theme-color" content="${THEME_COLOR}">`
  + '<link rel="apple-touch-icon" href="/kefu/console-icon-192.png">';

export function pageRoutes(router: Router, rt: Runtime): void {
  router.get('/demo', async (ctx, next) => {
    if (rt.config.production) return next();
    const nonce = randomBytes(16).toString('base64');
    pageHeaders(ctx, nonce, "'self'");
    ctx.body = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kefu demo</title>${ICON}<style>${BASE_STYLE}</style></head>
<body><main>
<h1>Kefu demo page</h1>
<p>This stands for any page of your site. The chat bubble in the corner is <code>&lt;kefu-chat&gt;</code>,
added with two lines of HTML:</p>
<pre><code>&lt;script type="module" src="${escapeHtml(selfOrigin(ctx))}/kefu/widget.js"&gt;&lt;/script&gt;
&lt;kefu-chat&gt;&lt;/kefu-chat&gt;</code></pre>
<h2>Try it</h2>
<ol>
<li>Open the <strong>agent console</strong> in another window: the link the sidecar printed at start-up
(<code>…/kefu/console#token=…</code>; the token is your sign-in, so the plain <a href="/kefu/console">console address</a> asks for one).</li>
<li>Come back here and click the chat bubble: what you write appears in the console, and your answer here.</li>
</ol>
<p id="team" role="status" aria-live="polite"></p>
</main>
<script type="module" src="/kefu/widget.js"></script>
<kefu-chat></kefu-chat>
<script nonce="${nonce}">
(function () {
  // Tells a newcomer whether an agent is online yet (else the chat says "Away"), from the public team answer.
  var out = document.getElementById('team');
  function check() {
    // ?page=demo marks the page's own request apart from the widget's (the widget asks nothing before a click).
    fetch('/kefu/api/visitor/team?page=demo', { cache: 'no-store' }).then(function (r) { return r.json(); }).then(function (team) {
      var online = (team.agents || []).filter(function (a) { return a.online; });
      var back = team.hours && !team.hours.open && team.hours.opensAt;
      out.textContent = team.hours && !team.hours.open
        ? 'Outside business hours (KEFU_BUSINESS_HOURS): visitors get the leave-a-message form' + (back ? ' until ' + new Date(back).toLocaleString() : '') + ', even with an agent online.'
        : online.length
        ? online.map(function (a) { return a.name; }).join(', ') + (online.length === 1 ? ' is' : ' are') + ' online: the chat is live.'
        : 'No agent is online yet: open the console first (step 1), and this line changes by itself.';
      if (!online.length) setTimeout(check, 5000);
    }, function () { setTimeout(check, 5000); });
  }
  check();
})();
</script>
</body></html>`;
  });

  router.get('/console', async (ctx) => {
    const nonce = randomBytes(16).toString('base64');
    pageHeaders(ctx, nonce, ["'self'", ...rt.config.allowedOrigins].join(' '));
    ctx.body = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kefu console</title>${ICON}${APP_LINKS}<style>${BASE_STYLE}
html,body{height:100%}kefu-admin{display:block;height:100vh}#signin{max-width:40rem;margin:3rem auto;padding:0 1.25rem}
#signin textarea{width:100%;min-height:6rem;font:inherit}</style></head>
<body>
<div id="signin" hidden>
<h1>Kefu console</h1>
<p>Sign in with an agent token. The CMS plugin opens this console for you; without it, make a token on the server with
<code>npx kefu token --agent 1 --name "Your name"</code> and paste it here.</p>
<form id="f"><label for="t">Agent token</label><textarea id="t" autocomplete="off" spellcheck="false"></textarea>
<p><button type="submit">Open the console</button></p></form>
</div>
<script type="module" src="/kefu/admin.js"></script>
<script nonce="${nonce}">
(function () {
  // The token travels in the URL fragment, which browsers never send to servers or put in logs.
  var key = 'kefu.console.token';
  var m = /[#&]token=([A-Za-z0-9_.-]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(key, m[1]);
    // Only the token leaves the address: a notification's #conversation=… still opens its conversation.
    var rest = location.hash.slice(1).split('&').filter(function (p) { return p && p.indexOf('token=') !== 0; }).join('&');
    history.replaceState(null, '', location.pathname + location.search + (rest ? '#' + rest : ''));
  }
  function open(token) {
    var el = document.createElement('kefu-admin');
    el.setAttribute('token', token);
    el.setAttribute('sign-out', '');
    // Web Push on this device, when the agent turns it on (docs/push.md).
    el.setAttribute('push-worker', '/kefu/console-sw.js');
    // Signing out forgets the token in this tab and shows the sign-in form again.
    el.addEventListener('kefu-sign-out', function () {
      sessionStorage.removeItem(key);
      location.reload();
    });
    document.body.appendChild(el);
  }
  var token = sessionStorage.getItem(key);
  if (token) { open(token); return; }
  var box = document.getElementById('signin');
  box.hidden = false;
  document.getElementById('f').addEventListener('submit', function (e) {
    e.preventDefault();
    var t = document.getElementById('t').value.trim();
    if (!t) return;
    sessionStorage.setItem(key, t);
    box.hidden = true;
    open(t);
  });
})();
</script>
</body></html>`;
  });
}
