/**
 * One WebSocket peer of a room, speaking the y-websocket protocol. Every frame goes size check (ws
 * maxPayload), type check, complete decode, permission check, then apply; the first bad frame closes
 * the socket with the guide's code. Frames that arrive while the room loads are queued in order.
 */
import type { FastifyBaseLogger } from 'fastify';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { WebSocket, RawData } from 'ws';
import { CLOSE, MESSAGE, SYNC, encodeSaved } from '../../shared/protocol.js';
import type { Role } from '../security/keys.js';
import { TokenBucket } from '../security/token-bucket.js';
import { decodeAwarenessUpdate, encodeAwarenessEntries } from './awareness-check.js';
import type { Room, Peer } from './room.js';
import { MeetingGoneError, RoomUnavailableError, type Lease, type RoomRegistry } from './room-registry.js';
import type { Dependency } from './update-check.js';
import type { PeerSocket } from './peer-socket.js';
import { awarenessFrame, syncStep1Frame, syncStep2Frame } from './wire.js';

/** Per-connection limits, from the configuration. */
export interface ConnectionLimits {
  maxFrameBytes: number;
  messagesPerSecond: number;
  bytesPerSecond: number;
  awarenessPerSecond: number;
  maxAwarenessIds: number;
  maxConnectionsPerMeeting: number;
  maxSendBufferBytes: number;
}

/** Counters the connection reports through. */
export interface ConnectionObserver {
  frameIn?(type: string, bytes: number): void;
  frameOut?(bytes: number, frame?: Uint8Array): void;
  rejected?(reason: string): void;
  closed?(code: number): void;
}

/** What every connection of an endpoint shares (one object for all of them). */
export interface ConnectionOptions {
  limits: ConnectionLimits;
  /** The endpoint's logger; a connection that logs makes its own child of it on first use (most never do). */
  log: FastifyBaseLogger;
  /** Whether the log level is debug or finer (the endpoint logs connects and disconnects then). */
  debug: boolean;
  observer?: ConnectionObserver;
  /** Called once, when the connection's socket has closed. */
  closed?(connection: PeerConnection, code: number): void;
}

/** Who is connecting and how (per connection). */
export interface ConnectionGrant {
  /** The meeting's id. */
  id: string;
  role: Role;
  acks: boolean;
  /** The endpoint's number for the connection, in its log lines. */
  number: number;
}

/** A refusal that closes the socket. */
class Refusal extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

// An honest client sends an update before the sync step 2 it depends on only right after a
// reconnect; hold a few such updates until their dependencies arrive.
const MAX_WAITING_UPDATES = 64;
// Frames that arrive before the room is loaded are kept, up to this many frames' worth of bytes.
const MAX_QUEUED_FRAMES_BYTES_FACTOR = 4;
// Awareness floods ten times past the limit are not something a browser does.
const AWARENESS_ABUSE_FACTOR = 10;
const TERMINATE_AFTER_CLOSE_MS = 2000;

/** An update held until what it builds on arrives. */
interface Waiting {
  update: Uint8Array;
  frame: number;
  needs: Dependency | undefined;
}
const NOTHING_WAITING: Waiting[] = Object.freeze([]) as unknown as Waiting[];

/** A y-websocket peer bound to one room. */
export class PeerConnection implements Peer {
  /** Set by ping/pong: false if the peer has not answered the last ping. */
  alive = true;
  readonly role: Role;
  readonly #ws: PeerSocket;
  readonly #lease: Lease;
  readonly #options: ConnectionOptions;
  readonly #grant: ConnectionGrant;
  #logger: FastifyBaseLogger | null = null;
  #room: Room | null = null;
  #queue: Uint8Array[] | null = [];
  #queuedBytes = 0;
  #closed = false;
  readonly #ownedAwareness = new Set<number>();
  readonly #messages: TokenBucket;
  readonly #bytes: TokenBucket;
  readonly #awarenessRate: TokenBucket;
  #deferredAwareness: Uint8Array | null = null;
  // Whether an awareness message came on this connection yet (a reconnecting client announces itself first).
  #awarenessSeen = false;
  // The room's departure count when this connection joined: ids that left later were sent to it.
  #joinedDepartures = 0;
  #writeFrames = 0;
  #savedCandidate = 0;
  #savedSent = 0;
  #ackScheduled = false;
  // Shared and frozen until an update has to wait (rare: a reconnect), then this connection's own.
  #waiting: Waiting[] = NOTHING_WAITING;
  #stopRetrying: (() => void) | null = null;
  #resumeTimer: NodeJS.Timeout | null = null;
  // A close during a socket read leaves the room once the read's transaction has ended: its valid
  // frames before a refused one are still this peer's, and authorship reads the author then.
  #reading = false;
  #releaseAfterRead = false;

  constructor(ws: PeerSocket, registry: RoomRegistry, options: ConnectionOptions, grant: ConnectionGrant) {
    this.#ws = ws;
    this.#options = options;
    this.#grant = grant;
    this.role = grant.role;
    const { limits } = options;
    this.#messages = new TokenBucket(limits.messagesPerSecond);
    this.#bytes = new TokenBucket(limits.bytesPerSecond);
    this.#awarenessRate = new TokenBucket(limits.awarenessPerSecond);
    // Listeners first, before any await: no frame may be missed while the room loads.
    ws.peer = this;
    ws.on('message', PeerConnection.#onSocketMessage);
    ws.on('close', PeerConnection.#onSocketClose);
    ws.on('pong', PeerConnection.#onSocketPong);
    ws.on('error', PeerConnection.#onSocketError);
    // The lease counts from now, so a socket that closes while the room loads still lets it unload.
    this.#lease = registry.lease(grant.id);
    // Closures that live only until the load settles (methods, not per-instance arrow fields).
    this.#lease.room.then(
      (room) => this.#onRoom(room),
      (error: unknown) => this.#onLoadError(error),
    );
  }

  // One listener of each kind for all sockets; `this` is the socket, a PeerSocket (ws types it as its base class).
  static readonly #onSocketMessage = function (this: WebSocket, data: RawData, isBinary: boolean): void {
    const peer = (this as PeerSocket).peer;
    if (peer) peer.#onMessage(data, isBinary);
  };

  static readonly #onSocketClose = function (this: WebSocket, code: number): void {
    const peer = (this as PeerSocket).peer;
    if (peer) peer.#onClose(code);
  };

  static readonly #onSocketPong = function (this: WebSocket): void {
    const peer = (this as PeerSocket).peer;
    if (peer) peer.alive = true;
  };

  static readonly #onSocketError = function (this: WebSocket, error: Error): void {
    const peer = (this as PeerSocket).peer;
    if (peer) peer.#log().debug({ err: error }, 'socket error');
  };

  /** The connection's logger (a child of the endpoint's with its meeting, number and role), made on first use. */
  log(): FastifyBaseLogger {
    return (this.#logger ??= this.#options.log.child({ meetingId: this.#grant.id, connection: this.#grant.number, role: this.#grant.role }));
  }

  #log(): FastifyBaseLogger {
    return this.log();
  }

  /**
   * Handles one socket read (`parse` runs ws's parser, which emits the read's frames). A burst of
   * keystrokes, a replayed offline session, arrives as many frames in one read: their updates are
   * each checked and integrated in order, in one transaction of the room's document, so they are
   * announced, logged and fanned out as one update instead of one transaction, encoding and merge
   * per frame.
   */
  readAll(parse: () => boolean): boolean {
    // Only an editor's reads can hold updates; an empty transaction is not free (two state vectors).
    const room = this.#room;
    if (!room || this.role !== 'edit') return parse();
    this.#reading = true;
    try {
      return room.inOneTransaction(parse, this);
    } finally {
      this.#reading = false;
      if (this.#releaseAfterRead) this.#release();
    }
  }

  /** Sends a frame unless the peer is too slow to keep up (then it is disconnected). */
  send(frame: Uint8Array): void {
    if (this.#closed || this.#ws.readyState !== this.#ws.OPEN) return;
    if (this.#ws.bufferedAmount > this.#options.limits.maxSendBufferBytes) {
      this.close(CLOSE.overloaded, 'client too slow to receive updates');
      return;
    }
    this.#ws.holdWritesForThisTick();
    this.#ws.send(frame);
    this.#options.observer?.frameOut?.(frame.byteLength, frame);
  }

  /** Closes with a code; a peer that does not complete the close handshake is cut off. */
  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#options.observer?.closed?.(code);
    try {
      this.#ws.close(code, closeReason(reason));
    } catch {
      this.#ws.terminate();
    }
    setTimeout(() => this.#ws.terminate(), TERMINATE_AFTER_CLOSE_MS).unref();
    this.#release();
  }

  /** Sends a ping; a peer that missed the previous one is dropped. */
  ping(): void {
    if (!this.alive) {
      this.#options.observer?.closed?.(1006);
      this.#ws.terminate();
      return;
    }
    this.alive = false;
    this.#ws.ping();
  }

  #onRoom(room: Room): void {
    if (this.#closed) return;
    if (room.deleted) return this.close(CLOSE.deleted, 'meeting deleted');
    if (!room.accepting) return this.close(CLOSE.storageUnavailable, 'storage unavailable');
    this.#room = room;
    this.#joinedDepartures = room.departures;
    this.#lease.join(this);
    this.send(syncStep1Frame(room.stateVector()));
    const present = [...room.awareness.getStates().keys()];
    if (present.length) this.send(awarenessFrame(room.awareness, present));
    const queued = this.#queue ?? [];
    this.#queue = null;
    for (const frame of queued) if (!this.#closed) this.#handle(frame);
  }

  #onLoadError(error: unknown): void {
    if (error instanceof MeetingGoneError) return this.close(CLOSE.deleted, 'meeting deleted');
    // The registry logs a failed load once, however many sockets were waiting for it.
    if (error instanceof RoomUnavailableError) return this.close(CLOSE.storageUnavailable, 'storage unavailable, retry later');
    this.close(CLOSE.storageUnavailable, 'could not load the meeting');
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    if (this.#closed) return;
    if (!isBinary) return this.#refuse(new Refusal(CLOSE.policy, 'text frames are not part of the protocol'));
    // A private copy: ws may hand out views into pooled buffers, and decoding must not read past the frame.
    const frame = new Uint8Array(Array.isArray(data) ? Buffer.concat(data) : (data as Buffer));
    this.#throttle(frame.byteLength);
    if (this.#queue) {
      this.#queuedBytes += frame.byteLength;
      if (this.#queuedBytes > this.#options.limits.maxFrameBytes * MAX_QUEUED_FRAMES_BYTES_FACTOR) {
        return this.#refuse(new Refusal(CLOSE.overloaded, 'too much data before the meeting loaded'));
      }
      this.#queue.push(frame);
      return;
    }
    this.#handle(frame);
  }

  // Backpressure, not disconnection: past the rate, stop reading this socket until the debt is paid.
  #throttle(bytes: number): void {
    const wait = Math.max(this.#messages.take(1), this.#bytes.take(bytes));
    if (wait <= 0 || this.#resumeTimer) return;
    this.#ws.pause();
    this.#resumeTimer = setTimeout(() => {
      this.#resumeTimer = null;
      if (!this.#closed) this.#ws.resume();
    }, wait);
  }

  #handle(frame: Uint8Array): void {
    try {
      const decoder = decoding.createDecoder(frame);
      const type = decoding.readVarUint(decoder);
      if (type === MESSAGE.sync) this.#handleSync(decoder, frame.byteLength);
      else if (type === MESSAGE.awareness) this.#handleAwareness(decoding.readVarUint8Array(decoder), decoder, frame.byteLength);
      else if (type === MESSAGE.queryAwareness) this.#handleQueryAwareness(decoder, frame.byteLength);
      else throw new Refusal(CLOSE.policy, `unknown message type ${type}`);
    } catch (error) {
      this.#refuse(error instanceof Refusal ? error : new Refusal(CLOSE.policy, `malformed message: ${(error as Error).message}`));
    }
  }

  #handleSync(decoder: decoding.Decoder, bytes: number): void {
    const room = this.#room!;
    const subtype = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    expectEnd(decoder);
    if (subtype === SYNC.step1) {
      this.#options.observer?.frameIn?.('sync_step1', bytes);
      const stateVector = Y.decodeStateVector(payload);
      if (stateVector.size > 100_000) throw new Refusal(CLOSE.policy, 'state vector too large');
      const diff = room.encodeDiff(stateVector.size === 0 ? null : payload);
      room.afterDurable(() => this.send(syncStep2Frame(diff)));
    } else if (subtype === SYNC.step2 || subtype === SYNC.update) {
      this.#options.observer?.frameIn?.(subtype === SYNC.step2 ? 'sync_step2' : 'update', bytes);
      this.#receiveUpdate(payload, ++this.#writeFrames);
    } else {
      throw new Refusal(CLOSE.policy, `unknown sync message type ${subtype}`);
    }
  }

  #receiveUpdate(update: Uint8Array, frame: number): void {
    const room = this.#room!;
    if (!room.accepting) throw room.deleted ? new Refusal(CLOSE.deleted, 'meeting deleted') : new Refusal(CLOSE.storageUnavailable, 'storage unavailable');
    const check = room.checkUpdate(update);
    if (!check.ok) {
      if (check.problem === 'missing-dependencies' && this.role === 'edit') return this.#wait(update, frame, check.needs);
      throw new Refusal(this.role === 'view' ? CLOSE.readOnly : CLOSE.policy, `update refused (${check.problem}): ${check.detail}`);
    }
    if (this.role === 'view') {
      // A view-only peer's sync step 2 repeats what it was sent; anything new is a write attempt.
      if (!room.isNoOp(check.decoded)) throw new Refusal(CLOSE.readOnly, 'view-only link cannot change the meeting');
    } else {
      if (room.addsContent(check.decoded) && !room.fits(update.byteLength)) throw new Refusal(CLOSE.tooLarge, 'meeting size limit reached');
      room.apply(update, this);
    }
    room.afterDurable(() => this.#saved(frame));
  }

  // Held until the document has what it builds on; retried whenever the document changes, whoever
  // changed it (the dependency may arrive on another socket: two tabs of one browser).
  #wait(update: Uint8Array, frame: number, needs: Dependency | undefined): void {
    const waitingBytes = this.#waiting.reduce((sum, w) => sum + w.update.byteLength, update.byteLength);
    if (this.#waiting.length >= MAX_WAITING_UPDATES || waitingBytes > this.#options.limits.maxFrameBytes) {
      throw new Refusal(CLOSE.policy, 'updates with missing dependencies');
    }
    if (this.#waiting === NOTHING_WAITING) this.#waiting = [];
    this.#waiting.push({ update, frame, needs });
    this.#stopRetrying ??= this.#room!.onChange(() => this.#retryWaiting());
  }

  #retryWaiting(): void {
    const room = this.#room;
    if (!room || this.#closed) return;
    try {
      for (let i = 0; i < this.#waiting.length; ) {
        const held = this.#waiting[i]!;
        // Decode again only once the dependency it waited for is there: anyone's keystroke
        // triggers this, and held updates may be large.
        if (held.needs && !room.dependencyMet(held.needs)) {
          i++;
          continue;
        }
        const check = room.checkUpdate(held.update);
        if (!check.ok) {
          held.needs = check.needs;
          i++;
          continue;
        }
        const { update, frame } = held;
        this.#waiting.splice(i, 1);
        // It may satisfy another held update, and it may change nothing (its content arrived on
        // another socket), so no change would come to retry the rest: look at them all again.
        this.#receiveUpdate(update, frame);
        i = 0;
      }
    } catch (error) {
      this.#refuse(error instanceof Refusal ? error : new Refusal(CLOSE.policy, `malformed message: ${(error as Error).message}`));
    }
    if (this.#waiting.length === 0) {
      this.#stopRetrying?.();
      this.#stopRetrying = null;
    }
  }

  // Acks are a prefix count: never past a frame that still waits for its dependencies.
  #saved(frame: number): void {
    this.#savedCandidate = Math.max(this.#savedCandidate, frame);
    if (!this.#grant.acks || this.#ackScheduled) return;
    this.#ackScheduled = true;
    setImmediate(() => {
      this.#ackScheduled = false;
      const blocked = this.#waiting.length ? Math.min(...this.#waiting.map((w) => w.frame)) - 1 : Infinity;
      const saved = Math.min(this.#savedCandidate, blocked);
      if (saved > this.#savedSent) {
        this.#savedSent = saved;
        this.send(encodeSaved(saved));
      }
    });
  }

  #handleAwareness(payload: Uint8Array, decoder: decoding.Decoder, bytes: number): void {
    expectEnd(decoder);
    this.#options.observer?.frameIn?.('awareness', bytes);
    const room = this.#room!;
    // A stock client echoes everyone's presence (all of a full room's states at once when it joins);
    // the per-connection limit applies to the ids it owns, checked below.
    const { maxAwarenessIds, maxConnectionsPerMeeting } = this.#options.limits;
    const entries = decodeAwarenessUpdate(payload, maxAwarenessIds * maxConnectionsPerMeeting);
    // The stock y-websocket client sends back every awareness change it receives, other clients'
    // included: an entry the room already holds at that clock or later is such an echo and is
    // skipped. Only a newer clock for someone else's id is a spoof.
    const first = !this.#awarenessSeen;
    this.#awarenessSeen = true;
    const returning: number[] = [];
    const own = entries.filter(({ clientId, clock, state }) => {
      // The room's own id (no state, but y-protocols treats it as the server's local state).
      if (clientId === room.awareness.clientID) return false;
      const owner = room.awarenessOwners.get(clientId);
      if (owner === this) return true;
      // Another instance's client: never this connection's to change. Skipped, not refused: a
      // client that moved here from an instance that died sends its own id, which is released
      // once that instance's states expire (server/bus/).
      if (owner?.remoteInstance !== undefined) return false;
      // Removing a state the room does not hold changes nothing: it is the echo of a departure,
      // whose clock may already be forgotten (awareness-meta.ts), and must not claim the id.
      if (state === null && !room.awareness.states.has(clientId)) return false;
      const known = room.awareness.meta.get(clientId);
      if (known === undefined || clock > known.clock) return true;
      // A stock client that reconnects announces its own id first, at the clock it left with
      // (y-protocols bumps the clock of a removed state only for its own local id): on this
      // connection's first awareness message, a state at that clock for an id that departed (no
      // state, no owner) before this connection joined is its return: an id that left later may be
      // the echo of a state this connection was sent. Its old entry is forgotten so it applies.
      const departed = room.departureOf(clientId);
      if (first && state !== null && owner === undefined && clock === known.clock && !room.awareness.states.has(clientId) && departed !== undefined && departed <= this.#joinedDepartures) {
        returning.push(clientId);
        return true;
      }
      return false;
    });
    for (const clientId of returning) room.awareness.meta.delete(clientId);
    const fresh = new Set<number>();
    for (const { clientId } of own) {
      const owner = room.awarenessOwners.get(clientId);
      if (owner !== undefined && owner !== this) throw new Refusal(CLOSE.policy, 'awareness for another connection\'s client id');
      if (owner === undefined) fresh.add(clientId);
    }
    if (this.#ownedAwareness.size + fresh.size > maxAwarenessIds) throw new Refusal(CLOSE.policy, 'too many awareness client ids');
    for (const clientId of fresh) {
      this.#ownedAwareness.add(clientId);
      room.awarenessOwners.set(clientId, this);
    }
    if (own.length === 0) return;
    if (own.length < entries.length) payload = encodeAwarenessEntries(own);
    const wait = this.#awarenessRate.take(1);
    if (wait > (AWARENESS_ABUSE_FACTOR * 1000)) throw new Refusal(CLOSE.rateLimited, 'awareness flood');
    if (wait > 0) {
      // Coalesce: keep only the latest state and apply it when the rate allows.
      const first = this.#deferredAwareness === null;
      this.#deferredAwareness = payload;
      if (first) setTimeout(() => this.#applyDeferredAwareness(), wait).unref();
      return;
    }
    awarenessProtocol.applyAwarenessUpdate(room.awareness, payload, this);
  }

  #applyDeferredAwareness(): void {
    const payload = this.#deferredAwareness;
    this.#deferredAwareness = null;
    if (payload && !this.#closed && this.#room?.accepting) awarenessProtocol.applyAwarenessUpdate(this.#room.awareness, payload, this);
  }

  #handleQueryAwareness(decoder: decoding.Decoder, bytes: number): void {
    expectEnd(decoder);
    this.#options.observer?.frameIn?.('query_awareness', bytes);
    const awareness = this.#room!.awareness;
    const present = [...awareness.getStates().keys()];
    if (present.length) this.send(awarenessFrame(awareness, present));
  }

  #refuse(refusal: Refusal): void {
    this.#options.observer?.rejected?.(refusal.reason.split(':')[0]!);
    this.#log().info({ code: refusal.code, reason: refusal.reason }, 'closing a connection after a refused frame');
    this.close(refusal.code, refusal.reason);
  }

  #onClose(code: number): void {
    if (!this.#closed) {
      this.#closed = true;
      this.#options.observer?.closed?.(1000);
    }
    this.#release();
    this.#options.closed?.(this, code);
  }

  // Leaves once: awareness states removed at once (no ghost cursors), the lease released (the last
  // one out starts the grace period), loaded or not.
  #release(): void {
    if (this.#reading) {
      this.#releaseAfterRead = true;
      return;
    }
    this.#releaseAfterRead = false;
    if (this.#resumeTimer) clearTimeout(this.#resumeTimer);
    this.#stopRetrying?.();
    this.#stopRetrying = null;
    const room = this.#room;
    this.#room = null;
    room?.leave(this, this.#ownedAwareness);
    this.#lease.release();
  }
}

// A close reason is limited to 123 bytes, and refusal texts can quote what a client sent: keep
// printable ASCII only (one byte each) and cut it, so closing can never throw.
const closeReason = (reason: string): string => reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 120);

const expectEnd = (decoder: decoding.Decoder): void => {
  if (decoding.hasContent(decoder)) throw new Refusal(CLOSE.policy, 'trailing bytes after message');
};
