/**
 * The "now discussing" mark on the current agenda topic: a line decoration in the CodeMirror
 * source, and a class on its block in the preview. The preview only numbers its top-level blocks
 * (`data-line`), so a list item is found through the Markdown tree of the same text.
 */
import { StateEffect, StateField, type Extension } from '@codemirror/state';
import { Decoration, EditorView, type DecorationSet } from '@codemirror/view';
import { topListItems } from './markdown-html.js';

/** The class the current topic's line and preview block carry. */
export const NOW_CLASS = 'now-topic';

const setNow = StateEffect.define<number | null>();
const lineMark = Decoration.line({ class: `cm-${NOW_CLASS}`, attributes: { 'data-now-topic': '' } });

// Mapped through edits, so the mark stays on its line until the host says where it is now.
const nowField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    let next = deco.map(tr.changes);
    for (const effect of tr.effects) {
      if (!effect.is(setNow)) continue;
      const line = effect.value;
      next = line === null || line < 1 || line > tr.state.doc.lines ? Decoration.none : Decoration.set([lineMark.range(tr.state.doc.line(line).from)]);
    }
    return next;
  },
  provide: (field) => EditorView.decorations.from(field),
});

const nowTheme = EditorView.baseTheme({
  [`.cm-line.cm-${NOW_CLASS}, .cm-activeLine.cm-${NOW_CLASS}`]: {
    backgroundColor: 'var(--now-bg, var(--accent-bg, #eef3fd))',
    boxShadow: 'inset 3px 0 0 var(--accent, #3a6fd8)',
  },
});

const extension: Extension = [nowField, nowTheme];

// The 1-based line the mark is on, or null.
const markedLine = (view: EditorView): number | null => {
  const deco = view.state.field(nowField, false);
  if (!deco || deco.size === 0) return null;
  const iter = deco.iter();
  return iter.value ? view.state.doc.lineAt(iter.from).number : null;
};

/** Marks 1-based `line` of the editor as the current topic (null: none); a no-op when it already is. */
export const markNowLine = (view: EditorView, line: number | null): void => {
  const installed = view.state.field(nowField, false) !== undefined;
  if (installed && markedLine(view) === line) return;
  if (!installed && line === null) return;
  const effects = installed ? [setNow.of(line)] : [StateEffect.appendConfig.of(extension), setNow.of(line)];
  view.dispatch({ effects });
};

/** Finds the preview element of a source line (0-based), re-parsing the source only when it changed. */
export class PreviewLocator {
  private source: string | null = null;
  // For each list item at the top of a top-level list: its line -> [the list's line, its index].
  private items = new Map<number, [number, number]>();

  /** The preview block (heading, list item, paragraph) whose source starts at `line`, or null. */
  find(preview: HTMLElement, source: string, line: number): HTMLElement | null {
    const direct = preview.querySelector<HTMLElement>(`:scope > [data-line="${line}"]`);
    if (direct && !/^(UL|OL)$/.test(direct.tagName)) return direct;
    this.index(source);
    const item = this.items.get(line);
    if (!item) return null;
    const list = preview.querySelector<HTMLElement>(`:scope > [data-line="${item[0]}"]`);
    return list?.querySelectorAll<HTMLElement>(':scope > li')[item[1]] ?? null;
  }

  private index(source: string): void {
    if (source === this.source) return;
    this.source = source;
    this.items = topListItems(source);
  }
}
