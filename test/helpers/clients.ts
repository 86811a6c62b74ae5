/**
 * Stock y-websocket clients in Node (GUIDE 6): `WebSocketPolyfill: ws`, `disableBc: true`, and
 * raw sockets for speaking the protocol by hand.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { agendaOf, notesOf } from '../../shared/doc-schema.js';
import { MESSAGE, SYNC } from '../../shared/protocol.js';
import { waitFor, type TestServer } from './server.js';

/** An attendee: a doc and its provider. */
export interface Attendee {
  doc: Y.Doc;
  provider: WebsocketProvider;
  destroy(): void;
}

/**
 * Joins `doc` (a reconnect keeps its client id) to a meeting as `name`, set in the awareness before
 * connecting as the browser client does (null: an unnamed connection), and waits until the
 * provider is synced and the server knows the name. The caller destroys the provider and the doc.
 */
export const joinNamed = async (server: TestServer, meetingId: string, key: string, name: string | null, doc: Y.Doc): Promise<WebsocketProvider> => {
  const awareness = new Awareness(doc);
  if (name !== null) awareness.setLocalStateField('user', { name, color: '#336699' });
  const provider = new WebsocketProvider(`${server.wsUrl}/collab`, meetingId, doc, {
    params: { key },
    awareness,
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 300,
  });
  try {
    await waitFor(() => provider.synced, 'the provider to sync');
    if (name !== null) {
      await waitFor(() => {
        const room = server.app.meetpad.registry.loadedRoom(meetingId);
        return room && [...room.peers].some((peer) => room.namesOf(peer).includes(name));
      }, `the server to know ${name}`);
    }
  } catch (error) {
    provider.destroy();
    throw error;
  }
  return provider;
};

/** Connects a stock provider to a meeting and waits until it is synced. */
export const joinMeeting = async (wsUrl: string, id: string, key: string, options: { sync?: boolean; doc?: Y.Doc } = {}): Promise<Attendee> => {
  const doc = options.doc ?? new Y.Doc();
  const provider = new WebsocketProvider(`${wsUrl}/collab`, id, doc, {
    params: { key },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 300,
  });
  const attendee: Attendee = {
    doc,
    provider,
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
  if (options.sync !== false) await waitFor(() => provider.synced, `provider for ${id} to sync`);
  return attendee;
};

/** Agenda plus notes of a doc, as exported. */
export const pageOf = (doc: Y.Doc): string => agendaOf(doc).toString() + notesOf(doc).toString();

/** Opens a raw socket to a meeting; resolves once open, with every received frame collected. */
export const rawSocket = async (wsUrl: string, id: string, key: string, headers: Record<string, string> = {}) => {
  const ws = new WebSocket(`${wsUrl}/collab/${id}?key=${encodeURIComponent(key)}`, { headers });
  const frames: Uint8Array[] = [];
  let closeCode: number | null = null;
  ws.on('message', (data: Buffer) => frames.push(new Uint8Array(data)));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve((closeCode = code))));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames, closed, closeCode: () => closeCode };
};

/** A `[sync, type, payload]` frame. */
export const syncFrame = (type: number, payload: Uint8Array): Uint8Array => {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE.sync);
  encoding.writeVarUint(encoder, type);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
};

/** A `[sync, update, update]` frame. */
export const updateFrame = (update: Uint8Array): Uint8Array => syncFrame(SYNC.update, update);

/** Reads the update payload of a received sync step 2 or update frame, or null for other frames. */
export const updateOfFrame = (frame: Uint8Array): Uint8Array | null => {
  const decoder = decoding.createDecoder(frame);
  if (decoding.readVarUint(decoder) !== MESSAGE.sync) return null;
  const type = decoding.readVarUint(decoder);
  return type === SYNC.step2 || type === SYNC.update ? decoding.readVarUint8Array(decoder) : null;
};

/** Tries an HTTP upgrade and returns the status it was refused with (or 101). */
export const upgradeStatus = (wsUrl: string, path: string, headers: Record<string, string> = {}): Promise<number> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(`${wsUrl}${path}`, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
