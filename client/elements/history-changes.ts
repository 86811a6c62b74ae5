/**
 * The changes between two revisions, read like a good diff: an unchanged section collapsed to its
 * title, long unchanged runs folded to a button that expands them in place, insertions marked and
 * deletions struck through in their authors' colours. Rendered into the history view's shadow root
 * (no shadow root of its own), so the view's styles apply.
 */
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { authorColor, authorLabel } from '../lib/author-color.js';
import { foldChanges, hasChanges, type ChangeBlock } from '../lib/change-folding.js';
import { lighten } from '../lib/colors.js';
import type { ChangeSpan, MeetingChanges } from '../lib/history-api.js';
import { authorChips } from './history-parts.js';

type SectionName = 'agenda' | 'notes';

const HEADINGS: Record<SectionName, string> = { agenda: 'Agenda', notes: 'Notes' };

const spanStyle = (span: ChangeSpan): string => {
  const color = authorColor(span.author);
  return `--c:${color};--c-bg:${lighten(color, 0.75)}`;
};

const spanView = (span: ChangeSpan): TemplateResult | string => {
  if (span.op === 'equal') return span.text;
  const who = authorLabel(span.author);
  return span.op === 'insert'
    ? html`<ins style=${spanStyle(span)} data-author=${who} title="Inserted, written by ${who}">${span.text}</ins>`
    : html`<del style=${spanStyle(span)} data-author=${who} title="Deleted, written by ${who}">${span.text}</del>`;
};

/** Every author that inserted or deleted text in these changes, in order of appearance. */
export const changeAuthors = (changes: MeetingChanges): (string | null)[] => {
  const seen = new Set<string | null>();
  for (const span of [...changes.agenda, ...changes.notes]) if (span.op !== 'equal' && span.text !== '') seen.add(span.author);
  return [...seen];
};

const linesWord = (n: number): string => `${n} unchanged line${n === 1 ? '' : 's'}`;

/** `<history-changes>`: the changes of both sections; what was expanded resets with new changes. */
@customElement('history-changes')
export class HistoryChanges extends LitElement {
  @property({ attribute: false }) changes: MeetingChanges | null = null;

  /** Expanded unchanged sections ("agenda") and folds ("notes:3"). */
  @state() private opened = new Set<string>();

  private blocks: Record<SectionName, ChangeBlock[]> = { agenda: [], notes: [] };

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('changes')) return;
    this.opened = new Set();
    this.blocks = { agenda: foldChanges(this.changes?.agenda ?? []), notes: foldChanges(this.changes?.notes ?? []) };
  }

  override render() {
    const changes = this.changes;
    if (!changes) return nothing;
    if (!hasChanges(changes.agenda) && !hasChanges(changes.notes))
      return html`<p class="no-changes">No changes: the agenda and the notes are the same in both revisions.</p>`;
    return html`<div class="legend" aria-label="Legend">
        <span><ins class="sample">inserted text</ins> <del class="sample">deleted text</del>, in the colour of who wrote it:</span>
        ${authorChips(changeAuthors(changes))}
      </div>
      ${this.section('agenda', changes.agenda)}${this.section('notes', changes.notes)}`;
  }

  private section(name: SectionName, spans: ChangeSpan[]) {
    const heading = HEADINGS[name];
    if (hasChanges(spans))
      return html`<section class="changes-section" data-section=${name}>
        <h3>${heading}</h3>
        ${this.blocks[name].map((block, i) => this.block(`${name}:${i}`, block))}
      </section>`;
    const text = spans.map((s) => s.text).join('');
    const open = this.opened.has(name);
    return html`<section class="changes-section unchanged" data-section=${name}>
      <h3>${text === ''
        ? html`${heading}<span class="same">: unchanged (empty)</span>`
        : html`<button type="button" class="section-toggle" aria-expanded=${open ? 'true' : 'false'} aria-controls="changes-${name}" @click=${() => this.toggle(name)}>
            <span class="caret" aria-hidden="true">${open ? '▾' : '▸'}</span>${heading}<span class="same">: unchanged</span></button>`}</h3>
      ${open ? html`<pre class="changes" id="changes-${name}">${text}</pre>` : nothing}
    </section>`;
  }

  private block(key: string, block: ChangeBlock) {
    if (block.kind === 'shown') return html`<pre class="changes">${block.spans.map(spanView)}</pre>`;
    if (this.opened.has(key)) return html`<pre class="changes unfolded" data-fold=${key} tabindex="-1">${block.spans.map(spanView)}</pre>`;
    return html`<button type="button" class="fold" data-fold=${key} title="Show these ${linesWord(block.lines)}" @click=${() => this.unfold(key)}>… ${linesWord(block.lines)} …</button>`;
  }

  private toggle(name: SectionName): void {
    const opened = new Set(this.opened);
    if (!opened.delete(name)) opened.add(name);
    this.opened = opened;
  }

  // The button goes away: focus moves to the text it revealed, so the keyboard keeps its place.
  private async unfold(key: string): Promise<void> {
    this.opened = new Set([...this.opened, key]);
    await this.updateComplete;
    this.querySelector<HTMLElement>(`pre[data-fold="${key}"]`)?.focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'history-changes': HistoryChanges;
  }
}
