/**
 * The wire additions meetpad makes to the standard y-websocket protocol, and the close codes.
 * Message types 0-3 are y-websocket's; anything else is ours and only sent to clients that ask.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** y-websocket message types (first varuint of every binary frame). */
export const MESSAGE = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  /** meetpad: "your update frames up to N are durable". Only sent with `?acks=1`. */
  saved: 100,
} as const;

/** y-protocols sync message sub-types. */
export const SYNC = {
  step1: 0,
  step2: 1,
  update: 2,
} as const;

/** Query parameter a client sets to receive `saved` messages. */
export const ACKS_PARAM = 'acks';

/**
 * Encodes a saved message: the count of this connection's document-changing frames
 * (sync step 2 and update) that are on disk, counted from 1 since the socket opened.
 */
export const encodeSaved = (savedFrames: number): Uint8Array => {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE.saved);
  encoding.writeVarUint(encoder, savedFrames);
  return encoding.toUint8Array(encoder);
};

/** Decodes a saved message (the frame including its type); throws on anything else. */
export const decodeSaved = (frame: Uint8Array): number => {
  const decoder = decoding.createDecoder(frame);
  if (decoding.readVarUint(decoder) !== MESSAGE.saved) throw new Error('not a saved message');
  return decoding.readVarUint(decoder);
};

/** What a frame is, by its first bytes (named as the server's metrics name them). */
export type FrameKind = 'sync_step1' | 'sync_step2' | 'update' | 'sync_other' | 'awareness' | 'query_awareness' | 'saved' | 'other';

/**
 * The kind of a frame, peeked from its first bytes without decoding it: every message and sync type
 * below 128 is one varuint byte. For counting and routing only; a frame is still decoded in full
 * before anything acts on it.
 */
export const frameKind = (frame: Uint8Array): FrameKind => {
  switch (frame[0]) {
    case MESSAGE.sync:
      return frame[1] === SYNC.step1 ? 'sync_step1' : frame[1] === SYNC.step2 ? 'sync_step2' : frame[1] === SYNC.update ? 'update' : 'sync_other';
    case MESSAGE.awareness:
      return 'awareness';
    case MESSAGE.queryAwareness:
      return 'query_awareness';
    case MESSAGE.saved:
      return 'saved';
    default:
      return 'other';
  }
};

/** True when a frame the client sends changes the document (sync step 2 or update). */
export const isDocumentWrite = (frame: Uint8Array): boolean => {
  const kind = frameKind(frame);
  return kind === 'sync_step2' || kind === 'update';
};

/** WebSocket close codes used by the server (GUIDE 1.2). */
export const CLOSE = {
  shuttingDown: 1001,
  policy: 1008,
  tooLarge: 1009,
  internal: 1011,
  overloaded: 1013,
  readOnly: 4403,
  deleted: 4404,
  rateLimited: 4429,
  storageUnavailable: 4503,
} as const;

/** A close code the server sends. */
export type CloseCode = (typeof CLOSE)[keyof typeof CLOSE];

/**
 * Close codes after which a client must not reconnect on its own: retrying cannot succeed
 * until a person does something (gets a new link, makes the edit smaller).
 */
export const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CLOSE.policy,
  CLOSE.tooLarge,
  CLOSE.readOnly,
  CLOSE.deleted,
]);

/** Words a person understands for each close code. */
export const CLOSE_MESSAGES: Readonly<Record<number, string>> = {
  [CLOSE.shuttingDown]: 'The server is restarting. Reconnecting…',
  [CLOSE.policy]: 'The server refused a message from this page. Reload to continue.',
  [CLOSE.tooLarge]: 'That change is too large for this meeting. Undo it, or split the meeting.',
  [CLOSE.internal]: 'The server hit an internal error. Reconnecting…',
  [CLOSE.overloaded]: 'The server is busy. Reconnecting shortly…',
  [CLOSE.readOnly]: 'This is a view-only link: changes are not possible.',
  [CLOSE.deleted]: 'This meeting was deleted.',
  [CLOSE.rateLimited]: 'This page sent too many updates too quickly. Reconnecting shortly…',
  [CLOSE.storageUnavailable]: 'The server cannot save right now. Your edits are kept in this browser.',
};
