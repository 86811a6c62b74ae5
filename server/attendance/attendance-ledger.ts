/**
 * Who attended a meeting (GUIDE 1.8): per display name, the first join, the last leave and the
 * time present, with several connections under one name counted once (two tabs are one person).
 * Pure bookkeeping over times the caller passes; the stored form is what the `attendance`
 * collection keeps under the meeting id: names and times only, never a key or an address.
 */
import type { Attendee } from '../../shared/api-types.js';

/** One attendee as stored (times in ms since the epoch, server clock). */
export interface StoredAttendee {
  name: string;
  firstJoined: number;
  lastLeft: number | null;
  /** Time present in intervals that have ended. */
  closedMs: number;
  /** Start of the interval in progress, or null when not present. */
  openSince: number | null;
}

/** The record of the `attendance` collection, keyed by the meeting id. */
export interface StoredAttendance {
  attendees: StoredAttendee[];
  /** When this record was written: the record is known to be right up to here. */
  checkpointAt: number;
}

/**
 * Names kept per meeting. Full, a newly recorded name takes the place of the absent attendee who
 * was present the least time (the latest to first join among equals): a stream of fleeting names
 * pushes out only other fleeting names, and to push out someone who was there for an hour one has
 * to keep 500 names present for longer than that. With everyone in it present, a new name is not
 * recorded.
 */
export const MAX_ATTENDEES = 500;

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

// Records come from our own writes, or from a backup someone may have edited: check before use.
const isStoredAttendee = (a: Partial<StoredAttendee> | null): a is StoredAttendee =>
  typeof a === 'object' && a !== null && typeof a.name === 'string' && isTime(a.firstJoined) && isTime(a.closedMs) && (a.lastLeft === null || isTime(a.lastLeft)) && (a.openSince === null || isTime(a.openSince));

interface Entry extends StoredAttendee {
  /** Connections present under this name right now. */
  connections: number;
}

/** A meeting's attendance while its room is loaded. */
export class AttendanceLedger {
  readonly #entries = new Map<string, Entry>();

  /**
   * A ledger continuing a stored record. An interval still open in it was cut short by a crash:
   * it ends at the record's checkpoint, the last time it was known to be right.
   */
  static from(stored: StoredAttendance | undefined): AttendanceLedger {
    const ledger = new AttendanceLedger();
    const attendees: Array<Partial<StoredAttendee> | null> = Array.isArray(stored?.attendees) ? stored.attendees : [];
    const checkpointAt = isTime(stored?.checkpointAt) ? stored.checkpointAt : 0;
    for (const a of attendees) {
      if (ledger.#entries.size >= MAX_ATTENDEES) break;
      if (!isStoredAttendee(a) || ledger.#entries.has(a.name)) continue;
      const crashedAt = a.openSince === null ? null : Math.max(a.openSince, checkpointAt);
      ledger.#entries.set(a.name, {
        name: a.name,
        firstJoined: a.firstJoined,
        lastLeft: crashedAt ?? a.lastLeft,
        closedMs: a.closedMs + (crashedAt === null ? 0 : crashedAt - a.openSince!),
        openSince: null,
        connections: 0,
      });
    }
    return ledger;
  }

  /** Whether anyone is present. */
  get anyonePresent(): boolean {
    for (const entry of this.#entries.values()) if (entry.connections > 0) return true;
    return false;
  }

  /**
   * A connection appeared under `name` at `at` (possibly a little in the past: the tracker records a
   * name once it has been shown for a while); false if the name cannot be recorded (all present).
   */
  join(name: string, at: number): boolean {
    let entry = this.#entries.get(name);
    if (!entry) {
      if (this.#entries.size >= MAX_ATTENDEES && !this.#evictBriefest()) return false;
      entry = { name, firstJoined: at, lastLeft: null, closedMs: 0, openSince: null, connections: 0 };
      this.#entries.set(name, entry);
    }
    // Never before the last leave: that time is counted already.
    if (entry.connections++ === 0) entry.openSince = Math.max(at, entry.lastLeft ?? at);
    return true;
  }

  // Drops the absent attendee present the least time (latest first join among equals); false if all are present.
  #evictBriefest(): boolean {
    let briefest: Entry | null = null;
    for (const entry of this.#entries.values()) {
      if (entry.connections > 0) continue;
      if (!briefest || entry.closedMs < briefest.closedMs || (entry.closedMs === briefest.closedMs && entry.firstJoined > briefest.firstJoined)) briefest = entry;
    }
    if (!briefest) return false;
    this.#entries.delete(briefest.name);
    return true;
  }

  /** A connection under `name` went away (or renamed itself) at `at`. */
  leave(name: string, at: number): void {
    const entry = this.#entries.get(name);
    if (!entry || entry.connections === 0) return;
    if (--entry.connections === 0) {
      entry.closedMs += Math.max(0, at - entry.openSince!);
      entry.openSince = null;
      entry.lastLeft = at;
    }
  }

  /** Everyone leaves at `at` (the room stops). */
  leaveAll(at: number): void {
    for (const entry of this.#entries.values()) {
      while (entry.connections > 0) this.leave(entry.name, at);
    }
  }

  /** The record to store, written at `at`. */
  toStored(at: number): StoredAttendance {
    const attendees = [...this.#entries.values()].map(({ name, firstJoined, lastLeft, closedMs, openSince }) => ({ name, firstJoined, lastLeft, closedMs, openSince }));
    return { attendees, checkpointAt: at };
  }

  /** The API's view at `now`: ordered by first join (then name); present time counts up to `now`. */
  toApi(now: number): Attendee[] {
    return [...this.#entries.values()]
      .sort((a, b) => a.firstJoined - b.firstJoined || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((entry) => ({
        name: entry.name,
        firstJoined: new Date(entry.firstJoined).toISOString(),
        lastLeft: entry.lastLeft === null ? null : new Date(entry.lastLeft).toISOString(),
        present: entry.connections > 0,
        secondsPresent: Math.round((entry.closedMs + (entry.openSince === null ? 0 : Math.max(0, now - entry.openSince))) / 1000),
      }));
  }
}
