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

/** The stored document as one Yjs update (the whole state, history included). */
export const stateOfStored = (stored: StoredDocument): Uint8Array => {
  // A snapshot with nothing after it is already the full state.
  if (stored.snapshot && stored.updates.length === 0) return stored.snapshot;
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
