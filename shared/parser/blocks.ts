/**
 * The block pass of the meeting parser: one walk over a section's lines that drops what never
 * counts (fenced and indented code, HTML comments) and classifies the rest as headings, list items,
 * text, blank lines and rules. CommonMark-shaped but pragmatic; every line is looked at a bounded
 * number of times, so the pass is linear in the text.
 */
import { type CloseFinder, maskInline } from './inline.js';
import { type LineSpan, indentOf, isBlank, splitLines } from './lines.js';
import { atxHeading, fenceOpening, isFenceClosing, listMarker, setextLevel, isThematicBreak } from './line-kinds.js';

/** A line that can carry meaning. */
export interface Block {
  kind: 'heading' | 'item' | 'text' | 'blank' | 'rule';
  /** 1-based line number in the section. */
  line: number;
  /** Offset of the line's first character in the section. */
  lineStart: number;
  /** Items: how many list items contain this one (0 = top level). Others: how many are open around it. */
  depth: number;
  /** Heading level 1-6; 0 for other kinds. */
  level: number;
  /** Offset of `text`'s first character in the section (after the list marker or the `#`s). */
  contentStart: number;
  /** The content, HTML comments blanked by spaces, trailing whitespace cut. */
  text: string;
  /** `text` with inline code spans blanked too (same length): what mentions and dates are read from. */
  scan: string;
}

interface Fence {
  char: number;
  length: number;
  /** The content column of the list item the fence is in (0 at top level). */
  column: number;
}

interface ScanState {
  /** Content columns of the open list items, innermost last (they only grow inwards). */
  items: number[];
  fence: Fence | null;
  /** An HTML comment block hides every line that starts before this offset. */
  htmlUntil: number;
  /** An inline comment spanning lines hides text up to this offset. */
  commentUntil: number;
  /** The previous line was paragraph text: it can be continued lazily, and it can be a setext heading. */
  inParagraph: boolean;
  paragraphLines: number;
}

/** Context shared by the lines of one section. */
interface Section {
  src: string;
  spans: LineSpan[];
  closeAt: CloseFinder;
  /** For each line: the offset of the next blank line after it (where a paragraph ends). */
  paragraphEnds: number[];
  out: Block[];
}

/** Finds `-->` from an offset, remembering the last answer so repeated searches stay linear. */
const closeFinder = (src: string): CloseFinder => {
  let searchedFrom = -1;
  let found = -1;
  return (from) => {
    if (searchedFrom === -1 || from < searchedFrom || (found !== -1 && found < from)) {
      searchedFrom = from;
      found = src.indexOf('-->', from);
    }
    return found;
  };
};

/** The offset of the next blank line after each line (the text's length when there is none). */
const paragraphEndsOf = (src: string, spans: LineSpan[]): number[] => {
  const ends = new Array<number>(spans.length);
  let next = src.length;
  for (let i = spans.length - 1; i >= 0; i--) {
    ends[i] = next;
    if (isBlank(src, spans[i]!)) next = spans[i]!.start;
  }
  return ends;
};

/** How many open items a line indented to `column` stays inside (binary search: the columns grow inwards). */
const itemsContaining = (items: number[], column: number): number => {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (items[mid]! <= column) low = mid + 1;
    else high = mid;
  }
  return low;
};

/** A block without content (blank line, rule). */
const emptyBlock = (kind: Block['kind'], index: number, span: LineSpan, depth: number): Block => ({
  kind,
  line: index + 1,
  lineStart: span.start,
  depth,
  level: 0,
  contentStart: span.start,
  text: '',
  scan: '',
});

/** Pushes a heading, item or text block whose content runs from `from` to `to`; one object shape for all. */
const pushContent = (section: Section, state: ScanState, kind: Block['kind'], index: number, depth: number, level: number, from: number, to: number): void => {
  const paragraphEnd = kind === 'heading' ? to : section.paragraphEnds[index]!;
  const masked = maskInline(section.src, from, to, section.closeAt, paragraphEnd);
  if (masked.openUntil !== -1) state.commentUntil = masked.openUntil;
  const text = masked.text.trimEnd();
  const lead = text.length - text.trimStart().length;
  const lineStart = section.spans[index]!.start;
  section.out.push({ kind, line: index + 1, lineStart, depth, level, contentStart: from + lead, text: text.slice(lead), scan: masked.scan.slice(lead, text.length) });
};

/** The line ending a multi-line inline comment: what follows `-->` continues the paragraph. */
const commentTail = (section: Section, state: ScanState, index: number, span: LineSpan): void => {
  const from = state.commentUntil;
  state.commentUntil = -1;
  if (isBlank(section.src, { start: from, end: span.end })) return;
  pushContent(section, state, 'text', index, state.items.length, 0, from, span.end);
  state.inParagraph = true;
};

/** Inside a fence: hides the line, closing the fence on its closing line or when its list item ends. */
const fenceLine = (src: string, state: ScanState, span: LineSpan): boolean => {
  const fence = state.fence!;
  const { column, pos } = indentOf(src, span);
  if (pos < span.end && column < fence.column) {
    state.fence = null;
    return false;
  }
  if (column - fence.column <= 3 && isFenceClosing(src, pos, span.end, fence.char, fence.length)) state.fence = null;
  return true;
};

/** Closes the list items past the first `keep` (assigning `length` is a slow runtime call: skip no-ops). */
const closeItems = (state: ScanState, keep: number): void => {
  if (state.items.length > keep) state.items.length = keep;
};

/** A line that starts a new block: the list items it is not inside are closed. */
const startBlock = (state: ScanState, keep: number): void => {
  closeItems(state, keep);
  state.inParagraph = false;
  state.paragraphLines = 0;
};

/** Paragraph text; a lazy continuation line keeps every list item open. */
const paragraphText = (section: Section, state: ScanState, index: number, keep: number, from: number): void => {
  if (!state.inParagraph) closeItems(state, keep);
  pushContent(section, state, 'text', index, state.items.length, 0, from, section.spans[index]!.end);
  state.paragraphLines = state.inParagraph ? state.paragraphLines + 1 : 1;
  state.inParagraph = true;
};

/** Turns the previous line into a setext heading if this line underlines a one-line paragraph. */
const setextUnderline = (section: Section, state: ScanState, index: number, pos: number): boolean => {
  const level = setextLevel(section.src, pos, section.spans[index]!.end);
  const previous = section.out.at(-1);
  if (!level || !state.inParagraph || state.paragraphLines !== 1 || previous?.kind !== 'text' || previous.line !== index) return false;
  previous.kind = 'heading';
  previous.level = level;
  return true;
};

/** Opens a fence or an HTML comment block at `pos`; false if the line starts neither. */
const openHidden = (section: Section, state: ScanState, pos: number, end: number, container: number): boolean => {
  const fence = fenceOpening(section.src, pos, end);
  if (fence) {
    state.fence = { char: fence.char, length: fence.length, column: container };
    return true;
  }
  if (!section.src.startsWith('<!--', pos)) return false;
  const close = section.closeAt(pos + 4);
  state.htmlUntil = close === -1 ? Infinity : close + 3;
  return true;
};

/** Scans one non-blank line outside code and comments. */
const scanLine = (section: Section, state: ScanState, index: number, span: LineSpan): void => {
  const { src } = section;
  const { column, pos } = indentOf(src, span);
  const keep = itemsContaining(state.items, column);
  const container = keep > 0 ? state.items[keep - 1]! : 0;
  if (column - container >= 4) {
    if (state.inParagraph) paragraphText(section, state, index, keep, pos);
    else closeItems(state, keep); // indented code
    return;
  }
  if (openHidden(section, state, pos, span.end, container)) return startBlock(state, keep);
  const heading = atxHeading(src, pos, span.end);
  if (heading) {
    startBlock(state, keep);
    return pushContent(section, state, 'heading', index, keep, heading.level, heading.from, heading.to);
  }
  if (setextUnderline(section, state, index, pos)) return startBlock(state, keep);
  if (isThematicBreak(src, pos, span.end)) {
    startBlock(state, keep);
    section.out.push(emptyBlock('rule', index, span, keep));
    return;
  }
  const marker = listMarker(src, pos, span.end, column);
  if (!marker) return paragraphText(section, state, index, keep, pos);
  startBlock(state, keep);
  pushContent(section, state, 'item', index, keep, 0, marker.contentFrom, span.end);
  state.items.push(marker.contentColumn);
  // The item's first line is a paragraph: the next line may continue it (and is then not code).
  state.inParagraph = marker.contentFrom < span.end;
};

/** Classifies one line, honouring the open fence, HTML block or multi-line comment. */
const nextLine = (section: Section, state: ScanState, index: number, spans: LineSpan[]): void => {
  const span = spans[index]!;
  const { src } = section;
  if (span.start < state.htmlUntil) return;
  if (state.commentUntil !== -1) {
    if (state.commentUntil > span.end) return;
    return commentTail(section, state, index, span);
  }
  if (state.fence && fenceLine(src, state, span)) return;
  if (isBlank(src, span)) {
    section.out.push(emptyBlock('blank', index, span, state.items.length));
    state.inParagraph = false;
    state.paragraphLines = 0;
    return;
  }
  scanLine(section, state, index, span);
};

/** The blocks of one Markdown section, in order; code and comments leave no block. */
export const scanBlocks = (src: string): Block[] => {
  const spans = splitLines(src);
  const section: Section = { src, spans, closeAt: closeFinder(src), paragraphEnds: paragraphEndsOf(src, spans), out: [] };
  const state: ScanState = { items: [], fence: null, htmlUntil: -1, commentUntil: -1, inParagraph: false, paragraphLines: 0 };
  for (let index = 0; index < spans.length; index++) nextLine(section, state, index, spans);
  return section.out;
};
