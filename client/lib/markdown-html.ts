/**
 * Markdown to HTML from the Lezer Markdown tree: CommonMark with GitHub's tables, task lists,
 * strikethrough and bare links, parsed by @lezer/markdown, which the editor already ships for its
 * highlighting. So the preview needs no second Markdown library, and the preview and the source's
 * colouring read a text's blocks alike (client/lib/markdown-grammar.ts; the editor also colours
 * ~sub~, ^super^ and :emoji:, which the preview leaves as text). Raw HTML is shown as text, and
 * nothing reaches the output unescaped (client/lib/markdown-inline.ts): nothing to sanitise.
 */
import type { SyntaxNode, Tree } from '@lezer/common';
import { previewParser } from './markdown-grammar.js';
import { InlineWriter, MAX_NESTING, type MarkdownOptions } from './markdown-inline.js';
import { LineCounter, escapeHtml, unescapeMarkdown } from './markdown-text.js';

/** A heading found in a section, for the table of contents. */
export interface Heading {
  level: number;
  /** Its text without markup. */
  text: string;
  /** 0-based source line of the heading. */
  line: number;
  /** Element id of the heading in the preview. */
  id: string;
}

/** What one top-level block became: reused by the next rendering if the block's lines, where they start and the headings before them are the same. */
interface RenderedBlock {
  html: string;
  headings: Heading[];
}

// The blocks a link reference definition can be in.
const CONTAINERS = new Set(['Document', 'Blockquote', 'BulletList', 'OrderedList', 'ListItem']);

// Whether the text defines a link reference ("[x]: /url"), which changes the links of other blocks.
const hasReferenceDefinition = (tree: Tree): boolean => {
  let found = false;
  tree.iterate({
    enter: (node) => {
      if (node.name === 'LinkReference') found = true;
      return !found && CONTAINERS.has(node.name);
    },
  });
  return found;
};

/**
 * The HTML of the top-level blocks of a text's last rendering. While someone types, all blocks but
 * one are as they were, and the next rendering takes their HTML from here instead of writing it.
 * One memo serves renderings with the same options only.
 */
export class BlockMemo {
  private prefix: string | null = null;
  private blocks = new Map<string, RenderedBlock>();

  /** The blocks a rendering of `tree` with heading prefix `prefix` may reuse, or null: none. */
  reusable(prefix: string, tree: Tree): Map<string, RenderedBlock> | null {
    if (hasReferenceDefinition(tree)) return null;
    return prefix === this.prefix ? this.blocks : new Map();
  }

  keep(prefix: string, blocks: Map<string, RenderedBlock>): void {
    this.prefix = prefix;
    this.blocks = blocks;
  }
}

interface TaskBox {
  checked: boolean;
  /** The item's text after the box (empty: a placeholder, not an action item). */
  from: number;
  to: number;
}

const children = (node: SyntaxNode): SyntaxNode[] => {
  const list: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) list.push(child);
  return list;
};

// A list item's blocks, without its mark and the quote marks of blank lines in it.
const itemBlocks = (item: SyntaxNode): SyntaxNode[] => children(item).filter((child) => child.name !== 'ListMark' && child.name !== 'QuoteMark');

/** Writes the HTML of a section's blocks. */
class BlockWriter extends InlineWriter {
  readonly headings: Heading[] = [];
  /** The HTML of each top-level block that shows something, in order. */
  readonly topBlocks: string[] = [];
  /** What each top-level block became (by its line, the headings before it and its text), for the next rendering. */
  readonly written = new Map<string, RenderedBlock>();
  private readonly lines: LineCounter;

  constructor(
    source: string,
    tree: Tree,
    options: MarkdownOptions,
    private readonly prefix: string,
    private readonly reusable: Map<string, RenderedBlock> | null,
  ) {
    super(source, tree, { ...options, images: true });
    this.lines = new LineCounter(source);
  }

  /** The block children of `parent`; top-level blocks carry their 0-based source line in `data-line`. */
  blocks(parent: SyntaxNode, tight: boolean, top: boolean): void {
    for (let child = parent.firstChild; child; child = child.nextSibling) {
      if (top) this.topBlock(child);
      else this.block(child, tight, top);
    }
  }

  // A top-level block, written on its own (into `topBlocks`), or its HTML taken from the last
  // rendering where the block, its line and the number of headings before it (their ids) are the
  // same: then so is everything it writes.
  private topBlock(node: SyntaxNode): void {
    // From the start of the block's first line: its indentation decides what it is (four spaces make code).
    const key = this.reusable && `${this.lines.lineOf(node.from)} ${this.headings.length} ${this.src(this.source.lastIndexOf('\n', node.from - 1) + 1, node.to)}`;
    let block = key === null ? undefined : this.reusable!.get(key);
    if (block) {
      this.headings.push(...block.headings);
    } else {
      const headingIndex = this.headings.length;
      this.html = '';
      this.block(node, false, true);
      block = { html: this.html, headings: this.headings.slice(headingIndex) };
    }
    if (key !== null) this.written.set(key, block);
    if (block.html) this.topBlocks.push(block.html);
  }

  private block(node: SyntaxNode, tight: boolean, top: boolean): void {
    const line = top ? ` data-line="${this.lines.lineOf(node.from)}"` : '';
    if (this.depth >= MAX_NESTING) {
      this.html += `<p${line}>`;
      this.text(this.src(node.from, node.to));
      this.html += '</p>\n';
      return;
    }
    this.depth++;
    this.blockIn(node, tight, line);
    this.depth--;
  }

  private blockIn(node: SyntaxNode, tight: boolean, line: string): void {
    const heading = /^(?:ATX|Setext)Heading([1-6])$/.exec(node.name);
    if (heading) return this.heading(node, Number(heading[1]), line);
    switch (node.name) {
      case 'Paragraph':
        return this.paragraph(node, tight, line);
      case 'Blockquote':
        this.html += `<blockquote${line}>\n`;
        this.blocks(node, false, false);
        this.html += '</blockquote>\n';
        return;
      case 'BulletList':
      case 'OrderedList':
        return this.list(node, line);
      case 'FencedCode':
      case 'CodeBlock':
        return this.codeBlock(node, line);
      case 'HorizontalRule':
        this.html += `<hr${line}>\n`;
        return;
      case 'Table':
        return this.table(node, line);
      case 'LinkReference':
      case 'QuoteMark':
      case 'ListMark':
        return;
      default:
        // Raw HTML (HTMLBlock, CommentBlock, ProcessingInstructionBlock): shown as written.
        this.html += `<p${line}>`;
        this.inline(node);
        this.html += '</p>\n';
    }
  }

  private paragraph(node: SyntaxNode, tight: boolean, line: string): void {
    const [from, to] = this.trimmed(node.from, node.to);
    if (!tight) this.html += `<p${line}>`;
    this.inline(node, from, to);
    if (!tight) this.html += '</p>\n';
  }

  private heading(node: SyntaxNode, level: number, line: string): void {
    const at = this.lines.lineOf(node.from);
    const marks = node.getChildren('HeaderMark');
    let from = node.from;
    let to = node.to;
    if (node.name.startsWith('ATX')) {
      from = marks[0]?.to ?? from;
      if (marks.length > 1) to = marks[marks.length - 1]!.from;
    } else {
      to = marks[marks.length - 1]?.from ?? to;
    }
    const id = `${this.prefix}-${this.headings.length + 1}`;
    this.html += `<h${level} id="${escapeHtml(id)}"${line}>`;
    this.plain = '';
    this.inline(node, ...this.trimmed(from, to));
    this.headings.push({ level, text: this.plain, line: at, id });
    this.plain = null;
    this.html += `</h${level}>\n`;
  }

  private list(node: SyntaxNode, line: string): void {
    const tag = node.name === 'OrderedList' ? 'ol' : 'ul';
    const mark = node.firstChild?.getChild('ListMark');
    const start = tag === 'ol' && mark ? parseInt(this.src(mark.from, mark.to), 10) : 1;
    this.html += `<${tag}${start === 1 ? '' : ` start="${start}"`}${line}>\n`;
    const tight = this.isTight(node);
    for (const item of node.getChildren('ListItem')) this.listItem(item, tight);
    this.html += `</${tag}>\n`;
  }

  // CommonMark: a list is loose when a blank line separates two of its items, or two blocks of one item.
  private isTight(list: SyntaxNode): boolean {
    const blankBetween = (end: number, start: number): boolean => /\n[ \t>]*\n/.test(this.src(end, start));
    let end = -1;
    for (const item of list.getChildren('ListItem')) {
      if (end !== -1 && blankBetween(end, item.from)) return false;
      const blocks = itemBlocks(item);
      if (blocks.some((block, j) => j > 0 && blankBetween(blocks[j - 1]!.to, block.from))) return false;
      end = blocks[blocks.length - 1]?.to ?? item.to;
    }
    return true;
  }

  private listItem(item: SyntaxNode, tight: boolean): void {
    const blocks = itemBlocks(item);
    const box = blocks[0] ? this.taskBox(blocks[0]) : null;
    this.html += box ? '<li class="task-item">' : '<li>';
    blocks.forEach((block, i) => {
      // In a tight item the text has no paragraph around it: a line break keeps it off the next block.
      if (i > 0 && tight) this.html += '\n';
      if (i === 0 && box) this.task(block, box, tight);
      else this.block(block, tight, false);
    });
    this.html += '</li>\n';
  }

  // "- [ ] text" is a task (GitHub's task list); a bare "- [ ]" is shown as an empty box too.
  private taskBox(block: SyntaxNode): TaskBox | null {
    if (block.name === 'Task') {
      const marker = block.getChild('TaskMarker');
      if (!marker) return null;
      const [from, to] = this.trimmed(marker.to, block.to);
      return { checked: /x/i.test(this.src(marker.from, marker.to)), from, to };
    }
    const bare = block.name === 'Paragraph' ? /^\[([ xX])\]$/.exec(this.src(block.from, block.to).trim()) : null;
    return bare ? { checked: bare[1] !== ' ', from: block.to, to: block.to } : null;
  }

  // The box carries the 1-based line of its item, so the page can tick it in the text; only an
  // item with text is an action item (GUIDE 1.6).
  private task(block: SyntaxNode, box: TaskBox, tight: boolean): void {
    const line = box.to > box.from ? ` data-line="${this.lines.lineOf(block.from) + 1}"` : '';
    if (!tight) this.html += '<p>';
    this.html += `<input type="checkbox" class="task" disabled${box.checked ? ' checked' : ''}${line}> `;
    this.inline(block, box.from, box.to);
    if (!tight) this.html += '</p>\n';
  }

  private codeBlock(node: SyntaxNode, line: string): void {
    const info = node.getChild('CodeInfo');
    const language = info ? /^\S*/.exec(unescapeMarkdown(this.src(info.from, info.to), this.options.decodeEntity))![0] : '';
    const code = node.name === 'FencedCode' ? this.fencedCode(node) : this.codeLines(node, node.from, node.to);
    this.html += `<pre${line}><code${language ? ` class="language-${escapeHtml(language)}"` : ''}>${escapeHtml(code)}</code></pre>\n`;
  }

  // The lines between the fences (an unclosed fence runs to the end of its block).
  private fencedCode(node: SyntaxNode): string {
    const marks = node.getChildren('CodeMark');
    const fenceEnd = this.source.indexOf('\n', (node.getChild('CodeInfo') ?? marks[0])?.to ?? node.from);
    if (fenceEnd === -1 || fenceEnd >= node.to) return '';
    const closing = marks.length > 1 ? marks[marks.length - 1]! : null;
    const end = closing ? this.source.lastIndexOf('\n', closing.from - 1) : node.to;
    if (end <= fenceEnd) return '';
    const code = this.codeLines(node, fenceEnd + 1, end);
    // CommonMark: as many spaces as the opening fence is indented by (past the blocks around it,
    // where the parser starts a line's code) are taken off each line.
    const column = (pos: number): number => pos - this.source.lastIndexOf('\n', pos - 1) - 1;
    const base = node.getChildren('CodeText').find((text) => this.source[text.from] !== '\n');
    const indent = marks[0] && base ? column(marks[0].from) - column(base.from) : 0;
    return indent > 0 ? code.replace(new RegExp(`^ {1,${indent}}`, 'gm'), '') : code;
  }

  // Code from `from` to the end of its last line at `to`: the code's own text comes without the
  // indentation or quote marks of the blocks around it (the parser leaves those out of CodeText),
  // and a blank line, which may have no CodeText, is still a line.
  private codeLines(node: SyntaxNode, from: number, to: number): string {
    const newlines = (a: number, b: number): string => this.src(a, b).replace(/[^\n]/g, '');
    let code = '';
    let pos = from;
    for (const text of node.getChildren('CodeText')) {
      if (text.to <= from || text.from >= to) continue;
      code += newlines(pos, text.from) + this.src(Math.max(text.from, from), Math.min(text.to, to));
      pos = text.to;
    }
    return code + newlines(pos, to) + '\n';
  }

  private table(node: SyntaxNode, line: string): void {
    const delimiterRow = node.getChild('TableDelimiter');
    const aligns = (delimiterRow ? this.src(delimiterRow.from, delimiterRow.to) : '')
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((cell) => {
        const spec = cell.trim();
        if (spec.startsWith(':')) return spec.endsWith(':') ? 'center' : 'left';
        return spec.endsWith(':') ? 'right' : '';
      });
    const header = node.getChild('TableHeader');
    const columns = header ? this.cellsOf(header) : [];
    this.html += `<table${line}>\n<thead>\n<tr>\n`;
    columns.forEach((cell, i) => this.cell('th', cell, aligns[i]));
    this.html += '</tr>\n</thead>\n';
    const rows = node.getChildren('TableRow');
    if (rows.length > 0) {
      this.html += '<tbody>\n';
      for (const row of rows) {
        const cells = this.cellsOf(row);
        this.html += '<tr>\n';
        columns.forEach((_, i) => this.cell('td', cells[i] ?? null, aligns[i]));
        this.html += '</tr>\n';
      }
      this.html += '</tbody>\n';
    }
    this.html += '</table>\n';
  }

  // A row's cells, empty ones included (they have no node): what lies between its pipes.
  private cellsOf(row: SyntaxNode): (SyntaxNode | null)[] {
    const cells: (SyntaxNode | null)[] = [];
    let cell: SyntaxNode | null = null;
    for (let child = row.firstChild; child; child = child.nextSibling) {
      if (child.name === 'TableCell') cell = child;
      else if (child.name === 'TableDelimiter' && child.from > row.from) {
        cells.push(cell);
        cell = null;
      }
    }
    if (cell || row.lastChild?.name !== 'TableDelimiter') cells.push(cell);
    return cells;
  }

  private cell(tag: 'th' | 'td', cell: SyntaxNode | null, align: string | undefined): void {
    this.html += `<${tag}${align ? ` style="text-align:${align}"` : ''}>`;
    if (cell) this.inline(cell);
    this.html += `</${tag}>\n`;
  }
}

/**
 * The preview of a section's Markdown, whole and as one string per top-level block, with its
 * headings; heading ids are `${prefix}-${n}`. A
 * caller that renders one text as it changes passes its parse (an IncrementalParser's) and a memo
 * of the last rendering's blocks.
 */
export const renderMarkdown = (
  source: string,
  prefix: string,
  options: MarkdownOptions,
  tree: Tree = previewParser.parse(source),
  memo?: BlockMemo,
): { html: string; blocks: string[]; headings: Heading[] } => {
  const writer = new BlockWriter(source, tree, options, prefix, memo?.reusable(prefix, tree) ?? null);
  writer.blocks(tree.topNode, false, true);
  memo?.keep(prefix, writer.written);
  return { html: writer.topBlocks.join(''), blocks: writer.topBlocks, headings: writer.headings };
};

/** For each item of a top-level list, by its 0-based source line: the list's line and the item's index. */
export const topListItems = (source: string): Map<number, [number, number]> => {
  const lines = new LineCounter(source);
  const items = new Map<number, [number, number]>();
  for (const block of children(previewParser.parse(source).topNode)) {
    if (block.name !== 'BulletList' && block.name !== 'OrderedList') continue;
    const listLine = lines.lineOf(block.from);
    block.getChildren('ListItem').forEach((item, i) => items.set(lines.lineOf(item.from), [listLine, i]));
  }
  return items;
};
