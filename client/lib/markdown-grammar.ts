/**
 * The Markdown grammar of the preview and the editor: @lezer/markdown, with the CommonMark and
 * GFM rules it gets wrong mended (so both read the real meeting page's numbered topics as lists),
 * and a bound on what one paragraph may cost.
 */
import { TreeFragment, type ChangedRange, type Tree } from '@lezer/common';
import { GFM, parser as commonmark, type BlockContext, type InlineContext, type LeafBlock, type Line, type MarkdownConfig } from '@lezer/markdown';

// A line that starts a list item: "-", "+", "*", or up to nine digits and "." or ")", then a space or the end.
const LIST_ITEM = /^(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)/;
// A thematic break: three or more of one of "-", "*", "_", spaces between allowed.
const THEMATIC_BREAK = /^(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$/;
// The delimiter row of a table: "|---|:-:|", pipes at the ends optional.
const DELIMITER_ROW = /^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

// The cells of a table row, as GFM counts them: split at pipes that are not escaped, edge pipes dropped.
const cellCount = (row: string): number => row.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '').split(/(?<!\\)\|/).length;

// Whether a leaf block's first two lines are a table's header and delimiter row, as Lezer's table
// parser reads them: a pipe in both, and as many delimiters as header cells.
const isTable = (leaf: LeafBlock): boolean => {
  const first = leaf.content.indexOf('\n');
  if (first === -1) return false;
  const header = leaf.content.slice(0, first);
  const second = leaf.content.indexOf('\n', first + 1);
  const delimiters = leaf.content.slice(first + 1, second === -1 ? undefined : second);
  return header.includes('|') && delimiters.includes('|') && DELIMITER_ROW.test(delimiters) && cellCount(header) === cellCount(delimiters);
};

/**
 * Three rules @lezer/markdown 1.8 gets wrong, mended by ending the paragraph (or table) on the line
 * so that the block parsers, which have no such restriction, start the list or the rule:
 * - CommonMark: a list item that is empty or numbered other than 1 may not interrupt a paragraph,
 *   but only a paragraph in its own container. Lezer refuses it also on a line that leaves the
 *   container the paragraph is in, so after "- a", "2. b" became more of item a's text instead
 *   of a new list (markdown-it and commonmark.js start the list).
 * - GFM: a table ends where another block starts. Lezer read "---" under a table as the underline
 *   of a heading made of the whole table, and "2. x" as one more row.
 */
export const blockRulesMended: MarkdownConfig = {
  parseBlock: [
    {
      name: 'ListAfterContainer',
      // `depth` (how many of the open blocks the line continues) is internal to @lezer/markdown,
      // which is pinned; test/client/markdown-html.test.ts fails if it goes away.
      endLeaf: (cx: BlockContext, line: Line) => (line as Line & { depth: number }).depth < cx.depth && LIST_ITEM.test(line.text.slice(line.pos)),
    },
    {
      name: 'TableEndsAtBlock',
      endLeaf: (_cx: BlockContext, line: Line, leaf: LeafBlock) => {
        const rest = line.text.slice(line.pos);
        return (THEMATIC_BREAK.test(rest) || LIST_ITEM.test(rest)) && isTable(leaf);
      },
    },
  ],
};

/**
 * Longer paragraphs (headings, table cells: whatever holds inline text) than this are shown as
 * plain text. Lezer's inline parser takes time that grows with the square of the links or brackets
 * in one (10,000 links in one paragraph: 0.24 s; 40,000: 5 s, in the preview and the editor alike),
 * so one pasted wall of links would freeze every attendee's page at each edit. At this size the
 * worst case measured (4,095 "[" then as many "]") takes about 30 ms, 1,000 links about 10 ms.
 */
export const LONG_PARAGRAPH = 8_192;

/** Inline syntax is not read in a paragraph longer than LONG_PARAGRAPH characters. */
export const longParagraphsAsText: MarkdownConfig = {
  parseInline: [
    {
      name: 'LongParagraphAsText',
      // Asked at every position: answers only at a paragraph's first, where it takes the whole text.
      parse: (cx: InlineContext, _next: number, pos: number) => (pos === cx.offset && cx.end - cx.offset > LONG_PARAGRAPH ? cx.end : -1),
      before: 'Escape',
    },
  ],
};

/** The preview's parser: CommonMark with GitHub's tables, task lists, strikethrough and bare links. */
export const previewParser = commonmark.configure([GFM, blockRulesMended, longParagraphsAsText]);

// One line of text, such as an action item's: "# x", "- x" or "> x" stay text there.
const BLOCK_SYNTAX = ['ATXHeading', 'SetextHeading', 'IndentedCode', 'FencedCode', 'Blockquote', 'HorizontalRule', 'BulletList', 'OrderedList', 'HTMLBlock', 'LinkReference', 'Table'];

/** The parser of one line of inline Markdown: the preview's without its block syntax. */
export const inlineParser = previewParser.configure({ remove: BLOCK_SYNTAX });

// The span where `after` differs from `before` (their common start and end left out), or null.
// It starts a line early: GFM's table rule reads the line after the one it decides on, and Lezer
// guards only one line of look-ahead when it reuses a tree (deleting a table's delimiter row left
// the paragraph two lines up split as before).
const changedRange = (before: string, after: string): ChangedRange | null => {
  if (before === after) return null;
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (end < shorter - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  const lineStart = before.lastIndexOf('\n', start - 1);
  const from = lineStart <= 0 ? 0 : before.lastIndexOf('\n', lineStart - 1) + 1;
  return { fromA: from, toA: before.length - end, fromB: from, toB: after.length - end };
};

/**
 * Parses one text as it changes: the parts of the previous tree outside the changed span are
 * reused, so a keystroke in a 100 kB text reparses a few blocks instead of all of them.
 */
export class IncrementalParser {
  private source = '';
  private fragments: readonly TreeFragment[] = [];

  parse(source: string): Tree {
    const changed = changedRange(this.source, source);
    const fragments = changed ? TreeFragment.applyChanges(this.fragments, [changed]) : this.fragments;
    const tree = previewParser.parse(source, fragments);
    this.source = source;
    this.fragments = TreeFragment.addTree(tree, fragments);
    return tree;
  }
}
