/**
 * Author colours in the section editors: the server's authorship map (who sent which Yjs item ids)
 * laid over this browser's own Y.Text items, as CodeMirror mark decorations with the author's
 * colour and name. Loaded only when someone switches the colours on.
 */
import { StateEffect, StateField } from '@codemirror/state';
import { Decoration, EditorView, type DecorationSet } from '@codemirror/view';
import type * as Y from 'yjs';
import { AuthorMap } from '../../shared/author-map.js';
import { authorColor } from './author-color.js';
import { authorship, type HistoryScope } from './history-api.js';

/** A run of text written by one author, in UTF-16 offsets of the section (as CodeMirror counts). */
export interface AuthorSpan {
  from: number;
  to: number;
  author: string | null;
}

/** Repaint this long after the text stops changing. */
const REPAINT_MS = 250;
/** Refetch the map this long after remote text arrived (the server attributes it by then). */
const REFETCH_MS = 1000;
/** …and at the latest this long after the first remote change of a burst, so text someone types without a pause gets coloured too. */
const REFETCH_MAX_MS = 3000;

/**
 * The authors of a Y.Text's visible text, in order: its items (`_start` … `right`, deleted ones
 * skipped) split by `map`. Items of `own.client` the map does not know yet are `own.name`'s: this
 * browser made them and the server has not answered for them yet.
 */
export const authorSpans = (ytext: Y.Text, map: AuthorMap, own: { client: number; name: string } | null): AuthorSpan[] => {
  const spans: AuthorSpan[] = [];
  let pos = 0;
  for (let item = ytext._start; item; item = item.right) {
    if (item.deleted || !item.countable) continue;
    let clock = item.id.clock;
    for (const segment of map.segments(item.id.client, clock, item.length)) {
      const author = segment.author ?? (own && item.id.client === own.client ? own.name : null);
      const last = spans[spans.length - 1];
      if (last && last.author === author && last.to === pos) last.to += segment.len;
      else spans.push({ from: pos, to: pos + segment.len, author });
      pos += segment.len;
      clock += segment.len;
    }
  }
  return spans;
};

const setAuthors = StateEffect.define<DecorationSet>();

// Decorations are replaced on each paint and mapped through the edits in between.
const authorField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update: (value, tr) => tr.effects.reduce((v, e) => (e.is(setAuthors) ? e.value : v), value.map(tr.changes)),
  provide: (field) => EditorView.decorations.from(field),
});

const authorTheme = EditorView.baseTheme({ '.cm-author': { borderRadius: '2px' } });

const markOf = (name: string): Decoration => {
  const color = authorColor(name);
  // A translucent tint reads on light and dark themes and keeps the syntax colours.
  return Decoration.mark({ class: 'cm-author', attributes: { title: name, 'data-author': name, style: `background-color:${color}33;box-shadow:inset 0 -2px 0 ${color}` } });
};

/** One attached editor. */
interface Attached {
  ytext: Y.Text;
  observer: (event: Y.YTextEvent) => void;
  timer: number;
}

/** Paints the editors of one meeting; `onChange` runs when the legend's authors change. */
export class AuthorPaint {
  /** Authors with visible text, in order of first appearance (agenda first). */
  authors: string[] = [];
  /** Why the map could not be loaded, in words; empty when it could. */
  error = '';
  private map = new AuthorMap();
  private readonly views = new Map<EditorView, Attached>();
  private readonly installed = new WeakSet<EditorView>();
  private readonly marks = new Map<string, Decoration>();
  private fetching: AbortController | null = null;
  private refetchTimer = 0;
  private refetchDeadline = 0;
  private disposed = false;

  constructor(private readonly scope: HistoryScope, private readonly ownName: () => string, private readonly onChange: () => void) {
    void this.refetch();
  }

  /** Paints `view` (bound to `ytext`) until the returned function is called. */
  attach(view: EditorView, ytext: Y.Text): () => void {
    if (!this.installed.has(view)) {
      view.dispatch({ effects: StateEffect.appendConfig.of([authorField, authorTheme]) });
      this.installed.add(view);
    }
    const attached: Attached = {
      ytext,
      timer: 0,
      observer: (event) => {
        window.clearTimeout(attached.timer);
        attached.timer = window.setTimeout(() => this.paint(view), REPAINT_MS);
        if (!event.transaction.local) this.scheduleRefetch();
      },
    };
    ytext.observe(attached.observer);
    this.views.set(view, attached);
    this.paint(view);
    return () => this.detach(view);
  }

  /** Stops painting and fetching; the decorations are removed. */
  dispose(): void {
    this.disposed = true;
    this.fetching?.abort();
    window.clearTimeout(this.refetchTimer);
    window.clearTimeout(this.refetchDeadline);
    for (const view of [...this.views.keys()]) this.detach(view);
  }

  private detach(view: EditorView): void {
    const attached = this.views.get(view);
    if (!attached) return;
    attached.ytext.unobserve(attached.observer);
    window.clearTimeout(attached.timer);
    this.views.delete(view);
    if (view.dom.isConnected) view.dispatch({ effects: setAuthors.of(Decoration.none) });
    this.updateAuthors();
  }

  private scheduleRefetch(): void {
    window.clearTimeout(this.refetchTimer);
    this.refetchTimer = window.setTimeout(this.refetchNow, REFETCH_MS);
    // A timer restarted on every change alone never fires while someone keeps typing.
    if (!this.refetchDeadline) this.refetchDeadline = window.setTimeout(this.refetchNow, REFETCH_MAX_MS);
  }

  // Whichever of the two fires first ends the burst.
  private readonly refetchNow = (): void => {
    window.clearTimeout(this.refetchTimer);
    window.clearTimeout(this.refetchDeadline);
    this.refetchTimer = this.refetchDeadline = 0;
    void this.refetch();
  };

  private async refetch(): Promise<void> {
    this.fetching?.abort();
    const controller = (this.fetching = new AbortController());
    try {
      this.map = new AuthorMap(await authorship(this.scope, controller.signal));
      this.error = '';
    } catch (error) {
      if (controller.signal.aborted || this.disposed) return;
      this.error = 'Cannot load who wrote what right now; your own text is still shown.';
    } finally {
      if (this.fetching === controller) this.fetching = null;
    }
    for (const view of this.views.keys()) this.paint(view);
    this.onChange();
  }

  private paint(view: EditorView): void {
    const attached = this.views.get(view);
    if (!attached || this.disposed) return;
    const { ytext } = attached;
    // The editor follows the Y.Text synchronously; a mismatch means an edit is on its way.
    if (view.state.doc.length !== ytext.length) return void (attached.timer = window.setTimeout(() => this.paint(view), REPAINT_MS));
    const client = ytext.doc?.clientID;
    const spans = authorSpans(ytext, this.map, client === undefined ? null : { client, name: this.ownName() });
    const ranges = spans.filter((s) => s.author !== null && s.to > s.from).map((s) => this.markFor(s.author!).range(s.from, s.to));
    view.dispatch({ effects: setAuthors.of(Decoration.set(ranges)) });
    this.updateAuthors();
  }

  private markFor(name: string): Decoration {
    let mark = this.marks.get(name);
    if (!mark) this.marks.set(name, (mark = markOf(name)));
    return mark;
  }

  private updateAuthors(): void {
    const names = new Set<string>();
    for (const view of this.views.keys()) {
      view.state.field(authorField, false)?.between(0, view.state.doc.length, (_from, _to, deco) => {
        const name = (deco.spec as { attributes?: Record<string, string> }).attributes?.['data-author'];
        if (name) names.add(name);
      });
    }
    const authors = [...names];
    if (authors.join('\n') === this.authors.join('\n')) return;
    this.authors = authors;
    this.onChange();
  }
}
