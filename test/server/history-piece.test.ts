/**
 * History's storage format, pure: pieces cut from a live (gc on) document replay every revision
 * exactly in a gc-off document, also when the document holds pending structs; thinning keeps every
 * remaining revision exact; the changes between two revisions name who wrote each span.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { AuthorMap } from '../../shared/author-map.js';
import { agendaOf, notesOf } from '../../shared/doc-schema.js';
import { markdownOfDoc } from '../../shared/markdown.js';
import { spansBetween } from '../../server/history/change-spans.js';
import { cutPiece, deleteSetMinus } from '../../server/history/revision-piece.js';
import { decodePiece, encodePiece, type RevisionRecord } from '../../server/history/revision-records.js';
import { foldThinned, revisionsToThin } from '../../server/history/thinning.js';
import { seededRandom, seedFrom } from '../helpers/random.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// A chain of revisions cut from `live` by `cutPiece`, as records.
const chain = (live: Y.Doc) => {
  let head = Y.emptySnapshot;
  const records: RevisionRecord[] = [];
  const exports: string[] = [];
  return {
    records,
    exports,
    cut(at = records.length) {
      const cut = cutPiece(live, head);
      if (cut.empty) return cut;
      head = cut.snapshot;
      records.push({ seq: records.length + 1, at, name: null, kind: 'auto', restoredFrom: null, authors: [], piece: encodePiece(cut.piece) });
      exports.push(markdownOfDoc(live));
      return cut;
    },
  };
};

// Every revision's export, replayed from the records the way history-view.ts does.
const replayExports = (records: readonly RevisionRecord[]): string[] => {
  const view = new Y.Doc({ gc: false });
  const texts = records.map((record) => {
    Y.applyUpdate(view, decodePiece(record.piece));
    const doc = Y.createDocFromSnapshot(view, Y.snapshot(view));
    const text = markdownOfDoc(doc);
    doc.destroy();
    return text;
  });
  view.destroy();
  return texts;
};

// Random typing and deleting by several clients that sync now and then.
const randomEdits = (random: () => number, docs: Y.Doc[], live: Y.Doc, steps: number, cut: () => void): void => {
  for (let step = 0; step < steps; step++) {
    const doc = docs[Math.floor(random() * docs.length)]!;
    const text = random() < 0.3 ? agendaOf(doc) : notesOf(doc);
    if (random() < 0.35 && text.length > 0) {
      const at = Math.floor(random() * text.length);
      text.delete(at, Math.min(text.length - at, 1 + Math.floor(random() * 8)));
    } else text.insert(Math.floor(random() * (text.length + 1)), random() < 0.1 ? '😀\r\n' : 'abcdefgh'.slice(0, 1 + Math.floor(random() * 8)));
    if (random() < 0.3) Y.applyUpdate(live, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(live)));
    if (random() < 0.2) for (const other of docs) Y.applyUpdate(other, Y.encodeStateAsUpdate(live, Y.encodeStateVector(other)));
    if (random() < 0.08) cut();
  }
};

describe('revision pieces', () => {
  it('replaying the pieces cut from a gc document gives every revision exactly, and pieces hold no old deletions', () => {
    const seed = seedFrom(process.env.HISTORY_SEED);
    const random = seededRandom(seed);
    const live = new Y.Doc();
    const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
    const history = chain(live);
    randomEdits(random, docs, live, 600, () => history.cut());
    history.cut();
    expect(history.records.length, `seed ${seed}`).toBeGreaterThan(10);
    expect(replayExports(history.records), `seed ${seed}`).toEqual(history.exports);
    // Nothing changed: no piece (a revision that changes nothing is not kept).
    expect(history.cut().empty).toBe(true);
    // A deletion alone is a change.
    notesOf(live).delete(0, 1);
    const deletion = history.cut();
    expect(deletion.empty).toBe(false);
    expect(deletion.inserted).toEqual([]);
    // Its piece carries only that deletion, not the document's whole delete set.
    const ds = Y.decodeUpdate(deletion.piece).ds;
    expect([...(ds.clients as Map<number, unknown[]>).values()].flat()).toHaveLength(1);
    expect(replayExports(history.records), `seed ${seed}`).toEqual(history.exports);
    for (const doc of [live, ...docs]) doc.destroy();
  });

  it('a document with pending structs (an update whose dependencies are missing) is cut whole, and still replays exactly', () => {
    const writer = new Y.Doc();
    notesOf(writer).insert(0, 'first ');
    const first = Y.encodeStateAsUpdate(writer);
    const before = Y.encodeStateVector(writer);
    notesOf(writer).insert(6, 'second');
    notesOf(writer).delete(0, 2);
    const second = Y.encodeStateAsUpdate(writer, before);
    const live = new Y.Doc();
    agendaOf(live).insert(0, '# Agenda\n');
    const history = chain(live);
    history.cut();
    const headState = Y.encodeStateVector(live);
    // The second update arrives first: Yjs keeps it pending (nothing of it is visible yet).
    Y.applyUpdate(live, second);
    agendaOf(live).insert(9, '1. item\n');
    expect(live.store.pendingStructs).not.toBeNull();
    const pending = history.cut();
    // The structs-only trick would drop the pending part; the whole update keeps it.
    expect(pending.piece).toEqual(Y.encodeStateAsUpdate(live, headState));
    Y.applyUpdate(live, first);
    expect(live.store.pendingStructs).toBeNull();
    expect(notesOf(live).toString()).toBe('rst second');
    history.cut();
    expect(replayExports(history.records)).toEqual(history.exports);
    expect(history.exports.at(-1)).toBe('# Agenda\n1. item\nrst second');
    live.destroy();
    writer.destroy();
  });

  it('the delete-set difference keeps exactly what the head had not deleted', () => {
    const ds = (entries: Array<[number, Array<[number, number]>]>) => {
      const set = Y.createDeleteSet();
      for (const [client, ranges] of entries) (set.clients as Map<number, unknown>).set(client, ranges.map(([clock, len]) => ({ clock, len })));
      return set;
    };
    const plain = (set: Y.Snapshot['ds']) => [...(set.clients as Map<number, Array<{ clock: number; len: number }>>)].map(([client, ranges]) => [client, ranges.map((r) => [r.clock, r.len])]);
    const a = ds([[1, [[0, 10], [20, 5]]], [2, [[3, 2]]]]);
    const b = ds([[1, [[2, 3], [8, 1], [20, 5]]], [3, [[0, 1]]]]);
    expect(plain(deleteSetMinus(a, b))).toEqual([[1, [[0, 2], [5, 3], [9, 1]]], [2, [[3, 2]]]]);
    expect(plain(deleteSetMinus(a, a))).toEqual([]);
  });
});
