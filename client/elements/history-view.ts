/**
 * The history of a meeting (GUIDE 1.9), loaded on first use as its own chunk: the revisions newest
 * first, a slider over them, the meeting read-only as it was (rendered or source), the changes
 * against another revision, and for edit keys naming and restoring.
 */
import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { HistoryController, type HistoryTab } from '../controllers/history-controller.js';
import type { HistoryScope, Revision } from '../lib/history-api.js';
import { PreviewRenderer } from '../lib/markdown.js';
import { markdownStyles } from '../lib/markdown-styles.js';
import { authorChips, restoreNote, revisionTime, revisionTitle } from './history-parts.js';
import { historyViewStyles } from './history-view-styles.js';
import type { HistoryChangedEvent } from './history-actions.js';
import './history-actions.js';
import './history-changes.js';

/** While the slider is dragged, a revision not seen yet is fetched once it stays this long. */
const DRAG_DEBOUNCE_MS = 120;
/** The list is refetched this often while the view is open, so new revisions appear. */
const POLL_MS = 5000;

/** `<history-view>`: a modal; `show()` opens it; emits `history-closed` when it closes. */
@customElement('history-view')
export class HistoryView extends LitElement {
  static override styles = [markdownStyles, historyViewStyles];

  @property({ attribute: false }) scope!: HistoryScope;
  @property({ type: Boolean }) canEdit = false;
  @property() meetingTitle = '';

  @state() private source = false;

  @query('dialog') private dialog!: HTMLDialogElement;

  private readonly history = new HistoryController(this, () => this.scope);
  private readonly renderer = new PreviewRenderer();
  private rendered: { rev: number; html: string } | null = null;
  private poll = 0;
  private scrolledTo: number | null = null;

  /** Opens the view on the newest revision and refetches the list. */
  async show(): Promise<void> {
    this.history.follow = true;
    if (!this.dialog.open) this.dialog.showModal();
    window.clearInterval(this.poll);
    this.poll = window.setInterval(() => document.visibilityState === 'visible' && void this.history.refresh(), POLL_MS);
    await this.history.refresh();
  }

  override render() {
    const { revisions, selectedId, listError } = this.history;
    const list = revisions ?? [];
    const byId = new Map(list.map((r) => [r.id, r]));
    const selected = selectedId === null ? null : (byId.get(selectedId) ?? null);
    return html`<dialog aria-labelledby="history-title" @close=${this.onClose} @history-changed=${this.onChanged}>
      <header>
        <div><h2 id="history-title">History</h2>${this.meetingTitle ? html`<p class="scope">${this.meetingTitle}</p>` : nothing}</div>
        <button type="button" class="close" aria-label="Close" @click=${() => this.dialog.close()}>×</button>
      </header>
      ${listError ? html`<p class="error list-error" role="alert">${listError}</p>` : nothing}
      <div class="layout">
        <nav class="revisions" aria-label="Revisions, newest first">
          ${revisions === null ? html`<p class="note">Loading…</p>` : list.length === 0 ? html`<p class="note">No revisions yet. meetpad keeps one after
            a pause in typing, when everyone leaves, and whenever someone names the current version.</p>` : nothing}
          <ol>${list.map((r) => this.item(r, byId))}</ol>
        </nav>
        <section class="main" aria-label="The meeting as it was">
          ${list.length ? this.scrubber(selected) : nothing}
          ${selected ? this.viewBar(selected) : nothing}
          ${selected ? this.content() : nothing}
          ${this.canEdit
            ? html`<history-actions .scope=${this.scope} .selected=${selected}></history-actions>`
            : html`<p class="note view-only">This link can browse the history. Naming a version and restoring one need the edit link.</p>`}
        </section>
      </div>
    </dialog>`;
  }

  private item(r: Revision, byId: Map<number, Revision>) {
    const current = r.id === this.history.selectedId;
    return html`<li><button type="button" class="rev ${r.kind}" data-rev=${r.id} aria-current=${current ? 'true' : 'false'} @click=${() => this.history.select(r.id, 0)}>
      <span class="rev-head"><span class="rev-title">${revisionTitle(r)}</span><time datetime=${r.at}>${revisionTime(r)}</time></span>
      ${restoreNote(r, byId)} ${authorChips(r.authors)}
    </button></li>`;
  }

  private scrubber(selected: Revision | null) {
    const chron = this.history.chronological;
    const index = Math.max(chron.findIndex((r) => r.id === this.history.selectedId), 0);
    const words = selected ? `${revisionTitle(selected)}, ${revisionTime(selected)}` : '';
    return html`<div class="scrub">
      <label for="slider">Oldest</label>
      <input id="slider" class="slider" type="range" min="0" max=${chron.length - 1} step="1" .value=${String(index)}
        aria-label="Revision" aria-valuetext="${index + 1} of ${chron.length}: ${words}" ?disabled=${chron.length < 2}
        @input=${(e: Event) => this.onSlide(e, DRAG_DEBOUNCE_MS)} @change=${(e: Event) => this.onSlide(e, 0)} />
      <span class="newest">Newest</span>
      <output class="position" for="slider">${index + 1} of ${chron.length} · ${words}</output>
    </div>`;
  }

  private viewBar(selected: Revision) {
    const { tab, compareWith } = this.history;
    const others = (this.history.revisions ?? []).filter((r) => r.id !== selected.id);
    return html`<div class="view-bar">
      <div class="tabs" role="group" aria-label="Show">
        <button type="button" class="tab-text" aria-pressed=${tab === 'text' ? 'true' : 'false'} @click=${() => this.setTab('text')}>As it was</button>
        <button type="button" class="tab-changes" aria-pressed=${tab === 'changes' ? 'true' : 'false'} @click=${() => this.setTab('changes')}>Changes</button>
      </div>
      ${tab === 'text'
        ? html`<label class="check"><input type="checkbox" class="source-toggle" .checked=${this.source} @change=${(e: Event) => (this.source = (e.target as HTMLInputElement).checked)} /> Markdown source</label>`
        : html`<label class="compare">Compare with
            <select class="compare-with" @change=${this.onCompare}>
              <option value="previous" ?selected=${compareWith === 'previous'}>the previous revision</option>
              ${others.map((r) => html`<option value=${r.id} ?selected=${compareWith === r.id}>${revisionTitle(r)}, ${revisionTime(r)}</option>`)}
            </select></label>`}
    </div>`;
  }

  private content() {
    const h = this.history;
    const error = h.contentError ? html`<p class="error" role="alert">${h.contentError}</p>` : nothing;
    if (h.tab === 'changes') {
      const pair = h.pair();
      if (!pair) return html`<div class="content" data-tab="changes">${error}<p class="note">This is the first revision: there is nothing before it to compare with.</p></div>`;
      const shown = h.shownChanges;
      const fresh = shown?.from === pair[0] && shown.to === pair[1];
      return html`<div class="content ${fresh ? '' : 'stale'}" data-tab="changes" data-from=${shown?.from ?? ''} data-to=${shown?.to ?? ''} aria-busy=${fresh ? 'false' : 'true'}>
        ${error}${fresh ? nothing : html`<p class="loading">Loading…</p>`}<history-changes .changes=${shown?.changes ?? null}></history-changes></div>`;
    }
    const shown = h.shown;
    const fresh = shown?.rev === h.selectedId;
    return html`<div class="content ${fresh ? '' : 'stale'}" data-tab="text" data-rev=${shown?.rev ?? ''} aria-busy=${fresh ? 'false' : 'true'}>
      ${error}${fresh ? nothing : html`<p class="loading">Loading…</p>`}
      ${!shown ? nothing : this.source ? html`<pre class="source">${shown.text}</pre>` : html`<article class="markdown rendered">${unsafeHTML(this.htmlOf(shown))}</article>`}
    </div>`;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.clearInterval(this.poll);
  }

  override updated(): void {
    // The selected revision stays visible in the list while scrubbing.
    if (this.history.selectedId === this.scrolledTo) return;
    this.scrolledTo = this.history.selectedId;
    this.renderRoot.querySelector<HTMLElement>(`button.rev[aria-current="true"]`)?.scrollIntoView({ block: 'nearest' });
  }

  private htmlOf(shown: { rev: number; text: string }): string {
    if (this.rendered?.rev !== shown.rev) this.rendered = { rev: shown.rev, html: this.renderer.render(shown.text, `rev-${shown.rev}`).html };
    return this.rendered.html;
  }

  private onSlide(event: Event, delay: number): void {
    const revision = this.history.chronological[Number((event.target as HTMLInputElement).value)];
    if (revision && (revision.id !== this.history.selectedId || delay === 0)) this.history.select(revision.id, delay);
  }

  private setTab(tab: HistoryTab): void {
    this.history.setTab(tab);
  }

  private readonly onCompare = (event: Event): void => {
    const value = (event.target as HTMLSelectElement).value;
    this.history.setCompare(value === 'previous' ? 'previous' : Number(value));
  };

  // A naming or a restore made a revision: it is the newest, shown once the list has it.
  private readonly onChanged = (_event: HistoryChangedEvent): void => {
    this.history.follow = true;
    void this.history.refresh();
  };

  private readonly onClose = (): void => {
    window.clearInterval(this.poll);
    this.history.stop();
    this.dispatchEvent(new CustomEvent('history-closed'));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'history-view': HistoryView;
  }
}
