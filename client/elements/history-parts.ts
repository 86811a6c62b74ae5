/** Pieces of the history view: author chips, a revision's label, the changes between two revisions. */
import { html, nothing, type TemplateResult } from 'lit';
import { authorColor, authorLabel } from '../lib/author-color.js';
import { lighten } from '../lib/colors.js';
import type { ChangeSpan, MeetingChanges, Revision } from '../lib/history-api.js';

/** A revision's time as the browser's locale writes it (day and time to the second). */
export const revisionTime = (revision: Revision): string =>
  new Date(revision.at).toLocaleString(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** A revision as one line: its name, else "Automatic" or "Restore", and its time. */
export const revisionTitle = (revision: Revision): string => revision.name ?? (revision.kind === 'restore' ? 'Restore' : 'Automatic');

/** Coloured chips, one per author name. */
export const authorChips = (authors: readonly (string | null)[]): TemplateResult =>
  html`<span class="chips">${authors.map(
    (name) => html`<span class="chip" data-author=${authorLabel(name)} style="--c:${authorColor(name)};--c-bg:${lighten(authorColor(name), 0.82)}">${authorLabel(name)}</span>`,
  )}</span>`;

/** What a restore revision restored, in words. */
export const restoreNote = (revision: Revision, byId: Map<number, Revision>): TemplateResult | typeof nothing => {
  if (revision.kind !== 'restore') return nothing;
  const from = revision.restoredFrom === null ? undefined : byId.get(revision.restoredFrom);
  const what = from ? `${revisionTitle(from)}, ${revisionTime(from)}` : revision.restoredFrom === null ? 'an earlier version' : `revision ${revision.restoredFrom}`;
  return html`<span class="restore-mark" title="This revision restored ${what}">↺ Restored ${what}</span>`;
};

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
  for (const span of [...changes.agenda, ...changes.notes]) if (span.op !== 'equal') seen.add(span.author);
  return [...seen];
};

/** The changes of both sections, source text with insertions marked and deletions struck through. */
export const changesView = (changes: MeetingChanges): TemplateResult => {
  const authors = changeAuthors(changes);
  const section = (name: 'agenda' | 'notes', heading: string) => {
    const spans = changes[name];
    const changed = spans.some((s) => s.op !== 'equal');
    return html`<section class="changes-section" data-section=${name}>
      <h3>${heading}${changed ? nothing : html` <span class="same">(unchanged)</span>`}</h3>
      ${spans.length ? html`<pre class="changes">${spans.map(spanView)}</pre>` : html`<p class="empty">Empty.</p>`}
    </section>`;
  };
  return html`<div class="legend" aria-label="Legend">
      <span><ins class="sample">inserted text</ins> <del class="sample">deleted text</del>, in the colour of who wrote it:</span>
      ${authors.length ? authorChips(authors) : html`<span class="same">no text changed.</span>`}
    </div>
    ${section('agenda', 'Agenda')}${section('notes', 'Notes')}`;
};
