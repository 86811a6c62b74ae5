/**
 * One line of Markdown (an action item's or a decision's text) as inline HTML. Links to meetings
 * (`/m/ID`, as carried items have them) get a key this browser knows, so they open in the app.
 */
import { decodeHTMLStrict } from './html-entities.js';
import { renderInlineMarkdown, type LinkTarget } from './markdown-inline.js';
import { meetingIdFromPath, meetingPath } from './links.js';
import { escapeHtml } from './markdown-text.js';

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
  private readonly cache = new Map<string, string>();

  constructor(private keyFor: (meetingId: string) => string | undefined) {}

  /** Changes where meeting keys come from (rendered texts are forgotten). */
  setKeys(keyFor: (meetingId: string) => string | undefined): void {
    this.keyFor = keyFor;
    this.cache.clear();
  }

  /** Inline HTML of `text`. */
  render(text: string): string {
    const cached = this.cache.get(text);
    if (cached !== undefined) return cached;
    let html: string;
    try {
      html = renderInlineMarkdown(text, { decodeEntity: decodeHTMLStrict, link: this.linkTarget });
    } catch (error) {
      // One item the renderer cannot write must not take the whole panel down with it.
      console.error('an item text could not be rendered', error);
      html = escapeHtml(text);
    }
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(text, html);
    return html;
  }

  // An in-app link navigates without a reload, with the meeting's key; any other opens a new tab.
  private readonly linkTarget = (href: string): LinkTarget => {
    const url = urlOf(href);
    const id = url && url.origin === location.origin ? meetingIdFromPath(url.pathname) : null;
    if (!id) return { href, newTab: true };
    const key = this.keyFor(id);
    return { href: key ? meetingPath(id, key) : `/m/${encodeURIComponent(id)}`, newTab: false };
  };
}
