/**
 * The series page `/s/:id#key=...` (GUIDE 1.7): the series' meetings newest first with their dates
 * and open items, the rolling action log by owner, "Start next meeting", the calendar feed, the
 * series links, and "Delete series" after a confirmation.
 */
import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { SeriesInfo } from '../../shared/api-types.js';
import { ApiError } from '../lib/api.js';
import { formatDay } from '../lib/dates.js';
import { meetingPath } from '../lib/links.js';
import { forgetMeeting, rememberMeeting } from '../lib/my-meetings.js';
import { findMySeries, forgetSeries, rememberSeries } from '../lib/my-series.js';
import { CADENCE_LABELS, deleteSeries, getSeries, startNextMeeting } from '../lib/series-api.js';
import { calendarUrl, seriesUrl, webcalUrl } from '../lib/series-links.js';
import type { DeleteSeriesDialog } from './delete-series-dialog.js';
import { seriesPageStyles } from './series-page-styles.js';
import './connect-button.js';
import './delete-series-dialog.js';
import './series-action-log.js';

const REFUSALS: Record<number, string> = {
  400: 'This is not a valid series link.',
  401: "This link's key does not open this series: ask for a new link.",
  404: 'This server has no such series.',
  410: 'This series was deleted.',
};

/** `<series-page>`: one series opened with `key`; create a new element for another series or key. */
@customElement('series-page')
export class SeriesPage extends LitElement {
  static override styles = seriesPageStyles;

  @property() seriesId = '';
  @property() key = '';

  @state() private info: SeriesInfo | null = null;
  @state() private failure = '';
  @state() private error = '';
  @state() private busy = false;
  @state() private deleted = 0;
  @state() private copied = '';

  @query('delete-series-dialog') private dialog!: DeleteSeriesDialog;

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.onVisible);
    void this.load();
  }

  override disconnectedCallback(): void {
    document.removeEventListener('visibilitychange', this.onVisible);
    super.disconnectedCallback();
  }

  override render() {
    const home = html`<a class="brand" href="/"><img src="/favicon.svg" alt="" width="24" height="24" /><span>meetpad</span></a>`;
    if (this.deleted) return html`<div class="message">${home}<h1>Series deleted</h1><p>The series and its ${this.deleted} meetings are gone.</p><p><a href="/">Go to the start page</a></p></div>`;
    if (this.failure) return html`<div class="message">${home}<h1>Cannot open this series</h1><p class="error" role="alert">${this.failure}</p><p><button type="button" @click=${() => void this.load()}>Try again</button> <a href="/">Go to the start page</a></p></div>`;
    const info = this.info;
    if (!info) return html`<div class="message">${home}<p class="empty">Loading the series…</p></div>`;
    const edit = info.role === 'edit';
    return html`
      <header>
        ${home}
        <p class="kicker">Series</p>
        <h1>${info.title}</h1>
        <p class="facts">${CADENCE_LABELS[info.cadence] ?? info.cadence}${info.nextDate ? html` · next meeting <strong>${formatDay(info.nextDate)}</strong>` : nothing}
          · ${info.meetings.length} ${info.meetings.length === 1 ? 'meeting' : 'meetings'}${edit ? nothing : html` · view only`}</p>
      </header>
      <main>
        ${edit
          ? html`<section class="card actions">
              <button type="button" class="primary start-next" ?disabled=${this.busy} @click=${this.onStartNext}>${this.busy ? 'Starting…' : 'Start next meeting'}</button>
              <span class="note">Its open items are carried over from ${info.meetings[0] ? `“${info.meetings[0].title}”` : 'the latest meeting'}.</span>
              ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
            </section>`
          : nothing}
        <section class="card" aria-labelledby="meetings-title">
          <h2 id="meetings-title">Meetings <span class="count">newest first</span></h2>
          ${info.meetings.length ? this.meetings(info) : html`<p class="empty">No meeting yet.${edit ? ' Start the first one.' : ''}</p>`}
        </section>
        <section class="card" aria-labelledby="log-title">
          <h2 id="log-title">Open action items <span class="count">${info.openItems.length} across the series, by owner</span></h2>
          <series-action-log .items=${info.openItems} .key=${this.key}></series-action-log>
        </section>
        <section class="card share" aria-labelledby="share-title">
          <h2 id="share-title">Share, subscribe and connect</h2>
          ${this.links(info)}
        </section>
        ${edit
          ? html`<section class="card"><div class="actions"><button type="button" class="danger delete" ?disabled=${this.busy} @click=${() => void this.dialog.show()}>Delete series…</button>
              <span class="note">Deletes the series and all its meetings.</span></div></section>
              <delete-series-dialog .seriesTitle=${info.title} .meetings=${info.meetings.length} @confirm-delete=${this.onDelete}></delete-series-dialog>`
          : nothing}
      </main>`;
  }

  private meetings(info: SeriesInfo) {
    return html`<ul class="meetings">
      ${info.meetings.map(
        (m, index) => html`<li data-id=${m.id}>
          <a href=${meetingPath(m.id, this.key)}>${m.title}</a>
          ${index === 0 ? html`<span class="latest">latest</span>` : nothing}
          <span class="date">${formatDay(m.date)}</span>
          <span class="counts"><span class="open">${m.openItems} open</span> · ${m.doneItems} done</span>
        </li>`,
      )}
    </ul>`;
  }

  private links(info: SeriesInfo) {
    const mine = findMySeries(info.id);
    const viewKey = info.role === 'view' ? this.key : mine?.viewKey;
    const feed = calendarUrl(info.id, viewKey ?? this.key);
    return html`
      ${info.role === 'edit' ? this.linkRow('edit', 'Series edit link: opens every meeting of the series for editing', seriesUrl(info.id, this.key)) : nothing}
      ${viewKey ? this.linkRow('view', 'Series view link: read only', seriesUrl(info.id, viewKey)) : nothing}
      ${this.linkRow('feed', 'Calendar feed (iCalendar): the meetings and the next planned date', feed)}
      <div class="actions"><a class="button subscribe" href=${webcalUrl(feed)}>Subscribe in your calendar app</a></div>
      ${viewKey ? nothing : html`<p class="note">This feed link carries the series' edit key: the view key is known only in the browser that created the series.</p>`}
      ${info.role === 'edit'
        ? html`<div class="actions connect-row"><connect-button kind="series" .scopeId=${info.id} .key=${this.key} .scopeTitle=${info.title}></connect-button>
            <span class="note">Post the minutes and action items of every meeting of the series to a chat channel or another app.</span></div>`
        : nothing}`;
  }

  private linkRow(kind: string, label: string, url: string) {
    return html`<label>${label}
      <span class="row">
        <input readonly class="link-${kind}" .value=${url} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} />
        <button type="button" class="copy-${kind}" @click=${() => void this.copy(kind, url)}>${this.copied === kind ? 'Copied' : 'Copy'}</button>
      </span>
    </label>`;
  }

  private async load(): Promise<void> {
    try {
      const info = await getSeries(this.seriesId, this.key);
      this.info = info;
      this.failure = '';
      rememberSeries({ id: info.id, title: info.title, [info.role === 'edit' ? 'editKey' : 'viewKey']: this.key, meetingIds: info.meetings.map((m) => m.id).reverse() });
      document.title = `${info.title} · meetpad`;
    } catch (error) {
      if (error instanceof ApiError && error.status === 410) forgetSeries(this.seriesId);
      if (!this.info || error instanceof ApiError) {
        this.info = null;
        this.failure = error instanceof ApiError ? (REFUSALS[error.status] ?? error.message) : 'The server cannot be reached. Check your connection.';
      }
    }
  }

  private async copy(kind: string, url: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(url);
      this.copied = kind;
    } catch {
      this.renderRoot.querySelector<HTMLInputElement>(`.link-${kind}`)?.select();
    }
  }

  private readonly onStartNext = async (): Promise<void> => {
    await this.act(async () => {
      const created = await startNextMeeting(this.seriesId, this.key);
      rememberMeeting({ id: created.id, title: created.title, editKey: created.editKey, viewKey: created.viewKey });
      rememberSeries({ id: this.seriesId, meetingIds: [created.id] });
      this.dispatchEvent(new CustomEvent('navigate', { detail: meetingPath(created.id, created.editKey), bubbles: true, composed: true }));
    });
  };

  private readonly onDelete = async (): Promise<void> => {
    const meetings = this.info?.meetings ?? [];
    await this.act(async () => {
      await deleteSeries(this.seriesId, this.key);
      forgetSeries(this.seriesId);
      for (const m of meetings) forgetMeeting(m.id);
      this.deleted = meetings.length;
    });
  };

  private async act(action: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      await action();
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'The server cannot be reached: try again when you are online.';
    } finally {
      this.busy = false;
    }
  }

  private readonly onVisible = (): void => {
    if (document.visibilityState === 'visible' && !this.deleted) void this.load();
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'series-page': SeriesPage;
  }
}
