/** The Markdown preview of this page: client/lib/markdown-html.ts, with the browser reading named references. */
import { decodeHTMLStrict } from './html-entities.js';
import { IncrementalParser } from './markdown-grammar.js';
import { BlockMemo, renderMarkdown, type Heading } from './markdown-html.js';
import { escapeHtml } from './markdown-text.js';

/**
 * Renders successive versions of one text (a section as people type, the revisions of a history as
 * one scrubs), parsing and writing only what changed (blocks are reused only under one prefix).
 */
export class PreviewRenderer {
  private readonly parser = new IncrementalParser();
  private readonly memo = new BlockMemo();

  /** The preview HTML of `source` and its headings; heading ids are `${prefix}-${n}`, top-level blocks carry `data-line`. */
  render(source: string, prefix: string): { html: string; blocks: string[]; headings: Heading[] } {
    try {
      return renderMarkdown(source, prefix, { decodeEntity: decodeHTMLStrict }, this.parser.parse(source), this.memo);
    } catch (error) {
      // A text the renderer cannot write is shown as it is, not as a section that stops updating.
      console.error('the preview could not be rendered', error);
      const html = `<pre>${escapeHtml(source)}</pre>`;
      return { html, blocks: [html], headings: [] };
    }
  }
}
