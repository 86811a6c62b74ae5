/**
 * Action items (GUIDE 1.6): list items whose text starts with `[ ]`, `[x]` or `[X]` and a space,
 * with text after it.
 */
import type { Block } from './blocks.js';
import type { IdAssigner } from './ids.js';
import { assigneesIn, dueIn } from './inline.js';
import type { ParsedActionItem, ParsedSection } from './types.js';

// The checkbox, then a space or a tab: `[ ]x` and `[x]` alone are not tasks.
const CHECKBOX = /^\[([ xX])\][ \t]/;

/** The checkbox state of a list item's text: ' ', 'x' or 'X'; null when it has no checkbox. */
export const checkboxOf = (text: string): string | null => CHECKBOX.exec(text)?.[1] ?? null;

/** The action item a block holds, or null (not an item, no checkbox, or an empty placeholder). */
const actionItemOf = (block: Block, section: ParsedSection, ids: IdAssigner): ParsedActionItem | null => {
  if (block.kind !== 'item') return null;
  const mark = checkboxOf(block.text);
  if (mark === null) return null;
  const text = block.text.slice(4).trim();
  if (!text) return null;
  const scan = block.scan.slice(4);
  return {
    // Hashing the text without the checkbox: ticking an item off keeps its id.
    id: ids.next('action', section, text),
    text,
    done: mark !== ' ',
    assignees: assigneesIn(scan),
    due: dueIn(scan),
    section,
    line: block.line,
    checkOffset: block.contentStart + 1,
    offset: block.lineStart,
  };
};

/** The action items of one section, in order. */
export const actionItemsOf = (blocks: Block[], section: ParsedSection, ids: IdAssigner): ParsedActionItem[] => {
  const items: ParsedActionItem[] = [];
  for (const block of blocks) {
    const item = actionItemOf(block, section, ids);
    if (item) items.push(item);
  }
  return items;
};
