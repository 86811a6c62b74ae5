/** Pieces of the history view: author chips, a revision's label and time, a restore's note. */
import { html, nothing, type TemplateResult } from 'lit';
import { authorColor, authorLabel } from '../lib/author-color.js';
import { lighten } from '../lib/colors.js';
import type { Revision } from '../lib/history-api.js';

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
