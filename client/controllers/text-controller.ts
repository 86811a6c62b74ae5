/** Follows a Y.Text and keeps its rendered Markdown (HTML and headings) up to date. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type * as Y from 'yjs';
import { MarkdownRenderer, type Heading } from '../lib/markdown.js';

/** Renders the Y.Text returned by `source` at most once per animation frame. */
export class TextController implements ReactiveController {
  html = '';
  headings: Heading[] = [];
  private text: Y.Text | null = null;
  private frame = 0;
  private readonly renderer = new MarkdownRenderer();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly source: () => Y.Text | null | undefined,
    private readonly prefix: () => string,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.follow(this.source() ?? null);
  }

  hostUpdate(): void {
    const text = this.source() ?? null;
    if (text !== this.text) this.follow(text);
  }

  hostDisconnected(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.follow(null);
  }

  private follow(text: Y.Text | null): void {
    this.text?.unobserve(this.onChange);
    this.text = text;
    text?.observe(this.onChange);
    this.rerender();
  }

  private rerender(): void {
    const { html, headings } = this.renderer.render(this.text?.toString() ?? '', this.prefix());
    this.html = html;
    this.headings = headings;
  }

  private readonly onChange = (): void => {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.rerender();
      this.host.requestUpdate();
    });
  };
}
