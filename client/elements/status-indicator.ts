/** Connection and save status, always visible in the meeting header. */
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Connection } from '../controllers/meeting-controller.js';
import type { SaveState } from '../lib/save-tracker.js';

const LABELS: Record<Connection, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  offline: 'Offline',
  stopped: 'Disconnected',
};

/** `<status-indicator>`: "Live · All changes saved", "Offline · edits kept in this browser"... */
@customElement('status-indicator')
export class StatusIndicator extends LitElement {
  static override styles = css`
    :host { display: inline-flex; align-items: center; gap: 0.45rem; font-size: 0.85rem; color: var(--muted); white-space: nowrap; }
    .dot { width: 0.6rem; height: 0.6rem; border-radius: 50%; background: var(--muted); flex: none; }
    :host([connection='live']) .dot { background: var(--ok); }
    :host([connection='connecting']) .dot { background: var(--warn); animation: pulse 1s infinite alternate; }
    :host([connection='offline']) .dot { background: var(--warn); }
    :host([connection='stopped']) .dot { background: var(--danger); }
    .conn { color: var(--text); font-weight: 600; }
    @keyframes pulse { to { opacity: 0.3; } }
    @media (prefers-reduced-motion: reduce) { .dot { animation: none !important; } }
  `;

  @property({ reflect: true }) connection: Connection = 'connecting';
  @property({ reflect: true }) save: SaveState = 'unknown';
  @property({ type: Boolean }) readonly = false;

  override render() {
    return html`<span class="dot" aria-hidden="true"></span>
      <span role="status" aria-live="polite"><span class="conn">${LABELS[this.connection]}</span>${this.detail()}</span>`;
  }

  private detail(): string {
    if (this.readonly) return this.connection === 'live' ? ' · view only' : '';
    if (this.connection === 'offline' || this.connection === 'stopped') {
      return this.save === 'unsaved' || this.save === 'saving' ? ' · edits kept in this browser' : '';
    }
    if (this.save === 'saving') return ' · Saving…';
    if (this.save === 'saved') return ' · All changes saved';
    return '';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'status-indicator': StatusIndicator;
  }
}
