/** Markdown preview rendering: markdown-it without raw HTML, task lists, then DOMPurify. */
import markdownIt, { type MarkdownIt, type StateCore, type Token } from 'markdown-it';
import DOMPurify from 'dompurify';

/** A heading found in a section, for the table of contents. */
export interface Heading {
  level: number;
  text: string;
  /** 0-based source line of the heading. */
  line: number;
  /** Element id of the heading in the preview. */
  id: string;
}

const TASK = /^\[([ xX])\](?:[ \t]|$)/;

// Turns "- [ ] text" / "- [x] text" list items into disabled checkboxes, each with the 1-based
// source line of its item (the parser's numbering), so the page can tick it in the text.
const taskLists = (state: StateCore): void => {
  const tokens = state.tokens;
  for (let i = 2; i < tokens.length; i++) {
    const inline = tokens[i];
    if (inline.type !== 'inline' || tokens[i - 1].type !== 'paragraph_open') continue;
    if (tokens[i - 2].type !== 'list_item_open') continue;
    const first = inline.children?.[0];
    const match = first && first.type === 'text' ? TASK.exec(first.content) : null;
    if (!first || !match) continue;
    first.content = first.content.slice(match[0].length);
    const box = new state.Token('html_inline', '', 0);
    const checked = match[1] !== ' ' ? ' checked' : '';
    // Only an item with text is an action item (GUIDE 1.6): a bare "- [ ]" is a placeholder.
    const line = inline.content.slice(match[0].length).trim() ? tokens[i - 1].map?.[0] : undefined;
    box.content = `<input type="checkbox" class="task" disabled${checked}${line === undefined ? '' : ` data-line="${line + 1}"`}> `;
    inline.children!.unshift(box);
    tokens[i - 2].attrJoin('class', 'task-item');
  }
};

/** A markdown-it instance configured for meeting notes (no raw HTML). */
const createMarkdown = (): MarkdownIt => {
  const md = new markdownIt({ html: false, linkify: true, typographer: false, breaks: false });
  md.core.ruler.after('inline', 'task-lists', taskLists);
  return md;
};

/** Renders Markdown to sanitised HTML; heading ids are `${prefix}-${n}`, source lines in data-line. */
export class MarkdownRenderer {
  private readonly md = createMarkdown();
  private readonly purify = DOMPurify(window);

  constructor() {
    this.purify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A' && node.getAttribute('href')) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer nofollow');
      }
    });
  }

  /** Sanitised HTML of `source`, plus its headings. */
  render(source: string, prefix: string): { html: string; headings: Heading[] } {
    const env = {};
    const tokens = this.md.parse(source, env);
    const headings: Heading[] = [];
    tokens.forEach((token: Token, index: number) => {
      if (token.map && token.nesting === 1 && token.level === 0) token.attrSet('data-line', String(token.map[0]));
      if (token.type !== 'heading_open') return;
      const id = `${prefix}-${headings.length + 1}`;
      token.attrSet('id', id);
      const text = tokens[index + 1]?.children?.map((c: Token) => c.content).join('') ?? '';
      headings.push({ level: Number(token.tag.slice(1)), text, line: token.map?.[0] ?? 0, id });
    });
    const raw = this.md.renderer.render(tokens, this.md.options, env);
    const html = this.purify.sanitize(raw, { ADD_ATTR: ['target'], FORBID_TAGS: ['style', 'form'] });
    return { html, headings };
  }
}
