/**
 * Who attended, present and past: the server's record (GUIDE 1.8), fetched when the panel comes
 * into view and every 30 s while it is in view (an inactive tab or a folded panel is not), merged
 * with the live presence of the awareness.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Awareness } from 'y-protocols/awareness';
import type { Attendee } from '../../shared/api-types.js';
import { PresenceController } from '../controllers/presence-controller.js';
import { getAttendance } from '../lib/run-api.js';
import { formatMinutes } from '../lib/run-format.js';

const POLL_MS = 30_000;

/** One row: the server's record of a name, or only its live presence (not recorded yet). */
interface Row {
  name: string;
  here: boolean;
  record: Attendee | null;
}

const timeOf = (iso: string): string => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** `<attendance-panel>`: emits `insert-attendance` (detail: the names, in order of first join). */
@customElement('attendance-panel')
export class AttendancePanel extends LitElement {
  static override styles = css`
    :host { display: block; padding: 0.75rem 1rem; font-size: 0.85rem; }
    .head { display: flex; align-items: center; justify-content: space-between; gap: 0.6rem; flex-wrap: wrap; margin-bottom: 0.5rem; }
    h2 { font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); margin: 0; }
    .error { color: var(--danger); }
    ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.3rem; }
    li { display: flex; align-items: baseline; gap: 0.4rem; min-width: 0; }
    .dot { width: 0.55rem; height: 0.55rem; border-radius: 50%; background: var(--border); flex: none; align-self: center; }
    li[data-here] .dot { background: var(--ok); }
    .name { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .times { color: var(--muted); white-space: nowrap; }
    button { font: inherit; font-size: 0.8rem; cursor: pointer; border-radius: 8px; border: 1px solid var(--border); background: var(--surface); color: var(--text); padding: 0.2rem 0.6rem; }
    button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
  `;

  @property() meetingId = '';
  @property() key = '';
  @property({ type: Boolean }) canEdit = false;
  @property({ attribute: false }) awareness?: Awareness;

  @state() private attendees: Attendee[] = [];
  @state() private error = '';

  private readonly presence = new PresenceController(this, () => this.awareness);
  private poll: ReturnType<typeof setInterval> | null = null;
  private visibility: IntersectionObserver | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.visibility = new IntersectionObserver((entries) => this.setPolling(entries.some((e) => e.isIntersecting)));
    this.visibility.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.visibility?.disconnect();
    this.visibility = null;
    this.setPolling(false);
  }

  private setPolling(on: boolean): void {
    if (on === (this.poll !== null)) return;
    if (this.poll !== null) clearInterval(this.poll);
    this.poll = on ? setInterval(() => void this.refresh(), POLL_MS) : null;
    if (on) void this.refresh();
  }

  override render() {
    const rows = this.rows();
    return html`<div class="head">
        <h2>Attendance</h2>
        ${this.canEdit ? html`<button type="button" class="insert-attendance" ?disabled=${rows.length === 0} @click=${() => this.insert(rows)}>Insert attendance</button>` : nothing}
        ${this.error ? html`<span class="error" role="status">${this.error}</span>` : nothing}
      </div>
      <ul aria-label="Attendees present and past">
        ${rows.map(
          (row) => html`<li class="attendee" ?data-here=${row.here} title=${row.name}>
            <span class="dot" aria-hidden="true"></span><span class="name">${row.name}</span>
            <span class="times">${this.describe(row)}</span>
          </li>`,
        )}
      </ul>`;
  }

  private describe({ here, record }: Row): string {
    if (!record) return 'here now';
    const spent = record.secondsPresent < 60 ? 'under 1 min' : formatMinutes(Math.round(record.secondsPresent / 60));
    const span = here || record.present || !record.lastLeft ? `since ${timeOf(record.firstJoined)}` : `${timeOf(record.firstJoined)}–${timeOf(record.lastLeft)}`;
    return `${here || record.present ? 'here, ' : ''}${span}, ${spent}`;
  }

  // The record in its order (first join), then whoever is here and not recorded yet.
  private rows(): Row[] {
    const live = new Set(this.presence.attendees.map((a) => a.name));
    const rows: Row[] = this.attendees.map((record) => ({ name: record.name, here: live.has(record.name), record }));
    const known = new Set(rows.map((r) => r.name));
    for (const name of live) if (!known.has(name)) rows.push({ name, here: true, record: null });
    return rows;
  }

  private insert(rows: Row[]): void {
    this.dispatchEvent(new CustomEvent<string[]>('insert-attendance', { detail: rows.map((r) => r.name), bubbles: true, composed: true }));
  }

  private async refresh(): Promise<void> {
    try {
      this.attendees = (await getAttendance(this.meetingId, this.key)).attendees;
      this.error = '';
    } catch (error) {
      this.error = `Attendance not available: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'attendance-panel': AttendancePanel;
  }
}
