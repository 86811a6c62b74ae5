/**
 * The series of a meeting, at the top of the side panel: the series (a link to its page), the
 * previous and next meetings, "Start next meeting" on the latest one, and for a standalone
 * meeting "Make this a series". Emits `start-next` and `make-series`.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type { MeetingSeriesLinks, Role } from '../../shared/api-types.js';
import { meetingPath } from '../lib/links.js';
import { seriesPath } from '../lib/series-links.js';
import type { MakeSeriesDialog } from './make-series-dialog.js';

/** `<series-box>`: series navigation and actions of one meeting. */
@customElement('series-box')
export class SeriesBox extends LitElement {
  static override styles = css`
    :host { display: block; padding: 0.6rem 0.9rem; border-bottom: 1px solid var(--border); font-size: 0.85rem; }
    :host([hidden]) { display: none; }
    .label { font-size: 0.7rem; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); font-weight: 700; }
    .name { display: block; font-weight: 650; margin: 0.1rem 0 0.45rem; color: var(--text); text-decoration: none; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    a.name:hover { color: var(--accent); text-decoration: underline; }
    nav { display: flex; align-items: center; gap: 0.5rem; flex-wrap: wrap; }
    nav a { color: var(--accent); text-decoration: none; white-space: nowrap; }
    nav a:hover { text-decoration: underline; }
    .gap { flex: 1; }
    .none { color: var(--muted); white-space: nowrap; }
    button { font: inherit; font-size: 0.82rem; border-radius: 7px; padding: 0.3rem 0.7rem; cursor: pointer; border: 1px solid var(--border); background: var(--surface-2); color: var(--text); white-space: nowrap; }
    button.primary { font-weight: 600; background: var(--accent); border-color: var(--accent); color: #fff; }
    button:disabled { opacity: 0.6; cursor: progress; }
    .row { display: flex; align-items: center; gap: 0.6rem; justify-content: space-between; }
    .muted { color: var(--muted); font-size: 0.78rem; margin: 0.4rem 0 0; }
    .error { color: var(--danger); font-size: 0.8rem; margin: 0.4rem 0 0; }
    a:focus-visible, button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
  `;

  /** The series links of GET /api/meetings/:id: null for a standalone meeting, undefined until known. */
  @property({ attribute: false }) links: MeetingSeriesLinks | null | undefined = undefined;
  @property({ attribute: false }) access: Role | null = null;
  @property() meetingTitle = '';
  /** A key that opens the series page, if this browser has one. */
  @property() seriesKey = '';
  /** Whether this browser holds the series edit key. */
  @property({ type: Boolean }) canStart = false;
  @property({ type: Boolean }) busy = false;
  @property() error = '';
  @property({ attribute: false }) keyFor: (meetingId: string) => string | undefined = () => undefined;

  @query('make-series-dialog') private dialog!: MakeSeriesDialog;

  override render() {
    const links = this.links;
    if (links === undefined || (links === null && this.access !== 'edit')) return nothing;
    return links ? this.seriesView(links) : this.standalone();
  }

  override updated(): void {
    const links = this.links;
    this.hidden = links === undefined || (links === null && this.access !== 'edit');
  }

  private standalone() {
    return html`<div class="row">
        <span class="muted">Does this meeting recur?</span>
        <button type="button" class="make" ?disabled=${this.busy} @click=${() => void this.showDialog()}>Make this a series</button>
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <make-series-dialog .meetingTitle=${this.meetingTitle}></make-series-dialog>`;
  }

  // The dialog is its own chunk, loaded when someone asks for it.
  private async showDialog(): Promise<void> {
    await import('./make-series-dialog.js');
    await this.dialog.show();
  }

  private seriesView(links: MeetingSeriesLinks) {
    const link = (id: string | null, text: string, rel: string) => {
      if (!id) return html`<span class="none">${text}</span>`;
      const key = this.keyFor(id);
      return html`<a class=${rel} rel=${rel} href=${key ? meetingPath(id, key) : `/m/${encodeURIComponent(id)}`}>${text}</a>`;
    };
    return html`<span class="label">Series</span>
      ${this.seriesKey
        ? html`<a class="name series-link" href=${seriesPath(links.id, this.seriesKey)} title="The series page: all meetings and the open items">${links.title}</a>`
        : html`<span class="name">${links.title}</span>`}
      <nav aria-label="Meetings of the series">
        ${link(links.previous, links.previous ? '‹ Previous meeting' : 'First meeting', 'prev')}
        <span class="gap"></span>
        ${links.next
          ? link(links.next, 'Next meeting ›', 'next')
          : this.canStart
            ? html`<button type="button" class="primary start-next" ?disabled=${this.busy} @click=${this.onStart}>${this.busy ? 'Starting…' : 'Start next meeting'}</button>`
            : html`<span class="none">Latest meeting</span>`}
      </nav>
      ${!links.next && !this.canStart && this.access === 'edit' ? html`<p class="muted">Starting the next meeting needs the series' edit link.</p>` : nothing}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}`;
  }

  private readonly onStart = (): void => {
    this.dispatchEvent(new CustomEvent('start-next', { bubbles: true, composed: true }));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'series-box': SeriesBox;
  }
}
