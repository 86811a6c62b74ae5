/**
 * The reference for the update scanner (server/collab/update-scan.ts): a stored update's state as
 * Yjs's own complete decode gives it, written out here rather than taken from the server, so that
 * tests and the scanner's benchmark keep their meaning whatever the server uses.
 */
import * as Y from 'yjs';
import type { StoredState } from '../../server/collab/update-check.js';

const decoderOf = new WeakMap<Uint8Array, { pos: number }>();
class PositionRecordingDecoder extends Y.UpdateDecoderV1 {
  constructor(inner: ConstructorParameters<typeof Y.UpdateDecoderV1>[0]) {
    super(inner);
    decoderOf.set(inner.arr, this.restDecoder);
  }
}
/** Y.decodeUpdate with a v1 decoder that refuses trailing bytes. */
export const yjsDecode = (update: Uint8Array) => {
  try {
    const decoded = Y.decodeUpdateV2(update, PositionRecordingDecoder);
    const consumed = decoderOf.get(update)?.pos ?? 0;
    if (consumed !== update.byteLength) throw new Error('trailing bytes');
    return decoded;
  } finally {
    decoderOf.delete(update);
  }
};
/** The clocks (undefined unless every client runs from clock 0 without a gap or a Skip) and merged deletions. */
export const yjsStoredState = (update: Uint8Array): StoredState | undefined => {
  const { structs, ds } = yjsDecode(update);
  const clocks = new Map<number, number>();
  for (const struct of structs) {
    const { client, clock } = struct.id;
    if (struct instanceof Y.Skip || (clocks.get(client) ?? 0) !== clock) return undefined;
    clocks.set(client, clock + struct.length);
  }
  return { clocks, deletes: Y.mergeDeleteSets([ds]) };
};
