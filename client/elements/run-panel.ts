/**
 * The "now discussing" bar: the current topic, its timer and the meeting's, the moves (edit key
 * only), "Take notes" and "Copy minutes".
 */
import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ParsedTopic } from '../../shared/meeting-parser.js';
import { runTimers, type MeetingRun } from '../../shared/meeting-run.js';
import { copyText } from '../lib/clipboard.js';
import { formatClock, formatMinutes } from '../lib/run-format.js';
import { getMinutes } from '../lib/run-api.js';
import type { ServerClock } from '../lib/server-time.js';
import { runPanelStyles } from './run-panel-styles.js';
import './run-timer.js';

/** Detail of `run-move`: start the meeting / go on from `from`, start topic `id`, or end. */
export type RunMoveDetail = { action: 'next'; from: string | null } | { action: 'start'; id: string } | { action: 'end' };

type CopyState = { kind: 'idle' | 'copying' | 'copied' | 'manual' } | { kind: 'error'; message: string };

const FEEDBACK_MS = 4000;

/** `<run-panel>`: emits `run-move` (RunMoveDetail) and `take-notes` (topic id), bubbling and composed. */
@customElement('run-panel')
export class RunPanel extends LitElement {
  static override styles = runPanelStyles;

  @property() meetingId = '';
  @property() key = '';
  @property({ type: Boolean }) canEdit = false;
  @property({ attribute: false }) run: MeetingRun | null = null;
  @property({ attribute: false }) topics: ParsedTopic[] = [];
  @property({ attribute: false }) plannedMinutes: number | null = null;
  @property({ attribute: false }) clock: ServerClock | null = null;

  @state() private copy: CopyState = { kind: 'idle' };
  @state() private minutes = '';

  @query('textarea.minutes') private minutesArea!: HTMLTextAreaElement | null;

  private tick: ReturnType<typeof setInterval> | null = null;
  private feedbackTimer: ReturnType<typeof setTimeout> | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    // Re-rendered every second: the timers are computed at render time from the server's clock.
    this.tick = setInterval(() => {
      if (this.run?.status === 'running') this.requestUpdate();
    }, 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.tick !== null) clearInterval(this.tick);
    if (this.feedbackTimer !== null) clearTimeout(this.feedbackTimer);
    this.tick = this.feedbackTimer = null;
  }

  override render() {
    const run = this.run;
    if (!run || !this.clock) return nothing;
    const timers = runTimers(run, this.topics, this.plannedMinutes, this.clock.now());
    const current = timers.current;
    const index = current?.index ?? -1;
    return html`
      <section class="bar" data-status=${run.status} aria-label="Running the meeting">
        <div class="now" data-topic-id=${current?.span.topicId ?? ''}>
          ${run.status === 'running' && current
            ? html`<span class="label">Now discussing</span>
                ${index !== -1 ? html`<span class="count">${index + 1}/${this.topics.length}</span>` : nothing}
                <strong class="topic-title" title=${current.topic?.text ?? current.span.title}>${current.topic?.title ?? current.span.title}</strong>
                ${current.topic?.owners.length ? html`<span class="owners">${current.topic.owners.map((o) => o.name).join(', ')}</span>` : nothing}`
            : html`<span class="label">${run.status === 'ended' ? 'Meeting ended' : 'Not started'}</span>
                <span class="summary">${this.summary(run.status === 'ended' ? timers.meeting.elapsedMs : null)}</span>`}
        </div>
        <div class="timers">
          ${current ? html`<run-timer class="topic-timer" label="Topic" .clock=${current.clock}></run-timer>` : nothing}
          ${run.status !== 'not-started' ? html`<run-timer class="meeting-timer" label="Meeting" .clock=${timers.meeting}></run-timer>` : nothing}
        </div>
        <div class="actions">
          ${this.canEdit ? this.moves(run, index, current?.span.topicId ?? null) : nothing}
          ${current?.topic && (this.canEdit || current.topic.notesHeading) ? html`<button type="button" class="take-notes" @click=${() => this.emit('take-notes', current.topic!.id)}>Take notes</button>` : nothing}
          <button type="button" class="copy-minutes" ?disabled=${this.copy.kind === 'copying'} @click=${this.copyMinutes}>Copy minutes</button>
          <span class="feedback" role="status">${this.feedback()}</span>
        </div>
      </section>
      ${this.copy.kind === 'manual' || this.minutes ? this.manualCopy() : nothing}
    `;
  }

  private moves(run: MeetingRun, index: number, from: string | null) {
    if (run.status !== 'running') {
      return run.status === 'not-started' && this.topics.length
        ? html`<button type="button" class="primary start-meeting" @click=${() => this.move({ action: 'next', from: null })}>Start meeting</button>`
        : nothing;
    }
    const next = index === -1 ? null : this.topics[index + 1];
    const label = next || index === -1 ? 'Next topic' : 'Finish';
    return html`<button type="button" class="primary next-topic" title=${next ? `Next: ${next.title}` : 'End the meeting after this topic'}
        @click=${() => this.move({ action: 'next', from })}>${label}</button>
      <button type="button" class="end-meeting" @click=${() => this.move({ action: 'end' })}>End meeting</button>`;
  }

  private summary(spentMs: number | null): string {
    const parts = [`${this.topics.length} topic${this.topics.length === 1 ? '' : 's'}`];
    if (spentMs !== null) parts.push(`${formatClock(spentMs)} spent`);
    if (this.plannedMinutes !== null) parts.push(`planned ${formatMinutes(this.plannedMinutes)}`);
    return parts.join(' · ');
  }

  private feedback(): string {
    switch (this.copy.kind) {
      case 'copying':
        return 'Copying…';
      case 'copied':
        return 'Minutes copied';
      case 'manual':
        return 'Copy the minutes below (Ctrl+C)';
      case 'error':
        return this.copy.message;
      default:
        return '';
    }
  }

  private manualCopy() {
    return html`<div class="manual">
      <textarea class="minutes" readonly rows="8" aria-label="Minutes (Markdown)" .value=${this.minutes}></textarea>
      <button type="button" @click=${() => ((this.minutes = ''), (this.copy = { kind: 'idle' }))}>Close</button>
    </div>`;
  }

  private move(detail: RunMoveDetail): void {
    this.dispatchEvent(new CustomEvent<RunMoveDetail>('run-move', { detail, bubbles: true, composed: true }));
  }

  private emit(type: string, detail: string): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  private readonly copyMinutes = async (): Promise<void> => {
    this.copy = { kind: 'copying' };
    let text: string;
    try {
      text = await getMinutes(this.meetingId, this.key);
    } catch (error) {
      return this.show({ kind: 'error', message: `Could not get the minutes: ${error instanceof Error ? error.message : String(error)}` });
    }
    const result = await copyText(text, async () => {
      this.minutes = text;
      await this.updateComplete;
      return this.minutesArea;
    });
    if (result === 'copied') this.minutes = '';
    this.show({ kind: result });
  };

  private show(copy: CopyState): void {
    this.copy = copy;
    if (this.feedbackTimer !== null) clearTimeout(this.feedbackTimer);
    if (copy.kind === 'manual') return;
    this.feedbackTimer = setTimeout(() => (this.copy = { kind: 'idle' }), FEEDBACK_MS);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'run-panel': RunPanel;
  }
}
