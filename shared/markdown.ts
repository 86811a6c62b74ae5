/**
 * Markdown import and export of a meeting (GUIDE 1.4). Pure string functions: export is the agenda
 * followed by the notes, nothing added; import splits at the first heading whose text is "Notes".
 */
import type * as Y from 'yjs';
import { MAX_TITLE_LENGTH, UNTITLED, textOf } from './doc-schema.js';

/** The two sections of an imported page. */
export interface SplitMarkdown {
  agenda: string;
  notes: string;
}

// An ATX heading: up to 3 spaces, 1-6 '#', then space/tab or end of line.
const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;

/** Splits a line-ending-preserving list of lines: each element keeps its own "\n", "\r\n" or "\r". */
const linesWithEndings = (text: string): string[] => text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];

const stripEnding = (line: string): string => line.replace(/(?:\r\n|\r|\n)$/, '');

/** The text of an ATX heading line, or null if the line is not a heading. */
export const headingText = (line: string): string | null => {
  const match = ATX_HEADING.exec(stripEnding(line));
  if (!match) return null;
  return (match[2] ?? '').trim();
};

/** Splits a page at the first heading whose text is "Notes" (any level, any case). */
export const splitMarkdown = (markdown: string): SplitMarkdown => {
  let offset = 0;
  for (const line of linesWithEndings(markdown)) {
    const text = headingText(line);
    if (text !== null && text.toLowerCase() === 'notes') {
      return { agenda: markdown.slice(0, offset), notes: markdown.slice(offset) };
    }
    offset += line.length;
  }
  return { agenda: '', notes: markdown };
};

/** Joins the sections back into one page: the exact inverse of `splitMarkdown`. */
export const joinMarkdown = ({ agenda, notes }: SplitMarkdown): string => agenda + notes;

/** The Markdown export of a meeting document (GUIDE 1.4): its agenda, then its notes. */
export const markdownOfDoc = (doc: Y.Doc): string => joinMarkdown(textOf(doc));

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Cuts a title to the stored maximum without splitting a surrogate pair. */
export const clampTitle = (title: string): string => {
  // A title is one line of text: control characters (CR/LF could inject lines into a calendar
  // feed or the minutes) become spaces, and lone surrogates (not storable as UTF-8) become U+FFFD.
  const oneLine = title.replace(LONE_SURROGATE, '\ufffd').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return Array.from(oneLine).slice(0, MAX_TITLE_LENGTH).join('');
};

/** The title of a page: first heading's text, else first non-empty line, else "Untitled meeting". */
export const titleFromMarkdown = (markdown: string): string => {
  const lines = linesWithEndings(markdown);
  for (const line of lines) {
    const text = headingText(line);
    if (text) return clampTitle(text);
  }
  for (const line of lines) {
    const text = stripEnding(line).trim();
    if (text) return clampTitle(text);
  }
  return UNTITLED;
};
