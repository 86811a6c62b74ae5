/**
 * Carry-over (GUIDE 1.7): the next meeting's notes end with a `Carried over` heading listing each
 * action item still open in the previous meeting as `- [ ] TEXT (from [TITLE](/m/ID))`, the link
 * without a key. An item keeps the suffix of the meeting it first came from, so an item carried
 * twice is listed once and still points at its origin.
 */
import type { ActionItem } from '../../shared/meeting-parser.js';
import { normalizeText } from '../../shared/parser/ids.js';

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

// Backslash escapes keep a title from closing the link, opening an HTML comment or mentioning
// someone (`@team` in a title must not become an assignee of every carried item).
const linkText = (title: string): string => title.replace(/[\r\n]+/g, ' ').replace(/[\\[\]<>@`*_]/g, (char) => `\\${char}`);

/** The suffix of an item that comes from meeting `source`. */
export const carriedSuffix = (source: { id: string; title: string }): string => `(from [${linkText(source.title)}](/m/${source.id}))`;

/**
 * The lines to carry from a meeting: each open item once, where it first appears, unless the same
 * item is ticked anywhere in that meeting. An item that was carried before keeps the suffix of
 * its origin, even when a copy without one (from the template, typed again) comes first.
 */
export const carriedLines = (items: readonly ActionItem[], source: { id: string; title: string }): string[] => {
  const done = new Set<string>();
  const origins = new Map<string, string>();
  for (const item of items) {
    const key = itemKey(item.text);
    if (item.done) done.add(key);
    const { suffix } = splitCarried(item.text);
    if (suffix && !origins.has(key)) origins.set(key, suffix);
  }
  const listed = new Set<string>();
  const lines: string[] = [];
  for (const item of items) {
    const key = itemKey(item.text);
    if (done.has(key) || listed.has(key)) continue;
    listed.add(key);
    lines.push(`- [ ] ${splitCarried(item.text).base.trim()} ${origins.get(key) ?? carriedSuffix(source)}`);
  }
  return lines;
};

/** The notes with a `Carried over` section appended (unchanged when there is nothing to carry). */
export const withCarriedOver = (notes: string, lines: readonly string[]): string => {
  if (lines.length === 0) return notes;
  const ending = notes === '' || notes.endsWith('\n\n') ? '' : notes.endsWith('\n') ? '\n' : '\n\n';
  return `${notes}${ending}## ${CARRIED_OVER_HEADING}\n\n${lines.join('\n')}\n`;
};
