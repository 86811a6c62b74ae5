/**
 * The Markdown grammar of the preview and the editor: @lezer/markdown, with one CommonMark rule it
 * gets wrong mended, so that both read the real meeting page's numbered topics as lists.
 */
import { TreeFragment, type ChangedRange, type Tree } from '@lezer/common';
import { GFM, parser as commonmark, type BlockContext, type Line, type MarkdownConfig } from '@lezer/markdown';

// A line that starts an ordered list item: up to nine digits, "." or ")", then a space or the end.
const ORDERED_ITEM = /^\d{1,9}[.)](?:[ \t]|$)/;

/**
 * CommonMark: an ordered list item numbered other than 1 may not interrupt a paragraph, but only a
 * paragraph in its own container. @lezer/markdown 1.8 refuses it also on a line that leaves the
 * container the paragraph is in, so after "- a", "2. b" became more of item a's text instead of a
 * new list (markdown-it and commonmark.js start the list). Ending the paragraph on such a line lets
 * the ordered list's own parser, which has no such restriction, start the list.
 */
export const orderedListAfterContainer: MarkdownConfig = {
  parseBlock: [
    {
      name: 'OrderedListAfterContainer',
      // `depth` (how many of the open blocks the line continues) is internal to @lezer/markdown,
      // which is pinned; test/client/markdown-html.test.ts fails if it goes away.
      endLeaf: (cx: BlockContext, line: Line) => (line as Line & { depth: number }).depth < cx.depth && ORDERED_ITEM.test(line.text.slice(line.pos)),
    },
  ],
};

/** The preview's parser: CommonMark with GitHub's tables, task lists, strikethrough and bare links. */
export const previewParser = commonmark.configure([GFM, orderedListAfterContainer]);

// One line of text, such as an action item's: "# x", "- x" or "> x" stay text there.
const BLOCK_SYNTAX = ['ATXHeading', 'SetextHeading', 'IndentedCode', 'FencedCode', 'Blockquote', 'HorizontalRule', 'BulletList', 'OrderedList', 'HTMLBlock', 'LinkReference', 'Table'];

/** The parser of one line of inline Markdown: the preview's without its block syntax. */
export const inlineParser = previewParser.configure({ remove: BLOCK_SYNTAX });

// The one span where `after` differs from `before` (their common start and end left out), or null.
const changedRange = (before: string, after: string): ChangedRange | null => {
  if (before === after) return null;
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (end < shorter - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  return { fromA: start, toA: before.length - end, fromB: start, toB: after.length - end };
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
