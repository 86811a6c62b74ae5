/** The Markdown preview of this page: client/lib/markdown-html.ts, with the browser reading named references. */
import { decodeHTMLStrict } from './html-entities.js';
import { renderMarkdown, type Heading } from './markdown-html.js';

/** The preview HTML of `source` and its headings; heading ids are `${prefix}-${n}`, top-level blocks carry `data-line`. */
export const renderPreview = (source: string, prefix: string): { html: string; headings: Heading[] } =>
  renderMarkdown(source, prefix, { decodeEntity: decodeHTMLStrict });
