/**
 * One loaded meeting: its Y.Doc, its awareness and its peers. Data flows one way: a checked update
 * is applied, appended to the store, and only once the store says it is on disk is it broadcast
 * (durable before visible). Sync answers wait for the same point.
 */
import type { FastifyBaseLogger } from 'fastify';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { CLOSE } from '../../shared/protocol.js';
import { titleOf } from '../../shared/doc-schema.js';
import type { MeetingRecord } from '../storage/meeting-record.js';
import type { MeetingStore, StoredDocument } from '../storage/store.js';
import { awarenessFrame, updateFrame } from './wire.js';

/** What a room needs of a connection: the structural interface lets rooms be tested without sockets. */
export interface Peer {
  send(frame: Uint8Array): void;
  close(code: number, reason: string): void;
}

/** The room settings taken from the configuration. */
export interface RoomLimits {
  maxDocBytes: number;
  compactEvery: number;
}

/** Callbacks a room reports through (the registry and metrics listen). */
export interface RoomEvents {
  onFailure(room: Room, error: unknown): void;
  onTitleChange(room: Room, title: string): void;
  onDurable(room: Room): void;
}

/** The origin a room passes to Yjs for changes that did not come from a peer. */
const LOCAL_ORIGIN = Symbol('room');

/** One meeting held in memory. */
export class Room {
  readonly id: string;
  /** The meeting's record as last written; the registry keeps its title and updatedAt current. */
  record: MeetingRecord;
  readonly doc = new Y.Doc();
  readonly awareness: awarenessProtocol.Awareness;
  readonly peers = new Set<Peer>();
  /** Which peer introduced each awareness client id: only that peer may change or remove it. */
  readonly awarenessOwners = new Map<number, Peer>();
  #state: 'open' | 'failed' | 'closed' = 'open';
  #firstSeq: number;
  #nextSeq: number;
  #snapshotBytes: number;
  #logBytes = 0;
  #fullState: Uint8Array | null = null;
  #compacting = false;
  #durable: Promise<void> = Promise.resolve();
  #pending: PendingEntry | null = null;
  #pendingAwareness = new Set<number>();
  #title: string | null;
  readonly #store: MeetingStore;
  readonly #limits: RoomLimits;
  readonly #events: RoomEvents;
  readonly #log: FastifyBaseLogger;

  constructor(record: MeetingRecord, stored: StoredDocument, store: MeetingStore, limits: RoomLimits, events: RoomEvents, log: FastifyBaseLogger) {
    this.id = record.id;
    this.record = record;
    this.#store = store;
    this.#limits = limits;
    this.#events = events;
    this.#log = log;
    this.#firstSeq = stored.firstSeq;
    this.#nextSeq = stored.nextSeq;
    this.#snapshotBytes = stored.snapshot?.byteLength ?? 0;
    this.doc.transact(() => {
      if (stored.snapshot) Y.applyUpdate(this.doc, stored.snapshot);
      for (const update of stored.updates) Y.applyUpdate(this.doc, update);
    }, LOCAL_ORIGIN);
    for (const update of stored.updates) this.#logBytes += update.byteLength;
    // A snapshot with nothing after it is already the full state: late joiners get it without re-encoding.
    if (stored.snapshot && stored.updates.length === 0) this.#fullState = stored.snapshot;
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.#onAwarenessChange);
    this.doc.on('update', this.#onDocUpdate);
    this.#title = titleOf(this.doc);
  }

  /** False once storage failed or the room was closed: it takes no more edits. */
  get accepting(): boolean {
    return this.#state === 'open';
  }

  /** Stored size of the meeting (snapshot plus log), an upper bound of what a reload reads. */
  get storedBytes(): number {
    return this.#snapshotBytes + this.#logBytes;
  }

  /** Whether an update of this many bytes still fits the document limit. */
  fits(updateBytes: number): boolean {
    return this.storedBytes + updateBytes <= this.#limits.maxDocBytes;
  }

  /** Applies a checked update from a peer (or from the server when origin is null). */
  apply(update: Uint8Array, origin: Peer | null): void {
    try {
      Y.applyUpdate(this.doc, update, origin ?? LOCAL_ORIGIN);
    } catch (error) {
      // The checks should make this impossible; if Yjs throws anyway, part of the update may be in
      // memory. Fail the room before its pending entry is written: nothing of it is stored or sent,
      // and the next connection reloads the meeting from disk.
      this.#fail(error, CLOSE.internal, 'applying a checked update failed; the meeting is reloaded from disk');
      throw error;
    }
  }

  /** The update a peer with this state vector lacks; the full state is cached for newcomers. */
  encodeDiff(stateVector: Uint8Array | null): Uint8Array {
    if (stateVector === null || stateVector.byteLength <= 1) {
      this.#fullState ??= Y.encodeStateAsUpdate(this.doc);
      return this.#fullState;
    }
    return Y.encodeStateAsUpdate(this.doc, stateVector);
  }

  /** Runs `fn` once everything applied so far is on disk (not at all if storage failed). */
  afterDurable(fn: () => void): void {
    const state = () => this.#state;
    void this.#durable.then(() => {
      if (state() !== 'failed') fn();
    });
  }

  /** Resolves once everything applied so far is on disk or has failed. */
  durable(): Promise<void> {
    return this.#durable;
  }

  /** Removes the awareness states a peer introduced (at once, so no ghost cursors remain). */
  removeAwareness(clients: Iterable<number>): void {
    const ids = [...clients].filter((id) => this.awareness.states.has(id));
    if (ids.length) awarenessProtocol.removeAwarenessStates(this.awareness, ids, 'leave');
  }

  /** Closes every peer with a code and stops taking edits. */
  closePeers(code: number, reason: string): void {
    for (const peer of [...this.peers]) peer.close(code, reason);
  }

  /** Stops the room: no more edits or broadcasts; memory is released. */
  destroy(): void {
    if (this.#state === 'open') this.#state = 'closed';
    this.doc.off('update', this.#onDocUpdate);
    this.awareness.destroy();
    this.doc.destroy();
    this.#fullState = null;
  }

  /** Folds the update log into the snapshot if it has entries; resolves when done. */
  async compact(): Promise<void> {
    if (this.#compacting || this.#nextSeq === this.#firstSeq || this.#state === 'failed') return;
    this.#compacting = true;
    const snapshot = Y.encodeStateAsUpdate(this.doc);
    const [first, last, logBytesFolded] = [this.#firstSeq, this.#nextSeq - 1, this.#logBytes];
    try {
      // Submitted after every update already applied, so the batch lands after theirs.
      await this.#store.compact(this.id, snapshot, first, last);
      this.#firstSeq = last + 1;
      this.#snapshotBytes = snapshot.byteLength;
      this.#logBytes -= logBytesFolded;
      if (this.#nextSeq === this.#firstSeq) this.#fullState ??= snapshot;
    } catch (error) {
      this.#fail(error);
    } finally {
      this.#compacting = false;
    }
  }

  // Updates applied during one socket callback (a burst of keystrokes, a pasted paragraph) become
  // one log entry and one broadcast frame: fewer keys on disk, one encode and send per peer.
  readonly #onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (this.#state !== 'open') return;
    this.#fullState = null;
    if (!this.#pending) {
      this.#pending = new PendingEntry();
      // Anything that waits for durability from now on waits for this entry too.
      this.#durable = this.#pending.settled;
      queueMicrotask(this.#writePending);
    }
    this.#pending.add(update, origin === LOCAL_ORIGIN ? null : (origin as Peer));
    this.#checkTitle();
  };

  readonly #writePending = (): void => {
    const entry = this.#pending;
    this.#pending = null;
    if (!entry) return;
    if (this.#state !== 'open') return entry.settle();
    const update = entry.merged();
    this.#logBytes += update.byteLength;
    this.#store.appendUpdate(this.id, this.#nextSeq++, update).then(
      () => {
        this.#broadcast(update, entry.soleSender());
        entry.settle();
      },
      (error: unknown) => {
        this.#fail(error);
        entry.settle();
      },
    );
    if (this.#nextSeq - this.#firstSeq >= this.#limits.compactEvery) setImmediate(() => void this.compact());
  };

  // The sender already has the update; an entry from several senders goes to everyone (harmless).
  #broadcast(update: Uint8Array, sender: Peer | null | undefined): void {
    if (this.#state !== 'open') return;
    const frame = updateFrame(update);
    for (const peer of this.peers) if (peer !== sender) peer.send(frame);
    this.#events.onDurable(this);
  }

  #checkTitle(): void {
    const title = titleOf(this.doc);
    if (title !== null && title !== this.#title) {
      this.#title = title;
      this.#events.onTitleChange(this, title);
    }
  }

  #fail(error: unknown, code: number = CLOSE.storageUnavailable, message = 'storage write failed; the meeting stops accepting edits'): void {
    if (this.#state === 'failed') return;
    this.#state = 'failed';
    this.#log.error({ err: error, meetingId: this.id }, message);
    this.closePeers(code, code === CLOSE.storageUnavailable ? 'storage unavailable' : 'internal error');
    this.#events.onFailure(this, error);
  }

  // Awareness changes of one event-loop turn go out as one frame.
  readonly #onAwarenessChange = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }): void => {
    const first = this.#pendingAwareness.size === 0;
    for (const id of [...added, ...updated, ...removed]) this.#pendingAwareness.add(id);
    if (first) setImmediate(this.#flushAwareness);
  };

  readonly #flushAwareness = (): void => {
    const ids = [...this.#pendingAwareness];
    this.#pendingAwareness.clear();
    if (this.#state !== 'open' || ids.length === 0) return;
    const frame = awarenessFrame(this.awareness, ids);
    for (const peer of this.peers) peer.send(frame);
  };
}

/** Updates waiting to become one log entry; `settled` resolves once it is written or failed. */
class PendingEntry {
  readonly #updates: Uint8Array[] = [];
  readonly #senders = new Set<Peer | null>();
  #resolve!: () => void;
  readonly settled = new Promise<void>((resolve) => (this.#resolve = resolve));

  add(update: Uint8Array, sender: Peer | null): void {
    this.#updates.push(update);
    this.#senders.add(sender);
  }

  /** All updates as one (Yjs merges updates without a document). */
  merged(): Uint8Array {
    return this.#updates.length === 1 ? this.#updates[0]! : Y.mergeUpdates(this.#updates);
  }

  /** The one peer every update came from; undefined when there were several. */
  soleSender(): Peer | null | undefined {
    return this.#senders.size === 1 ? this.#senders.values().next().value : undefined;
  }

  settle(): void {
    this.#resolve();
  }
}

