/** The CodeMirror 6 extensions of a section editor (no `codemirror` meta package). */
import { EditorState, type Extension } from '@codemirror/state';
import {
  EditorView,
  drawSelection,
  dropCursor,
  highlightActiveLine,
  highlightSpecialChars,
  keymap,
  placeholder,
} from '@codemirror/view';
import { defaultKeymap, indentWithTab } from '@codemirror/commands';
import { HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { lazySearch } from './lazy-search.js';
import { markdownSupport } from './markdown-language.js';

/** What a section editor is bound to. */
export interface EditorOptions {
  ytext: Y.Text;
  awareness: Awareness;
  readOnly: boolean;
  label: string;
  hint: string;
  undoManager: Y.UndoManager | false;
  onFocusChange: (focused: boolean) => void;
  onScroll: () => void;
}

const theme = EditorView.theme({
  '&': { height: '100%', fontSize: '0.95rem', backgroundColor: 'var(--editor-bg, #fff)' },
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.55', overflow: 'auto' },
  '.cm-content': { padding: '0.75rem 0', caretColor: 'var(--text)' },
  '.cm-line': { padding: '0 1rem' },
  '.cm-activeLine': { backgroundColor: 'var(--active-line, #f5f7fb)' },
  '.cm-ySelectionInfo': {
    opacity: 1,
    fontFamily: 'var(--sans)',
    fontSize: '0.7rem',
    fontWeight: '600',
    padding: '1px 4px',
    borderRadius: '3px 3px 3px 0',
    top: '-1.35em',
  },
  '.cm-ySelectionCaret': { borderLeftWidth: '2px' },
  '.cm-placeholder': { color: 'var(--muted)' },
});

// Markdown source as HackMD shows it: headings bold and coloured (not underlined), quiet marks.
const markdownHighlight = HighlightStyle.define([
  { tag: tags.heading1, fontWeight: '700', fontSize: '1.15em', color: 'var(--heading, #1d4ed8)' },
  { tag: tags.heading2, fontWeight: '700', fontSize: '1.08em', color: 'var(--heading, #1d4ed8)' },
  { tag: [tags.heading3, tags.heading4, tags.heading5, tags.heading6], fontWeight: '700', color: 'var(--heading, #1d4ed8)' },
  { tag: tags.strong, fontWeight: '700' },
  { tag: tags.emphasis, fontStyle: 'italic' },
  { tag: tags.strikethrough, textDecoration: 'line-through' },
  { tag: [tags.link, tags.url], color: 'var(--link, #2563eb)' },
  { tag: tags.monospace, color: 'var(--code, #b45309)' },
  { tag: tags.quote, color: 'var(--muted, #64748b)', fontStyle: 'italic' },
  { tag: [tags.processingInstruction, tags.contentSeparator, tags.list], color: 'var(--muted, #64748b)' },
  // Inside fenced code blocks whose language has loaded.
  { tag: [tags.keyword, tags.operatorKeyword, tags.modifier], color: 'var(--code-keyword, #7c3aed)' },
  { tag: [tags.string, tags.regexp, tags.attributeValue], color: 'var(--code-string, #047857)' },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: 'var(--code-number, #b45309)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: 'var(--muted, #64748b)', fontStyle: 'italic' },
  { tag: [tags.typeName, tags.className, tags.tagName], color: 'var(--code-type, #0e7490)' },
  { tag: [tags.propertyName, tags.attributeName], color: 'var(--code-property, #9d174d)' },
]);

/** The extensions for one section editor. */
export const editorExtensions = (options: EditorOptions): Extension[] => [
  highlightSpecialChars(),
  drawSelection(),
  dropCursor(),
  highlightActiveLine(),
  indentOnInput(),
  lazySearch(),
  syntaxHighlighting(markdownHighlight),
  markdownSupport(),
  EditorView.lineWrapping,
  keymap.of([...yUndoManagerKeymap, ...defaultKeymap, indentWithTab]),
  placeholder(options.hint),
  EditorView.contentAttributes.of({ 'aria-label': options.label }),
  EditorState.readOnly.of(options.readOnly),
  EditorView.editable.of(!options.readOnly),
  yCollab(options.ytext, options.awareness, { undoManager: options.undoManager }),
  EditorView.updateListener.of((update) => {
    if (update.focusChanged) options.onFocusChange(update.view.hasFocus);
  }),
  EditorView.domEventHandlers({ scroll: () => options.onScroll() }),
  theme,
];
