/**
 * The minimal character edits that turn a section's current text into a revision's (fast-diff,
 * which never splits a surrogate pair), as operations to apply left to right, and the authors of
 * the text they insert, read from the revision's spans.
 */
import diff from 'fast-diff';
import type { ChangeSpan } from '../../shared/api-types.js';

/** One step, at `index` of the text as changed by the steps before it. */
export type TextEdit = { index: number; delete: number } | { index: number; insert: string; from: number };

/** A run of inserted text and who wrote it. */
export interface AuthoredRun {
  len: number;
  author: string | null;
}

const isHigh = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;
// True when a cut at `at` would separate the two halves of a surrogate pair.
const splitsPair = (text: string, at: number): boolean => at > 0 && at < text.length && isHigh(text.charCodeAt(at - 1)) && isLow(text.charCodeAt(at));

/** The edits from `current` to `target`; `from` of an insertion is its offset in `target`. */
export const editsBetween = (current: string, target: string): TextEdit[] => {
  const edits: TextEdit[] = [];
  let index = 0;
  let from = 0;
  let old = 0;
  for (const [op, text] of diff(current, target)) {
    if (op === diff.EQUAL) {
      index += text.length;
      from += text.length;
      old += text.length;
    } else if (op === diff.DELETE) {
      edits.push({ index, delete: text.length });
      old += text.length;
    } else {
      edits.push({ index, insert: text, from });
      index += text.length;
      from += text.length;
    }
    // fast-diff 1.3.0 keeps pairs whole; should it ever not, one coarse replacement is still right.
    if (splitsPair(current, old) || splitsPair(target, from)) return coarseEdits(current, target);
  }
  return edits;
};

// Common prefix and suffix kept (on pair boundaries), the middle replaced.
const coarseEdits = (current: string, target: string): TextEdit[] => {
  let start = 0;
  while (start < current.length && start < target.length && current[start] === target[start]) start++;
  while (start > 0 && (splitsPair(current, start) || splitsPair(target, start))) start--;
  let end = 0;
  while (end < current.length - start && end < target.length - start && current[current.length - 1 - end] === target[target.length - 1 - end]) end++;
  while (end > 0 && (splitsPair(current, current.length - end) || splitsPair(target, target.length - end))) end--;
  const edits: TextEdit[] = [];
  if (current.length - end > start) edits.push({ index: start, delete: current.length - end - start });
  if (target.length - end > start) edits.push({ index: start, insert: target.slice(start, target.length - end), from: start });
  return edits;
};

/** Applies edits to a string (what they do to a Y.Text, for checks). */
export const applyEdits = (text: string, edits: readonly TextEdit[]): string => {
  let result = text;
  for (const edit of edits) {
    result = 'delete' in edit ? result.slice(0, edit.index) + result.slice(edit.index + edit.delete) : result.slice(0, edit.index) + edit.insert + result.slice(edit.index);
  }
  return result;
};

/** The text of a revision's section from its spans (every span but `delete` ones). */
export const textOfSpans = (spans: readonly ChangeSpan[]): string =>
  spans
    .filter((span) => span.op !== 'delete')
    .map((span) => span.text)
    .join('');

/** Who wrote `len` characters from `offset` of the text the spans make up, as runs in order. */
export const authorsAt = (spans: readonly ChangeSpan[], offset: number, len: number): AuthoredRun[] => {
  const runs: AuthoredRun[] = [];
  let at = 0;
  const end = offset + len;
  for (const span of spans) {
    if (span.op === 'delete') continue;
    const [start, stop] = [Math.max(at, offset), Math.min(at + span.text.length, end)];
    if (stop > start) {
      const last = runs.at(-1);
      if (last && last.author === span.author) last.len += stop - start;
      else runs.push({ len: stop - start, author: span.author });
    }
    at += span.text.length;
    if (at >= end) break;
  }
  const covered = runs.reduce((sum, run) => sum + run.len, 0);
  if (covered < len) runs.push({ len: len - covered, author: null });
  return runs;
};
