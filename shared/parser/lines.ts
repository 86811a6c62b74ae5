/**
 * Lines of a section, as offsets into its text: LF, CRLF and a lone CR all end a line (as in
 * `shared/markdown.ts`), so CRLF and LF pages number their lines alike.
 */

/** One line: `start` is its first character, `end` is where its line ending (or the text) begins. */
export interface LineSpan {
  start: number;
  end: number;
}

/** The lines of `src`; a final line ending does not start another (empty) line. */
export const splitLines = (src: string): LineSpan[] => {
  const spans: LineSpan[] = [];
  let start = 0;
  for (let i = 0; i < src.length; i++) {
    const code = src.charCodeAt(i);
    if (code !== 10 && code !== 13) continue;
    spans.push({ start, end: i });
    if (code === 13 && src.charCodeAt(i + 1) === 10) i++;
    start = i + 1;
  }
  if (start < src.length) spans.push({ start, end: src.length });
  return spans;
};

/** Whether the character code is a space or a tab. */
export const isSpace = (code: number): boolean => code === 32 || code === 9;

/** Whether a line holds nothing but spaces and tabs. */
export const isBlank = (src: string, span: LineSpan): boolean => {
  for (let i = span.start; i < span.end; i++) if (!isSpace(src.charCodeAt(i))) return false;
  return true;
};

/** The indentation of a line in columns (tab stops every 4) and the offset of its first other character. */
export const indentOf = (src: string, span: LineSpan): { column: number; pos: number } => {
  let column = 0;
  let pos = span.start;
  // A byte order mark at the very start of the text is not content.
  if (pos === 0 && src.charCodeAt(0) === 0xfeff) pos++;
  for (; pos < span.end; pos++) {
    const code = src.charCodeAt(pos);
    if (code === 32) column++;
    else if (code === 9) column += 4 - (column % 4);
    else break;
  }
  return { column, pos };
};
