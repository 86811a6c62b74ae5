/**
 * Inline pieces of the meeting parser: hiding HTML comments and code spans inside a line, and
 * reading `@mentions` and due dates. Every scan here is a single left-to-right pass.
 */

/** A line's content twice: comments blanked (`text`) and also code spans blanked (`scan`). */
export interface MaskedLine {
  /** The content with HTML comments replaced by spaces (same length as the source slice). */
  text: string;
  /** `text` with inline code spans replaced by spaces as well: what mentions, dates, owners are read from. */
  scan: string;
  /** When a comment opens on this line and closes on a later one: the offset just past its `-->`; else -1. */
  openUntil: number;
}

/** Where a comment that opens at `from` closes: the offset of its `-->`, or -1. */
export type CloseFinder = (from: number) => number;

type Range = [start: number, end: number];

/** Blanks `ranges` (sorted, disjoint, relative to `from`) in `src.slice(from, to)`. */
const blank = (src: string, from: number, to: number, ranges: Range[]): string => {
  if (ranges.length === 0) return src.slice(from, to);
  let out = '';
  let at = from;
  for (const [start, end] of ranges) {
    out += src.slice(at, from + start) + ' '.repeat(end - start);
    at = from + end;
  }
  return out + src.slice(at, to);
};

/** The backtick runs of a string: [position, length]. */
const backtickRuns = (s: string): Range[] => {
  const runs: Range[] = [];
  for (let i = s.indexOf('`'); i !== -1; i = s.indexOf('`', i)) {
    let j = i;
    while (s.charCodeAt(j) === 96) j++;
    runs.push([i, j - i]);
    i = j;
  }
  return runs;
};

/**
 * Finds, for a backtick run, the next run of the same length after it. The cursors only move
 * forward, so a line full of unmatched backticks stays linear.
 */
const closerFinder = (runs: Range[]): ((run: number) => number) => {
  const byLength = new Map<number, number[]>();
  runs.forEach(([, length], index) => {
    const list = byLength.get(length);
    if (list) list.push(index);
    else byLength.set(length, [index]);
  });
  const cursors = new Map<number, number>();
  return (run) => {
    const length = runs[run]![1];
    const list = byLength.get(length)!;
    let cursor = cursors.get(length) ?? 0;
    while (cursor < list.length && list[cursor]! <= run) cursor++;
    cursors.set(length, cursor);
    return cursor < list.length ? list[cursor]! : -1;
  };
};

/**
 * Masks `src.slice(from, to)`. A comment that does not close on the line counts only if
 * `closeAt` finds its `-->` before `paragraphEnd` (CommonMark: inline HTML stays in its paragraph);
 * otherwise `<!--` is literal text.
 */
export const maskInline = (src: string, from: number, to: number, closeAt: CloseFinder, paragraphEnd: number): MaskedLine => {
  const line = src.slice(from, to);
  const hasComment = line.includes('<!--');
  if (!hasComment && !line.includes('`')) return { text: line, scan: line, openUntil: -1 };
  const runs = backtickRuns(line);
  const closerOf = closerFinder(runs);
  const comments: Range[] = [];
  const code: Range[] = [];
  let openUntil = -1;
  let nextComment = hasComment ? line.indexOf('<!--') : -1;
  let run = 0;
  for (let i = 0; i < line.length; ) {
    while (run < runs.length && runs[run]![0] < i) run++;
    if (nextComment !== -1 && nextComment < i) nextComment = line.indexOf('<!--', i);
    const tick = run < runs.length ? runs[run]![0] : line.length;
    if (nextComment !== -1 && nextComment < tick) {
      const close = closeAt(from + nextComment + 4);
      if (close !== -1 && close + 3 <= to) {
        comments.push([nextComment, close + 3 - from]);
        i = close + 3 - from;
      } else if (close !== -1 && close < paragraphEnd) {
        comments.push([nextComment, line.length]);
        openUntil = close + 3;
        break;
      } else {
        i = nextComment + 4;
      }
      continue;
    }
    if (tick === line.length) break;
    const closer = closerOf(run);
    if (closer === -1) {
      i = tick + runs[run]![1];
      continue;
    }
    const end = runs[closer]![0] + runs[closer]![1];
    code.push([tick, end]);
    i = end;
    run = closer + 1;
  }
  const text = blank(src, from, to, comments);
  return { text, scan: blank(text, 0, text.length, code), openUntil };
};

// Letters of any script (with their combining marks), decimal digits, '.', '_' and '-'.
const NAME_CHARS = String.raw`[\p{L}\p{M}\p{Nd}._-]+`;
const NAME_START = /^[\p{L}\p{Nd}]/u;
// Before an '@' that starts a mention: not a name character, nor what makes it an e-mail address,
// a path or a doubled '@' (`a@b.com`, `/@x`, `@@x`). '_' may precede: `_@anna_` is emphasis.
const NOT_BEFORE_MENTION = /[\p{L}\p{M}\p{N}.\-+/\\@`]/u;

/** The character (code point) that ends just before `index`. */
const charBefore = (s: string, index: number): string => {
  const low = s.charCodeAt(index - 1);
  if (low >= 0xdc00 && low <= 0xdfff && index >= 2) return s.slice(index - 2, index);
  return s.charAt(index - 1);
};

/** Drops trailing '.', '_' and '-' (`@anna.` is anna), by hand: `/[._-]+$/` is quadratic on `a....b`. */
const trimPunctuation = (name: string): string => {
  let end = name.length;
  while (end > 0 && '._-'.includes(name.charAt(end - 1))) end--;
  return name.slice(0, end);
};

/** A mention: its name (without `@`) and the offset of its `@`. */
export interface Mention {
  name: string;
  at: number;
}

/** Every `@name` in `s`, in order. */
export const mentionsIn = (s: string): Mention[] => {
  const mentions: Mention[] = [];
  // Sticky and local: the name is read where the '@' is, and no regex state outlives the call.
  const nameAt = new RegExp(NAME_CHARS, 'uy');
  for (let at = s.indexOf('@'); at !== -1; at = s.indexOf('@', at + 1)) {
    if (at > 0 && NOT_BEFORE_MENTION.test(charBefore(s, at))) continue;
    nameAt.lastIndex = at + 1;
    const name = trimPunctuation(nameAt.exec(s)?.[0] ?? '');
    if (NAME_START.test(name)) mentions.push({ name, at });
  }
  return mentions;
};

/** The distinct names of the mentions in `s`, in order of first appearance. */
export const assigneesIn = (s: string): string[] => [...new Set(mentionsIn(s).map((m) => m.name))];

// `due 2025-03-01`, `due: 2025-03-01`, `(due 2025-03-01)`, `📅 2025-03-01`. Bounded gaps keep
// every attempt constant-time.
const DUE = /(?:(?<![\p{L}\p{N}_])due(?:[ \t]{0,4}:[ \t]{0,4}|[ \t]{1,4})|📅\uFE0F?[ \t]{0,4})(\d{4})-(\d{2})-(\d{2})(?!\d)/giu;

/** Whether year-month-day names a real day of the Gregorian calendar. */
export const isRealDate = (year: number, month: number, day: number): boolean => {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
};

/** The first valid due date in `s` as `YYYY-MM-DD`, or null. */
export const dueIn = (s: string): string | null => {
  if (!/due|📅/i.test(s)) return null;
  for (const match of s.matchAll(DUE)) {
    const [, year, month, day] = match as unknown as [string, string, string, string];
    if (isRealDate(Number(year), Number(month), Number(day))) return `${year}-${month}-${day}`;
  }
  return null;
};

/** Emphasis markers, longest first. */
export const EMPHASIS = ['**', '__', '*', '_'] as const;

/** `text` without one emphasis wrapper (`**Decisions**` → `Decisions`). */
export const stripEmphasis = (text: string): string => {
  const marker = EMPHASIS.find((m) => text.startsWith(m)) ?? '';
  if (marker && text.length > marker.length * 2 && text.endsWith(marker)) return text.slice(marker.length, -marker.length).trim();
  return text;
};
