/**
 * The awareness update's wire format (y-protocols: a count, then per entry a client id, a clock
 * and the state as JSON text), read and written entry by entry. The server checks and filters
 * entries with it, the client drops the echoes of other attendees' states with it.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** One entry of an awareness update, its state still JSON text. */
export interface RawAwarenessEntry {
  clientId: number;
  clock: number;
  json: string;
}

/**
 * Reads every entry of an awareness update. Throws on malformed bytes, trailing bytes, or more
 * than `maxEntries` entries (checked before reading any, so a claimed count of millions costs nothing).
 */
export const readAwarenessEntries = (payload: Uint8Array, maxEntries = Infinity): RawAwarenessEntry[] => {
  const decoder = decoding.createDecoder(payload);
  const count = decoding.readVarUint(decoder);
  if (count > maxEntries) throw new Error(`${count} awareness entries in one message (at most ${maxEntries})`);
  const entries: RawAwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    entries.push({ clientId, clock, json: decoding.readVarString(decoder) });
  }
  if (decoding.hasContent(decoder)) throw new Error('trailing bytes after awareness update');
  return entries;
};

/** Writes entries as an awareness update (the payload of an awareness message). */
export const writeAwarenessEntries = (entries: readonly RawAwarenessEntry[]): Uint8Array => {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const { clientId, clock, json } of entries) {
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, json);
  }
  return encoding.toUint8Array(encoder);
};
