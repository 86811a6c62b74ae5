/**
 * Find and replace, go to line, and selection-match highlighting for the section editors, with
 * @codemirror/search loaded the first time one of them is used: the meeting page does not
 * download it before someone searches or selects text. When it cannot be loaded (offline before
 * the service worker kept it), the editor says so and the keys go to the browser again.
 */
import { StateEffect, StateField, type Extension } from '@codemirror/state';
import { EditorView, ViewPlugin, keymap, showPanel, type Command, type KeyBinding, type Panel } from '@codemirror/view';

type SearchModule = typeof import('@codemirror/search');
type CommandName = 'openSearchPanel' | 'findNext' | 'findPrevious' | 'closeSearchPanel' | 'selectSelectionMatches' | 'gotoLine' | 'selectNextOccurrence';

/** What the editor says when the search module cannot be loaded. */
export const SEARCH_UNAVAILABLE = "Search could not be loaded (offline?). Press the key again for the browser's own search.";

const setUnavailable = StateEffect.define<boolean>();

const unavailablePanel = (): Panel => {
  const dom = document.createElement('div');
  dom.className = 'cm-search-unavailable';
  dom.setAttribute('role', 'status');
  dom.textContent = SEARCH_UNAVAILABLE;
  return { dom };
};

// Whether the editor shows SEARCH_UNAVAILABLE: until the next edit, Escape, or a load that works.
const unavailable = StateField.define<boolean>({
  create: () => false,
  update(value, tr) {
    for (const effect of tr.effects) if (effect.is(setUnavailable)) return effect.value;
    return value && !tr.docChanged;
  },
  provide: (field) => showPanel.from(field, (on) => (on ? unavailablePanel : null)),
});

// Per editor: the module once loaded, whether the last load failed, and highlighting once added.
class SearchLoader {
  module: SearchModule | null = null;
  failed = false;
  #loading: Promise<SearchModule | null> | null = null;
  #highlighting = false;

  constructor(private readonly view: EditorView) {}

  /** Loads the module (once; again after a failure). `loud`: a key asked, so a failure is said. */
  load(loud: boolean): Promise<SearchModule | null> {
    this.#loading ??= import('@codemirror/search').then(
      (search: SearchModule) => {
        this.module = search;
        this.failed = false;
        this.highlight();
        if (this.view.dom.isConnected && this.view.state.field(unavailable, false)) this.view.dispatch({ effects: setUnavailable.of(false) });
        return search;
      },
      (error: unknown) => {
        this.#loading = null;
        this.failed = true;
        if (loud && this.view.dom.isConnected) this.view.dispatch({ effects: setUnavailable.of(true) });
        else console.warn('meetpad: search could not be loaded', error);
        return null;
      },
    );
    return this.#loading;
  }

  /** Adds selection-match highlighting, once the module is there (a no-op before). */
  highlight(): void {
    if (this.#highlighting || !this.module || !this.view.dom.isConnected) return;
    this.#highlighting = true;
    this.view.dispatch({ effects: StateEffect.appendConfig.of(this.module.highlightSelectionMatches()) });
  }

  // Adds highlighting the first time the selection is not empty (loading the module quietly).
  update(update: { selectionSet: boolean; state: { selection: { main: { empty: boolean } } } }): void {
    if (this.#highlighting || this.#loading || this.failed || !update.selectionSet || update.state.selection.main.empty) return;
    void this.load(false);
  }
}

const searchLoader = ViewPlugin.fromClass(SearchLoader);

// Once loaded, the command's own answer. Before, the key is taken and the command runs once the
// module is there, unless it would do nothing (`idle`). After a failed load the key goes to the
// browser, and the module is asked for again for the next key.
const later =
  (name: CommandName, idle: (view: EditorView) => boolean = () => false): Command =>
  (view) => {
    const loader = view.plugin(searchLoader);
    if (!loader) return false;
    if (loader.module) return loader.module[name](view);
    if (loader.failed) {
      void loader.load(false);
      return false;
    }
    if (idle(view)) return false;
    void loader.load(true).then((search) => {
      if (search && view.dom.isConnected) search[name](view);
    });
    return true;
  };

const panelOpen = (view: EditorView): boolean => view.dom.querySelector('.cm-search') !== null;

// Escape closes the search panel, or the SEARCH_UNAVAILABLE line; otherwise it is not ours.
const escape: Command = (view) => {
  if (view.state.field(unavailable, false)) {
    view.dispatch({ effects: setUnavailable.of(false) });
    return true;
  }
  return panelOpen(view) && later('closeSearchPanel')(view);
};

/** @codemirror/search's `searchKeymap`, the same keys and scopes, each loading the module on use. */
export const lazySearchKeymap: readonly KeyBinding[] = [
  { key: 'Mod-f', run: later('openSearchPanel'), scope: 'editor search-panel' },
  { key: 'F3', run: later('findNext'), shift: later('findPrevious'), scope: 'editor search-panel', preventDefault: true },
  { key: 'Mod-g', run: later('findNext'), shift: later('findPrevious'), scope: 'editor search-panel', preventDefault: true },
  { key: 'Escape', run: escape, scope: 'editor search-panel' },
  { key: 'Mod-Shift-l', run: later('selectSelectionMatches', (view) => view.state.selection.ranges.length > 1 || view.state.selection.main.empty) },
  { key: 'Mod-Alt-g', run: later('gotoLine') },
  { key: 'Mod-d', run: later('selectNextOccurrence'), preventDefault: true },
];

/** The lazy search keys plus selection-match highlighting on first selection. */
export const lazySearch = (): Extension => [keymap.of(lazySearchKeymap), searchLoader, unavailable];
