/**
 * Inline Markdown to HTML from the Lezer Markdown tree: emphasis, code, links, images, references,
 * bare addresses, escapes and character references. Raw HTML is shown as text, every text and
 * attribute goes through `escapeHtml`, and a link or image keeps its address only when `safeUrl`
 * allows it. No DOM: tests run it in Node, and the page passes in what only a browser knows.
 */
import type { SyntaxNode, Tree } from '@lezer/common';
import { inlineParser } from './markdown-grammar.js';
import { encodeUrl, escapeHtml, normalizeLabel, safeUrl, schemeOf, unescapeMarkdown, unwrapDestination, unwrapTitle } from './markdown-text.js';

/** Where a link goes, and whether it opens in a new tab. */
export interface LinkTarget {
  href: string;
  newTab: boolean;
}

export interface MarkdownOptions {
  /** Decodes a named character reference such as `&copy;`, or returns it unchanged. */
  decodeEntity: (reference: string) => string;
  /** The target of a link whose address is allowed; by default as written, in a new tab. */
  link?: (href: string) => LinkTarget;
}

// Syntax marks: their text is markup, not content.
const MARKS = new Set(['EmphasisMark', 'CodeMark', 'LinkMark', 'StrikethroughMark', 'HeaderMark', 'ListMark', 'TaskMarker', 'TableDelimiter']);
const INLINE_TAGS: Record<string, string> = { Emphasis: 'em', StrongEmphasis: 'strong', Strikethrough: 's' };
const NEW_TAB = ' target="_blank" rel="noopener noreferrer nofollow"';
// Deeper nesting (lists in lists, emphasis in emphasis) is shown as written: the writer recurses once
// per level, and a line of 1,400 "- " would otherwise exhaust the stack.
export const MAX_NESTING = 64;
// What GitHub leaves out of the end of a bare address: a ";", or what looks like a character reference.
const TRAILING_REFERENCE = /(?:&[a-z0-9]+)?;$/i;

interface Destination {
  href: string;
  title: string;
}

// An address shown as the text of its link: percent escapes read where they are text ("e2e%20test" as "e2e test").
const readableUrl = (url: string): string => {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
};

/** Writes the HTML of the inline content of a parsed text (the block writer adds the blocks). */
export class InlineWriter {
  html = '';
  // The plain text being collected (a heading's, an image's alt), or null.
  protected plain: string | null = null;
  // Set by a quote mark: the text after it starts a line, without the mark's space.
  private lineStart = false;
  // How many blocks and inline nodes the one being written is inside.
  protected depth = 0;
  private references: Map<string, Destination> | null = null;

  constructor(
    protected readonly source: string,
    private readonly tree: Tree,
    protected readonly options: MarkdownOptions & { images: boolean },
  ) {}

  /** The inline content of `parent` between `from` and `to`. */
  inline(parent: SyntaxNode, from = parent.from, to = parent.to): void {
    if (this.depth >= MAX_NESTING) return this.text(this.src(from, to));
    this.depth++;
    let pos = from;
    for (let child = parent.firstChild; child && child.from < to; child = child.nextSibling) {
      if (child.to <= from) continue;
      this.gap(pos, child.from);
      if (child.name !== 'QuoteMark') this.lineStart = false;
      this.inlineNode(child);
      pos = child.to;
    }
    this.gap(pos, to);
    this.depth--;
  }

  protected src(from: number, to: number): string {
    return this.source.slice(from, to);
  }

  protected text(text: string): void {
    this.html += escapeHtml(text);
    if (this.plain !== null) this.plain += text;
  }

  // Text between inline nodes: a line break drops the spaces around it, as CommonMark does.
  private gap(from: number, to: number): void {
    if (from >= to) return;
    let text = this.src(from, to).replace(/[ \t]*\n[ \t]*/g, '\n');
    if (this.lineStart) text = text.replace(/^[ \t]+/, '');
    this.lineStart = false;
    this.text(text);
  }

  protected trimmed(from: number, to: number): [number, number] {
    while (from < to && /\s/.test(this.source[from]!)) from++;
    while (to > from && /\s/.test(this.source[to - 1]!)) to--;
    return [from, to];
  }

  private inlineNode(node: SyntaxNode): void {
    const tag = INLINE_TAGS[node.name];
    if (tag) {
      this.html += `<${tag}>`;
      this.inline(node);
      this.html += `</${tag}>`;
      return;
    }
    switch (node.name) {
      case 'InlineCode':
        return this.inlineCode(node);
      case 'Link':
      case 'Image':
        return this.link(node);
      case 'Autolink': {
        const url = node.getChild('URL');
        return this.urlLink(node, url ? this.src(url.from, url.to) : '');
      }
      case 'URL':
        return this.urlLink(node, this.src(node.from, node.to));
      case 'Escape':
      case 'Entity':
        return this.text(unescapeMarkdown(this.src(node.from, node.to), this.options.decodeEntity));
      case 'HardBreak':
        this.html += '<br>\n';
        if (this.plain !== null) this.plain += ' ';
        return;
      case 'QuoteMark':
        this.lineStart = true;
        return;
      default:
        // Raw HTML (HTMLTag, Comment, ProcessingInstruction) is shown as written.
        if (!MARKS.has(node.name)) this.text(this.src(node.from, node.to));
    }
  }

  private inlineCode(node: SyntaxNode): void {
    const open = node.firstChild!;
    const close = node.lastChild!;
    let code = '';
    let pos = open.to;
    for (const mark of node.getChildren('QuoteMark')) {
      code += this.src(pos, mark.from);
      pos = mark.to;
    }
    code = (code + this.src(pos, close.from)).replace(/\n[ \t]*/g, ' ');
    // GFM: in a table cell, "\|" is a pipe of the cell's text, in code too.
    for (let up = node.parent; up; up = up.parent) if (up.name === 'TableCell') code = code.replace(/\\\|/g, '|');
    // CommonMark: one space on each side is stripped, unless the code is only spaces.
    if (code.startsWith(' ') && code.endsWith(' ') && code.trim()) code = code.slice(1, -1);
    this.html += '<code>';
    this.text(code);
    this.html += '</code>';
  }

  // A bare address (www.…, https://…, a@b.example) or one in <angle brackets>.
  private urlLink(node: SyntaxNode, written: string): void {
    const trailing = node.name === 'URL' ? (TRAILING_REFERENCE.exec(written)?.[0] ?? '') : '';
    const url = written.slice(0, written.length - trailing.length);
    const href = /^www\./i.test(url) ? `http://${url}` : schemeOf(url) === undefined && url.includes('@') ? `mailto:${url}` : url;
    if (!url || !safeUrl(href, false)) return this.text(this.src(node.from, node.to));
    this.openLink(href, '');
    this.text(readableUrl(url));
    this.html += '</a>';
    this.text(trailing);
  }

  private openLink(href: string, title: string): void {
    const encoded = encodeUrl(href);
    const target = this.options.link?.(encoded) ?? { href: encoded, newTab: true };
    this.html += `<a href="${escapeHtml(target.href)}"${title ? ` title="${escapeHtml(title)}"` : ''}${target.newTab ? NEW_TAB : ''}>`;
  }

  private link(node: SyntaxNode): void {
    const image = node.name === 'Image';
    const [open, close] = node.getChildren('LinkMark');
    if (!open || !close) return this.text(this.src(node.from, node.to));
    const destination = this.destination(node, open, close);
    if (!destination || !safeUrl(destination.href, image) || (image && !this.options.images)) {
      // As written, as CommonMark shows a reference with no definition.
      this.text(this.src(node.from, open.to));
      this.inline(node, open.to, close.from);
      this.text(unescapeMarkdown(this.src(close.from, node.to), this.options.decodeEntity));
      return;
    }
    const title = destination.title ? ` title="${escapeHtml(destination.title)}"` : '';
    if (image) {
      const alt = this.plainText(node, open.to, close.from);
      this.html += `<img src="${escapeHtml(encodeUrl(destination.href))}" alt="${escapeHtml(alt)}"${title}>`;
      if (this.plain !== null) this.plain += alt;
      return;
    }
    this.openLink(destination.href, destination.title);
    this.inline(node, open.to, close.from);
    this.html += '</a>';
  }

  // "[text](url "title")", or a reference: "[text][label]", "[label][]", "[label]".
  private destination(node: SyntaxNode, open: SyntaxNode, close: SyntaxNode): Destination | null {
    const after = close.nextSibling;
    if (after?.name === 'LinkMark' && this.src(after.from, after.to) === '(') {
      return this.destinationOf(node);
    }
    const full = after?.name === 'LinkLabel' && after.to - after.from > 2;
    const label = full ? this.src(after.from + 1, after.to - 1) : this.src(open.to, close.from);
    this.references ??= this.collectReferences();
    return this.references.get(normalizeLabel(label)) ?? null;
  }

  // Link reference definitions anywhere in the text; the first of a label wins.
  private collectReferences(): Map<string, Destination> {
    const references = new Map<string, Destination>();
    this.tree.iterate({
      enter: (ref) => {
        if (ref.name === 'Paragraph') return false;
        if (ref.name !== 'LinkReference') return true;
        const label = ref.node.getChild('LinkLabel');
        const key = label ? normalizeLabel(this.src(label.from + 1, label.to - 1)) : '';
        if (ref.node.getChild('URL') && key && !references.has(key)) references.set(key, this.destinationOf(ref.node));
        return false;
      },
    });
    return references;
  }

  // The address and title of a link or a reference definition, as written in `node`.
  private destinationOf(node: SyntaxNode): Destination {
    const url = node.getChild('URL');
    const title = node.getChild('LinkTitle');
    return {
      href: url ? unwrapDestination(this.src(url.from, url.to), this.options.decodeEntity) : '',
      title: title ? unwrapTitle(this.src(title.from, title.to), this.options.decodeEntity) : '',
    };
  }

  // The text of inline content without its markup (an image's alt).
  private plainText(node: SyntaxNode, from: number, to: number): string {
    const [html, outer] = [this.html, this.plain];
    this.plain = '';
    this.inline(node, from, to);
    const text = this.plain;
    [this.html, this.plain] = [html, outer];
    return text;
  }
}

/** One line of Markdown (an action item's text) as inline HTML: emphasis, code, links; no images. */
export const renderInlineMarkdown = (text: string, options: MarkdownOptions): string => {
  const tree = inlineParser.parse(text);
  const writer = new InlineWriter(text, tree, { ...options, images: false });
  for (let paragraph = tree.topNode.firstChild; paragraph; paragraph = paragraph.nextSibling) {
    if (paragraph.prevSibling) writer.html += ' ';
    writer.inline(paragraph);
  }
  return writer.html;
};

