/**
 * Attendance of one loaded room: follows the awareness states each connection owns. A display name
 * counts once a connection has shown it for SETTLE_MS of server clock: it is then recorded as
 * joined when it first appeared, and as left when it goes (renamed, state removed, socket closed).
 * A name shown for less (typed letter by letter, a rename loop) is never recorded, and one
 * connection records at most MAX_NAMES_PER_CONNECTION names, so renaming cannot fill the record.
 *
 * Writes are throttled: the first change after a quiet spell is written at once, later ones
 * together at most once per WRITE_EVERY_MS, one write in flight at a time; the room stopping
 * writes at once. A crash therefore loses at most the changes of the last WRITE_EVERY_MS (and the
 * joins of names not shown SETTLE_MS yet); intervals still open end at the last write.
 *
 * With several instances each one's tracker counts only its own connections, in its own record
 * (`place.key`); readers merge them. A meeting deleted elsewhere is never written again: not when
 * its room stops as deleted, and a write that raced the deletion is taken back (`place.exists`).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock, TimerHandle } from '../clock.js';
import type { Peer, Room } from '../collab/room.js';
import type { RecordCollection } from '../storage/meeting-store.js';
import { AttendanceLedger, type StoredAttendance } from './attendance-ledger.js';
import type { AttendeeView } from './attendance-merge.js';

/** How long a connection shows a name before it is recorded (ms of server clock). */
export const SETTLE_MS = 10_000;
/** Distinct names one connection may record (a typo fixed, a name changed: not a loop). */
export const MAX_NAMES_PER_CONNECTION = 3;
/** Shortest time between two writes of a meeting's record while changes go on. */
export const WRITE_EVERY_MS = 5_000;
/**
 * While anyone is present the record is rewritten this often, so a crash loses at most this much
 * of the time present (after a crash, open intervals end at the last write).
 */
export const CHECKPOINT_MS = 60_000;

/** Where a tracker keeps its record. */
export interface TrackerPlace {
  /** The record's key: the meeting id, or `${id}!${instance}` when instances share a database. */
  key: string;
  /** Whether the meeting still exists; asked after each write when another instance may delete it. */
  exists?: () => Promise<boolean>;
}

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

/** A name a connection shows. */
interface Shown {
  name: string;
  since: number;
  timer: TimerHandle | null;
  /** Whether it was recorded as joined (so its going is a leave). */
  joined: boolean;
  /** Whether its join reached the ledger (so its leave must too). */
  inLedger: boolean;
}

interface PeerNames {
  shown: Map<string, Shown>;
  /** The names this connection has recorded (at most MAX_NAMES_PER_CONNECTION). */
  recorded: Set<string>;
}

type Event = { kind: 'join'; shown: Shown } | { kind: 'leave'; shown: Shown; at: number };

const nameIn = (state: unknown): string | null => {
  const name = (state as { user?: { name?: unknown } } | undefined)?.user?.name;
  return typeof name === 'string' && name.trim() ? name.trim() : null;
};

/** Follows one room's attendance and keeps its record. */
export class AttendanceTracker {
  readonly #room: Room;
  readonly #records: RecordCollection<StoredAttendance>;
  readonly #clock: Clock;
  readonly #log: FastifyBaseLogger;
  readonly #place: TrackerPlace;
  // The meeting was found deleted: nothing is written any more.
  #gone = false;
  // The stored record is read once at start; events until then wait in `#early`.
  #ledger: AttendanceLedger | null = null;
  #early: Event[] = [];
  readonly #loaded: Promise<boolean>;
  // Per awareness client id: the connection that owns it and the name it had (to see renames and leaves).
  readonly #clients = new Map<number, { peer: Peer; name: string | null }>();
  // Weak: a connection gone leaves nothing behind, whatever order its states and lease go in.
  readonly #peers = new WeakMap<Peer, PeerNames>();
  readonly #waiting = new Set<Shown>();
  #dirty = false;
  #flushing = false;
  #writing: Promise<void> = Promise.resolve();
  #lastWriteAt = -Infinity;
  #writeTimer: TimerHandle | null = null;
  #checkpoint: TimerHandle | null = null;
  #stopped = false;

  constructor(room: Room, records: RecordCollection<StoredAttendance>, clock: Clock, log: FastifyBaseLogger, place: TrackerPlace = { key: room.id }) {
    this.#room = room;
    this.#records = records;
    this.#clock = clock;
    this.#log = log;
    this.#place = place;
    room.awareness.on('change', this.#onChange);
    this.#loaded = records.get(place.key).then(
      (stored) => {
        this.#ledger = AttendanceLedger.from(stored);
        for (const event of this.#early) this.#apply(event);
        this.#early = [];
        return true;
      },
      (error: unknown) => {
        // Without the stored record a write would overwrite it with part of the truth: record nothing.
        this.#log.warn({ err: error, meetingId: room.id }, 'attendance could not be read; it is not recorded while the meeting is loaded');
        return false;
      },
    );
  }

  /** The attendees this instance knows of now; null if its record was unreadable at load (read storage instead). */
  async views(): Promise<AttendeeView[] | null> {
    return (await this.#loaded) ? this.#ledger!.views() : null;
  }

  /** The room stops: everyone still here leaves now; resolves once the record is written. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#room.awareness.off('change', this.#onChange);
    for (const timer of [this.#checkpoint, this.#writeTimer, ...[...this.#waiting].map((s) => s.timer)]) if (timer) this.#clock.clearTimeout(timer);
    this.#checkpoint = this.#writeTimer = null;
    this.#waiting.clear();
    const at = this.#clock.now();
    await this.#loaded;
    this.#ledger?.leaveAll(at);
    // Deleted (here or elsewhere): a write now would outlive the meeting.
    if (!this.#room.deleted) this.#write();
    await this.#writing;
  }

  readonly #onChange = ({ added, updated, removed }: AwarenessChange): void => {
    const touched = new Set<Peer>();
    const states = this.#room.awareness.getStates();
    for (const id of [...added, ...updated]) {
      // The connection applying a state owns its client id by then (PeerConnection enforces it).
      const peer = this.#room.awarenessOwners.get(id);
      if (!peer) continue;
      const name = nameIn(states.get(id));
      const known = this.#clients.get(id);
      if (known?.peer === peer && known.name === name) continue;
      this.#clients.set(id, { peer, name });
      touched.add(peer);
    }
    for (const id of removed) {
      const known = this.#clients.get(id);
      if (!known) continue;
      this.#clients.delete(id);
      touched.add(known.peer);
    }
    for (const peer of touched) this.#refresh(peer);
  };

  // The names a connection shows: those of the states it owns, while it is in the room.
  #refresh(peer: Peer): void {
    const inRoom = this.#room.peers.has(peer);
    const now = new Set(inRoom ? this.#room.namesOf(peer) : []);
    let names = this.#peers.get(peer);
    if (!names) {
      if (!now.size) return;
      names = { shown: new Map(), recorded: new Set() };
      this.#peers.set(peer, names);
    }
    const at = this.#clock.now();
    for (const [name, shown] of names.shown) {
      if (now.has(name)) continue;
      names.shown.delete(name);
      if (shown.timer) this.#clock.clearTimeout(shown.timer);
      this.#waiting.delete(shown);
      if (shown.joined) this.#record({ kind: 'leave', shown, at });
    }
    for (const name of now) {
      if (names.shown.has(name)) continue;
      const shown: Shown = { name, since: at, timer: null, joined: false, inLedger: false };
      shown.timer = this.#clock.setTimeout(() => this.#settle(names, shown), SETTLE_MS);
      this.#waiting.add(shown);
      names.shown.set(name, shown);
    }
    if (!inRoom) this.#peers.delete(peer);
  }

  // A name shown for SETTLE_MS: recorded from when it appeared, within the connection's allowance.
  #settle(names: PeerNames, shown: Shown): void {
    shown.timer = null;
    this.#waiting.delete(shown);
    if (this.#stopped || names.shown.get(shown.name) !== shown) return;
    if (!names.recorded.has(shown.name) && names.recorded.size >= MAX_NAMES_PER_CONNECTION) {
      this.#log.info({ meetingId: this.#room.id }, 'a connection showed more names than it may record; this one is not recorded');
      return;
    }
    names.recorded.add(shown.name);
    shown.joined = true;
    this.#record({ kind: 'join', shown });
  }

  #record(event: Event): void {
    if (this.#stopped) return;
    if (this.#ledger) this.#apply(event);
    else this.#early.push(event);
    this.#changed();
  }

  #apply(event: Event): void {
    const ledger = this.#ledger!;
    const { shown } = event;
    if (event.kind === 'join') {
      shown.inLedger = ledger.join(shown.name, shown.since);
      if (!shown.inLedger) this.#log.warn({ meetingId: this.#room.id }, 'attendance is full of people present; a new name is not recorded');
    } else if (shown.inLedger) {
      shown.inLedger = false;
      ledger.leave(shown.name, event.at);
    }
    if (ledger.anyonePresent && !this.#checkpoint && !this.#stopped) this.#checkpoint = this.#clock.setTimeout(this.#onCheckpoint, CHECKPOINT_MS);
  }

  readonly #onCheckpoint = (): void => {
    this.#checkpoint = null;
    if (this.#stopped || !this.#ledger?.anyonePresent) return;
    this.#changed();
    this.#checkpoint = this.#clock.setTimeout(this.#onCheckpoint, CHECKPOINT_MS);
  };

  // At once after a quiet spell, else when WRITE_EVERY_MS has passed since the last write.
  #changed(): void {
    if (this.#writeTimer) return;
    const wait = this.#lastWriteAt + WRITE_EVERY_MS - this.#clock.now();
    if (wait <= 0) this.#write();
    else
      this.#writeTimer = this.#clock.setTimeout(() => {
        this.#writeTimer = null;
        if (!this.#stopped) this.#write();
      }, wait);
  }

  // One write in flight; whatever changes meanwhile goes into the next one.
  #write(): void {
    if (this.#gone) return;
    this.#lastWriteAt = this.#clock.now();
    this.#dirty = true;
    if (this.#flushing) return;
    this.#flushing = true;
    this.#writing = this.#flush();
  }

  async #flush(): Promise<void> {
    try {
      if (!(await this.#loaded)) return;
      while (this.#dirty && !this.#gone) {
        this.#dirty = false;
        try {
          await this.#records.put(this.#place.key, this.#ledger!.toStored(this.#clock.now()));
          // Another instance may have deleted the meeting just before this write landed: take it back.
          if (this.#place.exists && !(await this.#place.exists())) {
            this.#gone = true;
            await this.#records.delete(this.#place.key);
          }
        } catch (error) {
          this.#log.warn({ err: error, meetingId: this.#room.id }, 'attendance could not be saved');
        }
      }
    } finally {
      // Cleared before this function returns, so a change made right after starts a new write.
      this.#flushing = false;
    }
  }
}
