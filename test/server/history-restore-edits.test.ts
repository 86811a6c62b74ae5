/**
 * The edits a restore makes: applied to a Y.Text they turn any text into the revision's, keep what
 * both share (minimal, not a rewrite), never cut an emoji in half, and the inserted text is
 * attributed to its authors in the revision.
 */
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import type { ChangeSpan } from '../../shared/api-types.js';
import { applyEdits, authorsAt, editsBetween, textOfSpans } from '../../server/history/restore-edits.js';
import { seededRandom, seedFrom } from '../helpers/random.js';

const ALPHABET = ['a', 'b', ' ', '\n', '- ', 'é', '😀', '👍🏽', '𝒳', '中'];
const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const randomText = (random: () => number, length: number): string => Array.from({ length }, () => ALPHABET[Math.floor(random() * ALPHABET.length)]).join('');

// Applies the edits to a real Y.Text, checking each inserted piece and each cut is whole.
const applyToYText = (current: string, target: string): string => {
  const doc = new Y.Doc();
  const text = doc.getText('notes');
  text.insert(0, current);
  const edits = editsBetween(current, target);
  doc.transact(() => {
    for (const edit of edits) {
      if ('delete' in edit) {
        const removed = text.toString().slice(edit.index, edit.index + edit.delete);
        expect(LONE.test(removed), `deleted ${JSON.stringify(removed)}`).toBe(false);
        text.delete(edit.index, edit.delete);
      } else {
        expect(LONE.test(edit.insert), `inserted ${JSON.stringify(edit.insert)}`).toBe(false);
        expect(edit.insert).toBe(target.slice(edit.from, edit.from + edit.insert.length));
        text.insert(edit.index, edit.insert);
      }
    }
  });
  const result = text.toString();
  doc.destroy();
  return result;
};

describe('restore edits', () => {
  test('random texts with emoji and astral characters become the target exactly, on a Y.Text too', () => {
    const seed = seedFrom(process.env.SEED);
    const random = seededRandom(seed);
    for (let round = 0; round < 300; round++) {
      const current = randomText(random, Math.floor(random() * 40));
      const target = randomText(random, Math.floor(random() * 40));
      expect(applyEdits(current, editsBetween(current, target)), `seed ${seed} round ${round}`).toBe(target);
      expect(applyToYText(current, target), `seed ${seed} round ${round}`).toBe(target);
    }
  });

  test('the edits are minimal: a word changed in a long text deletes and inserts only that word', () => {
    const before = '# Notes\n\n- Ship on Friday, after the review 😀\n- Ask Ben\n';
    const after = '# Notes\n\n- Ship on Monday, after the review 😀\n- Ask Ben\n';
    const edits = editsBetween(before, after);
    const deleted = edits.reduce((sum, edit) => sum + ('delete' in edit ? edit.delete : 0), 0);
    const inserted = edits.reduce((sum, edit) => sum + ('insert' in edit ? edit.insert.length : 0), 0);
    expect(deleted).toBeLessThanOrEqual('Friday'.length);
    expect(inserted).toBeLessThanOrEqual('Monday'.length);
    expect(applyEdits(before, edits)).toBe(after);
    expect(editsBetween(after, after)).toEqual([]);
  });

  test('one emoji replaced by another sharing its high surrogate is replaced whole', () => {
    // 😀 is D83D DE00 and 😁 is D83D DE01: a naive diff keeps D83D and swaps the low halves.
    for (const [current, target] of [['a😀b', 'a😁b'], ['😀', '😁'], ['x👍🏽', 'x👍🏿']]) {
      for (const edit of editsBetween(current!, target!)) if ('insert' in edit) expect(LONE.test(edit.insert)).toBe(false);
      expect(applyToYText(current!, target!)).toBe(target);
    }
  });

  test('the authors of inserted text come from the revision spans, split where the author changes', () => {
    const spans: ChangeSpan[] = [
      { op: 'equal', text: 'Hello ', author: 'Anna' },
      { op: 'delete', text: 'gone', author: 'Cleo' },
      { op: 'insert', text: 'big ', author: 'Ben' },
      { op: 'equal', text: 'world', author: null },
    ];
    expect(textOfSpans(spans)).toBe('Hello big world');
    expect(authorsAt(spans, 4, 6)).toEqual([
      { len: 2, author: 'Anna' },
      { len: 4, author: 'Ben' },
    ]);
    expect(authorsAt(spans, 10, 5)).toEqual([{ len: 5, author: null }]);
    expect(authorsAt(spans, 0, 15).reduce((sum, run) => sum + run.len, 0)).toBe(15);
  });
});
