/**
 * What a scan of a stored snapshot finds (its state vector and deletions), written with the
 * snapshot when a room compacts, so that a restarted server answers a loaded meeting's first join
 * without scanning the whole update first (the scan was 18 of the 21 ms served for the 260k-edit
 * meeting). A summary ends with a SHA-256 of its own bytes and of the snapshot it describes: any
 * other snapshot (restored, migrated, compacted by an older meetpad) and any damage to either is
 * refused, and the snapshot is scanned as before.
 */
import { createHash } from 'node:crypto';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import type { StoredState } from './update-check.js';
import { deleteItem } from './update-scan.js';

const FORMAT = 2;
const HASH_BYTES = 32;

const hashOf = (body: Uint8Array, snapshot: Uint8Array): Uint8Array => createHash('sha256').update(body).update(snapshot).digest();

/** The summary bytes of `state` for `snapshot` (exported for tests, which forge one). */
export const encodeSummary = (state: StoredState, snapshot: Uint8Array): Uint8Array => {
  const body = encoding.encode((encoder) => {
    encoding.writeVarUint(encoder, FORMAT);
    encoding.writeVarUint(encoder, state.clocks.size);
    for (const [client, clock] of state.clocks) {
      encoding.writeVarUint(encoder, client);
      encoding.writeVarUint(encoder, clock);
    }
    encoding.writeVarUint(encoder, state.deletes.clients.size);
    for (const [client, ranges] of state.deletes.clients) {
      encoding.writeVarUint(encoder, client);
      encoding.writeVarUint(encoder, ranges.length);
      for (const range of ranges) {
        encoding.writeVarUint(encoder, range.clock);
        encoding.writeVarUint(encoder, range.len);
      }
    }
  });
  // Copied, not spread: a summary of many deletions would pass too many arguments.
  const summary = new Uint8Array(body.byteLength + HASH_BYTES);
  summary.set(body);
  summary.set(hashOf(body, snapshot), body.byteLength);
  return summary;
};

/**
 * The summary of `snapshot`, which must be `Y.encodeStateAsUpdate(doc)` of `doc` as it is now; none
 * where the scan would not give the document's own state (structs or deletions waiting for what
 * they depend on are in the snapshot but not in the state; a subdocument is left to Yjs).
 */
export const summarize = (doc: Y.Doc, snapshot: Uint8Array): Uint8Array | undefined => {
  if (doc.store.pendingStructs || doc.store.pendingDs || doc.subdocs.size > 0) return undefined;
  // Sorted and merged per client, as the scan leaves them (the struct store is in clock order).
  const state = { clocks: Y.decodeStateVector(Y.encodeStateVector(doc)), deletes: Y.createDeleteSetFromStructStore(doc.store) };
  return encodeSummary(state, snapshot);
};

/** The stored state `summary` gives for `snapshot`, or undefined when it is not that snapshot's (scan it then). */
export const readSummary = (summary: Uint8Array, snapshot: Uint8Array): StoredState | undefined => {
  if (summary.byteLength <= HASH_BYTES) return undefined;
  const body = summary.subarray(0, summary.byteLength - HASH_BYTES);
  if (Buffer.compare(summary.subarray(body.byteLength), hashOf(body, snapshot)) !== 0) return undefined;
  try {
    const decoder = decoding.createDecoder(body);
    if (decoding.readVarUint(decoder) !== FORMAT) return undefined;
    const clocks = new Map<number, number>();
    for (let clients = decoding.readVarUint(decoder); clients > 0; clients--) clocks.set(decoding.readVarUint(decoder), decoding.readVarUint(decoder));
    const deletes = Y.createDeleteSet();
    for (let clients = decoding.readVarUint(decoder); clients > 0; clients--) {
      const client = decoding.readVarUint(decoder);
      const ranges = [];
      for (let count = decoding.readVarUint(decoder); count > 0; count--) ranges.push(deleteItem(decoding.readVarUint(decoder), decoding.readVarUint(decoder)));
      deletes.clients.set(client, ranges);
    }
    return decoding.hasContent(decoder) ? undefined : { clocks, deletes };
  } catch {
    return undefined; // not a summary this version writes: the scan decides
  }
};
