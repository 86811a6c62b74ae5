/**
 * mergeMany (server/collab/merge-updates.ts) gives one update holding exactly what the updates it
 * merges hold, in groups and groups of groups, whatever their number and order of arrival.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MERGE_GROUP, mergeMany } from '../../server/collab/merge-updates.js';
import { mulberry32 } from '../hostile/hostile-helpers.js';

/** Keystrokes of two typists on one text (inserts and deletions), one update each. */
const keystrokes = (count: number, seed: number): Uint8Array[] => {
  const random = mulberry32(seed);
  const [a, b] = [new Y.Doc(), new Y.Doc()];
  const updates: Uint8Array[] = [];
  for (const doc of [a, b]) doc.on('update', (update: Uint8Array, origin: unknown) => origin !== 'peer' && updates.push(update));
  for (let i = 0; i < count; i++) {
    const [doc, other] = random() < 0.5 ? [a, b] : [b, a];
    const text = doc.getText('notes');
    if (text.length > 0 && random() < 0.2) text.delete(Math.floor(random() * text.length), 1);
    else text.insert(Math.floor(random() * (text.length + 1)), String.fromCharCode(97 + (i % 26)));
    Y.applyUpdate(other, updates[updates.length - 1]!, 'peer');
  }
  return updates;
};

const stateOf = (update: Uint8Array): { text: string; stateVector: number[] } => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return { text: doc.getText('notes').toString(), stateVector: [...Y.encodeStateVector(doc)] };
};

describe('merging many updates', () => {
  it.each([1, 2, MERGE_GROUP, MERGE_GROUP + 1, MERGE_GROUP * MERGE_GROUP + 3])('%i keystrokes merge into the document they make, deletions included', (count) => {
    const updates = keystrokes(count, count);
    const merged = mergeMany(updates);
    expect(stateOf(merged)).toEqual(stateOf(Y.mergeUpdates(updates)));
    const deleted = Y.decodeUpdate(merged).ds.clients.size;
    expect(deleted).toBe(Y.decodeUpdate(Y.mergeUpdates(updates)).ds.clients.size);
  });

  it('the order in which the updates arrive does not matter (the merge is a set union)', () => {
    const updates = keystrokes(300, 7);
    const shuffled = [...updates].reverse();
    expect(stateOf(mergeMany(shuffled))).toEqual(stateOf(mergeMany(updates)));
  });

  it('a single update is returned as it is', () => {
    const [only] = keystrokes(1, 3);
    expect(mergeMany([only!])).toBe(only);
  });
});
