/**
 * The "Connect" button of the meeting and series pages. The dialog behind it is loaded on the first
 * click (its own chunk), so the start page and people who never connect anything do not load it.
 */
import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LazyDialogButton, type LazyButtonFace } from './lazy-dialog-button.js';

/** `<connect-button>`: opens `<connect-dialog>` for a meeting or a series (edit key holders only). */
@customElement('connect-button')
export class ConnectButton extends LazyDialogButton {
  // Pages size it with --connect-font-size, --connect-padding and --connect-bg.
  static override styles = [
    LazyDialogButton.styles,
    css`:host { --dialog-button-font-size: var(--connect-font-size, 0.85rem); --dialog-button-padding: var(--connect-padding, 0.35rem 0.75rem); --dialog-button-bg: var(--connect-bg, var(--surface)); }`,
  ];

  @property() kind: 'meeting' | 'series' = 'meeting';
  @property() scopeId = '';
  @property() key = '';
  @property() scopeTitle = '';

  protected override face(): LazyButtonFace {
    const what = this.kind === 'meeting' ? 'this meeting' : 'this series';
    return { name: 'connect', label: 'Connect', title: `Post ${what}'s minutes and action items to a chat channel or another app`, dialogTag: 'connect-dialog' };
  }

  protected override load(): Promise<unknown> {
    return import('./connect-dialog.js');
  }

  protected override dialog(closed: () => void) {
    return html`<connect-dialog .scope=${{ kind: this.kind, id: this.scopeId, key: this.key }} .scopeTitle=${this.scopeTitle} @connect-closed=${closed}></connect-dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'connect-button': ConnectButton;
  }
}
