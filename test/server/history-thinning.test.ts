/**
 * Thinning by the documented rule (README "History") and the changes between two revisions: a
 * thinned history still replays every remaining revision exactly, and the spans name who wrote
 * what was inserted and deleted.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { AuthorMap } from '../../shared/author-map.js';
import { notesOf } from '../../shared/doc-schema.js';
import { markdownOfDoc } from '../../shared/markdown.js';
import { spansBetween } from '../../server/history/change-spans.js';
import { cutPiece } from '../../server/history/revision-piece.js';
import { decodePiece, encodePiece, type RevisionKind, type RevisionRecord } from '../../server/history/revision-records.js';
import { foldThinned, revisionsToThin } from '../../server/history/thinning.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 2, 1, 12, 0);

const revision = (seq: number, at: number, kind: RevisionKind = 'auto') => ({ seq, at, kind });

describe('thinning', () => {
  it('keeps recent, named and the newest revisions; older automatic and restore ones one per hour, then one per day', () => {
    const old = Date.UTC(2026, 0, 10, 10, 0); // more than 30 days before NOW
    const twoDays = Date.UTC(2026, 1, 27, 9, 0); // between 24 hours and 30 days
    const revisions = [
      revision(1, old), // same day as 2 and 4: only the latest automatic one of the day stays
      revision(2, old + 5 * HOUR),
      revision(3, old + 6 * HOUR, 'named'),
      revision(4, old + 7 * HOUR),
      revision(5, old + DAY), // alone on its day
      revision(6, twoDays + 10 * MINUTE), // same hour as 7
      revision(7, twoDays + 50 * MINUTE),
      revision(8, twoDays + 65 * MINUTE), // next hour, where a restore comes later
      revision(9, twoDays + 66 * MINUTE, 'restore'), // a restore is automatic: the latest of its hour stays
      revision(10, NOW - 23 * HOUR), // younger than 24 hours: all stay
      revision(11, NOW - 23 * HOUR + MINUTE),
      revision(12, NOW - MINUTE),
    ];
    expect(revisionsToThin(revisions, NOW)).toEqual([1, 2, 6, 8]);
    // An older restore goes like any automatic revision; a named one never does.
    expect(revisionsToThin([revision(1, old, 'restore'), revision(2, old + MINUTE), revision(3, old + 2 * MINUTE, 'named')], NOW)).toEqual([1]);
    // The newest is never thinned, however old, and counts as its hour's (or day's) one.
    expect(revisionsToThin([revision(1, old), revision(2, old + MINUTE)], NOW)).toEqual([1]);
    expect(revisionsToThin([revision(2, old + MINUTE), revision(1, old)], NOW)).toEqual([1]);
    expect(revisionsToThin([], NOW)).toEqual([]);
  });

  it('a thinned history replays every remaining revision exactly, the folded authors kept', () => {
    const live = new Y.Doc();
    const notes = notesOf(live);
    let head = Y.emptySnapshot;
    const records: RevisionRecord[] = [];
    const exports = new Map<number, string>();
    const start = Date.UTC(2026, 1, 20, 8, 0);
    for (let i = 0; i < 30; i++) {
      notes.insert(Math.floor(notes.length / 2), `line ${i}\n`);
      if (i % 3 === 2) notes.delete(0, 3);
      const cut = cutPiece(live, head);
      head = cut.snapshot;
      records.push({ seq: i + 1, at: start + i * 20 * MINUTE, name: null, kind: i === 10 ? 'named' : 'auto', restoredFrom: null, authors: [`author ${i % 4}`], piece: encodePiece(cut.piece) });
      exports.set(i + 1, markdownOfDoc(live));
    }
    const drop = new Set(revisionsToThin(records, NOW));
    expect(drop.size).toBeGreaterThan(10);
    const rewritten = new Map(foldThinned(records, drop).map((record) => [record.seq, record]));
    const kept = records.filter((record) => !drop.has(record.seq)).map((record) => rewritten.get(record.seq) ?? record);
    const view = new Y.Doc({ gc: false });
    for (const record of kept) {
      Y.applyUpdate(view, decodePiece(record.piece));
      const doc = Y.createDocFromSnapshot(view, Y.snapshot(view));
      expect(markdownOfDoc(doc), `revision ${record.seq}`).toBe(exports.get(record.seq));
      doc.destroy();
    }
    // Revision 3 stays (latest of its hour) and takes in 1 and 2: their authors are its authors too.
    expect([...drop].slice(0, 2)).toEqual([1, 2]);
    expect(rewritten.get(3)?.authors).toEqual(['author 0', 'author 1', 'author 2']);
    view.destroy();
    live.destroy();
  });
});

describe('changes between revisions', () => {
  it('gives inserted and deleted spans with their authors, in either direction', () => {
    const [ada, bo] = [new Y.Doc(), new Y.Doc()];
    ada.clientID = 1;
    bo.clientID = 2;
    const live = new Y.Doc();
    const sync = () => {
      for (const doc of [ada, bo]) Y.applyUpdate(live, Y.encodeStateAsUpdate(doc));
      for (const doc of [ada, bo]) Y.applyUpdate(doc, Y.encodeStateAsUpdate(live));
    };
    const view = new Y.Doc({ gc: false });
    let head = Y.emptySnapshot;
    const snapshots: Y.Snapshot[] = [];
    const cut = () => {
      const piece = cutPiece(live, head);
      head = piece.snapshot;
      Y.applyUpdate(view, piece.piece);
      snapshots.push(Y.snapshot(view));
    };
    notesOf(ada).insert(0, 'Hello world');
    sync();
    cut();
    notesOf(bo).insert(5, ' big');
    sync();
    notesOf(ada).delete(10, 5); // "world"
    notesOf(bo).insert(0, 'x'); // typed and deleted between the revisions: in neither
    sync();
    notesOf(bo).delete(0, 1);
    notesOf(bo).insert(10, 'there');
    sync();
    cut();
    expect(notesOf(live).toString()).toBe('Hello big there');
    const authors = new AuthorMap();
    authors.add(1, 0, 11, 'Ada');
    authors.add(2, 0, 20, 'Bo');
    const [r1, r2] = snapshots as [Y.Snapshot, Y.Snapshot];
    const text = view.getText('notes');
    expect(spansBetween(text, r1, r2, authors)).toEqual([
      { op: 'equal', text: 'Hello', author: 'Ada' },
      { op: 'insert', text: ' big', author: 'Bo' },
      { op: 'equal', text: ' ', author: 'Ada' },
      { op: 'delete', text: 'world', author: 'Ada' },
      { op: 'insert', text: 'there', author: 'Bo' },
    ]);
    expect(spansBetween(text, r2, r1, authors)).toEqual([
      { op: 'equal', text: 'Hello', author: 'Ada' },
      { op: 'delete', text: ' big', author: 'Bo' },
      { op: 'equal', text: ' ', author: 'Ada' },
      { op: 'insert', text: 'world', author: 'Ada' },
      { op: 'delete', text: 'there', author: 'Bo' },
    ]);
    expect(spansBetween(text, r2, r2, authors)).toEqual([
      { op: 'equal', text: 'Hello', author: 'Ada' },
      { op: 'equal', text: ' big', author: 'Bo' },
      { op: 'equal', text: ' ', author: 'Ada' },
      { op: 'equal', text: 'there', author: 'Bo' },
    ]);
    // Unknown authorship: one author (null) everywhere, neighbours merged.
    expect(spansBetween(text, r1, r1, null)).toEqual([{ op: 'equal', text: 'Hello world', author: null }]);
    for (const doc of [ada, bo, live, view]) doc.destroy();
  });
});
