/**
 * Find and replace, go to line, and selection-match highlighting for the section editors, with
 * @codemirror/search loaded the first time one of them is used: the meeting page does not
 * download it before someone searches or selects text.
 */
import { StateEffect, type Extension } from '@codemirror/state';
import { EditorView, ViewPlugin, keymap, type Command, type KeyBinding } from '@codemirror/view';

type SearchModule = typeof import('@codemirror/search');
type CommandName = 'openSearchPanel' | 'findNext' | 'findPrevious' | 'closeSearchPanel' | 'selectSelectionMatches' | 'gotoLine' | 'selectNextOccurrence';

// The key is handled at once; the command runs when the module is there (a microtask once loaded).
const later = (name: CommandName): Command => (view) => {
  void import('@codemirror/search').then((search: SearchModule) => {
    if (view.dom.isConnected) search[name](view);
  });
  return true;
};

const panelOpen = (view: EditorView): boolean => view.dom.querySelector('.cm-search') !== null;

/** @codemirror/search's `searchKeymap`, the same keys and scopes, each loading the module on use. */
export const lazySearchKeymap: readonly KeyBinding[] = [
  { key: 'Mod-f', run: later('openSearchPanel'), scope: 'editor search-panel' },
  { key: 'F3', run: later('findNext'), shift: later('findPrevious'), scope: 'editor search-panel', preventDefault: true },
  { key: 'Mod-g', run: later('findNext'), shift: later('findPrevious'), scope: 'editor search-panel', preventDefault: true },
  { key: 'Escape', run: (view) => panelOpen(view) && later('closeSearchPanel')(view), scope: 'editor search-panel' },
  { key: 'Mod-Shift-l', run: later('selectSelectionMatches') },
  { key: 'Mod-Alt-g', run: later('gotoLine') },
  { key: 'Mod-d', run: later('selectNextOccurrence'), preventDefault: true },
];

// Adds highlightSelectionMatches() to its editor the first time the selection is not empty.
const selectionMatchesOnDemand = ViewPlugin.fromClass(
  class {
    private requested = false;
    update(update: { view: EditorView; selectionSet: boolean; state: { selection: { main: { empty: boolean } } } }): void {
      if (this.requested || !update.selectionSet || update.state.selection.main.empty) return;
      this.requested = true;
      const view = update.view;
      void import('@codemirror/search').then((search: SearchModule) => {
        if (view.dom.isConnected) view.dispatch({ effects: StateEffect.appendConfig.of(search.highlightSelectionMatches()) });
      });
    }
  },
);

/** The lazy search keys plus selection-match highlighting on first selection. */
export const lazySearch = (): Extension => [keymap.of(lazySearchKeymap), selectionMatchesOnDemand];
