/**
 * The meeting page's side column: the meeting's series on top, then tabbed panels (the action
 * items and decisions for now; a new panel is one more entry in `tabs()` and one more child with
 * that slot). Owns the parsed items of the document and the series state of the meeting.
 */
import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type * as Y from 'yjs';
import type { Role } from '../../shared/api-types.js';
import type { SectionName } from '../../shared/doc-schema.js';
import { ItemsController } from '../controllers/items-controller.js';
import { SeriesController } from '../controllers/series-controller.js';
import { DerivedSchedule } from '../lib/derived-schedule.js';
import { meetingPath } from '../lib/links.js';
import { bestSeriesKey } from '../lib/my-series.js';
import type { SaveState } from '../lib/save-tracker.js';
import type { ItemToggle } from './action-items-panel.js';
import type { MakeSeries } from './make-series-dialog.js';
import type { SidePanelTab } from './side-panel.js';
import './action-items-panel.js';
import './series-box.js';
import './side-panel.js';

// How long "Start next meeting" waits for this meeting's last edits to be on the server.
const SAVE_WAIT_MS = 10_000;
const SAVE_POLL_MS = 100;

/** `<meeting-side>`: the side panel of one meeting; create a new element for another meeting or key. */
@customElement('meeting-side')
export class MeetingSide extends LitElement {
  static override styles = css`
    :host { display: flex; min-height: 0; }
    side-panel { flex: 1; }
  `;

  @property() meetingId = '';
  @property() key = '';
  @property() meetingTitle = '';
  @property({ attribute: false }) doc: Y.Doc | null = null;
  @property({ attribute: false }) access: Role | null = null;
  /** Whether the person may change the text (ticking is editing). */
  @property({ type: Boolean }) readonly = false;
  @property({ attribute: false }) save: SaveState = 'unknown';
  /** More tabs, whose panels are children of this element with `slot` = the tab's id (forwarded to the panel). */
  @property({ attribute: false }) moreTabs: SidePanelTab[] = [];
  /** The page's schedule of derived views: the items are re-parsed with the preview. */
  @property({ attribute: false }) derived = new DerivedSchedule();

  @state() private starting = false;

  private readonly items = new ItemsController(this, () => this.doc, () => this.derived);
  private series!: SeriesController;
  // Stable while the series key is: a new function tells the panels to render their links again.
  private keyFor = (id: string): string | undefined => this.series.keyFor(id);
  private keyedWith: string | undefined;

  override connectedCallback(): void {
    this.series ??= new SeriesController(this, this.meetingId, this.key);
    super.connectedCallback();
  }

  /** Ticks or unticks the item on 1-based `line` of `section` (a checkbox of the preview). */
  toggleAt(section: SectionName, line: number, done: boolean): void {
    const item = this.items.itemAt(section, line);
    if (item && !this.readonly) this.items.setDone(item.id, done);
  }

  private tabs(): SidePanelTab[] {
    const open = this.items.actionItems.filter((item) => !item.done).length;
    return [{ id: 'items', label: 'Action items', badge: open }, ...this.moreTabs];
  }

  override render() {
    const s = this.series;
    const seriesKey = (s.series && bestSeriesKey(s.series)) ?? '';
    if (seriesKey !== this.keyedWith) {
      this.keyedWith = seriesKey;
      this.keyFor = (id) => s.keyFor(id);
    }
    return html`<side-panel .tabs=${this.tabs()}>
      <series-box slot="top" .links=${s.links} .access=${this.access} .meetingTitle=${this.meetingTitle} .seriesKey=${seriesKey}
        ?canStart=${!!s.editKey} ?busy=${s.busy || this.starting} .error=${s.error} .keyFor=${this.keyFor}
        @make-series=${this.onMakeSeries} @start-next=${this.onStartNext}></series-box>
      <action-items-panel slot="items" .items=${this.items.actionItems} .decisions=${this.items.decisions} ?readonly=${this.readonly}
        .keyFor=${this.keyFor} @item-toggle=${this.onToggle}></action-items-panel>
      ${this.moreTabs.map((tab) => html`<slot name=${tab.id} slot=${tab.id}></slot>`)}
    </side-panel>`;
  }

  private readonly onToggle = (event: CustomEvent<ItemToggle>): void => {
    if (!this.readonly) this.items.setDone(event.detail.id, event.detail.done);
  };

  private readonly onMakeSeries = (event: CustomEvent<MakeSeries>): void => {
    void this.series.makeSeries(event.detail.title, event.detail.cadence);
  };

  private readonly onStartNext = async (): Promise<void> => {
    if (this.starting) return;
    this.starting = true;
    // The next meeting carries the items open in this one as the server has them: let it have the last edits.
    for (let waited = 0; (this.save === 'saving' || this.save === 'unsaved') && waited < SAVE_WAIT_MS; waited += SAVE_POLL_MS) {
      await new Promise((resolve) => setTimeout(resolve, SAVE_POLL_MS));
    }
    const created = await this.series.startNext();
    this.starting = false;
    if (created) this.dispatchEvent(new CustomEvent('navigate', { detail: meetingPath(created.id, created.editKey), bubbles: true, composed: true }));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'meeting-side': MeetingSide;
  }
}
