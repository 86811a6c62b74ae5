/**
 * The agenda's topics (a tab of the side panel): the current one highlighted, those discussed
 * ticked with their time spent; "Start" (edit key) and "Notes" on each.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ParsedTopic } from '../../shared/meeting-parser.js';
import { spanMs, topicLocator, type MeetingRun } from '../../shared/meeting-run.js';
import { formatClock, formatMinutes } from '../lib/run-format.js';

/** `<topic-list>`: emits `run-move` ({ action: 'start', id }), `take-notes` (id) and `topic-jump` (1-based agenda line). */
@customElement('topic-list')
export class TopicList extends LitElement {
  static override styles = css`
    :host { display: block; font-size: 0.85rem; padding: 0.6rem 0.6rem 1rem; }
    h2 { font-size: 0.8rem; color: var(--muted); margin: 0 0.4rem 0.4rem; font-weight: 600; }
    ol { list-style: none; margin: 0; padding: 0; }
    li { display: flex; align-items: center; gap: 0.2rem; border-radius: 5px; padding-right: 0.2rem; }
    .num { color: var(--muted); font-size: 0.72rem; min-width: 1.3rem; text-align: right; font-variant-numeric: tabular-nums; }
    li.current { background: var(--now-bg, var(--accent-bg)); box-shadow: inset 3px 0 0 var(--accent); }
    .title { flex: 1; min-width: 0; display: block; text-align: left; font: inherit; border: none; background: none; cursor: pointer; padding: 0.2rem 0.4rem; color: var(--text); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; border-radius: 5px; }
    li.current .title { font-weight: 700; color: var(--accent); }
    li.done .title { color: var(--muted); }
    .title:hover, .title:focus-visible { color: var(--accent); outline: none; background: var(--surface-2); }
    .meta { color: var(--muted); font-size: 0.72rem; white-space: nowrap; font-variant-numeric: tabular-nums; }
    .act { font: inherit; font-size: 0.7rem; border: 1px solid transparent; background: none; color: var(--muted); cursor: pointer; border-radius: 4px; padding: 0.05rem 0.3rem; opacity: 0; }
    li:hover .act, li:focus-within .act, li.current .act { opacity: 1; }
    .act:hover, .act:focus-visible { border-color: var(--border); color: var(--accent); outline: none; opacity: 1; }
    .empty { color: var(--muted); font-style: italic; padding: 0.2rem 0.4rem; }
    @media (hover: none) { .act { opacity: 1; } }
  `;

  @property({ type: Boolean }) canEdit = false;
  @property({ attribute: false }) topics: ParsedTopic[] = [];
  @property({ attribute: false }) run: MeetingRun | null = null;
  @property({ attribute: false }) plannedMinutes: number | null = null;

  override render() {
    const run = this.run;
    const locate = topicLocator(this.topics);
    const spent = new Map<number, number>();
    for (const span of run?.spans ?? []) {
      const i = locate(span);
      if (i !== -1 && span.endedAt !== null) spent.set(i, (spent.get(i) ?? 0) + spanMs(span, span.endedAt));
    }
    const current = run?.current ? locate(run.current) : -1;
    const planned = this.plannedMinutes !== null ? ` · planned ${formatMinutes(this.plannedMinutes)}` : '';
    return html`<h2>${this.topics.length} topic${this.topics.length === 1 ? '' : 's'}${planned}</h2>
      <ol aria-label="Agenda topics">
        ${this.topics.length === 0 ? html`<li class="empty">No topics in the agenda</li>` : nothing}
        ${this.topics.map((topic, i) => {
          const isCurrent = i === current;
          const done = spent.has(i) && !isCurrent;
          const meta = isCurrent ? 'now' : done ? formatClock(spent.get(i)!) : topic.minutes !== null ? formatMinutes(topic.minutes) : '';
          return html`<li class="topic ${isCurrent ? 'current' : ''} ${done ? 'done' : ''}" data-topic-id=${topic.id} aria-current=${isCurrent ? 'step' : 'false'}>
            <span class="num">${i + 1}</span>
            <button type="button" class="title" title=${topic.text} @click=${() => this.emit('topic-jump', topic.line)}>${done ? '✓ ' : ''}${topic.title}</button>
            ${meta ? html`<span class="meta">${meta}</span>` : nothing}
            ${this.canEdit && !isCurrent ? html`<button type="button" class="act start" title="Discuss this topic now" @click=${() => this.emit('run-move', { action: 'start', id: topic.id })}>Start</button>` : nothing}
            ${this.canEdit || topic.notesHeading ? html`<button type="button" class="act notes" title="Take notes on this topic" @click=${() => this.emit('take-notes', topic.id)}>Notes</button>` : nothing}
          </li>`;
        })}
      </ol>`;
  }

  private emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'topic-list': TopicList;
  }
}
