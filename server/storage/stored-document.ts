/**
 * Rebuilding a meeting's document from what storage holds: the one place that replays a snapshot
 * and its log (rooms, exports and backups all use it).
 */
import * as Y from 'yjs';
import type { StoredDocument } from './meeting-store.js';

/** Applies the stored snapshot and log to `doc` (a new one by default) in one transaction. */
export const rebuildDoc = (stored: StoredDocument, doc: Y.Doc = new Y.Doc(), origin: unknown = null): Y.Doc => {
  doc.transact(() => {
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const update of stored.updates) Y.applyUpdate(doc, update);
  }, origin);
  return doc;
};

/** The update of an empty document. */
export const EMPTY_STATE: Uint8Array = Uint8Array.of(0, 0);

const isEmptyState = (update: Uint8Array): boolean => update.byteLength === 2 && update[0] === 0 && update[1] === 0;

/**
 * The stored document as one update when it already is one, without replaying it: a snapshot
 * with nothing after it, one log entry after no snapshot or an empty one (a meeting created empty,
 * then written once), or nothing (the empty update). Undefined when parts would have to be merged.
 */
export const storedAsOneUpdate = ({ snapshot, updates }: StoredDocument): Uint8Array | undefined => {
  if (updates.length === 0) return snapshot ?? EMPTY_STATE;
  return updates.length === 1 && (snapshot === null || isEmptyState(snapshot)) ? updates[0] : undefined;
};

/** The stored document as one Yjs update (the whole state, history included). */
export const stateOfStored = (stored: StoredDocument): Uint8Array => {
  const one = storedAsOneUpdate(stored);
  if (one) return one;
  const doc = rebuildDoc(stored);
  try {
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
};

/** Bytes of snapshot plus log: an upper bound of what a reload reads. */
export const storedBytes = (stored: StoredDocument): number =>
  stored.updates.reduce((sum, update) => sum + update.byteLength, stored.snapshot?.byteLength ?? 0);
