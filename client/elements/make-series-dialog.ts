/** Asks for a series' title and cadence when a meeting is turned into the first meeting of a series. */
import { LitElement, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type { Cadence } from '../../shared/api-types.js';
import { CADENCE_LABELS } from '../lib/series-api.js';

/** Detail of `make-series`. */
export interface MakeSeries {
  title: string;
  cadence: Cadence;
}

// "Weekly sync 2025-03-10" names one meeting; its series is "Weekly sync" (meetings get the date).
const seriesTitleFor = (meetingTitle: string): string => meetingTitle.replace(/[\s:·,-]*\d{4}-\d{2}-\d{2}\s*$/, '').trim() || meetingTitle;

/** `<make-series-dialog>`: a modal form; emits `make-series` when submitted. */
@customElement('make-series-dialog')
export class MakeSeriesDialog extends LitElement {
  static override styles = css`
    dialog { border: 1px solid var(--border); border-radius: 12px; padding: 1.25rem 1.4rem; width: min(26rem, 90vw); background: var(--surface); color: var(--text); box-shadow: 0 20px 50px rgb(0 0 0 / 0.25); }
    dialog::backdrop { background: rgb(15 23 42 / 0.45); }
    h2 { margin: 0 0 0.4rem; font-size: 1.15rem; }
    p { margin: 0 0 1rem; color: var(--muted); font-size: 0.88rem; line-height: 1.45; }
    label { display: block; font-weight: 600; font-size: 0.85rem; margin: 0.8rem 0 0.3rem; }
    input, select { width: 100%; box-sizing: border-box; font: inherit; padding: 0.45rem 0.6rem; border: 1px solid var(--border); border-radius: 8px; background: var(--surface); color: var(--text); }
    .actions { display: flex; justify-content: flex-end; gap: 0.5rem; margin-top: 1.2rem; }
    button { font: inherit; border-radius: 8px; padding: 0.45rem 1rem; cursor: pointer; border: 1px solid var(--border); background: var(--surface-2); color: var(--text); }
    button.primary { font-weight: 600; background: var(--accent); border-color: var(--accent); color: #fff; }
    button:focus-visible, input:focus-visible, select:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
  `;

  @property() meetingTitle = '';

  @query('dialog') private dialog!: HTMLDialogElement;
  @query('input[name="title"]') private titleInput!: HTMLInputElement;
  @query('select[name="cadence"]') private cadenceInput!: HTMLSelectElement;

  override render() {
    return html`<dialog aria-labelledby="series-title">
      <form method="dialog" @submit=${this.onSubmit}>
        <h2 id="series-title">Make this a series</h2>
        <p>This meeting becomes the first of a recurring series. Its page becomes the template of the next meetings (the notes cleared down to
          their headings), and every open action item is carried over to the next meeting.</p>
        <label for="title">Series title</label>
        <input id="title" name="title" type="text" required maxlength="200" .value=${seriesTitleFor(this.meetingTitle)} />
        <label for="cadence">Meets</label>
        <select id="cadence" name="cadence">
          ${Object.entries(CADENCE_LABELS).map(([value, label]) => html`<option value=${value} ?selected=${value === 'weekly'}>${label}</option>`)}
        </select>
        <div class="actions">
          <button type="button" class="cancel" @click=${() => this.dialog.close()}>Cancel</button>
          <button type="submit" class="primary create">Create series</button>
        </div>
      </form>
    </dialog>`;
  }

  /** Opens the dialog with a title suggested from the meeting's. */
  async show(): Promise<void> {
    await this.updateComplete;
    this.titleInput.value = seriesTitleFor(this.meetingTitle);
    if (!this.dialog.open) this.dialog.showModal();
    this.titleInput.select();
  }

  private readonly onSubmit = (event: Event): void => {
    event.preventDefault();
    const title = this.titleInput.value.trim();
    if (!title) return this.titleInput.focus();
    this.dialog.close();
    const detail: MakeSeries = { title, cadence: this.cadenceInput.value as Cadence };
    this.dispatchEvent(new CustomEvent<MakeSeries>('make-series', { detail, bubbles: true, composed: true }));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'make-series-dialog': MakeSeriesDialog;
  }
}
