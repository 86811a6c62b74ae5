/**
 * The WebSocket class the collab endpoint's server creates (ws's `WebSocket` option): a ws socket
 * that knows its PeerConnection, hands it each socket read whole (one transaction per read), and
 * can hold a tick's frames for one write.
 */
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { WebSocket } from 'ws';
import type { PeerConnection } from './peer-connection.js';

// ws's frame parser for one socket (not in ws's types): a Writable that gets each socket read.
type Receiver = Writable & { [SOCKET]?: PeerSocket };
const SOCKET = Symbol('peer socket');

export class PeerSocket extends WebSocket {
  /**
   * The connection this socket belongs to. Each socket event then has one listener function for
   * every socket (`this` is the socket) instead of closures per connection: heap per connection.
   */
  peer: PeerConnection | null = null;

  /** ws's own TCP socket (not in ws's types; set once the upgrade is complete). */
  declare readonly _socket: Socket | undefined;
  declare readonly _receiver: Receiver | undefined;

  /**
   * ws's own set-up of an upgraded socket, then every socket read goes through the connection's
   * `readAll`: ws parses a read and emits its frames synchronously, and the connection handles all
   * of them as one unit (see PeerConnection.readAll). One shared function, no closure per socket.
   */
  setSocket(socket: Socket, head: Buffer, options: unknown): void {
    (WebSocket.prototype as unknown as { setSocket: PeerSocket['setSocket'] }).setSocket.call(this, socket, head, options);
    const receiver = this._receiver!;
    receiver[SOCKET] = this;
    receiver.write = writeThroughPeer as Receiver['write'];
  }

  /**
   * Holds what is sent to this peer for the rest of the tick and writes it in one go: a typist's
   * update and the awareness frame that follows it (same microtask drain, see Room) leave in one
   * writev instead of one per frame. Corking only batches: order is kept, the bytes count in
   * `bufferedAmount` (the send-buffer limit sees them), and ws's own cork around each frame nests.
   * `end()` (after a close frame) uncorks fully, so the uncork below is then a no-op.
   */
  holdWritesForThisTick(): void {
    const socket = this._socket;
    if (!socket || socket.writableCorked > 0 || !socket.writable) return;
    socket.cork();
    process.nextTick(uncork, socket);
  }
}

// Runs on the next tick: when corked inside a promise callback (the durable fan-out), after the
// microtasks that callback queued, so the awareness frame that follows joins the same write.
const uncork = (socket: Socket): void => socket.uncork();

// ws writes each socket read to its receiver as `receiver.write(chunk)`.
const parse = Writable.prototype.write as (this: Receiver, chunk: Buffer) => boolean;
function writeThroughPeer(this: Receiver, chunk: Buffer): boolean {
  const peer = this[SOCKET]?.peer;
  return peer ? peer.readAll(() => parse.call(this, chunk)) : parse.call(this, chunk);
}
