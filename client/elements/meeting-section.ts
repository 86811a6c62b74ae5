/** One section of a meeting (agenda or notes): a Markdown editor and its live preview. */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import type { SectionName } from '../../shared/doc-schema.js';
import { EditorController } from '../controllers/editor-controller.js';
import { markdownStyles } from '../lib/markdown-styles.js';
import { previewTopForLine, lineAtPreviewTop } from '../lib/scroll-sync.js';

/** How a meeting is shown: source only, source and preview side by side, or preview only. */
export type Mode = 'edit' | 'split' | 'view';

/** Emitted (bubbling, composed) when an editor gains or loses focus. */
export type SectionFocusEvent = CustomEvent<{ section: SectionName; focused: boolean }>;

/** `<meeting-section>`: editor bound to `ytext` plus the sanitised `html` preview. */
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
  @property({ attribute: false }) html = '';

  @query('.editor') private editorHost!: HTMLElement | null;
  @query('.preview') private preview!: HTMLElement | null;

  private syncing: 'editor' | 'preview' | null = null;
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
    return html`
      <div class="bar"><h2 class="bar-title">${this.heading}</h2>${this.readonly ? html`<span class="ro">view only</span>` : nothing}</div>
      <div class="panes" data-mode=${this.mode}>
        <div class="editor" ?hidden=${this.mode === 'view'}></div>
        <article class="preview markdown" ?hidden=${this.mode === 'edit'} aria-label="${this.heading} preview" @scroll=${this.onPreviewScroll}>
          ${this.html ? unsafeHTML(this.html) : html`<p class="empty">Nothing here yet.</p>`}
        </article>
      </div>
    `;
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

  private onFocusChange(focused: boolean): void {
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
