/**
 * Owns room lifecycles: each meeting is loaded once (concurrent first connections share the load
 * promise), unloaded after a grace period once its last peer left and its writes are on disk, and
 * dropped at once when storage fails or the meeting is deleted. Nothing else keeps documents alive.
 */
import type { FastifyBaseLogger } from 'fastify';
import { titleOf } from '../../shared/doc-schema.js';
import { CLOSE } from '../../shared/protocol.js';
import type { MeetingRecord } from '../storage/meeting-record.js';
import type { MeetingStore } from '../storage/store.js';
import { Room, type Peer, type RoomEvents, type RoomLimits } from './room.js';

/** The meeting does not exist (anymore). */
export class MeetingGoneError extends Error {
  override name = 'MeetingGoneError';
}

/** Registry settings. */
export interface RegistryOptions extends RoomLimits {
  roomIdleMs: number;
}

/** Events the rest of the app may observe. */
export interface RegistryObserver {
  onLoaded?(room: Room): void;
  onUnloaded?(room: Room): void;
  onStorageFailure?(error: unknown): void;
}

/** The set of loaded meetings. */
export class RoomRegistry {
  readonly #rooms = new Map<string, Promise<Room>>();
  readonly #unloading = new Map<string, Promise<void>>();
  // Meetings being deleted: a connection arriving meanwhile must not load them again.
  readonly #deleting = new Set<string>();
  readonly #idleTimers = new Map<string, NodeJS.Timeout>();
  readonly #touchTimers = new Map<string, NodeJS.Timeout>();
  readonly #store: MeetingStore;
  readonly #options: RegistryOptions;
  readonly #log: FastifyBaseLogger;
  readonly #observer: RegistryObserver;
  readonly #events: RoomEvents;

  constructor(store: MeetingStore, options: RegistryOptions, log: FastifyBaseLogger, observer: RegistryObserver = {}) {
    this.#store = store;
    this.#options = options;
    this.#log = log;
    this.#observer = observer;
    this.#events = {
      onFailure: (room, error) => {
        this.#observer.onStorageFailure?.(error);
        void this.#evict(room);
      },
      onTitleChange: (room) => this.#touch(room),
      onDurable: (room) => this.#touch(room),
    };
  }

  /** Number of meetings in memory. */
  get size(): number {
    return this.#rooms.size;
  }

  /** The loaded room, loading it first if needed; rejects with MeetingGoneError for unknown meetings. */
  async acquire(id: string): Promise<Room> {
    if (this.#deleting.has(id)) throw new MeetingGoneError(`meeting ${id} is being deleted`);
    const pending = this.#unloading.get(id);
    if (pending) await pending;
    let loading = this.#rooms.get(id);
    if (!loading) {
      loading = this.#load(id);
      this.#rooms.set(id, loading);
      loading.catch(() => {
        if (this.#rooms.get(id) === loading) this.#rooms.delete(id);
      });
    }
    return loading;
  }

  /** The room if it is loaded (or loading), without loading it. */
  peek(id: string): Promise<Room> | undefined {
    return this.#rooms.get(id);
  }

  /** Adds a peer to a room and cancels a pending unload. */
  join(room: Room, peer: Peer): void {
    room.peers.add(peer);
    const timer = this.#idleTimers.get(room.id);
    if (timer) {
      clearTimeout(timer);
      this.#idleTimers.delete(room.id);
    }
  }

  /** Removes a peer; the last one out starts the grace period. */
  leave(room: Room, peer: Peer): void {
    if (!room.peers.delete(peer) || room.peers.size > 0) return;
    if (!this.#rooms.has(room.id) || this.#idleTimers.has(room.id)) return;
    const timer = setTimeout(() => {
      this.#idleTimers.delete(room.id);
      if (room.peers.size === 0) void this.#evict(room);
    }, this.#options.roomIdleMs);
    timer.unref();
    this.#idleTimers.set(room.id, timer);
  }

  /** Deletes a meeting: closes its sockets with 4404, waits for its writes, removes everything stored. */
  async deleteMeeting(record: MeetingRecord): Promise<void> {
    this.#deleting.add(record.id);
    try {
      const loading = this.#rooms.get(record.id);
      const room = loading ? await loading.catch(() => null) : null;
      if (room) {
        room.closePeers(CLOSE.deleted, 'meeting deleted');
        await this.#evict(room, { compact: false });
      }
      await this.#unloading.get(record.id);
      await this.#store.deleteMeeting(record);
    } finally {
      this.#deleting.delete(record.id);
    }
  }

  /** Closes every peer with `code`, flushes and unloads every room (used on shutdown). */
  async closeAll(code: number, reason: string): Promise<void> {
    const rooms = await Promise.all([...this.#rooms.values()].map((p) => p.catch(() => null)));
    for (const room of rooms) room?.closePeers(code, reason);
    await Promise.all(rooms.map((room) => (room ? this.#evict(room) : undefined)));
    await Promise.all(this.#unloading.values());
  }

  #cancelTouch(room: Room): void {
    clearTimeout(this.#touchTimers.get(room.id));
    this.#touchTimers.delete(room.id);
  }

  async #load(id: string): Promise<Room> {
    const record = await this.#store.getMeeting(id);
    if (!record || this.#deleting.has(id)) throw new MeetingGoneError(`meeting ${id} does not exist`);
    const stored = await this.#store.loadDocument(id);
    const room = new Room(record, stored, this.#store, this.#options, this.#events, this.#log);
    this.#observer.onLoaded?.(room);
    return room;
  }

  // Removes the room from the map at once (a new connection reloads from disk after the unload),
  // then waits for its writes, compacts and frees it.
  #evict(room: Room, { compact = true } = {}): Promise<void> {
    const existing = this.#unloading.get(room.id);
    if (existing) return existing;
    const current = this.#rooms.get(room.id);
    if (!current) return Promise.resolve();
    this.#rooms.delete(room.id);
    const timer = this.#idleTimers.get(room.id);
    if (timer) clearTimeout(timer);
    this.#idleTimers.delete(room.id);
    const unload = (async () => {
      await room.durable();
      if (compact && room.accepting) await room.compact();
      if (compact) await this.#flushTouch(room);
      else this.#cancelTouch(room);
      room.destroy();
      this.#observer.onUnloaded?.(room);
    })()
      .catch((error: unknown) => this.#log.error({ err: error, meetingId: room.id }, 'unloading a meeting failed'))
      .finally(() => this.#unloading.delete(room.id));
    this.#unloading.set(room.id, unload);
    return unload;
  }

  // The record's title and updatedAt follow the document, written at most once per second per meeting.
  #touch(room: Room): void {
    if (this.#touchTimers.has(room.id)) return;
    const timer = setTimeout(() => void this.#flushTouch(room), 1000);
    timer.unref();
    this.#touchTimers.set(room.id, timer);
  }

  // Synchronous up to the submit, so a record write can never land after a deletion's batch.
  #flushTouch(room: Room): Promise<void> {
    const timer = this.#touchTimers.get(room.id);
    if (!timer) return Promise.resolve();
    clearTimeout(timer);
    this.#touchTimers.delete(room.id);
    const record = { ...room.record, title: titleOf(room.doc) ?? room.record.title, updatedAt: new Date().toISOString() };
    room.record = record;
    return this.#store
      .putMeeting(record)
      .catch((error: unknown) => this.#log.warn({ err: error, meetingId: room.id }, 'could not update the meeting record'));
  }
}
