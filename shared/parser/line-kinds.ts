/**
 * What a line starts with: a fence, an ATX heading, a setext underline, a thematic break or a list
 * marker. Each test reads the line once, by hand, so no input can make it backtrack.
 */
import { isSpace } from './lines.js';

const BACKTICK = 96;
const TILDE = 126;
const HASH = 35;

/** The length of the run of `code` characters starting at `pos`. */
const runLength = (src: string, pos: number, end: number, code: number): number => {
  let i = pos;
  while (i < end && src.charCodeAt(i) === code) i++;
  return i - pos;
};

/** Whether only spaces and tabs lie between `from` and `end`. */
const onlySpaces = (src: string, from: number, end: number): boolean => {
  for (let i = from; i < end; i++) if (!isSpace(src.charCodeAt(i))) return false;
  return true;
};

/** An opening code fence (3+ backticks or tildes; a backtick fence's info has no backtick), or null. */
export const fenceOpening = (src: string, pos: number, end: number): { char: number; length: number } | null => {
  const char = src.charCodeAt(pos);
  if (char !== BACKTICK && char !== TILDE) return null;
  const length = runLength(src, pos, end, char);
  if (length < 3) return null;
  if (char === BACKTICK) for (let i = pos + length; i < end; i++) if (src.charCodeAt(i) === BACKTICK) return null;
  return { char, length };
};

/** Whether the line closes a fence: at least as many of the same character, then only spaces. */
export const isFenceClosing = (src: string, pos: number, end: number, char: number, length: number): boolean => {
  const run = runLength(src, pos, end, char);
  return run >= length && onlySpaces(src, pos + run, end);
};

/** An ATX heading: its level and where its text lies (closing `#`s excluded), or null. */
export const atxHeading = (src: string, pos: number, end: number): { level: number; from: number; to: number } | null => {
  const level = runLength(src, pos, end, HASH);
  if (level < 1 || level > 6) return null;
  let from = pos + level;
  if (from < end && !isSpace(src.charCodeAt(from))) return null;
  while (from < end && isSpace(src.charCodeAt(from))) from++;
  let to = end;
  while (to > from && isSpace(src.charCodeAt(to - 1))) to--;
  let closing = to;
  while (closing > from && src.charCodeAt(closing - 1) === HASH) closing--;
  if (closing === from) to = from;
  else if (closing < to && isSpace(src.charCodeAt(closing - 1))) to = closing;
  while (to > from && isSpace(src.charCodeAt(to - 1))) to--;
  return { level, from, to };
};

/** A setext underline: 1 for `===`, 2 for `---`, 0 otherwise. */
export const setextLevel = (src: string, pos: number, end: number): number => {
  const char = src.charCodeAt(pos);
  if (char !== 61 && char !== 45) return 0;
  const run = runLength(src, pos, end, char);
  if (!onlySpaces(src, pos + run, end)) return 0;
  return char === 61 ? 1 : 2;
};

/** A thematic break: three or more `-`, `*` or `_`, optionally spaced, nothing else. */
export const isThematicBreak = (src: string, pos: number, end: number): boolean => {
  const char = src.charCodeAt(pos);
  if (char !== 45 && char !== 42 && char !== 95) return false;
  let count = 0;
  for (let i = pos; i < end; i++) {
    const code = src.charCodeAt(i);
    if (code === char) count++;
    else if (!isSpace(code)) return false;
  }
  return count >= 3;
};

/** A list marker (`-`, `*`, `+`, `1.`, `1)`): where its content starts, and the content's column. */
export const listMarker = (src: string, pos: number, end: number, column: number): { contentFrom: number; contentColumn: number } | null => {
  const char = src.charCodeAt(pos);
  let after = pos + 1;
  if (char >= 48 && char <= 57) {
    while (after < end && after - pos < 10 && src.charCodeAt(after) >= 48 && src.charCodeAt(after) <= 57) after++;
    const delimiter = src.charCodeAt(after);
    if (after - pos > 9 || (delimiter !== 46 && delimiter !== 41)) return null;
    after++;
  } else if (char !== 45 && char !== 42 && char !== 43) {
    return null;
  }
  if (after < end && !isSpace(src.charCodeAt(after))) return null;
  const markerColumn = column + (after - pos);
  let contentColumn = markerColumn;
  let contentFrom = after;
  for (; contentFrom < end && isSpace(src.charCodeAt(contentFrom)); contentFrom++) {
    contentColumn += src.charCodeAt(contentFrom) === 9 ? 4 - (contentColumn % 4) : 1;
  }
  // An empty item, or content indented 5+ columns past the marker: the content column is one past it.
  if (contentFrom === end || contentColumn - markerColumn > 4) contentColumn = markerColumn + 1;
  return { contentFrom, contentColumn };
};
