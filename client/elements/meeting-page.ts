/** The meeting page `/m/:id#key=...`: header, status, table of contents, agenda and notes. */
import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type * as Y from 'yjs';
import { agendaOf, notesOf, type SectionName } from '../../shared/doc-schema.js';
import { AuthorColorsController } from '../controllers/author-colors-controller.js';
import { MeetingController, type BannerAction } from '../controllers/meeting-controller.js';
import { RunController } from '../controllers/run-controller.js';
import { RunEventsController } from '../controllers/run-events-controller.js';
import { ShortcutController } from '../controllers/shortcut-controller.js';
import { TextController } from '../controllers/text-controller.js';
import { exportMarkdown, ApiError } from '../lib/api.js';
import { DerivedSchedule } from '../lib/derived-schedule.js';
import { randomColor } from '../lib/colors.js';
import { fileNameFor, saveBlob } from '../lib/files.js';
import { loadIdentity, saveIdentity, type Identity } from '../lib/identity.js';
import { findMyMeeting } from '../lib/my-meetings.js';
import { meetingPageStyles } from './meeting-page-styles.js';
import { meetingSideStyles } from './meeting-side-styles.js';
import type { ItemReveal } from './action-items-panel.js';
import type { IdentityDialog } from './identity-dialog.js';
import type { MeetingSection, Mode, SectionFocusEvent, TaskToggleEvent } from './meeting-section.js';
import type { MeetingSide } from './meeting-side.js';
import type { TocJump } from './toc-nav.js';
import './attendee-list.js';
import './connect-button.js';
import './history-button.js';
import './meeting-banner.js';
import './meeting-section.js';
import './meeting-side.js';
import './mode-switch.js';
import './run-panel.js';
import './share-menu.js';
import './status-indicator.js';
import './toc-nav.js';

const MODE_KEY = 'meetpad:mode';

// What is not shown until the person opens it is its own chunk, loaded then: the side panel's
// other tabs, and the name dialog (a returning attendee's name is stored).
const lazyTabs: Record<string, () => Promise<unknown>> = {
  topics: () => import('./topic-list.js'),
  attendance: () => import('./attendance-panel.js'),
};
const loadIdentityDialog = () => import('./identity-dialog.js');

/** `<meeting-page>`: one open meeting; create a new element for another meeting or key. */
@customElement('meeting-page')
export class MeetingPage extends LitElement {
  static override styles = [meetingPageStyles, meetingSideStyles];

  @property() meetingId = '';
  @property() key = '';

  @state() private mode: Mode = 'split';
  @state() private identity: Identity = loadIdentity() ?? { name: `Guest ${Math.floor(100 + Math.random() * 900)}`, color: randomColor() };
  @state() private tocOpen = false;
  @state() private exportError = '';

  @query('identity-dialog') private dialog!: IdentityDialog;

  private meeting!: MeetingController;
  private focused: SectionName | null = null;
  // Preview, contents, topics and action items follow the text together, after the editor (see DerivedSchedule).
  private readonly derived = new DerivedSchedule();
  private readonly agenda = new TextController(this, () => this.meeting && agendaOf(this.meeting.doc), () => 'agenda', this.derived);
  private readonly notes = new TextController(this, () => this.meeting && notesOf(this.meeting.doc), () => 'notes', this.derived);
  private readonly run = new RunController(this, () => this.meeting, this.derived);
  private canEdit = false;
  private readonly authorColors = new AuthorColorsController(this, () => ({ meetingId: this.meetingId, key: this.key, ownName: () => this.identity.name }));
  private readonly runEvents = new RunEventsController(this, this.run, {
    canEdit: () => this.canEdit,
    section: (name) => this.renderRoot.querySelector<MeetingSection>(`meeting-section.${name}`),
    showEditor: async () => {
      if (this.mode === 'view') this.setMode('split');
      await this.updateComplete;
    },
    closeContents: () => (this.tocOpen = false),
  });
  private readonly shortcuts = new ShortcutController(this, {
    E: () => this.setMode('edit'),
    S: () => this.setMode('split'),
    V: () => this.setMode('view'),
  });

  override connectedCallback(): void {
    if (!this.meeting) {
      this.meeting = new MeetingController(this, this.meetingId, this.key);
      const mine = findMyMeeting(this.meetingId);
      if (mine?.viewKey === this.key && mine.editKey !== this.key) this.meeting.role = 'view';
      const saved = localStorage.getItem(MODE_KEY);
      this.mode = this.meeting.role === 'view' ? 'view' : saved === 'edit' || saved === 'view' ? saved : 'split';
    }
    super.connectedCallback();
    // A first visit's placeholder name is not announced (the server records attendance from it):
    // the name dialog announces the one chosen.
    if (loadIdentity()) this.meeting.setIdentity(this.identity);
  }

  override render() {
    const m = this.meeting;
    // A kept copy the server no longer serves is shown, read only, so the person sees what they keep.
    const kept = m.lost === 'unknown' || m.lost === 'deleted-unsaved';
    const readonly = m.role === 'view' || kept;
    this.canEdit = !readonly;
    const run = this.run;
    const title = m.title || findMyMeeting(this.meetingId)?.title || 'Meeting';
    const mine = findMyMeeting(this.meetingId);
    const gone = m.lost === 'deleted' || (!kept && m.connection === 'stopped' && m.role === null);
    return html`
      <header class="top">
        <a class="brand" href="/" aria-label="meetpad home"><img src="/favicon.svg" alt="" width="24" height="24" /><span>meetpad</span></a>
        <h1 class="title">${title}</h1>
        <status-indicator .connection=${m.connection} .save=${m.save} ?readonly=${readonly}></status-indicator>
        <div class="tools">
          <attendee-list .awareness=${m.awareness}></attendee-list>
          <mode-switch .mode=${this.mode} @mode-change=${(e: CustomEvent<Mode>) => this.setMode(e.detail)}></mode-switch>
          <share-menu .meetingId=${this.meetingId} .editKey=${m.role === 'edit' ? this.key : ''}
            .viewKey=${m.role === 'view' ? this.key : (mine?.viewKey ?? '')} .error=${this.exportError} @download-markdown=${this.download}></share-menu>
          ${m.role && !kept ? html`<history-button .meetingId=${this.meetingId} .key=${this.key} .meetingTitle=${title} ?canEdit=${m.role === 'edit'}></history-button>` : nothing}
          <button type="button" class="author-toggle" aria-pressed=${this.authorColors.on ? 'true' : 'false'} title="Show who wrote what, in each author's colour"
            @click=${() => this.authorColors.toggle()}>Author colours</button>
          ${m.role === 'edit' && !kept ? html`<connect-button kind="meeting" .scopeId=${this.meetingId} .key=${this.key} .scopeTitle=${title}></connect-button>` : nothing}
          <button type="button" class="me" title="Change your name or colour" @click=${() => void this.showDialog()}>
            <span class="dot" style="background:${this.identity.color}"></span><span class="me-name">${this.identity.name}</span>
          </button>
        </div>
      </header>
      <meeting-banner .banner=${m.banner} ?home=${gone} @banner-action=${this.onBannerAction}></meeting-banner>
      ${this.authorColors.paint && !gone ? html`<author-legend .paint=${this.authorColors.paint}></author-legend>` : nothing}
      ${gone ? nothing : html`<run-panel .meetingId=${this.meetingId} .key=${this.key} ?canEdit=${!readonly} .run=${run.run} .topics=${run.topics}
        .plannedMinutes=${run.parsed.plannedMinutes} .clock=${run.clock}></run-panel>`}
      ${gone ? nothing : html`<div class="body with-side">
        <button type="button" class="toc-toggle" aria-expanded=${this.tocOpen ? 'true' : 'false'} @click=${() => (this.tocOpen = !this.tocOpen)}>Contents</button>
        <aside class="toc ${this.tocOpen ? 'open' : ''}"><toc-nav .agenda=${this.agenda.headings} .notes=${this.notes.headings} .current=${run.tocCurrent()} @toc-jump=${this.onJump}></toc-nav></aside>
        <main class="sections" data-mode=${this.mode} @section-focus=${this.onSectionFocus} @task-toggle=${this.onTaskToggle}>
          ${this.section('agenda', 'Agenda', 'Agenda topics, one per line: "1. Topic (owner)"', agendaOf(m.doc), this.agenda.blocks, readonly)}
          ${this.section('notes', 'Notes', 'Notes of the meeting: decisions, action items…', notesOf(m.doc), this.notes.blocks, readonly)}
        </main>
        <meeting-side .derived=${this.derived} .meetingId=${this.meetingId} .key=${this.key} .meetingTitle=${title} .doc=${m.doc} .access=${m.role} ?readonly=${readonly}
          .save=${m.save} @item-reveal=${this.onReveal} @tab-change=${(e: CustomEvent<string>) => void lazyTabs[e.detail]?.()} .moreTabs=${run.tabs()}>
          <topic-list slot="topics" ?canEdit=${!readonly} .topics=${run.topics} .run=${run.run} .plannedMinutes=${run.parsed.plannedMinutes}></topic-list>
          <attendance-panel slot="attendance" .meetingId=${this.meetingId} .key=${this.key} ?canEdit=${!readonly} .awareness=${m.awareness}></attendance-panel>
        </meeting-side>
      </div>`}
      <identity-dialog .identity=${this.identity} @identity-change=${this.onIdentity}></identity-dialog>
    `;
  }

  private section(name: SectionName, heading: string, hint: string, ytext: Y.Text, blocks: readonly string[], readonly: boolean) {
    return html`<meeting-section class=${name} section=${name} heading=${heading} hint=${hint} mode=${this.mode}
      ?readonly=${readonly} .ytext=${ytext} .awareness=${this.meeting.awareness} .blocks=${blocks} .nowLine=${name === 'agenda' ? this.run.nowLine : null}
      .painter=${this.authorColors.paint}></meeting-section>`;
  }

  override firstUpdated(): void {
    if (!loadIdentity()) void this.showDialog();
  }

  private async showDialog(): Promise<void> {
    await loadIdentityDialog();
    await this.dialog.show();
  }

  override updated(): void {
    // While the meeting runs, its topic list is the side panel's point: it comes without a click.
    if (this.run.run.current) void lazyTabs.topics!();
    const title = this.meeting.title || findMyMeeting(this.meetingId)?.title;
    document.title = title ? `${title} · meetpad` : 'meetpad';
  }

  private setMode(mode: Mode): void {
    this.mode = mode;
    if (this.meeting.role !== 'view') localStorage.setItem(MODE_KEY, mode);
  }

  private readonly onIdentity = (event: CustomEvent<Identity>): void => {
    this.identity = event.detail;
    saveIdentity(this.identity);
    this.meeting.setIdentity(this.identity);
  };

  private readonly onSectionFocus = (event: SectionFocusEvent): void => {
    const { section, focused } = event.detail;
    if (focused) this.focused = section;
    else if (this.focused === section) this.focused = null;
    // Blur comes before the next focus: publish once both have happened.
    setTimeout(() => this.meeting.setSection(this.focused), 0);
  };

  private readonly onJump = (event: CustomEvent<TocJump>): void => {
    const { section, heading } = event.detail;
    this.renderRoot.querySelector<MeetingSection>(`meeting-section.${section}`)?.jumpTo(heading.line, heading.id);
    this.tocOpen = false;
  };

  // A task box of the preview: the side panel holds the items and their anchors.
  private readonly onTaskToggle = (event: TaskToggleEvent): void => {
    const { section, line, done } = event.detail;
    this.renderRoot.querySelector<MeetingSide>('meeting-side')?.toggleAt(section, line, done);
  };

  private readonly onReveal = (event: CustomEvent<ItemReveal>): void => {
    this.renderRoot.querySelector<MeetingSection>(`meeting-section.${event.detail.section}`)?.revealLine(event.detail.line);
  };

  private readonly onBannerAction = (event: CustomEvent<BannerAction>): void => {
    if (event.detail === 'download') void this.downloadLocal();
    else if (event.detail === 'discard') void this.meeting.discardLocalCopy();
    else this.meeting.retryNow();
  };

  /** Saves this browser's copy as Markdown: what the person keeps when the server lost the meeting. */
  private async downloadLocal(): Promise<void> {
    const text = await this.meeting.localMarkdown();
    saveBlob(new Blob([text], { type: 'text/markdown;charset=utf-8' }), fileNameFor(this.meeting.title || findMyMeeting(this.meetingId)?.title || 'meeting'));
  }

  private readonly download = async (): Promise<void> => {
    const title = this.meeting.title || 'meeting';
    this.exportError = '';
    if (this.meeting.lost) return this.downloadLocal();
    try {
      saveBlob(await exportMarkdown(this.meetingId, this.key), fileNameFor(title));
    } catch (error) {
      if (error instanceof ApiError) {
        this.exportError = `Download failed: ${error.message}`;
        return;
      }
      // Offline: the export is exactly agenda + notes, which this browser has.
      await this.downloadLocal();
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'meeting-page': MeetingPage;
  }
}
