/**
 * Owns the life of each meeting in memory: one small state machine per meeting, and the only
 * place that loads, unloads or drops a room.
 *
 *   loading ──► active ◄──► idle ──► unloading ──► unloaded
 *      │          │          │                       ▲
 *      └──────────┴──────────┴──────► failed ────────┘ (after a back-off)
 *
 * - loading: the first lease started the load; concurrent leases share it.
 * - active: at least one lease holds the room. A lease is taken when a socket is accepted and
 *   released when it closes, whether or not the room had loaded by then.
 * - idle: nobody holds it (including a room that loaded after its only socket closed); it unloads
 *   after the grace period unless leased again.
 * - unloading: every write and compaction settles, the durable-change hook fires, the document is
 *   freed. A lease taken meanwhile gets a new entry that loads once this one is gone.
 * - failed: storage failed (or the load did). Leases are refused at once, without reloading, until
 *   a back-off that doubles with each consecutive failure of the meeting ends.
 * - unloaded: gone from the map. Entries are replaced and removed by identity, never by id alone,
 *   so a stale entry can never evict a live one.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock, TimerHandle } from '../clock.js';
import { CLOSE } from '../../shared/protocol.js';
import type { MeetingRecord } from '../storage/meeting-record.js';
import { MeetingDeletedError, type MeetingStore, type RecordWrite } from '../storage/meeting-store.js';
import type { PersistenceSettings } from './document-writer.js';
import { DurableChanges, type DurableChangeListener } from './durable-changes.js';
import { Room, type Peer, type RoomEvents, type RoomFanout } from './room.js';

/** The meeting does not exist (anymore). */
export class MeetingGoneError extends Error {
  override name = 'MeetingGoneError';
}

/** The meeting's storage failed recently; try again after `retryAfterMs`. */
export class RoomUnavailableError extends Error {
  override name = 'RoomUnavailableError';
  constructor(readonly retryAfterMs: number) {
    super(`the meeting is unavailable after a storage failure; retry in ${Math.ceil(retryAfterMs / 1000)} s`);
  }
}

/** A meeting's place in its lifecycle. */
export type LifecycleState = 'loading' | 'active' | 'idle' | 'unloading' | 'unloaded' | 'failed';

const TRANSITIONS: Readonly<Record<LifecycleState, readonly LifecycleState[]>> = {
  loading: ['active', 'idle', 'failed', 'unloaded'],
  active: ['idle', 'unloading', 'failed'],
  idle: ['active', 'unloading', 'failed'],
  unloading: ['unloaded'],
  failed: ['unloaded'],
  unloaded: [],
};

// A meeting whose storage failed is not reloaded for FAILED_BACKOFF_MS, doubling per consecutive
// failure up to FAILED_BACKOFF_MAX_MS: a broken disk must not turn into a reload-and-log loop.
const FAILED_BACKOFF_MS = 1000;
const FAILED_BACKOFF_MAX_MS = 60_000;
// Failures further apart than this are unrelated: the back-off starts again from the beginning.
const FAILURE_MEMORY_MS = 10 * 60_000;
// The durable-change hook: quiet time after the last write, and the longest a busy meeting waits.
const CHANGE_DEBOUNCE_MS = 1000;
const CHANGE_MAX_WAIT_MS = 5000;

/** Registry settings. */
export interface RegistryOptions extends PersistenceSettings {
  roomIdleMs: number;
}

/** What the registry needs besides the store. */
export interface RegistryDeps {
  log: FastifyBaseLogger;
  clock: Clock;
  observer?: RegistryObserver;
  fanout?: RoomFanout;
}

/** Events the rest of the app may observe. */
export interface RegistryObserver {
  onLoaded?(room: Room): void;
  onUnloaded?(room: Room): void;
  onStorageFailure?(error: unknown): void;
}

/**
 * A feature's view of loaded rooms: called once a room has loaded; the function it returns (if
 * any) runs when the room stops (unloading or failed), before its document is freed.
 */
export type RoomListener = (room: Room) => (() => void | Promise<void>) | void;

/** A hold on a meeting's room: taken when a socket is accepted, released when it closes. */
export interface Lease {
  /** The loaded room; rejects with MeetingGoneError, RoomUnavailableError or a storage error. */
  readonly room: Promise<Room>;
  /** Adds the peer to the room (once `room` resolved); a released lease ignores it. */
  join(peer: Peer): void;
  /** Ends the hold and removes its peer from the room; idempotent. */
  release(): void;
}

/** One meeting's lifecycle. */
class Entry {
  state: LifecycleState = 'loading';
  room: Room | null = null;
  holders = 0;
  timer: TimerHandle | null = null;
  /** The room's document is freed (set once the room stops: unloading or failed). */
  freed: Promise<void> | null = null;
  loaded!: Promise<Room>;
  constructor(readonly id: string) {}
}

/** The set of meetings in memory. */
export class RoomRegistry {
  readonly #entries = new Map<string, Entry>();
  // Meetings being deleted: a lease taken meanwhile must not load them again.
  readonly #deleting = new Set<string>();
  // Consecutive storage failures per meeting (cleared by its next durable write or forgotten after
  // FAILURE_MEMORY_MS).
  readonly #failures = new Map<string, { count: number; at: number }>();
  // Meetings whose last durable changes were not reported (their room failed first): reported
  // from the durable state of the next room that loads.
  readonly #unreported = new Set<string>();
  readonly #store: MeetingStore;
  readonly #options: RegistryOptions;
  readonly #deps: RegistryDeps;
  readonly #changes: DurableChanges;
  readonly #roomEvents: RoomEvents;
  readonly #roomListeners: RoomListener[] = [];
  readonly #roomEnds = new Map<Room, Array<() => void | Promise<void>>>();

  constructor(store: MeetingStore, options: RegistryOptions, deps: RegistryDeps) {
    this.#store = store;
    this.#options = options;
    this.#deps = deps;
    this.#changes = new DurableChanges(deps.clock, { debounceMs: CHANGE_DEBOUNCE_MS, maxWaitMs: CHANGE_MAX_WAIT_MS }, deps.log);
    this.#roomEvents = {
      onFailure: (room, error) => {
        const entry = this.#entries.get(room.id);
        if (entry?.room !== room) return;
        // Deleted elsewhere a moment ago: unloaded as a deletion, with no back-off and no failure counted.
        if (error instanceof MeetingDeletedError) {
          this.closeDeleted(room.id).catch((closing: unknown) => this.#deps.log.warn({ err: closing, meetingId: room.id }, 'closing a deleted meeting failed'));
        } else this.#fail(entry, error);
      },
      onDurable: (room) => {
        this.#failures.delete(room.id);
        this.#changes.noteDurable(room);
      },
    };
  }

  /** Number of meetings with an entry (loading, loaded, unloading or failed). */
  get size(): number {
    return this.#entries.size;
  }

  /** Where the meeting is in its lifecycle ('unloaded' when it has no entry). */
  stateOf(id: string): LifecycleState {
    return this.#entries.get(id)?.state ?? 'unloaded';
  }

  /** The room, if it is loaded and taking part (active or idle); never loads. */
  loadedRoom(id: string): Room | undefined {
    const entry = this.#entries.get(id);
    return entry && (entry.state === 'active' || entry.state === 'idle') ? (entry.room ?? undefined) : undefined;
  }

  /** True while the meeting is being deleted here (or closed after a deletion elsewhere): nothing may write it. */
  isDeleting(id: string): boolean {
    return this.#deleting.has(id);
  }

  /** Subscribes to the debounced "changed and durable" event of every meeting. */
  onDurableChange(listener: DurableChangeListener): void {
    this.#changes.subscribe(listener);
  }

  /** Subscribes a feature to every room that loads from now on. */
  onRoom(listener: RoomListener): void {
    this.#roomListeners.push(listener);
  }

  /** Takes a lease on a meeting's room, loading it if needed. */
  lease(id: string): Lease {
    const entry = this.#deleting.has(id) ? null : this.#entryFor(id);
    if (!entry) return releasedLease(Promise.reject(new MeetingGoneError(`meeting ${id} is being deleted`)));
    if (entry.state === 'failed') return releasedLease(Promise.reject(new RoomUnavailableError(this.#backoffMs(id))));
    entry.holders++;
    if (entry.state === 'idle') this.#activate(entry);
    return new EntryLease(entry, this.#lastLeaseEnded);
  }

  readonly #lastLeaseEnded = (entry: Entry): void => {
    if (entry.state === 'active') this.#idle(entry);
  };

  /**
   * Deletes a meeting: its sockets get 4404, its writes settle, then everything stored is removed
   * (with `also` in the same atomic batch).
   */
  async deleteMeeting(record: MeetingRecord, also?: readonly RecordWrite[]): Promise<void> {
    this.#deleting.add(record.id);
    try {
      await this.#closeDeleted(record.id);
      await this.#store.deleteMeeting(record, also);
      this.#failures.delete(record.id);
      this.#unreported.delete(record.id);
    } finally {
      this.#deleting.delete(record.id);
    }
    // Other instances close their sockets of the meeting too (the bus, when there is one).
    this.#deps.fanout?.deleted?.(record.id);
  }

  /** The meeting was deleted elsewhere (another instance): its sockets get 4404, its room unloads. */
  async closeDeleted(id: string): Promise<void> {
    this.#deleting.add(id);
    try {
      await this.#closeDeleted(id);
    } finally {
      this.#deleting.delete(id);
    }
  }

  async #closeDeleted(id: string): Promise<void> {
    const entry = this.#entries.get(id);
    if (!entry) return;
    const room = await entry.loaded.catch(() => null);
    // Marked first: the room's features must not write the meeting again as it stops.
    room?.markDeleted();
    room?.closePeers(CLOSE.deleted, 'meeting deleted');
    await this.#unload(entry, { compact: false });
  }

  /** Closes every peer with `code`, then settles and unloads every room (used on shutdown). */
  async closeAll(code: number, reason: string): Promise<void> {
    const entries = [...this.#entries.values()];
    const rooms = await Promise.all(entries.map((entry) => entry.loaded.catch(() => null)));
    for (const room of rooms) room?.closePeers(code, reason);
    await Promise.all(entries.map((entry) => this.#unload(entry, { compact: true })));
  }

  // The entry a new lease joins: the current one, or a new one (after an unloading one is gone).
  #entryFor(id: string): Entry {
    const current = this.#entries.get(id);
    if (current && current.state !== 'unloading') return current;
    const entry = new Entry(id);
    this.#entries.set(id, entry);
    entry.loaded = this.#load(entry, current?.freed ?? null);
    // Lease holders see the rejection; the registry's own bookkeeping must not be an unhandled one.
    entry.loaded.catch(() => {});
    return entry;
  }

  async #load(entry: Entry, previousFreed: Promise<void> | null): Promise<Room> {
    try {
      if (previousFreed) await previousFreed;
      const record = await this.#store.getMeeting(entry.id);
      if (!record || this.#deleting.has(entry.id)) throw new MeetingGoneError(`meeting ${entry.id} does not exist`);
      const opened = await this.#store.openDocument(entry.id);
      let room: Room;
      try {
        room = new Room(record, opened, this.#options, this.#roomEvents, this.#deps.log, this.#deps.fanout, this.#deps.clock);
      } catch (error) {
        opened.log.close(); // a stored update Yjs cannot apply: the next load must be able to try again
        throw error;
      }
      entry.room = room;
      if (this.#unreported.delete(entry.id)) this.#changes.noteDurable(room);
      this.#deps.observer?.onLoaded?.(room);
      this.#roomEnds.set(room, this.#startListeners(room));
      if (entry.holders > 0) this.#to(entry, 'active');
      else this.#idle(entry);
      return room;
    } catch (error) {
      if (error instanceof MeetingGoneError) {
        this.#remove(entry);
      } else {
        // Logged here once, however many sockets were waiting for this load.
        this.#deps.log.error({ err: error, meetingId: entry.id }, 'loading a meeting failed');
        this.#fail(entry, error);
      }
      throw error;
    }
  }

  #activate(entry: Entry): void {
    if (entry.timer) this.#deps.clock.clearTimeout(entry.timer);
    entry.timer = null;
    this.#to(entry, 'active');
  }

  #idle(entry: Entry): void {
    this.#to(entry, 'idle');
    entry.timer = this.#deps.clock.setTimeout(() => {
      entry.timer = null;
      if (entry.state === 'idle') this.#unload(entry, { compact: true }).catch((error: unknown) => this.#deps.log.error({ err: error, meetingId: entry.id }, 'unloading a meeting failed'));
    }, this.#options.roomIdleMs);
  }

  // Waits for the room's writes (and compaction), lets the durable-change hook fire (or drops it
  // when the meeting is being deleted), then frees the room. Any state may unload: a loading entry
  // waits for its load first, a failed one only for its room to be freed.
  #unload(entry: Entry, { compact }: { compact: boolean }): Promise<void> {
    if (entry.state === 'unloaded') return Promise.resolve();
    if (entry.state === 'failed' || entry.state === 'unloading') return this.#removeWhenFreed(entry);
    if (entry.state === 'loading') return entry.loaded.then(() => this.#unload(entry, { compact }), () => undefined);
    if (entry.timer) this.#deps.clock.clearTimeout(entry.timer);
    entry.timer = null;
    this.#to(entry, 'unloading');
    const room = entry.room!;
    entry.freed = (async () => {
      await room.close({ compact });
      if (compact) await this.#changes.flush(room);
      else this.#changes.cancel(room);
    })()
      .catch((error: unknown) => this.#deps.log.error({ err: error, meetingId: entry.id }, 'unloading a meeting failed'))
      .finally(() => this.#free(room));
    return this.#removeWhenFreed(entry);
  }

  // Storage failed: peers were closed by the room; refuse leases for a back-off, then forget it.
  #fail(entry: Entry, error: unknown): void {
    if (entry.state === 'failed' || entry.state === 'unloading' || entry.state === 'unloaded') return;
    if (entry.timer) this.#deps.clock.clearTimeout(entry.timer);
    this.#to(entry, 'failed');
    this.#deps.observer?.onStorageFailure?.(error);
    const now = this.#deps.clock.now();
    const previous = this.#failures.get(entry.id);
    this.#failures.set(entry.id, { count: previous && now - previous.at < FAILURE_MEMORY_MS ? previous.count + 1 : 1, at: now });
    const room = entry.room;
    if (room) {
      // What was on disk but not reported yet is reported by the next room (its document is the
      // durable state; this one may hold edits that never reached the disk).
      if (this.#changes.cancel(room)) this.#unreported.add(entry.id);
      entry.freed = room
        .close({ compact: false })
        .catch(() => {})
        .finally(() => this.#free(room));
    }
    entry.timer = this.#deps.clock.setTimeout(() => {
      entry.timer = null;
      this.#removeWhenFreed(entry).catch((error: unknown) => this.#deps.log.error({ err: error, meetingId: entry.id }, 'forgetting a failed meeting failed'));
    }, this.#backoffMs(entry.id));
  }

  async #removeWhenFreed(entry: Entry): Promise<void> {
    if (entry.timer) this.#deps.clock.clearTimeout(entry.timer);
    entry.timer = null;
    await entry.freed;
    this.#remove(entry);
  }

  // A feature that fails must not fail the meeting: it is logged and left out.
  #startListeners(room: Room): Array<() => void | Promise<void>> {
    const ends: Array<() => void | Promise<void>> = [];
    for (const listener of this.#roomListeners) {
      try {
        const end = listener(room);
        if (end) ends.push(end);
      } catch (error) {
        this.#deps.log.warn({ err: error, meetingId: room.id }, 'a room listener failed when the room loaded');
      }
    }
    return ends;
  }

  async #free(room: Room): Promise<void> {
    const ends = this.#roomEnds.get(room) ?? [];
    this.#roomEnds.delete(room);
    for (const end of ends) {
      try {
        await end();
      } catch (error) {
        this.#deps.log.warn({ err: error, meetingId: room.id }, 'a room listener failed while the room stopped');
      }
    }
    room.destroy();
    this.#deps.observer?.onUnloaded?.(room);
  }

  #remove(entry: Entry): void {
    if (entry.state !== 'unloaded') this.#to(entry, 'unloaded');
    if (this.#entries.get(entry.id) === entry) this.#entries.delete(entry.id);
  }

  #backoffMs(id: string): number {
    const failures = Math.max(1, this.#failures.get(id)?.count ?? 1);
    return Math.min(FAILED_BACKOFF_MS * 2 ** (failures - 1), FAILED_BACKOFF_MAX_MS);
  }

  #to(entry: Entry, next: LifecycleState): void {
    if (!TRANSITIONS[entry.state].includes(next)) throw new Error(`meeting ${entry.id}: no transition ${entry.state} -> ${next}`);
    entry.state = next;
  }
}

// A lease that holds nothing: its room promise is already settled.
/** A socket's hold on an entry: an object of its own, not closures (one per connection). */
class EntryLease implements Lease {
  readonly room: Promise<Room>;
  readonly #entry: Entry;
  readonly #lastEnded: (entry: Entry) => void;
  #peer: Peer | null = null;
  #released = false;

  constructor(entry: Entry, lastEnded: (entry: Entry) => void) {
    this.room = entry.loaded;
    this.#entry = entry;
    this.#lastEnded = lastEnded;
  }

  join(peer: Peer): void {
    const room = this.#entry.room;
    if (this.#released || !room) return;
    this.#peer = peer;
    room.peers.add(peer);
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    const entry = this.#entry;
    if (this.#peer) entry.room?.removePeer(this.#peer);
    entry.holders--;
    if (entry.holders === 0) this.#lastEnded(entry);
  }
}

const releasedLease = (room: Promise<Room>): Lease => {
  room.catch(() => {});
  return { room, join: () => {}, release: () => {} };
};
