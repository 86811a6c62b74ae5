/**
 * The "Connect" button of the meeting and series pages. The dialog behind it is loaded on the first
 * click (its own chunk), so the start page and people who never connect anything do not load it.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ConnectDialog } from './connect-dialog.js';

/** `<connect-button>`: opens `<connect-dialog>` for a meeting or a series (edit key holders only). */
@customElement('connect-button')
export class ConnectButton extends LitElement {
  static override styles = css`
    :host { display: inline-block; }
    button { font: inherit; font-size: var(--connect-font-size, 0.85rem); cursor: pointer; border-radius: 8px; border: 1px solid var(--border); background: var(--connect-bg, var(--surface)); color: var(--text); padding: var(--connect-padding, 0.35rem 0.75rem); }
    button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
    button:disabled { cursor: progress; opacity: 0.7; }
    .error { color: var(--danger); font-size: 0.8rem; margin-left: 0.4rem; }
  `;

  @property() kind: 'meeting' | 'series' = 'meeting';
  @property() scopeId = '';
  @property() key = '';
  @property() scopeTitle = '';

  @state() private loaded = false;
  @state() private loading = false;
  @state() private failed = false;

  @query('connect-dialog') private dialog!: ConnectDialog;
  @query('button.connect') private button!: HTMLButtonElement;

  override render() {
    const what = this.kind === 'meeting' ? 'this meeting' : 'this series';
    return html`<button type="button" class="connect" title="Post ${what}'s minutes and action items to a chat channel or another app"
        aria-haspopup="dialog" ?disabled=${this.loading} @click=${this.open}>Connect</button>
      ${this.failed ? html`<span class="error" role="alert">Cannot load: check your connection.</span>` : nothing}
      ${this.loaded
        ? html`<connect-dialog .scope=${{ kind: this.kind, id: this.scopeId, key: this.key }} .scopeTitle=${this.scopeTitle}
            @connect-closed=${() => this.button.focus()}></connect-dialog>`
        : nothing}`;
  }

  private readonly open = async (): Promise<void> => {
    this.loading = true;
    this.failed = false;
    try {
      await import('./connect-dialog.js');
      this.loaded = true;
      await this.updateComplete;
      await this.dialog.show();
    } catch {
      this.failed = true;
    } finally {
      this.loading = false;
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'connect-button': ConnectButton;
  }
}
