/**
 * Keeps an outgoing awareness frame to our own client id. y-websocket re-broadcasts every awareness
 * change, including other attendees' states it just received; the server refuses awareness for
 * client ids another connection owns (GUIDE 2.4), so those entries must not be echoed back.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { MESSAGE } from '../../shared/protocol.js';

/** The frame unchanged, a copy with only `ownId`'s entry, or null when nothing of ours is in it. */
export const ownAwarenessOnly = (frame: Uint8Array, ownId: number): Uint8Array | null => {
  const outer = decoding.createDecoder(frame);
  if (decoding.readVarUint(outer) !== MESSAGE.awareness) return frame;
  const inner = decoding.createDecoder(decoding.readVarUint8Array(outer));
  const count = decoding.readVarUint(inner);
  const kept: { id: number; clock: number; state: string }[] = [];
  for (let i = 0; i < count; i++) {
    const id = decoding.readVarUint(inner);
    const clock = decoding.readVarUint(inner);
    const state = decoding.readVarString(inner);
    if (id === ownId) kept.push({ id, clock, state });
  }
  if (kept.length === count) return frame;
  if (kept.length === 0) return null;
  const payload = encoding.createEncoder();
  encoding.writeVarUint(payload, kept.length);
  for (const entry of kept) {
    encoding.writeVarUint(payload, entry.id);
    encoding.writeVarUint(payload, entry.clock);
    encoding.writeVarString(payload, entry.state);
  }
  const out = encoding.createEncoder();
  encoding.writeVarUint(out, MESSAGE.awareness);
  encoding.writeVarUint8Array(out, encoding.toUint8Array(payload));
  return encoding.toUint8Array(out);
};
