/**
 * The authorship service: who wrote each range of a meeting's item ids, for the history (authors
 * of a revision, the changes' spans) and the editor's colours. `mapOf` merges the stored records
 * with what a room loaded here recorded since; for a loaded room the map is cached and kept
 * current, and read again from storage once another writer (another instance, a server edit) may
 * have added records. Records are folded into a few when a meeting has many: when their count
 * passes `foldAfter` while the room is loaded, and when the room stops. Deleting a meeting needs
 * nothing here (its keys start with `id!`).
 */
import type { FastifyBaseLogger } from 'fastify';
import { AuthorMap } from '../../shared/author-map.js';
import type { Clock } from '../clock.js';
import type { RoomRegistry } from '../collab/room-registry.js';
import type { Room } from '../collab/room.js';
import type { MeetingStore, RecordCollection, RecordWrite } from '../storage/meeting-store.js';
import { AuthorshipRecorder, type AttributedRange } from './authorship-recorder.js';
import { AUTHORSHIP_COLLECTION, authorshipPrefix, foldedRecords, mapOfRecords, type AuthorshipRecord } from './authorship-records.js';

/** Records per meeting above which they are folded (a few hundred small records read fast). */
export const FOLD_AFTER_RECORDS = 500;

/** What the service needs. */
export interface AuthorshipDeps {
  store: MeetingStore;
  registry: RoomRegistry;
  clock: Clock;
  log: FastifyBaseLogger;
  /** Fold a meeting's records once there are more than this many (tests use a small number). */
  foldAfter?: number;
}

/** What the service keeps of a room loaded here. */
interface Loaded {
  room: Room;
  /** Everything this room recorded: not all of it is durable yet, none of it is lost by a re-read. */
  session: AuthorMap;
  /** Stored records plus `session`, current; null until read, or once storage may hold more. */
  merged: AuthorMap | null;
  reading: Promise<AuthorMap> | null;
  /** Bumped whenever storage may hold records `merged` lacks. */
  generation: number;
  /** Records stored at the last read or fold (null: not read yet), and written since. */
  stored: number | null;
  written: number;
  /** Records left by the last fold: a meeting that folds to many must not fold on every entry. */
  floor: number;
  folding: Promise<void> | null;
}

/** Who wrote what, per meeting. */
export class Authorship {
  /** The recorder (a restore passes explicit ranges to `attribute`). */
  readonly recorder: AuthorshipRecorder;
  readonly #store: MeetingStore;
  readonly #records: RecordCollection<AuthorshipRecord>;
  readonly #log: FastifyBaseLogger;
  readonly #foldAfter: number;
  readonly #loaded = new Map<string, Loaded>();

  constructor({ store, registry, clock, log, foldAfter = FOLD_AFTER_RECORDS }: AuthorshipDeps) {
    this.#store = store;
    // Named at start so a deletion in this process removes the meeting's records of it.
    this.#records = store.collection<AuthorshipRecord>(AUTHORSHIP_COLLECTION);
    this.#log = log;
    this.#foldAfter = foldAfter;
    this.recorder = new AuthorshipRecorder(store, clock, {
      attributed: (room, author, triples) => {
        const loaded = this.#loadedOf(room);
        if (!loaded) return;
        for (let i = 0; i < triples.length; i += 3) {
          loaded.session.add(triples[i]!, triples[i + 1]!, triples[i + 2]!, author);
          loaded.merged?.add(triples[i]!, triples[i + 1]!, triples[i + 2]!, author);
        }
      },
      foreign: (room) => {
        const loaded = this.#loadedOf(room);
        if (!loaded) return;
        loaded.generation++;
        loaded.merged = null;
      },
      written: (room, count) => {
        const loaded = this.#loadedOf(room);
        if (!loaded) return;
        loaded.written += count;
        if ((loaded.stored ?? 0) + loaded.written > Math.max(this.#foldAfter, 2 * loaded.floor)) this.#startFold(loaded);
      },
    });
    registry.onRoom((room) => this.#watch(room));
  }

  /**
   * Who wrote what in meeting `meetingId` (an empty map for an unknown meeting). For a room loaded
   * here it is the cached map, updated in place as peers type: read it, do not change it.
   */
  mapOf(meetingId: string): Promise<AuthorMap> {
    const loaded = this.#loaded.get(meetingId);
    if (!loaded) return this.#records.list(authorshipPrefix(meetingId)).then(mapOfRecords);
    if (loaded.merged) return Promise.resolve(loaded.merged);
    loaded.reading ??= this.#read(meetingId, loaded).finally(() => (loaded.reading = null));
    return loaded.reading;
  }

  /** Attributes explicit ranges in `room` (see AuthorshipRecorder.attribute). */
  attribute(room: Room, ranges: readonly AttributedRange[]): void {
    this.recorder.attribute(room, ranges);
  }

  /**
   * Folds the meeting's records into one per name (per few thousand ranges) when there are more
   * than `threshold`, in one atomic batch; only for a room of this instance, which it must not
   * write once the meeting is deleted. Resolves with the records left and whether it folded.
   */
  async #fold(meetingId: string, threshold: number, room: Room): Promise<{ left: number; folded: boolean }> {
    const records = await this.#records.list(authorshipPrefix(meetingId));
    // A meeting being deleted must not get records back (checked right before the write is submitted).
    if (records.length <= threshold || room.deleted) return { left: records.length, folded: false };
    const folded = foldedRecords(mapOfRecords(records), records);
    const kept = new Set(folded.map(({ key }) => key));
    const writes: RecordWrite[] = [
      ...records.filter(({ key }) => !kept.has(key)).map(({ key }) => ({ collection: AUTHORSHIP_COLLECTION, key, value: null })),
      ...folded.map(({ key, value }) => ({ collection: AUTHORSHIP_COLLECTION, key, value })),
    ];
    await this.#store.writeRecords(writes);
    return { left: folded.length, folded: true };
  }

  #watch(room: Room): () => Promise<void> {
    const loaded: Loaded = { room, session: new AuthorMap(), merged: null, reading: null, generation: 0, stored: null, written: 0, floor: 0, folding: null };
    this.#loaded.set(room.id, loaded);
    const stopRecording = this.recorder.watch(room);
    return async () => {
      stopRecording();
      if (this.#loaded.get(room.id) === loaded) this.#loaded.delete(room.id);
      await loaded.folding;
      // A deleted meeting's records go with it; a failed room's storage is in trouble anyway.
      if (!room.deleted && !room.failed) await this.#fold(room.id, this.#foldAfter, room);
    };
  }

  #loadedOf(room: Room): Loaded | undefined {
    const loaded = this.#loaded.get(room.id);
    return loaded?.room === room ? loaded : undefined;
  }

  async #read(meetingId: string, loaded: Loaded): Promise<AuthorMap> {
    const generation = loaded.generation;
    const records = await this.#records.list(authorshipPrefix(meetingId));
    const map = mapOfRecords(records);
    map.addAll(loaded.session);
    loaded.stored = records.length;
    loaded.written = 0;
    if (generation === loaded.generation && this.#loaded.get(meetingId) === loaded) loaded.merged = map;
    return map;
  }

  #startFold(loaded: Loaded): void {
    if (loaded.folding) return;
    const writtenBefore = loaded.written;
    loaded.folding = this.#fold(loaded.room.id, Math.max(this.#foldAfter, 2 * loaded.floor), loaded.room)
      .then(({ left, folded }) => {
        [loaded.stored, loaded.written] = [left, loaded.written - writtenBefore];
        if (folded) loaded.floor = left;
      })
      .catch((error: unknown) => this.#log.warn({ err: error, meetingId: loaded.room.id }, 'folding authorship records failed'))
      .finally(() => (loaded.folding = null));
  }
}
