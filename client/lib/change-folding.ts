/**
 * How the changes of one section read like a good diff: lines near a change are shown, long runs
 * of unchanged lines between them are folded into one block that the view can expand in place.
 * Pure: spans in, display blocks out; the blocks' texts joined are the spans' texts joined.
 */
import type { ChangeSpan } from '../../shared/api-types.js';

/** A run of spans shown as they are, or a run of unchanged lines folded away. */
export type ChangeBlock = { kind: 'shown'; spans: ChangeSpan[] } | { kind: 'folded'; lines: number; spans: ChangeSpan[] };

/** How much stays visible around each change. */
export interface FoldOptions {
  /** Unchanged lines shown before and after each changed line. */
  context: number;
  /** A run of fewer hidden lines than this is shown instead: a fold as tall as its text saves nothing. */
  minFold: number;
}

/** Two lines of context, folds of at least three lines. */
export const DEFAULT_FOLD: FoldOptions = { context: 2, minFold: 3 };

/** True when some span inserts or deletes text. */
export const hasChanges = (spans: readonly ChangeSpan[]): boolean => spans.some((s) => s.op !== 'equal' && s.text !== '');

/** Offsets where each line starts; a line ends after its "\n" (so "\r\n" stays whole), a final "\n" opens no line. */
const lineStarts = (text: string): number[] => {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1 && i + 1 < text.length; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
};

/** The line holding offset `at`: the last start at or before it. */
const lineAt = (starts: readonly number[], at: number): number => {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
};

/** The spans' pieces that lie within [from, to) of the joined text, split at both ends. */
const sliceSpans = (spans: readonly ChangeSpan[], offsets: readonly number[], from: number, to: number): ChangeSpan[] => {
  const out: ChangeSpan[] = [];
  spans.forEach((span, i) => {
    const start = Math.max(from, offsets[i]);
    const end = Math.min(to, offsets[i] + span.text.length);
    if (start < end) out.push({ ...span, text: span.text.slice(start - offsets[i], end - offsets[i]) });
  });
  return out;
};

/** The display blocks of one section's spans: all folded when nothing changed, else changes with context. */
export const foldChanges = (spans: readonly ChangeSpan[], options: FoldOptions = DEFAULT_FOLD): ChangeBlock[] => {
  const offsets: number[] = [];
  let text = '';
  for (const span of spans) {
    offsets.push(text.length);
    text += span.text;
  }
  if (text === '') return [];
  const starts = lineStarts(text);
  const count = starts.length;
  // Which lines are shown: those within `context` of a line that an insertion or deletion touches.
  const shown = new Array<boolean>(count).fill(false);
  spans.forEach((span, i) => {
    if (span.op === 'equal' || span.text === '') return;
    const first = Math.max(lineAt(starts, offsets[i]) - options.context, 0);
    const last = Math.min(lineAt(starts, offsets[i] + span.text.length - 1) + options.context, count - 1);
    for (let line = first; line <= last; line++) shown[line] = true;
  });
  const blocks: ChangeBlock[] = [];
  const startOf = (line: number): number => (line < count ? starts[line] : text.length);
  const push = (kind: 'shown' | 'folded', from: number, to: number): void => {
    const pieces = sliceSpans(spans, offsets, startOf(from), startOf(to));
    const last = blocks.at(-1);
    if (kind === 'shown' && last?.kind === 'shown') last.spans.push(...pieces);
    else blocks.push(kind === 'shown' ? { kind, spans: pieces } : { kind, lines: to - from, spans: pieces });
  };
  // Walk runs of equally shown lines; a hidden run too short to fold is shown.
  for (let line = 0; line < count; ) {
    let end = line;
    while (end < count && shown[end] === shown[line]) end++;
    push(shown[line] || end - line < options.minFold ? 'shown' : 'folded', line, end);
    line = end;
  }
  return blocks;
};
