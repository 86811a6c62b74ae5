/**
 * The debounced meeting.updated, and the guarantee behind it: an edit that was acknowledged is
 * announced even if the process is killed right after. Each loaded room is "armed": its next log
 * entry carries a change marker in the same atomic batch (one record per announcement cycle,
 * nothing per keystroke). MEETPAD_WEBHOOK_DEBOUNCE_MS after the meeting's last durable change
 * (at most MAX_WAIT_FACTOR times that after the first), the events are written and the markers
 * covered deleted, in one batch, and the room is armed again with a new marker. At start every
 * marker left on disk becomes a due announcement. Markers have a generation each: one written
 * after an announcement began is not deleted by it.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock, TimerHandle } from '../clock.js';
import type { RoomRegistry } from '../collab/room-registry.js';
import type { Room } from '../collab/room.js';
import type { MeetingStore, RecordCollection } from '../storage/meeting-store.js';
import type { Ownership } from './ownership.js';
import type { Plan } from './webhook-announcer.js';
import { WEBHOOK_COLLECTIONS, markerKey, meetingOfMarker, type ChangeMarker } from './webhook-records.js';

/** A busy meeting is announced at the latest this many debounce periods after its first unannounced change. */
export const MAX_WAIT_FACTOR = 10;

/** What the tracker needs. */
export interface TrackerDeps {
  store: MeetingStore;
  registry: RoomRegistry;
  clock: Clock;
  log: FastifyBaseLogger;
  ownership: Ownership;
  /** Plans the events of a meeting's changes (webhook-announcer.ts). */
  announce(meetingId: string): Promise<Plan>;
}

interface MeetingState {
  /** Marker generations written (or being written) and not yet covered by an announcement. */
  generations: Set<string>;
  /** Generations the announcement being written covers (a rescan must not take them again). */
  announcing: Set<string>;
  timer: TimerHandle | null;
  dueAt: number | null;
  firstAt: number | null;
  running: boolean;
  again: boolean;
}

/** Tracks which meetings changed since their last announcement. */
export class ChangeTracker {
  readonly #deps: TrackerDeps;
  readonly #debounceMs: number;
  readonly #retryMs: number;
  readonly #markers: RecordCollection<ChangeMarker>;
  readonly #states = new Map<string, MeetingState>();
  readonly #armed = new WeakSet<Room>();
  readonly #running = new Set<Promise<void>>();
  #stopped = false;

  constructor(deps: TrackerDeps, timing: { debounceMs: number; retryMs: number }) {
    this.#deps = deps;
    this.#debounceMs = timing.debounceMs;
    this.#retryMs = timing.retryMs;
    this.#markers = deps.store.collection<ChangeMarker>(WEBHOOK_COLLECTIONS.changes);
    deps.registry.onRoom((room) => this.#arm(room));
    deps.registry.onDurableChange(({ room, changedAt }) => this.#due(room.id, changedAt + this.#debounceMs));
  }

  /** Turns the markers on disk (this instance's predecessor's, or a dead instance's) into due announcements. */
  async scan(): Promise<void> {
    const now = this.#deps.clock.now();
    for (const { key, value } of await this.#markers.list()) {
      if (this.#stopped) return;
      const meetingId = meetingOfMarker(key);
      const generation = key.slice(meetingId.length + 1);
      const state = this.#states.get(meetingId);
      if (state?.generations.has(generation) || state?.announcing.has(generation)) continue;
      if (value.owner !== this.#deps.ownership.instanceId && !(await this.#deps.ownership.mayTake(value.owner))) continue;
      this.#state(meetingId).generations.add(generation);
      this.#due(meetingId, now + this.#debounceMs);
    }
  }

  /** Stops the timers and waits for announcements being written (markers left on disk are found at the next start). */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const state of this.#states.values()) if (state.timer) this.#deps.clock.clearTimeout(state.timer);
    await Promise.all(this.#running);
  }

  // The room's next entry carries a marker of a new generation.
  #arm(room: Room): void {
    if (this.#armed.has(room) || this.#stopped) return;
    this.#armed.add(room);
    room.beforeNextAppend(() => {
      this.#armed.delete(room);
      const generation = randomBytes(9).toString('base64url');
      this.#state(room.id).generations.add(generation);
      const marker: ChangeMarker = { at: this.#deps.clock.now(), owner: this.#deps.ownership.instanceId };
      return [{ collection: WEBHOOK_COLLECTIONS.changes, key: markerKey(room.id, generation), value: marker }];
    });
  }

  #state(meetingId: string): MeetingState {
    let state = this.#states.get(meetingId);
    if (!state) this.#states.set(meetingId, (state = { generations: new Set(), announcing: new Set(), timer: null, dueAt: null, firstAt: null, running: false, again: false }));
    return state;
  }

  // (Re)sets the meeting's announcement for `at`, never later than the longest wait allows.
  #due(meetingId: string, at: number): void {
    if (this.#stopped) return;
    const state = this.#state(meetingId);
    const now = this.#deps.clock.now();
    state.firstAt ??= now;
    const when = Math.min(at, state.firstAt + this.#debounceMs * MAX_WAIT_FACTOR);
    if (state.timer) this.#deps.clock.clearTimeout(state.timer);
    state.dueAt = when;
    state.timer = this.#deps.clock.setTimeout(() => {
      state.timer = null;
      const run = this.#announce(meetingId, state).finally(() => this.#running.delete(run));
      this.#running.add(run);
    }, Math.max(0, when - now));
  }

  async #announce(meetingId: string, state: MeetingState): Promise<void> {
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = true;
    state.firstAt = null;
    const covered = [...state.generations];
    state.generations.clear();
    for (const generation of covered) state.announcing.add(generation);
    // Armed again before reading: an edit from now on writes a marker this announcement leaves alone.
    const room = this.#deps.registry.loadedRoom(meetingId);
    if (room) this.#arm(room);
    try {
      if (covered.length) {
        const plan = await this.#deps.announce(meetingId);
        const deletes = covered.map((generation) => ({ collection: WEBHOOK_COLLECTIONS.changes, key: markerKey(meetingId, generation), value: null }));
        await this.#deps.store.writeRecords([...plan.writes, ...deletes]);
        plan.committed();
        // A deletion that settled meanwhile removed the meeting's records, not what was written after it.
        if (!(await this.#deps.store.getMeeting(meetingId))) await this.#deps.store.writeRecords([{ collection: WEBHOOK_COLLECTIONS.baseline, key: meetingId, value: null }]);
      }
    } catch (error) {
      this.#deps.log.warn({ err: error, meetingId }, 'webhook events of a meeting could not be written; trying again');
      for (const generation of covered) state.generations.add(generation);
      this.#due(meetingId, this.#deps.clock.now() + this.#retryMs);
    } finally {
      state.announcing.clear();
      state.running = false;
      if (state.again) {
        state.again = false;
        this.#due(meetingId, this.#deps.clock.now());
      } else if (!state.timer && state.generations.size === 0) {
        this.#states.delete(meetingId);
      }
    }
  }
}
