/**
 * One line of Markdown (an action item's or a decision's text) as sanitised inline HTML. Links to
 * meetings (`/m/ID`, as carried items have them) get a key this browser knows, so they open.
 */
import markdownIt from 'markdown-it';
import DOMPurify from 'dompurify';
import { meetingIdFromPath, meetingPath } from './links.js';

// Inline text only: no block elements can come out of renderInline, and nothing else is allowed.
const ALLOWED_TAGS = ['a', 'em', 'strong', 'code', 's', 'del', 'br'];
const ALLOWED_ATTR = ['href', 'target', 'rel', 'title'];
const CACHE_LIMIT = 2000;

const urlOf = (href: string): URL | null => {
  try {
    return new URL(href, location.origin);
  } catch {
    return null;
  }
};

/** Renders item texts; `keyFor(meetingId)` is asked for the key of a linked meeting. */
export class InlineMarkdown {
  private readonly md = new markdownIt({ html: false, linkify: true, typographer: false });
  private readonly purify = DOMPurify(window);
  private readonly cache = new Map<string, string>();

  constructor(private keyFor: (meetingId: string) => string | undefined) {
    this.purify.addHook('afterSanitizeAttributes', (node) => {
      const href = node.tagName === 'A' ? node.getAttribute('href') : null;
      if (!href) return;
      const url = urlOf(href);
      const id = url && url.origin === location.origin ? meetingIdFromPath(url.pathname) : null;
      if (id) {
        // In-app link: the app navigates without a reload.
        const key = this.keyFor(id);
        node.setAttribute('href', key ? meetingPath(id, key) : `/m/${encodeURIComponent(id)}`);
      } else {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer nofollow');
      }
    });
  }

  /** Changes where meeting keys come from (rendered texts are forgotten). */
  setKeys(keyFor: (meetingId: string) => string | undefined): void {
    this.keyFor = keyFor;
    this.cache.clear();
  }

  /** Sanitised inline HTML of `text`. */
  render(text: string): string {
    const cached = this.cache.get(text);
    if (cached !== undefined) return cached;
    const html = this.purify.sanitize(this.md.renderInline(text), { ALLOWED_TAGS, ALLOWED_ATTR });
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(text, html);
    return html;
  }
}
