/**
 * Cutting a piece (pure Yjs): what changed in a document since a head snapshot, as one V1 update
 * that a gc=false replay document can apply. Its structs are `encodeStateAsUpdate(doc, head.sv)`
 * without that update's (full) delete set; its delete set is only what was deleted since the head
 * (DS(doc) − DS(head)). Replaying pieces 1..k gives exactly revision k; items inserted and deleted
 * between two revisions arrive gc'd, and no revision shows them.
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import type { AuthorMap } from '../../shared/author-map.js';

/** A Yjs delete set (the type Yjs does not export by name). */
export type DeleteSet = Y.Snapshot['ds'];
type Range = { clock: number; len: number };

/** The ranges of `a` not covered by `b` (both sorted and merged, as in a snapshot). */
export const deleteSetMinus = (a: DeleteSet, b: DeleteSet): DeleteSet => {
  const result = Y.createDeleteSet();
  for (const [client, ranges] of a.clients as Map<number, Range[]>) {
    const sub = (b.clients as Map<number, Range[]>).get(client) ?? [];
    const kept: Range[] = [];
    let j = 0;
    for (const range of ranges) {
      let start = range.clock;
      const end = range.clock + range.len;
      while (j < sub.length && sub[j]!.clock + sub[j]!.len <= start) j++;
      for (let k = j; start < end; k++) {
        const cover = sub[k];
        if (!cover || cover.clock >= end) {
          kept.push({ clock: start, len: end - start });
          break;
        }
        if (cover.clock > start) kept.push({ clock: start, len: cover.clock - start });
        start = Math.max(start, cover.clock + cover.len);
      }
    }
    if (kept.length) (result.clients as Map<number, Range[]>).set(client, kept);
  }
  return result;
};

/** The V1 encoding of a delete set, as Yjs writes it at the end of an update (clients descending). */
export const encodeDeleteSet = (ds: DeleteSet): Uint8Array => {
  const encoder = encoding.createEncoder();
  const clients = [...(ds.clients as Map<number, Range[]>).entries()].sort((x, y) => y[0] - x[0]);
  encoding.writeVarUint(encoder, clients.length);
  for (const [client, ranges] of clients) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, ranges.length);
    for (const { clock, len } of ranges) {
      encoding.writeVarUint(encoder, clock);
      encoding.writeVarUint(encoder, len);
    }
  }
  return encoding.toUint8Array(encoder);
};

/** An update holding only a delete set. */
export const deleteSetUpdate = (ds: DeleteSet): Uint8Array => {
  const dsBytes = encodeDeleteSet(ds);
  const update = new Uint8Array(dsBytes.length + 1);
  update.set(dsBytes, 1); // 0 structs, then the delete set
  return update;
};

/** An update that changes nothing (what an empty named revision stores). */
export const EMPTY_PIECE = Uint8Array.of(0, 0);

/** What `cutPiece` found. */
export interface Cut {
  /** The piece to store (meaningless when `empty` or `behind`). */
  piece: Uint8Array;
  /** The document's snapshot now: the next head. */
  snapshot: Y.Snapshot;
  /** Nothing changed since the head: same state vector, nothing newly deleted. */
  empty: boolean;
  /** The document lacks something the head has (another instance cut from a newer state): no piece. */
  behind: boolean;
  /** Per client, the clock range the piece inserts: [client, from, to). */
  inserted: Array<[client: number, from: number, to: number]>;
}

const endsWith = (bytes: Uint8Array, tail: Uint8Array): boolean => {
  if (tail.length > bytes.length) return false;
  const offset = bytes.length - tail.length;
  for (let i = 0; i < tail.length; i++) if (bytes[offset + i] !== tail[i]) return false;
  return true;
};

const hasPending = (doc: Y.Doc): boolean => doc.store.pendingStructs !== null || doc.store.pendingDs !== null;

/** Cuts the piece of `doc` since `head` (the snapshot at the last revision; Y.emptySnapshot at first). */
export const cutPiece = (doc: Y.Doc, head: Y.Snapshot): Cut => {
  const snapshot = Y.snapshot(doc);
  const inserted: Cut['inserted'] = [];
  let behind = false;
  for (const [client, clock] of head.sv) if ((snapshot.sv.get(client) ?? 0) < clock) behind = true;
  for (const [client, clock] of snapshot.sv) {
    const from = head.sv.get(client) ?? 0;
    if (clock > from) inserted.push([client, from, clock]);
  }
  const deleted = deleteSetMinus(snapshot.ds, head.ds);
  const empty = inserted.length === 0 && deleted.clients.size === 0;
  if (empty || behind) return { piece: EMPTY_PIECE, snapshot, empty, behind, inserted };
  const full = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(head.sv));
  const fullDs = encodeDeleteSet(snapshot.ds);
  // encodeStateAsUpdate merges pending structs and deletions into its result: then its tail is not
  // the document's delete set, and the whole update is stored (correct, only bigger).
  if (hasPending(doc) || !endsWith(full, fullDs)) return { piece: full, snapshot, empty, behind, inserted };
  const structs = new Uint8Array(full.length - fullDs.length + 1);
  structs.set(full.subarray(0, full.length - fullDs.length)); // last byte stays 0: an empty delete set
  const piece = deleted.clients.size === 0 ? structs : Y.mergeUpdates([structs, deleteSetUpdate(deleted)]);
  return { piece, snapshot, empty, behind, inserted };
};

/** One update doing what `pieces` do one after the other (thinning folds a revision into the next). */
export const mergePieces = (pieces: readonly Uint8Array[]): Uint8Array => (pieces.length === 1 ? pieces[0]! : Y.mergeUpdates([...pieces]));

/** The names authorship knows for the ranges a piece inserts (unknown ones, null, are left out). */
export const insertedNames = (map: AuthorMap, inserted: Cut['inserted']): string[] => {
  const names: string[] = [];
  for (const [client, from, to] of inserted) {
    for (const { author } of map.segments(client, from, to - from)) if (author !== null) names.push(author);
  }
  return names;
};
