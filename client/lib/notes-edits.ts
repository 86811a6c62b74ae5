/**
 * Where "Take notes" and "Insert attendance" write in the notes text. Pure: offsets in, one
 * insertion out, so the caller makes it one Yjs transaction on the text as it is now.
 */
import { scanBlocks } from '../../shared/parser/blocks.js';
import type { NotesHeadingRef, ParsedTopic } from '../../shared/meeting-parser.js';

/** Text to insert at `at`; `cursor` is where the person goes on typing afterwards. */
export interface Insertion {
  at: number;
  text: string;
  cursor: number;
}

/** What "Take notes" does for a topic: go to its heading, or create the heading first. */
export type NotesTarget = { kind: 'existing'; offset: number } | ({ kind: 'insert' } & Insertion);

const eolOf = (text: string): string => (text.includes('\r\n') ? '\r\n' : '\n');

// Offset just after the line that starts at `lineStart` (its line ending included).
const afterLine = (text: string, lineStart: number): number => {
  const end = text.indexOf('\n', lineStart);
  return end === -1 ? text.length : end + 1;
};

/**
 * Where the notes of `topics[index]` are, or the heading to create for them, in agenda order:
 * at the end of the section of the closest earlier topic that has a heading (at its level), but
 * before the heading of any later topic (at that one's level, so a sub-topic stays a sub-topic);
 * with neither, a `## ` heading at the end.
 */
export const notesTarget = (notes: string, topics: readonly ParsedTopic[], index: number): NotesTarget | null => {
  const topic = topics[index];
  if (!topic) return null;
  if (topic.notesHeading) return { kind: 'existing', offset: topic.notesHeading.offset };
  let prev: NotesHeadingRef | null = null;
  for (let i = index - 1; i >= 0 && !prev; i--) prev = topics[i]!.notesHeading;
  let later: NotesHeadingRef | null = null;
  for (const t of topics.slice(index + 1)) {
    const h = t.notesHeading;
    if (h && (!prev || h.offset > prev.offset) && (!later || h.offset < later.offset)) later = h;
  }
  let at = notes.length;
  let level = 2;
  if (prev) {
    const p = prev;
    const next = scanBlocks(notes).find((b) => b.kind === 'heading' && b.lineStart > p.offset && b.level <= p.level);
    at = next ? next.lineStart : notes.length;
    level = p.level;
  }
  if (later && later.offset < at) {
    at = later.offset;
    level = later.level;
  }
  const eol = eolOf(notes);
  const before = notes.slice(0, at);
  // A blank line before the heading, unless it starts the text or one is there already.
  const lead = before === '' || /(?:\r?\n){2}$/.test(before) ? '' : before.endsWith('\n') ? eol : eol + eol;
  const heading = `${'#'.repeat(level)} ${topic.title}${eol}`;
  return { kind: 'insert', at, text: `${lead}${heading}${eol}`, cursor: at + lead.length + heading.length };
};

/** The attendance line: `Present: A, B, C`. */
export const attendanceLine = (names: readonly string[]): string => `Present: ${names.join(', ')}`;

/**
 * Inserts `line` as a line of its own: at `cursor` (the empty line it is on, before the line it
 * starts, else after the line it is in), or without a cursor under the first heading of the notes
 * (the `# Notes` one), else at the top.
 */
export const lineInsertion = (notes: string, line: string, cursor: number | null): Insertion => {
  const eol = eolOf(notes);
  if (cursor !== null) {
    const pos = Math.max(0, Math.min(cursor, notes.length));
    const lineStart = notes.lastIndexOf('\n', pos - 1) + 1;
    const end = afterLine(notes, lineStart);
    const current = notes.slice(lineStart, end).replace(/\r?\n$/, '');
    if (current.trim() === '') return { at: lineStart, text: line, cursor: lineStart + line.length };
    if (pos === lineStart) return { at: lineStart, text: line + eol, cursor: lineStart + line.length };
    const at = lineStart + current.length;
    return { at, text: eol + line, cursor: at + eol.length + line.length };
  }
  const heading = scanBlocks(notes).find((b) => b.kind === 'heading');
  if (!heading) {
    const text = notes === '' ? line + eol : line + eol + eol;
    return { at: 0, text, cursor: line.length };
  }
  const at = afterLine(notes, heading.lineStart);
  const lead = notes.slice(0, at).endsWith('\n') ? eol : eol + eol;
  // A blank line after too, unless one follows already (else the next paragraph joins this line).
  const rest = notes.slice(at);
  const trail = rest === '' || /^[ \t]*\r?\n/.test(rest) ? eol : eol + eol;
  return { at, text: lead + line + trail, cursor: at + lead.length + line.length };
};
