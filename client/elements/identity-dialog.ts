/** Asks for the attendee's display name and colour (once; remembered in localStorage). */
import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import { MAX_NAME_LENGTH } from '../../shared/awareness-schema.js';
import { PALETTE } from '../lib/colors.js';
import { cleanName, type Identity } from '../lib/identity.js';

/** `<identity-dialog>`: a modal form; emits `identity-change` with the chosen identity. */
@customElement('identity-dialog')
export class IdentityDialog extends LitElement {
  static override styles = css`
    dialog { border: 1px solid var(--border); border-radius: 12px; padding: 1.25rem 1.4rem; width: min(24rem, 90vw); background: var(--surface); color: var(--text); box-shadow: 0 20px 50px rgb(0 0 0 / 0.25); }
    dialog::backdrop { background: rgb(15 23 42 / 0.45); }
    h2 { margin: 0 0 0.3rem; font-size: 1.15rem; }
    p { margin: 0 0 1rem; color: var(--muted); font-size: 0.9rem; }
    label { display: block; font-weight: 600; font-size: 0.85rem; margin-bottom: 0.3rem; }
    input[type='text'] { width: 100%; box-sizing: border-box; font: inherit; padding: 0.5rem 0.6rem; border: 1px solid var(--border); border-radius: 8px; }
    fieldset { border: none; padding: 0; margin: 1rem 0 1.2rem; }
    legend { font-weight: 600; font-size: 0.85rem; margin-bottom: 0.4rem; padding: 0; }
    .swatches { display: flex; flex-wrap: wrap; gap: 0.45rem; }
    .swatch { width: 1.8rem; height: 1.8rem; border-radius: 50%; border: 3px solid transparent; cursor: pointer; padding: 0; }
    .swatch[aria-checked='true'] { border-color: var(--text); box-shadow: inset 0 0 0 2px #fff; }
    .actions { display: flex; justify-content: flex-end; }
    button.join { font: inherit; font-weight: 600; background: var(--accent); color: #fff; border: none; border-radius: 8px; padding: 0.5rem 1.1rem; cursor: pointer; }
    button:focus-visible, input:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
  `;

  @property({ attribute: false }) identity: Identity = { name: '', color: PALETTE[3] };

  @state() private color: string = PALETTE[3];
  @query('dialog') private dialog!: HTMLDialogElement;
  @query('input[name="name"]') private input!: HTMLInputElement;

  override render() {
    return html`<dialog aria-labelledby="who-title" @cancel=${this.onCancel}>
      <form method="dialog" @submit=${this.onSubmit}>
        <h2 id="who-title">Who are you?</h2>
        <p>Others in the meeting see this name next to your cursor.</p>
        <label for="name">Display name</label>
        <input id="name" name="name" type="text" required autocomplete="nickname" maxlength=${MAX_NAME_LENGTH} .value=${this.identity.name} />
        <fieldset>
          <legend>Colour</legend>
          <div class="swatches" role="radiogroup" aria-label="Colour">
            ${PALETTE.map(
              (c) => html`<button type="button" class="swatch" role="radio" aria-label=${c} aria-checked=${c === this.color ? 'true' : 'false'}
                style=${styleMap({ background: c })} @click=${() => (this.color = c)}></button>`,
            )}
          </div>
        </fieldset>
        <div class="actions"><button class="join" type="submit">Join meeting</button></div>
      </form>
    </dialog>`;
  }

  /** Opens the dialog, prefilled with the current identity. */
  async show(): Promise<void> {
    this.color = this.identity.color;
    await this.updateComplete;
    if (!this.dialog.open) this.dialog.showModal();
    this.input.focus();
    this.input.select();
  }

  private readonly onSubmit = (event: Event): void => {
    event.preventDefault();
    const name = cleanName(this.input.value);
    if (!name) return this.input.focus();
    this.dialog.close();
    const detail: Identity = { name, color: this.color };
    this.dispatchEvent(new CustomEvent<Identity>('identity-change', { detail, bubbles: true, composed: true }));
  };

  private readonly onCancel = (event: Event): void => {
    // Escape keeps the current (possibly generated) name, and counts as having been asked.
    event.preventDefault();
    this.dialog.close();
    this.dispatchEvent(new CustomEvent<Identity>('identity-change', { detail: this.identity, bubbles: true, composed: true }));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'identity-dialog': IdentityDialog;
  }
}
