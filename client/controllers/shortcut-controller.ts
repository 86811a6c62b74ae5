/** Global keyboard shortcuts (Ctrl+Alt+letter), listened to while the host is connected. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Calls `handlers[letter]` on Ctrl+Alt+letter (by physical key, so keyboard layouts do not matter). */
export class ShortcutController implements ReactiveController {
  constructor(host: ReactiveControllerHost, private readonly handlers: Record<string, () => void>) {
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('keydown', this.onKeydown, true);
  }

  hostDisconnected(): void {
    window.removeEventListener('keydown', this.onKeydown, true);
  }

  private readonly onKeydown = (event: KeyboardEvent): void => {
    if (!event.ctrlKey || !event.altKey || event.shiftKey || event.metaKey) return;
    const match = /^Key([A-Z])$/.exec(event.code);
    const handler = match ? this.handlers[match[1]] : undefined;
    if (!handler) return;
    event.preventDefault();
    event.stopPropagation();
    handler();
  };
}
