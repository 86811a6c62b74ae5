/**
 * Decisions (GUIDE 1.6): list items under a `Decision(s)` heading, until the next heading of the
 * same or a higher level; and anywhere, a line or list item starting with `Decision:` or `Decided:`.
 */
import type { Block } from './blocks.js';
import { checkboxOf } from './action-items.js';
import type { IdAssigner } from './ids.js';
import { EMPHASIS, stripEmphasis } from './inline.js';
import type { ParsedDecision, ParsedSection } from './types.js';

const LABEL_WORD = /^(?:decisions?|decided)/i;
const SCOPE_TITLE = /^decisions?[ \t]*:?$/i;

/** The emphasis marker `text` starts with at `at`, or ''. */
const emphasisAt = (text: string, at: number): string => EMPHASIS.find((marker) => text.startsWith(marker, at)) ?? '';

/**
 * What follows a leading `Decision:` / `Decisions:` / `Decided:` label (bold or not:
 * `**Decision:**`, `**Decision**:`), or null without one.
 */
export const afterDecisionLabel = (text: string): string | null => {
  const open = emphasisAt(text, 0);
  const word = LABEL_WORD.exec(text.slice(open.length, open.length + 9));
  if (!word) return null;
  let at = open.length + word[0].length;
  if (open && text.startsWith(open, at)) at += open.length;
  while (text[at] === ' ' || text[at] === '\t') at++;
  if (text[at] !== ':') return null;
  at++;
  // The closing marker may follow the colon (`**Decision:**`), but only if one was opened.
  if (open && text.startsWith(open, at) && !text.slice(open.length, at).includes(open)) at += open.length;
  return text.slice(at).trim();
};

/** Whether a heading opens a decisions scope: `Decision`, `Decisions:`, `**DECISIONS**`… */
const isScopeTitle = (text: string): boolean => {
  let title = text.trim();
  if (title.endsWith(':')) title = title.slice(0, -1).trimEnd();
  return SCOPE_TITLE.test(stripEmphasis(title));
};

/** Tracks whether the current line is inside a decisions heading or a `Decisions:` paragraph's list. */
interface Scope {
  /** The level of the open `Decision(s)` heading, or 0. */
  headingLevel: number;
  /** A paragraph line `Decisions:` opened the list that follows it. */
  afterLabel: boolean;
}

/** Moves the scope past a block; returns whether the block itself is inside a scope. */
const advanceScope = (scope: Scope, block: Block): boolean => {
  if (block.kind === 'heading') {
    if (scope.headingLevel && block.level <= scope.headingLevel) scope.headingLevel = 0;
    if (isScopeTitle(block.text)) scope.headingLevel = block.level;
    scope.afterLabel = false;
    return false;
  }
  if (block.kind === 'rule' || (block.kind === 'text' && block.depth === 0)) scope.afterLabel = false;
  if (block.kind === 'text' && block.depth === 0 && isScopeTitle(block.text)) {
    scope.afterLabel = true;
    return false;
  }
  return scope.headingLevel > 0 || scope.afterLabel;
};

/** The decision text of a block, or null. */
const decisionText = (block: Block, inScope: boolean): string | null => {
  if (block.kind === 'blank' || block.kind === 'rule') return null;
  const labelled = afterDecisionLabel(block.text);
  if (labelled !== null) return labelled || null;
  // Inside a scope only list items count, and a task is an action item, not a decision.
  if (!inScope || block.kind !== 'item' || checkboxOf(block.text) !== null) return null;
  return block.text.trim() || null;
};

/** The decisions of one section, in order. */
export const decisionsOf = (blocks: Block[], section: ParsedSection, ids: IdAssigner): ParsedDecision[] => {
  const scope: Scope = { headingLevel: 0, afterLabel: false };
  const decisions: ParsedDecision[] = [];
  for (const block of blocks) {
    const text = decisionText(block, advanceScope(scope, block));
    if (text) decisions.push({ id: ids.next('decision', section, text), text, section, line: block.line, offset: block.lineStart });
  }
  return decisions;
};
