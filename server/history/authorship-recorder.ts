/**
 * Records who sent each new range of Yjs item ids, per loaded room. Each transaction applied from a
 * peer adds the clocks between its `beforeState` and `afterState`: Yjs integrates an item once, so
 * an update that re-sends stored items adds nothing and the first sender keeps them. The name is
 * the sending connection's first awareness name (`room.namesOf`), never the client id: a browser
 * reconnecting reuses its client id. The ranges of a log entry are written in that entry's atomic
 * batch (`room.beforeNextAppend`), so they are durable exactly when the edit is. Transactions not
 * from a peer (the stored state at load, updates another instance stored, server edits) are not
 * attributed here; a restore names its inserted text's authors through `attribute`.
 */
import { randomBytes } from 'node:crypto';
import type * as Y from 'yjs';
import type { Clock } from '../clock.js';
import { isServerEdit, type Peer, type Room } from '../collab/room.js';
import type { MeetingStore, RecordWrite } from '../storage/meeting-store.js';
import { AUTHORSHIP_COLLECTION, authorshipKey, type AuthorshipRecord } from './authorship-records.js';

/** A range of item ids and who wrote it (what a restore passes to `attribute`). */
export interface AttributedRange {
  client: number;
  clock: number;
  len: number;
  author: string | null;
}

/** What the recorder reports to the service that keeps the maps. */
export interface RecorderEvents {
  /** `author` wrote these ranges (flat triples) in `room`; they are stored with the next log entry. */
  attributed(room: Room, author: string | null, triples: readonly number[]): void;
  /** `room` took new items this recorder did not attribute (stored by another instance, a server edit). */
  foreign(room: Room): void;
  /** `count` records of `room` were submitted for storage. */
  written(room: Room, count: number): void;
}

/** One room's ranges not handed to a log entry yet. */
interface Recording {
  pending: Map<string | null, number[]>;
  armed: boolean;
  /** How many times the pending ranges were taken (by an entry or a direct write). */
  takes: number;
}

/** The new ranges of a transaction, as flat triples. */
const newRanges = (transaction: Y.Transaction): number[] => {
  const triples: number[] = [];
  transaction.afterState.forEach((after, client) => {
    const before = transaction.beforeState.get(client) ?? 0;
    if (after > before) triples.push(client, before, after - before);
  });
  return triples;
};

/** Watches loaded rooms and stores the authorship of what their peers send. */
export class AuthorshipRecorder {
  readonly #rooms = new Map<Room, Recording>();
  readonly #store: MeetingStore;
  readonly #clock: Clock;
  readonly #events: RecorderEvents;
  // Several instances may write one meeting: keys carry this process' own id.
  readonly #instance = randomBytes(6).toString('hex');
  #lastAt = 0;
  #counter = 0;

  constructor(store: MeetingStore, clock: Clock, events: RecorderEvents) {
    this.#store = store;
    this.#clock = clock;
    this.#events = events;
  }

  /** Starts recording `room` (a `registry.onRoom` listener); returns the stop function. */
  watch(room: Room): () => void {
    const recording: Recording = { pending: new Map(), armed: false, takes: 0 };
    this.#rooms.set(room, recording);
    const onTransaction = (transaction: Y.Transaction): void => {
      const triples = newRanges(transaction);
      if (triples.length === 0) return;
      const peer = transaction.origin as Peer;
      if (room.peers.has(peer)) this.#note(room, recording, room.senderNamesOf(peer)[0] ?? null, triples);
      // A server edit's authors come through `attribute`; anything else may have records elsewhere.
      else if (!isServerEdit(transaction.origin)) this.#events.foreign(room);
    };
    // Attached once the room builds its document (a room served from storage has none yet).
    const stop = room.onTransaction(onTransaction);
    return () => {
      stop();
      if (this.#rooms.get(room) === recording) this.#rooms.delete(room);
    };
  }

  /**
   * Attributes explicit ranges in `room` (a restore: the text it inserts keeps its authors). Call it
   * in the turn of the edit's transaction and they are stored in that edit's batch; otherwise they
   * go with the next entry, or on their own once the room is quiet if no entry follows.
   */
  attribute(room: Room, ranges: readonly AttributedRange[]): void {
    const recording = this.#rooms.get(room);
    if (!recording) return;
    const byAuthor = new Map<string | null, number[]>();
    for (const { client, clock, len, author } of ranges) {
      if (!(len > 0)) continue;
      let triples = byAuthor.get(author);
      if (!triples) byAuthor.set(author, (triples = []));
      triples.push(client, clock, len);
    }
    if (byAuthor.size === 0) return;
    for (const [author, triples] of byAuthor) this.#note(room, recording, author, triples);
    const takes = recording.takes;
    void room.quiet().then(() => {
      if (recording.takes !== takes || recording.pending.size === 0 || this.#rooms.get(room) !== recording || room.deleted || room.failed) return;
      this.#store.writeRecords(this.#take(room, recording)).catch(() => {
        // The store reports its own failures (readiness); these ranges stay unattributed.
      });
    });
  }

  #note(room: Room, recording: Recording, author: string | null, triples: readonly number[]): void {
    const pending = recording.pending.get(author);
    if (pending) pending.push(...triples);
    else recording.pending.set(author, [...triples]);
    this.#events.attributed(room, author, triples);
    if (recording.armed) return;
    recording.armed = true;
    room.beforeNextAppend(() => this.#take(room, recording));
  }

  // Called once per arming, when the next log entry is submitted: its writes, one record per name.
  #take(room: Room, recording: Recording): RecordWrite[] {
    recording.armed = false;
    recording.takes++;
    const writes: RecordWrite[] = [];
    for (const [n, r] of recording.pending) {
      const value: AuthorshipRecord = { n, r };
      writes.push({ collection: AUTHORSHIP_COLLECTION, key: this.#nextKey(room.id), value });
    }
    recording.pending.clear();
    if (writes.length) this.#events.written(room, writes.length);
    return writes;
  }

  // Keys of this process never go back in time, even if the clock does.
  #nextKey(meetingId: string): string {
    this.#lastAt = Math.max(this.#lastAt, this.#clock.now());
    return authorshipKey(meetingId, this.#lastAt, this.#instance, this.#counter++);
  }
}
