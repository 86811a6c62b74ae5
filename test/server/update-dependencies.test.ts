/**
 * What an update waits for: a check that finds a missing dependency names it, so a held update is
 * decoded again only once the document holds it (anyone's keystroke would otherwise re-decode
 * every held update of the room).
 */
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { checkUpdate, dependencyMet } from '../../server/collab/update-check.js';

const chain = () => {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  return { doc, updates };
};

describe('missing dependencies', () => {
  test('a clock jump, an insertion next to unknown text and a deletion of unknown text each name what they need', () => {
    const server = new Y.Doc();
    const { doc, updates } = chain();
    doc.getText('notes').insert(0, 'abc'); // 0: client:0..2
    doc.getText('notes').insert(3, 'def'); // 1: origin client:2, clock 3..5
    doc.getText('notes').delete(0, 2); // 2: deletes client:0..1

    const jump = checkUpdate(updates[1]!, server);
    expect(jump).toMatchObject({ ok: false, problem: 'missing-dependencies', needs: { client: doc.clientID, clock: 3 } });

    // The same insertion as a fresh client's edit next to text the server lacks.
    const other = new Y.Doc();
    Y.applyUpdate(other, updates[0]!);
    const before = Y.encodeStateVector(other);
    other.getText('notes').insert(3, 'x');
    const insertion = checkUpdate(Y.encodeStateAsUpdate(other, before), server);
    expect(insertion).toMatchObject({ ok: false, needs: { client: doc.clientID, clock: 3 } });

    const deletion = checkUpdate(updates[2]!, server);
    expect(deletion).toMatchObject({ ok: false, needs: { client: doc.clientID, clock: 2 } });

    for (const check of [jump, insertion, deletion]) if (!check.ok) expect(dependencyMet(server, check.needs!)).toBe(false);
    Y.applyUpdate(server, updates[0]!);
    for (const check of [jump, insertion, deletion]) if (!check.ok) expect(dependencyMet(server, check.needs!)).toBe(true);
    expect(checkUpdate(updates[1]!, server).ok).toBe(true);
  });
});
