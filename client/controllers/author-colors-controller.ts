/** Author colours on the meeting page: on or off (remembered in this browser), loaded when on. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AuthorPaint } from '../lib/author-paint.js';

const KEY = 'meetpad:author-colors';

/** What the controller needs from the page. */
export interface AuthorColorsSource {
  meetingId: string;
  key: string;
  /** The display name this browser types under. */
  ownName: () => string;
}

/** Owns the painter while the colours are on; the page passes `paint` to its sections. */
export class AuthorColorsController implements ReactiveController {
  on = localStorage.getItem(KEY) === 'on';
  paint: AuthorPaint | null = null;
  failed = false;
  private loading: Promise<void> | null = null;

  constructor(private readonly host: ReactiveControllerHost & { renderRoot: ParentNode; isConnected: boolean }, private readonly source: () => AuthorColorsSource) {
    host.addController(this);
  }

  hostConnected(): void {
    if (this.on) void this.start();
  }

  hostDisconnected(): void {
    this.stop();
  }

  /** Switches the colours on or off and remembers the choice. */
  toggle(): void {
    this.on = !this.on;
    localStorage.setItem(KEY, this.on ? 'on' : 'off');
    if (this.on) void this.start();
    else this.stop();
    this.host.requestUpdate();
  }

  private start(): Promise<void> {
    this.loading ??= (async () => {
      this.failed = false;
      try {
        const { AuthorPaint } = await import('../elements/author-colors.js');
        if (!this.on || !this.host.isConnected) return;
        const { meetingId, key, ownName } = this.source();
        this.paint = new AuthorPaint({ meetingId, key }, ownName, () => this.host.renderRoot.querySelector('author-legend')?.changed());
      } catch {
        this.failed = true;
      } finally {
        this.loading = null;
        this.host.requestUpdate();
      }
    })();
    return this.loading;
  }

  private stop(): void {
    this.paint?.dispose();
    this.paint = null;
  }
}
