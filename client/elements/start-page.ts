/** The start page `/`: create a meeting (title or imported .md), open a link, "My meetings". */
import { LitElement, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { createMeeting } from '../lib/api.js';
import { readUtf8File } from '../lib/files.js';
import { meetingPath, parseMeetingLink } from '../lib/links.js';
import { bestKey, forgetMeeting, listMyMeetings, rememberMeeting, type MyMeeting } from '../lib/my-meetings.js';
import { startPageStyles } from './start-page-styles.js';

/** `<start-page>`: emits `navigate` (detail: path) to open a meeting. */
@customElement('start-page')
export class StartPage extends LitElement {
  static override styles = startPageStyles;

  @state() private meetings: MyMeeting[] = listMyMeetings();
  @state() private filter = '';
  @state() private busy = false;
  @state() private error = '';
  @state() private linkError = '';
  @state() private dragging = false;

  override render() {
    const query = this.filter.trim().toLowerCase();
    const shown = this.meetings.filter((m) => m.title.toLowerCase().includes(query));
    return html`
      <header><img src="/favicon.svg" alt="" width="40" height="40" /><div><h1>meetpad</h1><p>Meeting notes, written together, live.</p></div></header>
      <main>
        <section class="card create ${this.dragging ? 'dragging' : ''}" aria-labelledby="create-h"
          @dragover=${this.onDragOver} @dragleave=${() => (this.dragging = false)} @drop=${this.onDrop}>
          <h2 id="create-h">New meeting</h2>
          <form @submit=${this.onCreate}>
            <label for="title">Title</label>
            <div class="row">
              <input id="title" name="title" type="text" placeholder="Status devs meeting #12" maxlength="200" />
              <button type="submit" class="primary" ?disabled=${this.busy}>Create</button>
            </div>
          </form>
          <div class="import">
            <span>or import a Markdown file:</span>
            <label class="file-button">Choose .md file<input type="file" accept=".md,.markdown,text/markdown,text/plain" aria-label="Import a Markdown file" @change=${this.onPick} /></label>
            <span class="hint">(or drop it here)</span>
          </div>
          ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        </section>
        <section class="card" aria-labelledby="open-h">
          <h2 id="open-h">Open a meeting link</h2>
          <form class="row" @submit=${this.onOpenLink}>
            <input name="link" type="text" aria-label="Meeting link" placeholder="https://…/m/…#key=…" />
            <button type="submit">Open</button>
          </form>
          ${this.linkError ? html`<p class="error" role="alert">${this.linkError}</p>` : nothing}
        </section>
        <section class="card" aria-labelledby="mine-h">
          <div class="list-head">
            <h2 id="mine-h">My meetings</h2>
            <input type="search" aria-label="Filter my meetings by title" placeholder="Filter by title" .value=${this.filter}
              @input=${(e: Event) => (this.filter = (e.target as HTMLInputElement).value)} />
          </div>
          ${this.meetings.length === 0 ? html`<p class="muted">Meetings you create or open in this browser appear here.</p>` : nothing}
          ${this.meetings.length > 0 && shown.length === 0 ? html`<p class="muted">No meeting matches “${this.filter}”.</p>` : nothing}
          <ul class="meetings">${shown.map((m) => this.item(m))}</ul>
        </section>
      </main>
    `;
  }

  private item(m: MyMeeting) {
    const key = bestKey(m);
    return html`<li>
      ${key ? html`<a href=${meetingPath(m.id, key)} data-nav>${m.title}</a>` : html`<span>${m.title}</span>`}
      <span class="meta">${m.viewKey && !m.editKey ? 'view only · ' : ''}${new Date(m.openedAt).toLocaleString()}</span>
      <button type="button" class="forget" aria-label="Remove ${m.title} from this list" title="Remove from this list"
        @click=${() => this.forget(m.id)}>✕</button>
    </li>`;
  }

  private async create(body: { title?: string; markdown?: string }): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      const created = await createMeeting(body);
      rememberMeeting({ id: created.id, title: created.title, editKey: created.editKey, viewKey: created.viewKey });
      this.navigate(meetingPath(created.id, created.editKey));
    } catch (error) {
      this.error = error instanceof TypeError ? 'Cannot reach the server. Are you online?' : `Could not create the meeting: ${(error as Error).message}`;
    } finally {
      this.busy = false;
    }
  }

  private async importFile(file: File | undefined): Promise<void> {
    if (!file) return;
    try {
      await this.create({ markdown: await readUtf8File(file) });
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  private navigate(path: string): void {
    this.dispatchEvent(new CustomEvent('navigate', { detail: path, bubbles: true, composed: true }));
  }

  private forget(id: string): void {
    forgetMeeting(id);
    this.meetings = listMyMeetings();
  }

  private readonly onCreate = (event: SubmitEvent): void => {
    event.preventDefault();
    const title = new FormData(event.target as HTMLFormElement).get('title')?.toString().trim();
    void this.create(title ? { title } : {});
  };

  private readonly onPick = (event: Event): void => {
    const input = event.target as HTMLInputElement;
    void this.importFile(input.files?.[0]).finally(() => (input.value = ''));
  };

  private readonly onDragOver = (event: DragEvent): void => {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    this.dragging = true;
  };

  private readonly onDrop = (event: DragEvent): void => {
    event.preventDefault();
    this.dragging = false;
    void this.importFile(event.dataTransfer?.files[0]);
  };

  private readonly onOpenLink = (event: SubmitEvent): void => {
    event.preventDefault();
    const ref = parseMeetingLink(new FormData(event.target as HTMLFormElement).get('link')?.toString() ?? '');
    if (!ref) {
      this.linkError = 'That is not a meeting link: it looks like …/m/ID#key=KEY.';
      return;
    }
    this.linkError = '';
    this.navigate(meetingPath(ref.id, ref.key));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'start-page': StartPage;
  }
}
