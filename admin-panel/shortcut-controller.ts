import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { isTextField, matchShortcut, type ShortcutAction } from './shortcuts.js';

/**
 * The console's keyboard shortcuts (shortcuts.ts says which key does what).
 * Keys are heard on the document while the host is in it, but only those
 * typed inside the console or with nothing focused (the page's body): a key
 * meant for the CMS page around it is left alone. `act` returns true when it
 * did something, and only then is the key's default prevented.
 */
export class ShortcutController implements ReactiveController {
  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly act: (action: ShortcutAction) => boolean,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('keydown', this.handleKeydown);
  }

  hostDisconnected(): void {
    document.removeEventListener('keydown', this.handleKeydown);
  }

  private readonly handleKeydown = (e: KeyboardEvent): void => {
    if (e.defaultPrevented) return;
    const path = e.composedPath();
    if (!path.includes(this.host) && path[0] !== document.body) return;
    const action = matchShortcut(e, isTextField(path));
    if (action && this.act(action)) e.preventDefault();
  };
}
