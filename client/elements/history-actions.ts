/** The edit-key actions of the history view: name the current version, restore the shown one. */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { nameVersion, restoreRevision, type HistoryScope, type Revision } from '../lib/history-api.js';
import { historyErrorText } from '../lib/history-errors.js';
import { revisionTime, revisionTitle } from './history-parts.js';
import { historyActionStyles } from './history-view-styles.js';

/** Emitted after a naming or a restore: the revision it made. */
export type HistoryChangedEvent = CustomEvent<{ revision: Revision; restored: boolean }>;

/** `<history-actions>`: buttons, the naming form and the restore confirmation. */
@customElement('history-actions')
export class HistoryActions extends LitElement {
  static override styles = historyActionStyles;

  @property({ attribute: false }) scope!: HistoryScope;
  @property({ attribute: false }) selected: Revision | null = null;

  @state() private step: 'idle' | 'name' | 'confirm' = 'idle';
  @state() private busy = false;
  @state() private error = '';
  @state() private done = '';

  @query('input[name="version-name"]') private nameInput!: HTMLInputElement | null;

  /** The revision the action that set `done` made: the message stays while it (or nothing new) is shown. */
  private doneFor: number | null = null;
  private dialog: HTMLDialogElement | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    // The history view keeps this element while it is closed: what it said is stale when it opens again.
    this.dialog = this.closest('dialog');
    this.dialog?.addEventListener('close', this.onViewClosed);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.dialog?.removeEventListener('close', this.onViewClosed);
    this.dialog = null;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    // The list is refetched as new objects: only another revision id is another selection. The view
    // moving on to the revision the action made keeps the message; any other revision clears it.
    const before = changed.get('selected') as Revision | null | undefined;
    if (changed.has('selected') && this.selected?.id !== before?.id && this.selected?.id !== this.doneFor) this.done = '';
  }

  override render() {
    return html`<div class="actions">
      ${this.step === 'idle'
        ? html`<button type="button" class="name-version" @click=${() => this.go('name')}>Name current version…</button>
            <button type="button" class="restore" ?disabled=${!this.selected} @click=${() => this.go('confirm')}>Restore this version</button>`
        : this.step === 'name'
          ? this.nameForm()
          : this.confirm()}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.done && this.step === 'idle' ? html`<p class="done" role="status">${this.done}</p>` : nothing}
    </div>`;
  }

  private nameForm() {
    return html`<form class="name-form" @submit=${this.onName}>
      <label for="version-name">Name the current version</label>
      <input id="version-name" name="version-name" maxlength="100" required placeholder="Before review" autocomplete="off"
        @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && (e.stopPropagation(), e.preventDefault(), this.go('idle'))} />
      <button type="submit" class="primary" ?disabled=${this.busy}>Save name</button>
      <button type="button" ?disabled=${this.busy} @click=${() => this.go('idle')}>Cancel</button>
    </form>`;
  }

  private confirm() {
    const rev = this.selected;
    if (!rev) return nothing;
    return html`<div class="confirm" role="group" aria-labelledby="restore-q">
      <p id="restore-q">Restore <strong>${revisionTitle(rev)}</strong> of ${revisionTime(rev)}? The text becomes that version's for everyone, as new
        edits; people typing right now keep their typing. Nothing in the history is lost.</p>
      <button type="button" class="danger confirm-restore" ?disabled=${this.busy} @click=${this.onRestore}>Restore</button>
      <button type="button" ?disabled=${this.busy} @click=${() => this.go('idle')}>Cancel</button>
    </div>`;
  }

  private async go(step: 'idle' | 'name' | 'confirm'): Promise<void> {
    this.step = step;
    this.error = '';
    if (step !== 'idle') this.done = '';
    await this.updateComplete;
    if (step === 'name') this.nameInput?.focus();
    else if (step === 'confirm') this.renderRoot.querySelector<HTMLButtonElement>('button.confirm-restore')?.focus();
  }

  private readonly onName = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const name = this.nameInput?.value.replace(/\s+/g, ' ').trim() ?? '';
    if (!name) return void (this.error = 'Give the version a name.');
    await this.run('name this version', async () => {
      const revision = await nameVersion(this.scope, name);
      this.said(`Saved as “${name}”.`, revision);
      this.emit(revision, false);
    });
  };

  private readonly onRestore = async (): Promise<void> => {
    const from = this.selected;
    if (!from) return;
    await this.run('restore this version', async () => {
      const revision = await restoreRevision(this.scope, from.id);
      this.said(`Restored ${revisionTitle(from)} of ${revisionTime(from)}.`, revision);
      this.emit(revision, true);
    });
  };

  private async run(doing: string, action: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      await action();
      this.step = 'idle';
    } catch (error) {
      this.error = historyErrorText(error, doing);
    } finally {
      this.busy = false;
    }
  }

  private said(done: string, made: Revision): void {
    this.done = done;
    this.doneFor = made.id;
  }

  private readonly onViewClosed = (): void => {
    this.step = 'idle';
    this.error = '';
    this.done = '';
  };

  private emit(revision: Revision, restored: boolean): void {
    this.dispatchEvent(new CustomEvent('history-changed', { detail: { revision, restored }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'history-actions': HistoryActions;
  }
}
