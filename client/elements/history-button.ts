/**
 * The "History" button of the meeting page. The history view behind it is loaded on the first
 * click (its own chunk), so people who never open the history do not download it.
 */
import { html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LazyDialogButton, type LazyButtonFace } from './lazy-dialog-button.js';

/** `<history-button>`: opens `<history-view>` for a meeting (any key; naming and restoring with `canEdit`). */
@customElement('history-button')
export class HistoryButton extends LazyDialogButton {
  @property() meetingId = '';
  @property() key = '';
  @property() meetingTitle = '';
  @property({ type: Boolean }) canEdit = false;

  protected override face(): LazyButtonFace {
    return { name: 'history', label: 'History', title: 'Earlier versions of this meeting, what changed and who wrote it', dialogTag: 'history-view' };
  }

  protected override load(): Promise<unknown> {
    return import('./history-view.js');
  }

  protected override dialog(closed: () => void) {
    return html`<history-view .scope=${{ meetingId: this.meetingId, key: this.key }} ?canEdit=${this.canEdit} .meetingTitle=${this.meetingTitle}
      @history-closed=${closed}></history-view>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'history-button': HistoryButton;
  }
}
