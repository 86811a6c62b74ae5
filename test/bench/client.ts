/**
 * The one client the benchmarks use against both servers: the y-websocket protocol spoken with
 * y-protocols' encoding over `ws`, exactly as the stock provider does (sync step 1 on open, answer
 * the server's step 1 with step 2, updates both ways, awareness frames). A client without a Y.Doc
 * (a viewer) answers with an empty update and does not apply what it receives, which keeps the
 * load generator light; it still sees every frame.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_SAVED = 100; // meetpad's ack, only with ?acks=1
const STEP1 = 0;
const STEP2 = 1;
const UPDATE = 2;
const EMPTY_UPDATE = new Uint8Array([0, 0]);
const EMPTY_STATE_VECTOR = new Uint8Array([0]);

/** `[sync, type, payload]`. */
export const syncFrame = (type: number, payload: Uint8Array): Uint8Array => {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  encoding.writeVarUint(encoder, type);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
};

/** An awareness frame with one client's state (what y-protocols' encodeAwarenessUpdate writes). */
export const awarenessFrame = (clientId: number, clock: number, state: unknown): Uint8Array => {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, 1);
  encoding.writeVarUint(inner, clientId);
  encoding.writeVarUint(inner, clock);
  encoding.writeVarString(inner, JSON.stringify(state));
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(encoder, encoding.toUint8Array(inner));
  return encoding.toUint8Array(encoder);
};

const HOCUSPOCUS_MARK = '#hocuspocus=';
const HOCUSPOCUS_SYNC_REPLY = 4;
// [sync status, 1]: Hocuspocus' answer to each update or step 2 it applied (not a durability ack).
const HOCUSPOCUS_SYNC_STATUS = 8;
// [auth, token subtype, token] (send() puts the address in front): Hocuspocus waits for it before it handles a document's messages.
const HOCUSPOCUS_AUTH = (() => {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 2);
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarString(encoder, 'bench');
  return encoding.toUint8Array(encoder);
})();
const addressOf = (name: string): Uint8Array => {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, name);
  return encoding.toUint8Array(encoder);
};

export interface ClientOptions {
  /** The client's document; null for a viewer that does not keep one. */
  doc?: Y.Doc | null;
  /** Called for every received update (step 2 or update), with the receive time. */
  onUpdate?: (update: Uint8Array, receivedAt: number, isStep2: boolean) => void;
}

/** A y-websocket client. */
export class YClient {
  readonly ws: WebSocket;
  readonly doc: Y.Doc | null;
  /** Sync step 2 received from the server. */
  synced = false;
  /** Document-changing frames sent (step 2 and updates): meetpad's acks count these. */
  writes = 0;
  /** Last `saved` count received (meetpad, ?acks=1). */
  saved = 0;
  /** Hocuspocus: updates (and step 2s) the server said it applied. */
  applied = 0;
  closed = false;
  closeCode = 0;
  readonly #options: ClientOptions;
  #awarenessClock = 0;

  // Hocuspocus frames every message with the document name (and wants an Auth message first):
  // a URL ending in `#hocuspocus=NAME` asks for that framing around the same protocol.
  readonly #address: Uint8Array | null;

  private constructor(url: string, options: ClientOptions) {
    this.#options = options;
    this.doc = options.doc ?? null;
    const mark = url.indexOf(HOCUSPOCUS_MARK);
    this.#address = mark < 0 ? null : addressOf(decodeURIComponent(url.slice(mark + HOCUSPOCUS_MARK.length)));
    this.ws = new WebSocket(mark < 0 ? url : url.slice(0, mark), { perMessageDeflate: false });
    this.ws.binaryType = 'nodebuffer';
    this.ws.on('message', this.#onMessage);
    this.ws.on('close', (code) => {
      this.closed = true;
      this.closeCode = code;
    });
    this.ws.on('error', () => {});
    this.doc?.on('update', this.#onDocUpdate);
  }

  /** Connects; resolves once the socket is open and sync step 1 is sent. */
  static open(url: string, options: ClientOptions = {}): Promise<YClient> {
    const client = new YClient(url, options);
    return new Promise((resolve, reject) => {
      client.ws.once('open', () => {
        if (client.#address) client.send(HOCUSPOCUS_AUTH);
        client.send(syncFrame(STEP1, client.doc ? Y.encodeStateVector(client.doc) : EMPTY_STATE_VECTOR));
        resolve(client);
      });
      client.ws.once('error', reject);
      client.ws.once('close', (code) => reject(new Error(`closed ${code} before open`)));
    });
  }

  /** Sends a raw frame. */
  send(frame: Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(this.#address ? Buffer.concat([this.#address, frame]) : frame);
  }

  /** Sends an update frame (counted as a write). */
  sendUpdate(update: Uint8Array): void {
    this.writes++;
    this.send(syncFrame(UPDATE, update));
  }

  /** Sends this client's awareness state (its clock increases each time, as Awareness does). */
  sendAwareness(clientId: number, state: unknown): void {
    this.send(awarenessFrame(clientId, ++this.#awarenessClock, state));
  }

  /** Closes the socket (and forgets the document listener). */
  close(): void {
    this.doc?.off('update', this.#onDocUpdate);
    if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
    else this.ws.close();
  }

  readonly #onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin !== this) this.sendUpdate(update);
  };

  readonly #onMessage = (data: Buffer): void => {
    const receivedAt = performance.now();
    const decoder = decoding.createDecoder(data);
    if (this.#address) decoding.readVarString(decoder);
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_SYNC || (this.#address && type === HOCUSPOCUS_SYNC_REPLY)) {
      const subtype = decoding.readVarUint(decoder);
      const payload = decoding.readVarUint8Array(decoder);
      if (subtype === STEP1) {
        this.writes++;
        this.send(syncFrame(STEP2, this.doc ? Y.encodeStateAsUpdate(this.doc, payload) : EMPTY_UPDATE));
      } else if (subtype === STEP2 || subtype === UPDATE) {
        if (this.doc) Y.applyUpdate(this.doc, payload, this);
        if (subtype === STEP2) this.synced = true;
        this.#options.onUpdate?.(payload, receivedAt, subtype === STEP2);
      }
    } else if (type === MESSAGE_SAVED && !this.#address) {
      this.saved = decoding.readVarUint(decoder);
    } else if (type === HOCUSPOCUS_SYNC_STATUS && this.#address) {
      if (decoding.readVarUint(decoder) === 1) this.applied++;
    }
    // Awareness frames are received and dropped (a viewer's screen would draw them).
  };
}

/** The notes text a client's document holds. */
export const notesText = (doc: Y.Doc): string => doc.getText('notes').toString();
