/**
 * Topic owners (GUIDE 1.6): a parenthesis whose every part (split on `,` `/` `&` ` and `) looks
 * like a name, `(Jakub?)`, `(Adam / Dmitry)`, `(Andrea MP)`; a part may also be a time box
 * (`(Anna, 10 min)`) or an `@mention`.
 */
import { mentionsIn } from './inline.js';
import { parseTimebox } from './time-box.js';
import type { TopicOwner } from './types.js';

const PART_SEPARATOR = /,|\/|&| and /;
// A capital letter, or a letter of a script without case (山田, Σ is Lu anyway): `(infra, p2p)` is no name.
const NAME_START = /^[\p{Lu}\p{Lt}\p{Lo}]/u;
const NAME_WORD = /^[\p{L}\p{M}][\p{L}\p{M}.'’-]*$/u;
const MENTION_PART = /^@[\p{L}\p{Nd}][\p{L}\p{M}\p{Nd}._-]*$/u;
const MAX_NAME_WORDS = 3;
// Placeholders written where an owner would go; they are nobody.
const NOT_NAMES = new Set(['TBD', 'TBA', 'TBC', 'N/A', 'NA', 'WIP', 'FYI', 'ALL']);

/** What a parenthesis gives: owners in order and the time box it holds, if any. */
export interface OwnerGroup {
  owners: TopicOwner[];
  minutes: number | null;
}

/** `text` without its trailing question marks, by hand (`/\?+$/` is quadratic on `???…x`). */
const withoutQuestionMarks = (text: string): string => {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 63) end--;
  return text.slice(0, end);
};

/** The owner one part names (`Jakub?` is tentative), or null if it does not look like a name. */
export const ownerOf = (part: string): TopicOwner | null => {
  const trimmed = part.trim();
  const tentative = trimmed.endsWith('?');
  const name = withoutQuestionMarks(trimmed).trim();
  if (MENTION_PART.test(name)) return { name: mentionsIn(name)[0]!.name, tentative };
  const words = name.split(/[ \t]+/);
  if (words.length > MAX_NAME_WORDS || !NAME_START.test(name)) return null;
  return words.every((word) => NAME_WORD.test(word)) ? { name: words.join(' '), tentative } : null;
};

/** The owners (and time box) of a parenthesis' content, or null when any part is something else. */
export const ownerGroupOf = (inner: string): OwnerGroup | null => {
  if (NOT_NAMES.has(inner.trim().toUpperCase())) return null;
  const group: OwnerGroup = { owners: [], minutes: null };
  for (const part of inner.split(PART_SEPARATOR)) {
    const text = part.trim();
    if (!text) return null;
    if (NOT_NAMES.has(withoutQuestionMarks(text).toUpperCase())) continue;
    const minutes = parseTimebox(text);
    if (minutes !== null) {
      group.minutes ??= minutes;
      continue;
    }
    const owner = ownerOf(text);
    if (!owner) return null;
    group.owners.push(owner);
  }
  return group.owners.length > 0 || group.minutes !== null ? group : null;
};
