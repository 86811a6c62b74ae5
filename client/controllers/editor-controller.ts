/** Owns a CodeMirror view bound to a Y.Text; rebuilt when the text, awareness or access changes. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { editorExtensions } from '../lib/editor-setup.js';

/** What the host provides on each update. */
export interface EditorSource {
  ytext?: Y.Text;
  awareness?: Awareness;
  readOnly: boolean;
  label: string;
  hint: string;
  parent: HTMLElement | null;
  onFocusChange: (focused: boolean) => void;
  onScroll: () => void;
}

/** Creates the view after the host rendered its container, destroys it when the host leaves. */
export class EditorController implements ReactiveController {
  view: EditorView | null = null;
  private undoManager: Y.UndoManager | null = null;
  private bound: { ytext?: Y.Text; awareness?: Awareness; readOnly: boolean } | null = null;

  constructor(private readonly host: ReactiveControllerHost, private readonly source: () => EditorSource) {
    host.addController(this);
  }

  hostConnected(): void {
    this.host.requestUpdate();
  }

  hostUpdated(): void {
    const { ytext, awareness, readOnly, parent } = this.source();
    const b = this.bound;
    if (b && b.ytext === ytext && b.awareness === awareness && b.readOnly === readOnly) return;
    this.destroy();
    if (!ytext || !awareness || !parent) return;
    const options = this.source();
    this.undoManager = readOnly ? null : new Y.UndoManager(ytext);
    this.view = new EditorView({
      parent,
      state: EditorState.create({
        doc: ytext.toString(),
        extensions: editorExtensions({ ...options, ytext, awareness, undoManager: this.undoManager ?? false }),
      }),
    });
    this.bound = { ytext, awareness, readOnly };
  }

  hostDisconnected(): void {
    this.destroy();
  }

  /** Scrolls so that 0-based `line` is at the top of the editor. */
  scrollToLine(line: number): void {
    const view = this.view;
    if (!view) return;
    const pos = view.state.doc.line(Math.min(line + 1, view.state.doc.lines)).from;
    view.dispatch({ effects: EditorView.scrollIntoView(pos, { y: 'start', yMargin: 8 }) });
  }

  private destroy(): void {
    this.view?.destroy();
    this.view = null;
    this.undoManager?.destroy();
    this.undoManager = null;
    this.bound = null;
  }
}
