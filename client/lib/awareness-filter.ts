/**
 * Keeps an outgoing awareness frame to our own client id. y-websocket re-broadcasts every awareness
 * change, including other attendees' states it just received; the server refuses awareness for
 * client ids another connection owns (GUIDE 2.4), so those entries must not be echoed back.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { readAwarenessEntries, writeAwarenessEntries } from '../../shared/awareness-wire.js';
import { MESSAGE } from '../../shared/protocol.js';

/** The frame unchanged, a copy with only `ownId`'s entry, or null when nothing of ours is in it. */
export const ownAwarenessOnly = (frame: Uint8Array, ownId: number): Uint8Array | null => {
  const outer = decoding.createDecoder(frame);
  if (decoding.readVarUint(outer) !== MESSAGE.awareness) return frame;
  const entries = readAwarenessEntries(decoding.readVarUint8Array(outer));
  const kept = entries.filter((entry) => entry.clientId === ownId);
  if (kept.length === entries.length) return frame;
  if (kept.length === 0) return null;
  const out = encoding.createEncoder();
  encoding.writeVarUint(out, MESSAGE.awareness);
  encoding.writeVarUint8Array(out, writeAwarenessEntries(kept));
  return encoding.toUint8Array(out);
};
