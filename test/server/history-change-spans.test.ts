/**
 * The changes between two revisions when the same text is in both as different Yjs items (issue
 * 12 review): a restore re-inserts text, someone retypes letters that were there. What both
 * revisions read the same is `equal`, with the authors of the text as it is in `to`.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { ChangeSpan } from '../../shared/api-types.js';
import { AuthorMap } from '../../shared/author-map.js';
import { spansBetween } from '../../server/history/change-spans.js';

const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** One writer (client 1); `authors` names clock ranges of it. Each step edits, then snapshots. */
const history = (steps: Array<(text: Y.Text) => void>, names: Array<[clock: number, len: number, name: string]>) => {
  const doc = new Y.Doc({ gc: false });
  doc.clientID = 1;
  const text = doc.getText('notes');
  const snapshots = steps.map((step) => {
    doc.transact(() => step(text));
    return Y.snapshot(doc);
  });
  const authors = new AuthorMap();
  for (const [clock, len, name] of names) authors.add(1, clock, len, name);
  return { text, snapshots, authors };
};

const replace = (text: Y.Text, word: string, by: string): void => {
  const at = text.toString().indexOf(word);
  text.delete(at, word.length);
  text.insert(at, by);
};

const sides = (spans: readonly ChangeSpan[]) => ({
  from: spans.filter((s) => s.op !== 'insert').map((s) => s.text).join(''),
  to: spans.filter((s) => s.op !== 'delete').map((s) => s.text).join(''),
});

describe('changes of text both revisions have as different items', () => {
  it('a word replaced and brought back as new items (a restore) is unchanged, with the authors of the text in `to`', () => {
    // "Ship on Friday\n" (Anna, clocks 0-14); Ben makes it "Monday" (clocks 15-20); the restore's
    // minimal edits put back "Fri" (clocks 21-23, Anna's) and keep Ben's "day".
    const { text, snapshots, authors } = history(
      [(t) => t.insert(0, 'Ship on Friday\n'), (t) => replace(t, 'Friday', 'Monday'), (t) => replace(t, 'Mon', 'Fri')],
      [[0, 15, 'Anna'], [15, 6, 'Ben'], [21, 3, 'Anna']],
    );
    const [named, , restored] = snapshots as [Y.Snapshot, Y.Snapshot, Y.Snapshot];
    expect(text.toString()).toBe('Ship on Friday\n');
    expect(spansBetween(text, named, restored, authors)).toEqual([
      { op: 'equal', text: 'Ship on Fri', author: 'Anna' },
      { op: 'equal', text: 'day', author: 'Ben' },
      { op: 'equal', text: '\n', author: 'Anna' },
    ]);
    expect(spansBetween(text, restored, named, authors)).toEqual([
      { op: 'equal', text: 'Ship on Friday\n', author: 'Anna' },
    ]);
  });

  it('of a run of deletions and insertions, only what differs between its ends is changed', () => {
    const { text, snapshots, authors } = history(
      [(t) => t.insert(0, 'Ship on Friday, then abXcd\n'), (t) => (replace(t, 'Friday', 'Monday'), replace(t, 'abXcd', 'abYcd'))],
      [[0, 27, 'Anna'], [27, 11, 'Ben']],
    );
    const [one, two] = snapshots as [Y.Snapshot, Y.Snapshot];
    const forward = spansBetween(text, one, two, authors);
    expect(forward).toEqual([
      { op: 'equal', text: 'Ship on ', author: 'Anna' },
      { op: 'delete', text: 'Fri', author: 'Anna' },
      { op: 'insert', text: 'Mon', author: 'Ben' },
      { op: 'equal', text: 'day', author: 'Ben' },
      { op: 'equal', text: ', then ', author: 'Anna' },
      { op: 'equal', text: 'ab', author: 'Ben' },
      { op: 'delete', text: 'X', author: 'Anna' },
      { op: 'insert', text: 'Y', author: 'Ben' },
      { op: 'equal', text: 'cd', author: 'Ben' },
      { op: 'equal', text: '\n', author: 'Anna' },
    ]);
    expect(sides(forward)).toEqual({ from: 'Ship on Friday, then abXcd\n', to: 'Ship on Monday, then abYcd\n' });
    const backward = spansBetween(text, two, one, authors);
    expect(backward.filter((s) => s.op !== 'equal')).toEqual([
      { op: 'insert', text: 'Fri', author: 'Anna' },
      { op: 'delete', text: 'Mon', author: 'Ben' },
      { op: 'insert', text: 'X', author: 'Anna' },
      { op: 'delete', text: 'Y', author: 'Ben' },
    ]);
    expect(sides(backward)).toEqual({ from: 'Ship on Monday, then abYcd\n', to: 'Ship on Friday, then abXcd\n' });
  });

  it('never splits a character made of two UTF-16 units', () => {
    // 🏽 is D83C DFFD and 🏿 is D83C DFFF: the shared high half stays with its character.
    const { text, snapshots, authors } = history([(t) => t.insert(0, 'ok 👍🏽'), (t) => replace(t, '👍🏽', '👍🏿')], [[0, 7, 'Anna'], [7, 4, 'Ben']]);
    const spans = spansBetween(text, snapshots[0]!, snapshots[1]!, authors);
    expect(spans).toEqual([
      { op: 'equal', text: 'ok ', author: 'Anna' },
      { op: 'equal', text: '👍', author: 'Ben' },
      { op: 'delete', text: '🏽', author: 'Anna' },
      { op: 'insert', text: '🏿', author: 'Ben' },
    ]);
    for (const span of spans) expect(LONE.test(span.text)).toBe(false);
  });
});
