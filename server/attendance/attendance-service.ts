/**
 * Attendance (GUIDE 1.8): one tracker per loaded room, started by the registry's room seam and
 * stopped with the room; records in the `attendance` collection, keyed by the meeting id, so they
 * go with the meeting into backups and restores and are removed when it is deleted.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Attendee } from '../../shared/api-types.js';
import type { Clock } from '../clock.js';
import type { RoomRegistry } from '../collab/room-registry.js';
import type { MeetingStore, RecordCollection } from '../storage/meeting-store.js';
import { AttendanceLedger, type StoredAttendance } from './attendance-ledger.js';
import { AttendanceTracker } from './attendance-tracker.js';

/** The record collection attendance lives in. */
export const ATTENDANCE_COLLECTION = 'attendance';

/** Records and answers who attended each meeting. */
export class AttendanceService {
  readonly #records: RecordCollection<StoredAttendance>;
  readonly #trackers = new Map<string, AttendanceTracker>();
  readonly #clock: Clock;

  constructor(store: MeetingStore, registry: RoomRegistry, clock: Clock, log: FastifyBaseLogger) {
    this.#records = store.collection<StoredAttendance>(ATTENDANCE_COLLECTION);
    this.#clock = clock;
    registry.onRoom((room) => {
      const tracker = new AttendanceTracker(room, this.#records, clock, log);
      this.#trackers.set(room.id, tracker);
      return async () => {
        await tracker.stop();
        if (this.#trackers.get(room.id) === tracker) this.#trackers.delete(room.id);
      };
    });
  }

  /** The meeting's attendees: live while its room is loaded, else as stored. */
  async attendeesOf(meetingId: string): Promise<Attendee[]> {
    const tracker = this.#trackers.get(meetingId);
    if (tracker) return tracker.attendees();
    return AttendanceLedger.from(await this.#records.get(meetingId)).toApi(this.#clock.now());
  }
}
