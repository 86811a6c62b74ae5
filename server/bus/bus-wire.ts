/**
 * The messages instances exchange over Redis, as tiny lib0 encoders and decoders (every write with
 * its read). Each message names its sending instance, so a receiver ignores its own and nothing
 * loops. Updates carry their meeting's sequence number: PostgreSQL holds the same rows, so a
 * receiver that sees a gap reads them from there.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** Message types (a value once used is never reused). */
export const BUS_MESSAGE = {
  /** A durable update of a meeting, at a sequence number. */
  update: 0,
  /** Awareness states of the sending instance's clients in a meeting (removals included). */
  awareness: 1,
  /** "Send me your clients' states in this meeting" (a room just loaded, or the bus came back). */
  queryAwareness: 2,
  /** The meeting was deleted: close its sockets (4404). */
  deleted: 3,
  /** The sender is alive (on the instances channel). */
  heartbeat: 4,
  /** The sender is shutting down: drop its clients' states now rather than after the TTL. */
  leaving: 5,
} as const;

/** A decoded bus message. */
export type BusMessage =
  | { type: typeof BUS_MESSAGE.update; instance: string; meetingId: string; seq: number; sentAt: number; update: Uint8Array }
  | { type: typeof BUS_MESSAGE.awareness; instance: string; meetingId: string; payload: Uint8Array }
  | { type: typeof BUS_MESSAGE.queryAwareness | typeof BUS_MESSAGE.deleted; instance: string; meetingId: string }
  | { type: typeof BUS_MESSAGE.heartbeat; instance: string; sentAt: number }
  | { type: typeof BUS_MESSAGE.leaving; instance: string };

/** The channel of one meeting's messages. */
export const meetingChannel = (prefix: string, id: string): string => `${prefix}m:${id}`;
/** The channel of heartbeats. */
export const instancesChannel = (prefix: string): string => `${prefix}instances`;

/** Encodes a message. */
export const encodeBusMessage = (message: BusMessage): Buffer => {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, message.type);
  encoding.writeVarString(encoder, message.instance);
  switch (message.type) {
    case BUS_MESSAGE.update:
      encoding.writeVarString(encoder, message.meetingId);
      encoding.writeVarUint(encoder, message.seq);
      encoding.writeVarUint(encoder, message.sentAt);
      encoding.writeVarUint8Array(encoder, message.update);
      break;
    case BUS_MESSAGE.awareness:
      encoding.writeVarString(encoder, message.meetingId);
      encoding.writeVarUint8Array(encoder, message.payload);
      break;
    case BUS_MESSAGE.queryAwareness:
    case BUS_MESSAGE.deleted:
      encoding.writeVarString(encoder, message.meetingId);
      break;
    case BUS_MESSAGE.heartbeat:
      encoding.writeVarUint(encoder, message.sentAt);
      break;
    case BUS_MESSAGE.leaving:
      break;
  }
  return Buffer.from(encoding.toUint8Array(encoder));
};

/** Decodes a message; throws on anything malformed or unknown (the caller drops it). */
export const decodeBusMessage = (bytes: Uint8Array): BusMessage => {
  const decoder = decoding.createDecoder(bytes);
  const type = decoding.readVarUint(decoder);
  const instance = decoding.readVarString(decoder);
  let message: BusMessage;
  switch (type) {
    case BUS_MESSAGE.update: {
      const meetingId = decoding.readVarString(decoder);
      const seq = decoding.readVarUint(decoder);
      const sentAt = decoding.readVarUint(decoder);
      message = { type, instance, meetingId, seq, sentAt, update: decoding.readVarUint8Array(decoder) };
      break;
    }
    case BUS_MESSAGE.awareness:
      message = { type, instance, meetingId: decoding.readVarString(decoder), payload: decoding.readVarUint8Array(decoder) };
      break;
    case BUS_MESSAGE.queryAwareness:
    case BUS_MESSAGE.deleted:
      message = { type, instance, meetingId: decoding.readVarString(decoder) };
      break;
    case BUS_MESSAGE.heartbeat:
      message = { type, instance, sentAt: decoding.readVarUint(decoder) };
      break;
    case BUS_MESSAGE.leaving:
      message = { type, instance };
      break;
    default:
      throw new Error(`unknown bus message type ${type}`);
  }
  if (decoding.hasContent(decoder)) throw new Error('trailing bytes after a bus message');
  return message;
};
