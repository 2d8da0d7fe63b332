import { launcherStyles } from './kefu-chat.styles.js';
import { launcherStrings, loadStrings, pickLocale } from './i18n/pick-strings.js';
import { VisitorStorage } from './visitor-storage.js';
import { emit } from '../client/ui/emit.js';
import type { KefuChatPanel } from './kefu-chat-panel.js';

declare const KEFU_HIDE_LAUNCHER: unknown;

/** The attributes the panel mirrors as properties. */
const PANEL_ATTRIBUTES = [
  'server', 'accent', 'position', 'heading', 'title', 'greeting', 'lang', 'transport', 'prechat', 'prechat-required', 'name', 'email',
  'identity', 'identity-url', 'identity-nonce', 'consent', 'privacy-url', 'theme', 'reply-time', 'sound',
] as const;
const BOOLEAN_ATTRIBUTES: readonly string[] = ['prechat', 'sound'];
/** Per tab, like the page history it follows: the next page of the site opens the panel again. */
const OPEN_KEY = 'kefu.open';

/** One incoming reply, shown by the launcher while the panel is closed. */
export interface PreviewDetail {
  name: string;
  text: string;
}

const CHAT_ICON = '<path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.4A8 8 0 1 1 21 12z"/>';
const CLOSE_ICON = '<path d="M6 6l12 12M18 6L6 18"/>';

/**
 * The visitor widget: a launcher button that every page loads, and the chat
 * panel, loaded on demand the first time it is opened (or at once when this
 * browser already has a conversation, to keep the unread badge current).
 * Until then it stores nothing and opens no connection. A page opened from a
 * mail's link (`#kefu-resume=<token>`, docs/email.md) opens the panel on that
 * conversation, and the link leaves the address bar.
 *
 * @attr server - sidecar base URL; defaults to the origin this script came from
 * @attr accent - accent colour (any CSS colour)
 * @attr position - 'right' (default) or 'left'
 * @attr heading - panel heading
 * @attr title - panel heading when `heading` is absent (browsers also show it as a tooltip)
 * @attr greeting - first line shown in the conversation
 * @attr lang - 'en' or 'zh-CN'; defaults to the browser's language
 * @attr transport - 'long-poll' (default), 'iframe' or 'poll'
 * @attr prechat - ask for name and email before the first message
 * @attr prechat-required - which pre-chat fields must be filled: `name`, `email` or `name email`
 * @attr name, email - what the visitor told the site; shown to agents as unverified
 * @attr identity - an identity token the site signed for its logged-in user (verified name and email)
 * @attr identity-url, identity-nonce - where a fresh identity token is minted (POST, the nonce sent as X-WP-Nonce) when the one in the page expired
 * @attr consent - text of a consent checkbox the visitor must tick before the first message
 * @attr privacy-url - the privacy policy, linked beside the consent text
 * @attr theme - 'auto' (default: follows the visitor's system), 'light' or 'dark'
 * @attr reply-time - the owner's own words for the header's expected reply time (else the team's measured median)
 * @attr sound - a short chime for a team reply while the panel is closed or the tab hidden (off by default)
 * @attr open - reflects whether the panel is open
 *
 * @event kefu-open - the panel opened
 * @event kefu-close - the panel closed
 * @event kefu-unread - detail `{count}`: messages the visitor has not seen
 * @event kefu-preview - detail `{name, text}`: a team reply arrived while the panel was closed (shown by the launcher)
 *
 * @csspart launcher - the round button
 * @csspart badge - the unread count on the launcher
 * @csspart preview - the bubble by the launcher with a reply that came while the panel was closed
 * @csspart panel, header, messages, message, bubble, composer, input, send, attach, tray, form, consent - inside the panel
 *
 * @cssproperty --kefu-accent - accent colour (overrides the attribute)
 * @cssproperty --kefu-on-accent - text on the accent colour
 * @cssproperty --kefu-font - font stack
 * @cssproperty --kefu-z-index - stacking level
 * @cssproperty --kefu-offset-x, --kefu-offset-y - distance from the corner
 * @cssproperty --kefu-launcher-size - launcher diameter
 * @cssproperty --kefu-badge - badge colour
 */
export class KefuChat extends HTMLElement {
  static readonly observedAttributes = [...PANEL_ATTRIBUTES, 'open'];

  private root: HTMLDivElement | undefined;
  private launcher: HTMLButtonElement | undefined;
  private badge: HTMLSpanElement | undefined;
  private preview: HTMLDivElement | undefined;
  private panel: KefuChatPanel | undefined;
  private loading: Promise<KefuChatPanel> | undefined;
  private unread = 0;

  /** The sidecar this widget talks to. */
  get server(): string {
    const attr = this.getAttribute('server');
    if (attr) return attr.replace(/\/+$/, '');
    // widget.js lives at <base>/kefu/widget.js.
    return new URL('../', import.meta.url).href.replace(/\/+$/, '');
  }

  get open(): boolean {
    return this.hasAttribute('open');
  }

  set open(value: boolean) {
    this.toggleAttribute('open', value);
  }

  connectedCallback(): void {
    // A mail's link back into a conversation (docs/email.md): exchanged in a chunk of
    // its own, which then runs this again, with that conversation as this browser's.
    if (location.hash.includes('kefu-resume=')) return void import('./resume.js').then((m) => m.default(this));
    const token = new VisitorStorage(this.server).token;
    // The sidecar declares this in widget.js while business hours hide the launcher
    // (KEFU_OUTSIDE_HOURS=hide, sidecar/transports/assets.ts): a visitor with a
    // conversation still gets it; anyone else, nothing until a page loads in hours.
    if (typeof KEFU_HIDE_LAUNCHER != 'undefined' && !token) return;
    if (!this.root) this.render();
    if (!this.open && openState()) this.open = true;
    if (this.open || token) void this.loadPanel();
  }

  attributeChangedCallback(name: string): void {
    if (!this.root) return;
    if (name === 'open') return this.syncOpen();
    if (name === 'accent') this.applyAccent();
    if (name === 'lang') {
      this.updateLabels();
      if (this.panel) void this.syncStrings(this.panel);
    }
    this.syncPanel();
  }

  private render(): void {
    const shadow = this.attachShadow({ mode: 'open' });
    // A constructed sheet passes strict style-src CSPs that block <style>.
    let style: HTMLStyleElement | undefined;
    if ('adoptedStyleSheets' in shadow && 'replaceSync' in CSSStyleSheet.prototype) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(launcherStyles);
      shadow.adoptedStyleSheets = [sheet];
    } else {
      style = document.createElement('style');
      style.textContent = launcherStyles;
    }
    this.root = document.createElement('div');
    this.root.className = 'root';
    this.launcher = document.createElement('button');
    this.launcher.type = 'button';
    this.launcher.setAttribute('part', 'launcher');
    this.launcher.setAttribute('aria-haspopup', 'dialog');
    this.badge = document.createElement('span');
    this.badge.className = 'badge';
    this.badge.setAttribute('part', 'badge');
    this.badge.hidden = true;
    this.launcher.addEventListener('click', () => (this.open = !this.open));
    this.addEventListener('keydown', this.handleKeydown);
    this.addEventListener('kefu-unread', this.handleUnread as EventListener);
    this.addEventListener('kefu-preview', this.handlePreview as EventListener);
    this.addEventListener('kefu-request-close', this.handleRequestClose);
    this.preview = document.createElement('div');
    this.preview.className = 'preview';
    this.preview.setAttribute('part', 'preview');
    this.preview.setAttribute('role', 'status');
    this.preview.hidden = true;
    this.root.append(this.preview, this.launcher);
    if (style) shadow.append(style);
    shadow.append(this.root);
    this.applyAccent();
    this.updateLabels();
  }

  private applyAccent(): void {
    const accent = this.getAttribute('accent');
    // setProperty is CSSOM: a hostile value cannot escape into other rules.
    if (accent) this.root!.style.setProperty('--_accent-attr', accent);
    else this.root!.style.removeProperty('--_accent-attr');
  }

  private updateLabels(): void {
    const t = launcherStrings(this.getAttribute('lang'));
    const launcher = this.launcher!;
    launcher.setAttribute('aria-label', this.open ? t.closeChat : t.openChat);
    launcher.setAttribute('aria-expanded', String(this.open));
    launcher.innerHTML = `<svg viewBox="0 0 24 24" aria-hidden="true">${this.open ? CLOSE_ICON : CHAT_ICON}</svg>`;
    const badge = this.badge!;
    badge.textContent = this.unread > 99 ? '99+' : String(this.unread);
    badge.hidden = this.open || this.unread === 0;
    badge.setAttribute('aria-label', t.unread(this.unread));
    launcher.append(badge);
  }

  private syncPanel(): void {
    const panel = this.panel;
    if (!panel) return;
    for (const name of PANEL_ATTRIBUTES) {
      if (name === 'title' || name === 'heading') continue;
      const value = this.getAttribute(name);
      const prop = name.replace(/-(\w)/g, (_, ch: string) => ch.toUpperCase());
      (panel as unknown as Record<string, unknown>)[prop] = BOOLEAN_ATTRIBUTES.includes(name) ? value !== null : (value ?? undefined);
    }
    panel.heading = this.getAttribute('heading') ?? this.getAttribute('title') ?? undefined;
    panel.server = this.server;
    panel.open = this.open;
  }

  private syncOpen(): void {
    this.updateLabels();
    openState(this.open);
    if (this.open) {
      this.preview!.hidden = true;
      void this.loadPanel().then((panel) => {
        if (!this.open) return;
        panel.open = true;
        emit(this, 'kefu-open');
      });
    } else if (this.panel?.open) {
      this.panel.open = false;
      emit(this, 'kefu-close');
    }
  }

  private loadPanel(): Promise<KefuChatPanel> {
    this.loading ??= import('./kefu-chat-panel.js').then(async () => {
      const panel = document.createElement('kefu-chat-panel') as KefuChatPanel;
      await this.syncStrings(panel);
      panel.setAttribute(
        'exportparts',
        'panel,header,heading,status,faces,avatar,close,messages,day,message,bubble,meta,composer,input,send,attach,tray,form,consent',
      );
      this.panel = panel;
      this.syncPanel();
      this.root!.prepend(panel);
      return panel;
    });
    return this.loading;
  }

  /** The panel's strings for the current `lang`, loaded (one chunk per language) before it shows. */
  private async syncStrings(panel: KefuChatPanel): Promise<void> {
    panel.strings = await loadStrings(pickLocale(this.getAttribute('lang')));
  }

  private readonly handlePreview = (e: CustomEvent<PreviewDetail>): void => {
    if (this.open) return;
    const t = launcherStrings(this.getAttribute('lang'));
    const box = this.preview!;
    box.innerHTML = `<button type="button" class="show"><strong></strong><span></span></button><button type="button" class="dismiss"><svg viewBox="0 0 24 24" aria-hidden="true">${CLOSE_ICON}</svg></button>`;
    const [show, dismiss] = box.children as unknown as [HTMLButtonElement, HTMLButtonElement];
    // textContent: a message is text, never markup.
    show.firstChild!.textContent = e.detail.name;
    show.lastChild!.textContent = e.detail.text;
    show.onclick = () => (this.open = true);
    dismiss.setAttribute('aria-label', t.dismiss);
    dismiss.onclick = () => (box.hidden = true);
    box.hidden = false;
  };

  private readonly handleKeydown = (e: KeyboardEvent): void => {
    if (e.key === 'Escape' && this.open) {
      e.preventDefault();
      this.close();
    } else if (e.key === 'Escape' && !this.preview!.hidden) {
      this.preview!.hidden = true;
    }
  };

  private readonly handleRequestClose = (e: Event): void => {
    e.stopPropagation();
    this.close();
  };

  private close(): void {
    this.open = false;
    this.launcher?.focus();
  }

  private readonly handleUnread = (e: CustomEvent<{ count: number }>): void => {
    this.unread = e.detail.count;
    this.updateLabels();
  };
}

/** Whether the panel was left open in this tab; with a value, records it first. */
function openState(value?: boolean): boolean {
  try {
    if (value !== undefined) sessionStorage.setItem(OPEN_KEY, value ? '1' : '');
    return sessionStorage.getItem(OPEN_KEY) === '1';
  } catch {
    // Storage refused (sandboxed frame, private mode): each page starts closed.
    return false;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kefu-chat': KefuChat;
  }
  interface GlobalEventHandlersEventMap {
    'kefu-open': CustomEvent<undefined>;
    'kefu-close': CustomEvent<undefined>;
    'kefu-unread': CustomEvent<{ count: number }>;
    'kefu-preview': CustomEvent<PreviewDetail>;
  }
}

if (!customElements.get('kefu-chat')) customElements.define('kefu-chat', KefuChat);
