/** A WebSocket that counts the document-changing frames it sends and reads meetpad's "saved" acks. */
import { MESSAGE, SYNC, decodeSaved, isDocumentWrite } from '../../shared/protocol.js';
import { ownAwarenessOnly } from './awareness-filter.js';

/** Per-socket write and ack counters (GUIDE 1.2, acks). */
export interface SocketCounters {
  /** Document-changing frames sent on this socket. */
  sent: number;
  /** How many of them the server says are durable. */
  acked: number;
  /** True once this socket sent its sync step 2, i.e. all local state the server lacked. */
  sentStep2: boolean;
  /** True once the socket opened (refusals before the upgrade never open). */
  opened: boolean;
}

/** Called whenever a counting socket opens, sends a write or receives an ack. */
export type CounterListener = (socket: WebSocket & SocketCounters) => void;

const bytesOf = (data: unknown): Uint8Array | null => {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return null;
};

/**
 * A WebSocket class for y-websocket's `WebSocketPolyfill` option, reporting to `listener`; awareness
 * frames are cut down to the entry of `ownClientId()`.
 */
export const countingSocketClass = (listener: CounterListener, ownClientId: () => number): typeof WebSocket =>
  class CountingWebSocket extends WebSocket implements SocketCounters {
    sent = 0;
    acked = 0;
    sentStep2 = false;
    opened = false;

    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('open', () => {
        this.opened = true;
        listener(this);
      });
      this.addEventListener('message', (event: MessageEvent) => {
        const frame = bytesOf(event.data);
        if (!frame || frame[0] !== MESSAGE.saved) return;
        try {
          this.acked = Math.max(this.acked, decodeSaved(frame));
          listener(this);
        } catch {
          // a malformed ack only delays the "saved" status
        }
      });
    }

    override send(data: string | ArrayBuffer | Blob | ArrayBufferView<ArrayBuffer>): void {
      let frame = bytesOf(data);
      if (frame && frame[0] === MESSAGE.awareness) {
        frame = ownAwarenessOnly(frame, ownClientId());
        if (frame) super.send(frame as Uint8Array<ArrayBuffer>);
        return;
      }
      const write = frame !== null && isDocumentWrite(frame);
      super.send(data);
      if (write) {
        this.sent++;
        if (frame![1] === SYNC.step2) this.sentStep2 = true;
        listener(this);
      }
    }
  };
