import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError } from '../client/api-error.js';
import { pushStrings } from './i18n/push-strings.js';
import { pushSettingsStyles } from './kefu-push-settings.styles.js';
import { PushSubscriber, type AgentCall, type PushState } from './push-subscriber.js';

/**
 * "Push notifications on this device": the state (on, off, blocked by the
 * browser, unsupported) and the switch. Content only: `<kefu-desk-tools>`
 * shows it in its dialog, loaded the first time it is opened.
 *
 * @cssproperty --kefu-accent, --kefu-on-accent, --kefu-background, --kefu-text, --kefu-muted, --kefu-line, --kefu-surface
 */
@customElement('kefu-push-settings')
export class KefuPushSettings extends LitElement {
  static override styles = pushSettingsStyles;

  /** The service worker's address (`<kefu-admin push-worker>`); its scope is its folder. */
  @property() worker = '';
  @property({ attribute: false }) call?: AgentCall;
  @property() override lang = '';

  /** Undefined while it is being found out. */
  @state() private current: PushState | undefined;
  @state() private busy = false;
  @state() private error = '';

  private subscriber?: PushSubscriber;

  private get t() {
    return pushStrings(this.lang);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('worker') || changed.has('call')) && this.worker && this.call) {
      this.subscriber = new PushSubscriber(this.worker, this.call);
      void this.run((s) => s.state(this.lang));
    }
  }

  private async run(step: (s: PushSubscriber) => Promise<PushState>): Promise<void> {
    const s = this.subscriber;
    if (!s || this.busy) return;
    this.busy = true;
    this.error = '';
    try {
      this.current = await step(s);
    } catch (err) {
      this.error = this.t.failed(err instanceof ApiError && err.status === 0 ? this.t.offline : err instanceof Error ? err.message : String(err));
      this.current ??= 'off';
    } finally {
      this.busy = false;
    }
  }

  private readonly handleToggle = (): void => {
    void this.run((s) => (this.current === 'on' ? s.disable() : s.enable(this.lang)));
  };

  override render(): TemplateResult {
    const t = this.t;
    const now = this.current;
    const canToggle = now === 'on' || now === 'off';
    return html`
      <h2>${t.heading}</h2>
      <p class="intro">${t.intro}</p>
      <p class="state" role="status" data-state=${now ?? 'checking'}>${now ? t.state[now] : t.working}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${canToggle
        ? html`<button type="button" class=${now === 'on' ? 'off' : 'on'} data-push=${now === 'on' ? 'off' : 'on'} aria-disabled=${String(this.busy)} @click=${this.busy ? undefined : this.handleToggle}>
            ${this.busy ? t.working : now === 'on' ? t.turnOff : t.turnOn}
          </button>`
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kefu-push-settings': KefuPushSettings;
  }
}
