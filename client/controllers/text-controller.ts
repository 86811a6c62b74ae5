/** Follows a Y.Text and keeps its rendered Markdown (the HTML of each top-level block, and the headings) up to date. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type * as Y from 'yjs';
import type { DerivedSchedule } from '../lib/derived-schedule.js';
import { PreviewRenderer } from '../lib/markdown.js';
import type { Heading } from '../lib/markdown-html.js';

/** Renders the Y.Text returned by `source` when `schedule` (the host's own) says, only after it changed. */
export class TextController implements ReactiveController {
  blocks: string[] = [];
  headings: Heading[] = [];
  private text: Y.Text | null = null;
  private dirty = false;
  private readonly renderer = new PreviewRenderer();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly source: () => Y.Text | null | undefined,
    private readonly prefix: () => string,
    private readonly schedule: DerivedSchedule,
  ) {
    host.addController(this);
    schedule.add(this.onSchedule);
  }

  hostConnected(): void {
    this.follow(this.source() ?? null);
  }

  hostUpdate(): void {
    const text = this.source() ?? null;
    if (text !== this.text) this.follow(text);
  }

  hostDisconnected(): void {
    this.follow(null);
  }

  private follow(text: Y.Text | null): void {
    this.text?.unobserve(this.onChange);
    this.text = text;
    text?.observe(this.onChange);
    this.rerender();
  }

  private rerender(): void {
    this.dirty = false;
    const { blocks, headings } = this.renderer.render(this.text?.toString() ?? '', this.prefix());
    this.blocks = blocks;
    this.headings = headings;
  }

  private readonly onSchedule = (): void => {
    if (!this.dirty) return;
    this.rerender();
    this.host.requestUpdate();
  };

  private readonly onChange = (): void => {
    this.dirty = true;
    this.schedule.changed();
  };
}
