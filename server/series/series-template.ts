/**
 * A series' template: one Markdown page (split at the Notes heading, like an import) in which
 * `{{title}}` and `{{date}}` stand for the meeting's title and date. A new meeting starts from it;
 * a meeting turned into a series becomes it, with its notes cleared down to their headings.
 */
import { joinMarkdown, splitMarkdown, type SplitMarkdown } from '../../shared/markdown.js';
import { scanBlocks } from '../../shared/parser/blocks.js';
import { templateFor } from '../meetings/meeting-service.js';
import { CARRIED_OVER_HEADING } from './carry-over.js';

/** The placeholders a template may use. */
export const PLACEHOLDERS = { title: '{{title}}', date: '{{date}}' } as const;

/** The template of a series created without one: the page a new meeting gets, with placeholders. */
export const DEFAULT_TEMPLATE = joinMarkdown(templateFor(PLACEHOLDERS.title, PLACEHOLDERS.date));

// A title is one line of Markdown: a line break in it would end the heading it fills.
const oneLine = (text: string): string => text.replace(/[\r\n]+/g, ' ');

/** The two sections of a new meeting: the template split, then its placeholders filled. */
export const fillTemplate = (template: string, { title, date }: { title: string; date: string }): SplitMarkdown => {
  // Split first: a title such as "Notes" must not move the split.
  const fill = (text: string): string => text.replaceAll(PLACEHOLDERS.title, oneLine(title)).replaceAll(PLACEHOLDERS.date, date);
  const { agenda, notes } = splitMarkdown(template);
  return { agenda: fill(agenda), notes: fill(notes) };
};

/** The agenda with its first heading's text turned into `{{title}}` (if it is the title) and the date into `{{date}}`. */
const agendaTemplate = (agenda: string, title: string, date: string): string => {
  const first = scanBlocks(agenda).find((block) => block.kind === 'heading');
  let text = agenda;
  if (first && first.text.trim() === title.trim()) {
    text = text.slice(0, first.contentStart) + PLACEHOLDERS.title + text.slice(first.contentStart + first.text.length);
  }
  return text.replaceAll(date, PLACEHOLDERS.date);
};

/**
 * The notes cleared down to their headings (as ATX headings, a blank line after each); a
 * `Carried over` heading is left out, since every new meeting gets its own.
 */
const notesTemplate = (notes: string, date: string): string =>
  scanBlocks(notes)
    .filter((block) => block.kind === 'heading' && block.text.trim().toLowerCase() !== CARRIED_OVER_HEADING.toLowerCase())
    .map((block) => `${'#'.repeat(block.level)} ${block.text.trim().replaceAll(date, PLACEHOLDERS.date)}\n\n`)
    .join('');

/** The template a meeting's page gives, for a series whose first meeting it becomes. */
export const templateFromMeeting = (sections: SplitMarkdown, title: string, date: string): string => {
  const agenda = agendaTemplate(sections.agenda, title, date);
  const notes = notesTemplate(sections.notes, date);
  // The page must split back where it was cut (someone may have removed the Notes heading).
  const splitsBack = splitMarkdown(joinMarkdown({ agenda, notes })).agenda === agenda;
  return joinMarkdown({ agenda, notes: splitsBack ? notes : `# Notes\n\n${notes}` });
};
