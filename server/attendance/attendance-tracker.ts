/**
 * Attendance of one loaded room: follows the awareness states each connection owns, and records a
 * join when a display name appears on a connection and a leave when it goes (renamed, state
 * removed, socket closed). The record is written on every change of who is present, one write in
 * flight at a time (changes during a write go into the next one), and once more when the room stops.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock, TimerHandle } from '../clock.js';
import type { Peer, Room } from '../collab/room.js';
import type { RecordCollection } from '../storage/meeting-store.js';
import { AttendanceLedger, type StoredAttendance } from './attendance-ledger.js';

// While anyone is present the record is rewritten this often, so a crash loses at most this much
// of the time present (after a crash, open intervals end at the last write).
const CHECKPOINT_MS = 60_000;

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

type Event = { kind: 'join' | 'leave'; name: string; at: number };

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
  // The stored record is read once at start; events until then wait in `#early`.
  #ledger: AttendanceLedger | null = null;
  #early: Event[] = [];
  readonly #loaded: Promise<boolean>;
  // Per awareness client id: the connection that owns it and the name it had (to see renames and leaves).
  readonly #clients = new Map<number, { peer: Peer; name: string | null }>();
  readonly #peerNames = new Map<Peer, Set<string>>();
  #dirty = false;
  #flushing = false;
  #writing: Promise<void> = Promise.resolve();
  #checkpoint: TimerHandle | null = null;
  #stopped = false;

  constructor(room: Room, records: RecordCollection<StoredAttendance>, clock: Clock, log: FastifyBaseLogger) {
    this.#room = room;
    this.#records = records;
    this.#clock = clock;
    this.#log = log;
    room.awareness.on('change', this.#onChange);
    this.#loaded = records.get(room.id).then(
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

  /** The attendees now (present ones counted up to now). */
  async attendees(): Promise<ReturnType<AttendanceLedger['toApi']>> {
    // Unreadable at load: ask storage again (a storage error then answers 503, not an empty list).
    const ledger = (await this.#loaded) ? this.#ledger! : AttendanceLedger.from(await this.#records.get(this.#room.id));
    return ledger.toApi(this.#clock.now());
  }

  /** The room stops: everyone still here leaves now; resolves once the record is written. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#room.awareness.off('change', this.#onChange);
    if (this.#checkpoint) this.#clock.clearTimeout(this.#checkpoint);
    this.#checkpoint = null;
    const at = this.#clock.now();
    await this.#loaded;
    this.#ledger?.leaveAll(at);
    this.#write();
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

  // The names a connection is present under: those of the states it owns, while it is in the room.
  #refresh(peer: Peer): void {
    const now = new Set(this.#room.peers.has(peer) ? this.#room.namesOf(peer) : []);
    const before = this.#peerNames.get(peer) ?? new Set<string>();
    const at = this.#clock.now();
    for (const name of before) if (!now.has(name)) this.#record({ kind: 'leave', name, at });
    for (const name of now) if (!before.has(name)) this.#record({ kind: 'join', name, at });
    if (now.size) this.#peerNames.set(peer, now);
    else this.#peerNames.delete(peer);
  }

  #record(event: Event): void {
    if (this.#stopped) return;
    if (this.#ledger) this.#apply(event);
    else this.#early.push(event);
    this.#write();
  }

  #apply(event: Event): void {
    const ledger = this.#ledger!;
    if (event.kind === 'join' && !ledger.join(event.name, event.at)) this.#log.warn({ meetingId: this.#room.id }, 'attendance is full; a new name is not recorded');
    if (event.kind === 'leave') ledger.leave(event.name, event.at);
    if (ledger.anyonePresent && !this.#checkpoint && !this.#stopped) this.#checkpoint = this.#clock.setTimeout(this.#onCheckpoint, CHECKPOINT_MS);
  }

  readonly #onCheckpoint = (): void => {
    this.#checkpoint = null;
    if (this.#stopped || !this.#ledger?.anyonePresent) return;
    this.#write();
    this.#checkpoint = this.#clock.setTimeout(this.#onCheckpoint, CHECKPOINT_MS);
  };

  // One write in flight; whatever changes meanwhile goes into the next one.
  #write(): void {
    this.#dirty = true;
    if (this.#flushing) return;
    this.#flushing = true;
    this.#writing = this.#flush();
  }

  async #flush(): Promise<void> {
    try {
      if (!(await this.#loaded)) return;
      while (this.#dirty) {
        this.#dirty = false;
        try {
          await this.#records.put(this.#room.id, this.#ledger!.toStored(this.#clock.now()));
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
