/**
 * Reads one agenda topic's text: its owners (a trailing owners parenthesis and `@mentions`), its
 * time box (bracketed anywhere, or at the start or the end) and the plain title left over.
 * Every step consumes characters from one end, so the whole read is linear in the text.
 */
import { type Mention, mentionsIn, stripEmphasis } from './inline.js';
import { ownerGroupOf } from './owners.js';
import { parseTimebox, timeboxAt } from './time-box.js';
import type { TopicOwner } from './types.js';

/** What a topic's text says. */
export interface TopicParts {
  title: string;
  owners: TopicOwner[];
  minutes: number | null;
}

type Range = [start: number, end: number];

// A short bracketed or parenthesised group anywhere: `[15']`, `(10 min)`.
const GROUP = /[[(]([^[\]()\n]{1,24})[\])]/g;
const SEPARATORS = ' \t-–—:|,;';
const LEADING_SEPARATOR = /^[ \t]*[-–—:|][ \t]*/;
const LOOKBACK = 40;

/** Reading state: the part of the text still to read is `[start, end)`. */
interface Reader {
  scan: string;
  start: number;
  end: number;
  minutes: number | null;
  owners: Array<{ at: number; owner: TopicOwner }>;
  /** Index of the last mention not yet passed, reading from the end. */
  mention: number;
  mentions: Mention[];
}

const isSpace = (char: string | undefined): boolean => char === ' ' || char === '\t';

/** Bracketed time boxes anywhere in the text: they leave the title wherever they are. */
const groupTimeboxes = (reader: Reader): Range[] => {
  const ranges: Range[] = [];
  for (const match of reader.scan.matchAll(GROUP)) {
    if ((match[0][0] === '[') !== match[0].endsWith(']')) continue;
    const minutes = parseTimebox(match[1]!);
    if (minutes === null) continue;
    reader.minutes ??= minutes;
    ranges.push([match.index, match.index + match[0].length]);
  }
  return ranges;
};

/** The `(` matching the `)` just before `end`, or -1. */
const openingParenthesis = (scan: string, start: number, end: number): number => {
  let depth = 0;
  for (let i = end - 1; i >= start; i--) {
    if (scan[i] === ')') depth++;
    else if (scan[i] === '(' && --depth === 0) return i;
  }
  return -1;
};

/** Takes a trailing owners parenthesis; false if the text does not end with one. */
const takeOwnerGroup = (reader: Reader): boolean => {
  const { scan, start, end } = reader;
  if (scan[end - 1] !== ')') return false;
  const open = openingParenthesis(scan, start, end);
  const group = open === -1 ? null : ownerGroupOf(scan.slice(open + 1, end - 1));
  if (!group) return false;
  for (const owner of group.owners) reader.owners.push({ at: open, owner });
  reader.minutes ??= group.minutes;
  reader.end = open;
  return true;
};

/** Takes a trailing time box (`… 10 min`) that follows a space; false if there is none. */
const takeTrailingTimebox = (reader: Reader): boolean => {
  const { scan, start, end } = reader;
  for (let at = Math.max(start, end - LOOKBACK); at < end; at++) {
    if ((at > start && !isSpace(scan[at - 1])) || !/\d/.test(scan[at]!)) continue;
    const box = timeboxAt(scan.slice(at, end));
    if (box && at + box.length === end) {
      reader.minutes ??= box.minutes;
      reader.end = at;
      return true;
    }
  }
  return false;
};

/** Takes a trailing `@mention` (it is an owner like every mention); false if there is none. */
const takeTrailingMention = (reader: Reader): boolean => {
  while (reader.mention >= 0 && reader.mentions[reader.mention]!.at >= reader.end) reader.mention--;
  const last = reader.mentions[reader.mention];
  if (!last || last.at < reader.start || last.at + 1 + last.name.length !== reader.end) return false;
  if (last.at > reader.start && !isSpace(reader.scan[last.at - 1])) return false;
  reader.end = last.at;
  return true;
};

/** Takes trailing separators and spaces; false if there are none. */
const takeSeparators = (reader: Reader): boolean => {
  const before = reader.end;
  while (reader.end > reader.start && SEPARATORS.includes(reader.scan[reader.end - 1]!)) reader.end--;
  return reader.end < before;
};

/** Takes a leading time box followed by a separator (`10 min: Intro`, `5' - Q&A`). */
const takeLeadingTimebox = (reader: Reader): void => {
  const box = timeboxAt(reader.scan.slice(reader.start, reader.end));
  if (!box) return;
  const separator = LEADING_SEPARATOR.exec(reader.scan.slice(reader.start + box.length, reader.start + box.length + 8));
  if (!separator || reader.start + box.length + separator[0].length >= reader.end) return;
  reader.minutes ??= box.minutes;
  reader.start += box.length + separator[0].length;
};

/** `text[start, end)` without the cut ranges, spaces collapsed, separators and one emphasis wrapper trimmed. */
const titleOf = (text: string, start: number, end: number, cuts: Range[]): string => {
  let title = '';
  let at = start;
  for (const [from, to] of cuts) {
    if (to <= at || from >= end) continue;
    title += text.slice(at, Math.max(at, from));
    at = Math.max(at, to);
  }
  if (at < end) title += text.slice(at, end);
  title = title.replace(/\s+/g, ' ');
  let first = 0;
  let last = title.length;
  while (first < last && SEPARATORS.includes(title[first]!)) first++;
  while (last > first && SEPARATORS.includes(title[last - 1]!)) last--;
  return stripEmphasis(title.slice(first, last));
};

/** Owners in the order they are written, each name once. */
const orderedOwners = (reader: Reader): TopicOwner[] => {
  const all = [...reader.owners, ...reader.mentions.map((m) => ({ at: m.at, owner: { name: m.name, tentative: false } }))];
  all.sort((a, b) => a.at - b.at);
  const seen = new Set<string>();
  return all.filter(({ owner }) => !seen.has(owner.name) && seen.add(owner.name)).map(({ owner }) => owner);
};

/** Reads a topic's text (`text`: comments blanked; `scan`: code spans blanked too, same length). */
export const parseTopicText = (text: string, scan: string): TopicParts => {
  const mentions = mentionsIn(scan);
  const reader: Reader = { scan, start: 0, end: scan.length, minutes: null, owners: [], mention: mentions.length - 1, mentions };
  const cuts = groupTimeboxes(reader);
  const takeTail = (): boolean => takeSeparators(reader) || takeOwnerGroup(reader) || takeTrailingTimebox(reader) || takeTrailingMention(reader);
  while (reader.end > reader.start && takeTail()) {
    // Each step shortens the text from its end: separators, `(Owners)`, `10 min`, `@mention`, in any order.
  }
  takeLeadingTimebox(reader);
  const title = titleOf(text, reader.start, reader.end, cuts);
  return { title: title || text.trim(), owners: orderedOwners(reader), minutes: reader.minutes };
};
