/**
 * Folding the changes of a section: changes shown with two lines of context, long unchanged runs
 * folded with their line count, and nothing lost (the blocks joined give the spans back).
 */
import { describe, expect, it } from 'vitest';
import type { ChangeSpan } from '../../shared/api-types.js';
import { foldChanges, hasChanges, type ChangeBlock } from '../../client/lib/change-folding.js';

const eq = (text: string): ChangeSpan => ({ op: 'equal', text, author: null });
const ins = (text: string, author = 'Bob'): ChangeSpan => ({ op: 'insert', text, author });
const del = (text: string, author = 'Alice'): ChangeSpan => ({ op: 'delete', text, author });

/** `n` numbered lines from `from`, each ending in `eol`. */
const lines = (from: number, n: number, eol = '\n'): string => Array.from({ length: n }, (_, i) => `line ${from + i}${eol}`).join('');

/** A readable outline of blocks: shown text with [+ins] and [-del], folds as "~N~". */
const outline = (blocks: ChangeBlock[]): string[] =>
  blocks.map((b) => (b.kind === 'folded' ? `~${b.lines}~` : b.spans.map((s) => (s.op === 'equal' ? s.text : s.op === 'insert' ? `[+${s.text}]` : `[-${s.text}]`)).join('')));

/** The text of the blocks joined. */
const textOf = (blocks: ChangeBlock[]): string => blocks.flatMap((b) => b.spans.map((s) => s.text)).join('');

describe('folding the changes of a section', () => {
  it('shows two lines around a change in the middle and folds the runs before and after', () => {
    const spans = [eq(lines(1, 20) + 'line 21 was '), del('old'), ins('new'), eq('\n' + lines(22, 40))];
    const blocks = foldChanges(spans);
    expect(outline(blocks)).toEqual(['~18~', 'line 19\nline 20\nline 21 was [-old][+new]\nline 22\nline 23\n', '~38~']);
    expect(blocks.map((b) => b.kind)).toEqual(['folded', 'shown', 'folded']);
    expect(textOf(blocks)).toBe(spans.map((s) => s.text).join(''));
    // The folded runs hold the unchanged text they hide, to expand in place.
    expect(textOf([blocks[0]])).toBe(lines(1, 18));
    expect(textOf([blocks[2]])).toBe(lines(24, 38));
  });

  it('keeps the authors of the spans it splits', () => {
    const spans: ChangeSpan[] = [{ op: 'equal', text: lines(1, 10), author: 'Carol' }, ins('x\n')];
    const blocks = foldChanges(spans);
    expect(blocks[0]).toEqual({ kind: 'folded', lines: 8, spans: [{ op: 'equal', text: lines(1, 8), author: 'Carol' }] });
    expect(blocks[1]).toEqual({ kind: 'shown', spans: [{ op: 'equal', text: lines(9, 2), author: 'Carol' }, { op: 'insert', text: 'x\n', author: 'Bob' }] });
  });

  it('a change on the very first line: no fold before it', () => {
    const blocks = foldChanges([ins('# Title\n'), eq(lines(1, 30))]);
    expect(outline(blocks)).toEqual(['[+# Title\n]line 1\nline 2\n', '~28~']);
  });

  it('a change on the very last line, without a final newline: no fold after it', () => {
    const blocks = foldChanges([eq(lines(1, 30) + 'end'), del(' here')]);
    expect(outline(blocks)).toEqual(['~28~', 'line 29\nline 30\nend[- here]']);
  });

  it('changes closer than twice the context share their context: one shown block', () => {
    // Changes on lines 10 and 14: lines 11 to 13 are within two lines of one or the other.
    const spans = [eq(lines(1, 9)), ins('ten\n'), eq(lines(11, 3)), ins('fourteen\n'), eq(lines(15, 10))];
    expect(outline(foldChanges(spans))).toEqual(['~7~', `line 8\nline 9\n[+ten\n]${lines(11, 3)}[+fourteen\n]line 15\nline 16\n`, '~8~']);
  });

  it('a gap shorter than a fold is shown, a gap of a fold is folded between two changes', () => {
    // Changes on lines 1 and 8: lines 4 and 5 are out of context but only two lines: shown.
    const close = [ins('a\n'), eq(lines(2, 6)), ins('h\n'), eq('line 9\n')];
    expect(outline(foldChanges(close))).toEqual([`[+a\n]${lines(2, 6)}[+h\n]line 9\n`]);
    // Changes on lines 1 and 9: lines 4 to 6 are three lines: folded.
    const apart = [ins('a\n'), eq(lines(2, 7)), ins('i\n')];
    expect(outline(foldChanges(apart))).toEqual(['[+a\n]line 2\nline 3\n', '~3~', 'line 7\nline 8\n[+i\n]']);
  });

  it('counts CRLF lines as lines and never splits a "\\r\\n"', () => {
    const spans = [eq(lines(1, 10, '\r\n')), del('gone\r\n'), eq(lines(12, 10, '\r\n'))];
    const blocks = foldChanges(spans);
    expect(outline(blocks)).toEqual(['~8~', 'line 9\r\nline 10\r\n[-gone\r\n]line 12\r\nline 13\r\n', '~8~']);
    for (const block of blocks) for (const span of block.spans) expect(span.text.startsWith('\n')).toBe(false);
    expect(textOf(blocks)).toBe(spans.map((s) => s.text).join(''));
  });

  it('a section of only insertions is shown whole', () => {
    const spans = [ins(lines(1, 50))];
    expect(foldChanges(spans)).toEqual([{ kind: 'shown', spans }]);
    expect(hasChanges(spans)).toBe(true);
  });

  it('an unchanged section is one fold of all its lines; an empty one has no blocks', () => {
    const spans = [eq(lines(1, 5)), eq('last line')];
    expect(foldChanges(spans)).toEqual([{ kind: 'folded', lines: 6, spans }]);
    expect(hasChanges(spans)).toBe(false);
    expect(foldChanges([])).toEqual([]);
    expect(foldChanges([eq(''), ins('')])).toEqual([]);
    expect(hasChanges([eq('x'), ins('')])).toBe(false);
  });

  it('a multi-line deletion shows context around all of its lines', () => {
    const spans = [eq(lines(1, 10)), del(lines(100, 5)), eq(lines(11, 10))];
    expect(outline(foldChanges(spans))).toEqual(['~8~', `line 9\nline 10\n[-${lines(100, 5)}]line 11\nline 12\n`, '~8~']);
  });

  it('an inserted line break at the end of a line shows the lines on both sides', () => {
    const spans = [eq(lines(1, 9) + 'line 10'), ins('\nnew line'), eq('\n' + lines(11, 9))];
    expect(outline(foldChanges(spans))).toEqual(['~7~', `line 8\nline 9\nline 10[+\nnew line]\nline 11\nline 12\n`, '~7~']);
  });

  it('takes other context and fold sizes', () => {
    const spans = [eq(lines(1, 6)), ins('x\n'), eq(lines(8, 6))];
    expect(outline(foldChanges(spans, { context: 0, minFold: 1 }))).toEqual(['~6~', '[+x\n]', '~6~']);
    expect(outline(foldChanges(spans, { context: 5, minFold: 3 }))).toEqual([`${lines(1, 6)}[+x\n]${lines(8, 6)}`]);
  });
});
