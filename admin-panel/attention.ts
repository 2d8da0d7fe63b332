/**
 * Getting an agent's attention: a short chime (Web Audio, no file to load), a
 * desktop notification when permission was given (asked only when the agent
 * presses the button for it) and a count in the page title.
 */
export class Attention {
  private audio: AudioContext | undefined;
  private readonly baseTitle: string;

  constructor() {
    this.baseTitle = document.title;
  }

  /** Browsers only allow sound after a user gesture: call from one. */
  unlockSound(): void {
    try {
      const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
      if (!Ctx) return;
      this.audio ??= new Ctx();
      if (this.audio.state === 'suspended') void this.audio.resume();
    } catch {
      // No audio on this device.
    }
  }

  chime(): void {
    const ctx = this.audio;
    if (!ctx || ctx.state !== 'running') return;
    const now = ctx.currentTime;
    for (const [i, freq] of [880, 1320].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, now + i * 0.12);
      gain.gain.exponentialRampToValueAtTime(0.2, now + i * 0.12 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.12 + 0.25);
      osc.connect(gain).connect(ctx.destination);
      osc.start(now + i * 0.12);
      osc.stop(now + i * 0.12 + 0.3);
    }
  }

  get notificationPermission(): NotificationPermission | 'unsupported' {
    return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
  }

  async askNotifications(): Promise<NotificationPermission | 'unsupported'> {
    if (typeof Notification === 'undefined') return 'unsupported';
    return Notification.requestPermission();
  }

  notify(title: string, body: string, tag: string, onClick: () => void): void {
    if (this.notificationPermission !== 'granted') return;
    try {
      const n = new Notification(title, { body: body.slice(0, 200), tag, renotify: true } as NotificationOptions);
      n.onclick = () => {
        window.focus();
        onClick();
        n.close();
      };
    } catch {
      // Some browsers only notify from a service worker; the title and chime still work.
    }
  }

  setCount(count: number): void {
    const title = count > 0 ? `(${count}) ${this.baseTitle}` : this.baseTitle;
    if (document.title !== title) document.title = title;
  }
}
