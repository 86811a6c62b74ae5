/**
 * The shape of a meeting document. Both the server and the web client import these names,
 * so a rename happens in one place.
 */
import type * as Y from 'yjs';

/** Root type names of a meeting `Y.Doc`. */
export const DOC_FIELDS = {
  meta: 'meta',
  agenda: 'agenda',
  notes: 'notes',
} as const;

/** Keys stored in the `meta` map. */
export const META_KEYS = {
  title: 'title',
  /** Prefix of the running log's marks (topic started, meeting ended): see shared/meeting-run.ts. */
  runMarkPrefix: 'run.mark.',
} as const;

/** The two Markdown sections, in export order. */
export const SECTIONS = [DOC_FIELDS.agenda, DOC_FIELDS.notes] as const;

/** A Markdown section of the meeting. */
export type SectionName = (typeof SECTIONS)[number];

/** Title used when nothing better is known. */
export const UNTITLED = 'Untitled meeting';

/** Longest title the server stores (longer titles are cut). */
export const MAX_TITLE_LENGTH = 200;

/** The `agenda` text of a meeting document. */
export const agendaOf = (doc: Y.Doc): Y.Text => doc.getText(DOC_FIELDS.agenda);

/** The `notes` text of a meeting document. */
export const notesOf = (doc: Y.Doc): Y.Text => doc.getText(DOC_FIELDS.notes);

/** The two sections' text of a meeting document. */
export const textOf = (doc: Y.Doc): { agenda: string; notes: string } => ({ agenda: agendaOf(doc).toString(), notes: notesOf(doc).toString() });

/** The `meta` map of a meeting document. */
export const metaOf = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(DOC_FIELDS.meta);

/** The meeting title as stored in the document, or null when absent or not text. */
export const titleOf = (doc: Y.Doc): string | null => {
  const title = metaOf(doc).get(META_KEYS.title);
  return typeof title === 'string' ? title : null;
};
