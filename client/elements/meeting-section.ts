/** One section of a meeting (agenda or notes): a Markdown editor and its live preview. */
import { LitElement, css, html, nothing, unsafeCSS, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { EditorView } from '@codemirror/view';
import type { SectionName } from '../../shared/doc-schema.js';
import { EditorController } from '../controllers/editor-controller.js';
import { markdownStyles } from '../lib/markdown-styles.js';
import { markNowLine, NOW_CLASS, PreviewLocator } from '../lib/now-highlight.js';
import { replaceChangedBlocks } from '../lib/preview-blocks.js';
import { previewTopForLine, lineAtPreviewTop } from '../lib/scroll-sync.js';

/** Paints something over an editor (the author colours) until the returned function is called. */
export interface EditorPainter {
  attach(view: EditorView, ytext: Y.Text): () => void;
}

/** How a meeting is shown: source only, source and preview side by side, or preview only. */
export type Mode = 'edit' | 'split' | 'view';

/** Emitted (bubbling, composed) when an editor gains or loses focus. */
export type SectionFocusEvent = CustomEvent<{ section: SectionName; focused: boolean }>;

/** Emitted (bubbling, composed) when a task checkbox of the preview is clicked: its 1-based source line and the state asked for. */
export type TaskToggleEvent = CustomEvent<{ section: SectionName; line: number; done: boolean }>;

const EMPTY_PREVIEW = '<p class="empty">Nothing here yet.</p>';

/** `<meeting-section>`: editor bound to `ytext` plus the preview of its `blocks`. */
@customElement('meeting-section')
export class MeetingSection extends LitElement {
  static override styles = [
    markdownStyles,
    css`
      :host { display: flex; flex-direction: column; min-height: 0; background: var(--surface); border: 1px solid var(--border); border-radius: 10px; overflow: hidden; }
      .bar { display: flex; align-items: center; gap: 0.5rem; padding: 0.35rem 0.9rem; border-bottom: 1px solid var(--border); background: var(--surface-2); }
      .bar-title { margin: 0; font-size: 0.8rem; letter-spacing: 0.06em; text-transform: uppercase; color: var(--muted); font-weight: 700; }
      .ro { font-size: 0.75rem; color: var(--muted); margin-left: auto; }
      .panes { flex: 1; display: flex; min-height: 0; }
      .editor, .preview { flex: 1 1 0; min-width: 0; min-height: 0; }
      .editor { display: flex; flex-direction: column; }
      .editor > * { flex: 1; min-height: 0; }
      .preview { overflow: auto; padding: 0.9rem 1.25rem; position: relative; }
      .panes[data-mode='split'] .preview { border-left: 1px solid var(--border); background: var(--preview-bg); }
      [hidden] { display: none !important; }
      .empty { color: var(--muted); font-style: italic; }
      .preview .${unsafeCSS(NOW_CLASS)} { background: var(--now-bg, var(--accent-bg)); box-shadow: -0.6rem 0 0 var(--now-bg, var(--accent-bg)), -0.8rem 0 0 var(--accent); border-radius: 0 4px 4px 0; }
      @media (max-width: 799px) {
        :host { overflow: visible; }
        .panes { flex-direction: column; }
        .editor, .preview { flex: none; }
        .editor > * { min-height: 6rem; }
        .preview { overflow: visible; }
        .panes[data-mode='split'] .preview { border-left: none; border-top: 1px solid var(--border); }
      }
    `,
  ];

  @property() section: SectionName = 'notes';
  @property() heading = '';
  @property() hint = '';
  @property() mode: Mode = 'split';
  @property({ type: Boolean }) readonly = false;
  @property({ attribute: false }) ytext?: Y.Text;
  @property({ attribute: false }) awareness?: Awareness;
  /** The preview: the HTML of each top-level block. */
  @property({ attribute: false }) blocks: readonly string[] = [];
  /** 1-based source line of the topic being discussed, marked in the editor and the preview. */
  @property({ attribute: false }) nowLine: number | null = null;
  /** The author colours while they are on. */
  @property({ attribute: false }) painter: EditorPainter | null = null;

  @query('.editor') private editorHost!: HTMLElement | null;
  @query('.preview') private preview!: HTMLElement | null;

  private syncing: 'editor' | 'preview' | null = null;
  private hadFocus = false;
  private readonly nowLocator = new PreviewLocator();
  private shownNow: number | null = null;
  private painted: { view: EditorView; painter: EditorPainter; detach: () => void } | null = null;
  private readonly editor = new EditorController(this, () => ({
    ytext: this.ytext,
    awareness: this.awareness,
    readOnly: this.readonly,
    label: `${this.heading} (Markdown source)`,
    hint: this.readonly ? '' : this.hint,
    parent: this.editorHost,
    onFocusChange: (focused) => this.onFocusChange(focused),
    onScroll: () => this.onEditorScroll(),
  }));

  override render() {
    return html`<div class="bar"><h2 class="bar-title">${this.heading}</h2>${this.readonly ? html`<span class="ro">view only</span>` : nothing}</div>
      <div class="panes" data-mode=${this.mode}><div class="editor" ?hidden=${this.mode === 'view'}></div><article class="preview markdown"
        ?hidden=${this.mode === 'edit'} aria-label="${this.heading} preview" @scroll=${this.onPreviewScroll} @click=${this.onPreviewClick}></article></div>`;
  }

  override updated(changed: PropertyValues<this>): void {
    // The preview's blocks are put in by hand: only those that changed are replaced.
    const preview = this.preview;
    // The task boxes work where the person may edit.
    if (preview && (changed.has('blocks') || changed.has('readonly'))) replaceChangedBlocks(preview, this.blocks.length ? this.blocks : [EMPTY_PREVIEW], this.readonly);
    this.markNow();
    this.repaint();
  }

  // The editor view is rebuilt when the text or access changes: the painter follows it.
  private repaint(): void {
    const view = this.editor.view;
    const p = this.painted;
    if (p?.view === view && p.painter === this.painter) return;
    p?.detach();
    this.painted = view && this.painter && this.ytext ? { view, painter: this.painter, detach: this.painter.attach(view, this.ytext) } : null;
  }

  /** The editor's cursor offset, once the person has been in this editor; else null. */
  cursorOffset(): number | null {
    const view = this.editor.view;
    return this.hadFocus && view ? view.state.selection.main.head : null;
  }

  private markNow(): void {
    if (this.editor.view) markNowLine(this.editor.view, this.nowLine);
    const preview = this.preview;
    if (!preview) return;
    const target = this.nowLine === null || !this.ytext ? null : this.nowLocator.find(preview, this.ytext.toString(), this.nowLine - 1);
    preview.querySelectorAll(`.${NOW_CLASS}`).forEach((el) => el !== target && el.classList.remove(NOW_CLASS));
    target?.classList.add(NOW_CLASS);
    // A new current topic is brought into view once, unless the person is working in this editor.
    if (!target || this.shownNow === this.nowLine || this.editor.view?.hasFocus) return;
    this.shownNow = this.nowLine;
    if (this.mode === 'edit') this.editor.scrollToLine(this.nowLine! - 1);
    else if (target.offsetTop < preview.scrollTop || target.offsetTop + target.offsetHeight > preview.scrollTop + preview.clientHeight) {
      preview.scrollTop = Math.max(target.offsetTop - preview.clientHeight / 3, 0);
    }
  }

  /** Puts the cursor at the start of 1-based source `line` and shows it (in the preview in view mode). */
  revealLine(line: number): void {
    const view = this.editor.view;
    if (this.mode !== 'view' && view) {
      const pos = view.state.doc.line(Math.min(Math.max(line, 1), view.state.doc.lines)).from;
      view.dispatch({ selection: { anchor: pos }, effects: EditorView.scrollIntoView(pos, { y: 'center' }) });
      if (!this.readonly) view.focus();
    }
    // In split mode the preview follows the editor's scrolling.
    if (this.mode === 'view' && this.preview) this.preview.scrollTop = Math.max(previewTopForLine(this.preview, line - 1) - this.preview.clientHeight / 3, 0);
    this.scrollIntoView({ block: 'nearest' });
  }

  /** Brings a heading (0-based source `line`, preview element `id`) into view in both panes. */
  jumpTo(line: number, id: string): void {
    if (this.mode !== 'view') this.editor.scrollToLine(line);
    const target = this.preview?.querySelector<HTMLElement>(`#${CSS.escape(id)}`);
    if (this.mode !== 'edit' && target && this.preview) {
      this.syncing = 'preview';
      this.preview.scrollTop = target.offsetTop;
    }
    this.scrollIntoView({ block: 'nearest' });
    if (this.mode !== 'view' && !this.readonly) this.editor.view?.focus();
  }

  private readonly onPreviewClick = (event: MouseEvent): void => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.classList.contains('task') || !box.dataset.line) return;
    // The box follows the text: it changes when the edit comes back through the renderer.
    event.preventDefault();
    if (this.readonly) return;
    // During the click the box already shows the new state; preventDefault puts it back afterwards.
    const detail = { section: this.section, line: Number(box.dataset.line), done: box.checked };
    this.dispatchEvent(new CustomEvent('task-toggle', { detail, bubbles: true, composed: true }));
  };

  private onFocusChange(focused: boolean): void {
    if (focused) this.hadFocus = true;
    const detail = { section: this.section, focused };
    this.dispatchEvent(new CustomEvent('section-focus', { detail, bubbles: true, composed: true }));
  }

  private onEditorScroll(): void {
    const view = this.editor.view;
    if (this.mode !== 'split' || !view || !this.preview) return;
    if (this.syncing === 'preview') return void (this.syncing = null);
    const block = view.lineBlockAtHeight(view.scrollDOM.scrollTop);
    const line = view.state.doc.lineAt(block.from).number - 1 + (view.scrollDOM.scrollTop - block.top) / Math.max(block.height, 1);
    const atEnd = view.scrollDOM.scrollTop + view.scrollDOM.clientHeight >= view.scrollDOM.scrollHeight - 2;
    this.syncing = 'editor';
    this.preview.scrollTop = atEnd ? this.preview.scrollHeight : previewTopForLine(this.preview, line);
  }

  private readonly onPreviewScroll = (): void => {
    const view = this.editor.view;
    if (this.mode !== 'split' || !view || !this.preview) return;
    if (this.syncing === 'editor') return void (this.syncing = null);
    const line = lineAtPreviewTop(this.preview);
    const doc = view.state.doc;
    const whole = Math.min(Math.floor(line), doc.lines - 1);
    const block = view.lineBlockAt(doc.line(whole + 1).from);
    this.syncing = 'preview';
    view.scrollDOM.scrollTop = block.top + (line - whole) * block.height;
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'meeting-section': MeetingSection;
  }
}
