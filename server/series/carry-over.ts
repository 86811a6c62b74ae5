/**
 * Carry-over (GUIDE 1.7): the next meeting's notes end with a `Carried over` heading listing each
 * action item still open in the series (the rolling log: see action-log.ts) as
 * `- [ ] TEXT (from [TITLE](/m/ID))`, the link without a key. An item keeps the suffix of the
 * meeting it first came from, so an item carried twice is listed once and still points at its
 * origin; a task the new meeting's template already has is not listed again.
 */
import { normalizeText } from '../../shared/parser/ids.js';
import { dueIn } from '../../shared/parser/inline.js';

/** The heading the carried items go under. */
export const CARRIED_OVER_HEADING = 'Carried over';

// ` (from [TITLE](/m/ID))` at the end of an item; TITLE may hold backslash escapes.
const CARRIED_SUFFIX = /\s*\(from \[((?:[^\\\]\r\n]|\\.)*)\]\(\/m\/([A-Za-z0-9_-]{8,64})\)\)$/;

/** An item's text without its carried suffix, and the suffix (null when it was not carried). */
export const splitCarried = (text: string): { base: string; suffix: string | null } => {
  const match = CARRIED_SUFFIX.exec(text);
  return match ? { base: text.slice(0, match.index), suffix: match[0].trim() } : { base: text, suffix: null };
};

/** What makes two items "the same item" across meetings: the text without the suffix, normalised. */
export const itemKey = (text: string): string => normalizeText(splitCarried(text).base);

const DATE_DASHES = /(\d{4})-(\d{2})-(\d{2})/g;

// Backslash escapes keep a title from closing the link, opening an HTML comment or mentioning
// someone (`@team` in a title must not become an assignee of every carried item). A title the
// parser would read a due date in (`due 2025-01-31`, `📅 2025-01-31`) gets the dashes of its dates
// escaped too (`2025\-01\-31` still reads as the date), so it cannot give every item that date.
const linkText = (title: string): string => {
  const escaped = title.replace(/[\r\n]+/g, ' ').replace(/[\\[\]<>@`*_]/g, (char) => `\\${char}`);
  return dueIn(escaped) === null ? escaped : escaped.replace(DATE_DASHES, '$1\\-$2\\-$3');
};

/** The suffix of an item that comes from meeting `source`. */
export const carriedSuffix = (source: { id: string; title: string }): string => `(from [${linkText(source.title)}](/m/${source.id}))`;

/** An open item of the series, as carry-over needs it. */
export interface ItemToCarry {
  /** Its key (itemKey of its text). */
  key: string;
  /** Its text where it was last seen (with or without a suffix). */
  text: string;
  /** The suffix it was carried with somewhere, or null: it is then carried from `firstSeenIn`. */
  origin: string | null;
  /** The first meeting that has it. */
  firstSeenIn: { id: string; title: string };
}

/**
 * The lines to carry: each open item once, in order, with the suffix of its origin, except those
 * whose key is in `skip` (the tasks the new meeting's template already has).
 */
export const carriedLines = (items: readonly ItemToCarry[], skip: ReadonlySet<string>): string[] =>
  items.filter((item) => !skip.has(item.key)).map((item) => `- [ ] ${splitCarried(item.text).base.trim()} ${item.origin ?? carriedSuffix(item.firstSeenIn)}`);

/** The notes with a `Carried over` section appended (unchanged when there is nothing to carry). */
export const withCarriedOver = (notes: string, lines: readonly string[]): string => {
  if (lines.length === 0) return notes;
  const ending = notes === '' || notes.endsWith('\n\n') ? '' : notes.endsWith('\n') ? '\n' : '\n\n';
  return `${notes}${ending}## ${CARRIED_OVER_HEADING}\n\n${lines.join('\n')}\n`;
};
