/**
 * Attendance (GUIDE 1.8): one tracker per loaded room, started by the registry's room seam and
 * stopped with the room; records in the `attendance` collection, keyed by the meeting id, so they
 * go with the meeting into backups and restores and are removed when it is deleted. Instances that
 * share a database (GUIDE 1.10) each keep their own record of the meeting, `${id}!${instance}`
 * (a new instance id at every start), and every reader merges all of them: last writer never wins.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Attendee } from '../../shared/api-types.js';
import type { Clock } from '../clock.js';
import type { RoomRegistry } from '../collab/room-registry.js';
import type { MeetingStore, RecordCollection } from '../storage/meeting-store.js';
import { AttendanceLedger, MAX_ATTENDEES, type StoredAttendance } from './attendance-ledger.js';
import { mergeAttendees, type AttendeeView } from './attendance-merge.js';
import { AttendanceTracker, CHECKPOINT_MS, WRITE_EVERY_MS } from './attendance-tracker.js';

/** The record collection attendance lives in. */
export const ATTENDANCE_COLLECTION = 'attendance';

/**
 * Another instance's record is taken as live (its open intervals still running) while it is this
 * recent: a live tracker rewrites it at least every CHECKPOINT_MS (plus the write window) while
 * anyone is there. An older one was left by an instance that died: its intervals end at its last write.
 */
export const LIVE_RECORD_MS = 2 * (CHECKPOINT_MS + WRITE_EVERY_MS);

/** Records and answers who attended each meeting. */
export class AttendanceService {
  readonly #records: RecordCollection<StoredAttendance>;
  readonly #trackers = new Map<string, AttendanceTracker>();
  readonly #clock: Clock;
  readonly #instance: string | undefined;

  /** `instance`: this process's id among instances sharing the database (none: the only one). */
  constructor(store: MeetingStore, registry: RoomRegistry, clock: Clock, log: FastifyBaseLogger, { instance }: { instance?: string } = {}) {
    this.#records = store.collection<StoredAttendance>(ATTENDANCE_COLLECTION);
    this.#clock = clock;
    this.#instance = instance;
    registry.onRoom((room) => {
      const place = { key: this.#keyOf(room.id), ...(instance ? { exists: async () => (await store.getMeeting(room.id)) !== undefined } : {}) };
      const tracker = new AttendanceTracker(room, this.#records, clock, log, place);
      this.#trackers.set(room.id, tracker);
      return async () => {
        await tracker.stop();
        if (this.#trackers.get(room.id) === tracker) this.#trackers.delete(room.id);
      };
    });
  }

  /** The meeting's attendees: this instance's live while its room is loaded, merged with every stored record. */
  async attendeesOf(meetingId: string): Promise<Attendee[]> {
    // Unreadable at load: its own record is read from storage (a storage error answers 503, not a short list).
    const live = (await this.#trackers.get(meetingId)?.views()) ?? null;
    const own = this.#keyOf(meetingId);
    const [main, others] = await Promise.all([this.#records.get(meetingId), this.#records.list(`${meetingId}!`)]);
    const stored = main === undefined ? others : [{ key: meetingId, value: main }, ...others];
    const now = this.#clock.now();
    const sources: AttendeeView[][] = stored
      .filter(({ key }) => !(live && key === own))
      .map(({ key, value }) => AttendanceLedger.from(value, { live: key !== own && now - (value?.checkpointAt ?? 0) <= LIVE_RECORD_MS }).views());
    if (live) sources.push(live);
    return mergeAttendees(sources, now, MAX_ATTENDEES);
  }

  #keyOf(meetingId: string): string {
    return this.#instance ? `${meetingId}!${this.#instance}` : meetingId;
  }
}
