/** Confirms deleting a series: it deletes every meeting of it, for everyone, and cannot be undone. */
import { LitElement, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';

/** `<delete-series-dialog>`: a modal confirmation; emits `confirm-delete`. */
@customElement('delete-series-dialog')
export class DeleteSeriesDialog extends LitElement {
  static override styles = css`
    dialog { border: 1px solid var(--border); border-radius: 12px; padding: 1.25rem 1.4rem; width: min(28rem, 90vw); background: var(--surface); color: var(--text); box-shadow: 0 20px 50px rgb(0 0 0 / 0.25); }
    dialog::backdrop { background: rgb(15 23 42 / 0.45); }
    h2 { margin: 0 0 0.6rem; font-size: 1.15rem; }
    p { margin: 0 0 0.7rem; font-size: 0.92rem; line-height: 1.45; }
    .warn { color: var(--danger); font-weight: 600; }
    .actions { display: flex; justify-content: flex-end; gap: 0.5rem; margin-top: 1.2rem; }
    button { font: inherit; border-radius: 8px; padding: 0.45rem 1rem; cursor: pointer; border: 1px solid var(--border); background: var(--surface-2); color: var(--text); }
    button.danger { font-weight: 600; background: var(--danger); border-color: var(--danger); color: #fff; }
    button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
  `;

  @property() seriesTitle = '';
  @property({ type: Number }) meetings = 0;

  @query('dialog') private dialog!: HTMLDialogElement;

  override render() {
    const n = this.meetings;
    const them = n === 1 ? 'its 1 meeting' : `all ${n} meetings`;
    return html`<dialog aria-labelledby="delete-title" aria-describedby="delete-what">
      <h2 id="delete-title">Delete the series “${this.seriesTitle}”?</h2>
      <p id="delete-what">This deletes the series and <strong>${them}</strong> of it, with their agendas, notes and action items, for everyone who has
        a link. Open pages of these meetings are closed.</p>
      <p class="warn">This cannot be undone. Download what you want to keep first.</p>
      <div class="actions">
        <button type="button" class="cancel" autofocus @click=${() => this.dialog.close()}>Cancel</button>
        <button type="button" class="danger confirm" @click=${this.onConfirm}>Delete the series and ${n === 1 ? '1 meeting' : `${n} meetings`}</button>
      </div>
    </dialog>`;
  }

  /** Opens the dialog (Cancel has the focus). */
  async show(): Promise<void> {
    await this.updateComplete;
    if (!this.dialog.open) this.dialog.showModal();
  }

  private readonly onConfirm = (): void => {
    this.dialog.close();
    this.dispatchEvent(new CustomEvent('confirm-delete', { bubbles: true, composed: true }));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'delete-series-dialog': DeleteSeriesDialog;
  }
}
