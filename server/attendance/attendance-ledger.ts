/**
 * Who attended a meeting (GUIDE 1.8): per display name, the first join, the last leave and the
 * time present, with several connections under one name counted once (two tabs are one person).
 * Pure bookkeeping over times the caller passes; the stored form is what the `attendance`
 * collection keeps under the meeting id (one record per instance when several share a database):
 * names and times only, never a key or an address. Several records merge into one list
 * (`mergeAttendees`): time present is the union of the intervals, so one person connected to two
 * instances at once is counted once.
 */
import type { Attendee } from '../../shared/api-types.js';
import { mergeAttendees, type AttendeeView } from './attendance-merge.js';

/** One attendee as stored (times in ms since the epoch, server clock). */
export interface StoredAttendee {
  name: string;
  firstJoined: number;
  lastLeft: number | null;
  /** Time present in intervals that have ended. */
  closedMs: number;
  /**
   * The latest ended intervals, `[from, to]` (at most MAX_SPANS; older ones count in `closedMs`
   * only): what lets records of several instances be merged without counting overlaps twice.
   */
  spans?: Array<[number, number]>;
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

/** Ended intervals kept per name for merging. */
export const MAX_SPANS = 20;

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

const spansOf = (value: unknown): Array<[number, number]> =>
  Array.isArray(value) && value.every((span) => Array.isArray(span) && span.length === 2 && isTime(span[0]) && isTime(span[1]) && span[0] <= span[1])
    ? (value as Array<[number, number]>).slice(-MAX_SPANS).map(([from, to]) => [from, to])
    : [];

const pushSpan = (spans: Array<[number, number]>, from: number, to: number): void => {
  if (to <= from) return;
  spans.push([from, to]);
  if (spans.length > MAX_SPANS) spans.shift();
};

// Records come from our own writes, or from a backup someone may have edited: check before use.
const isStoredAttendee = (a: Partial<StoredAttendee> | null): a is StoredAttendee =>
  typeof a === 'object' && a !== null && typeof a.name === 'string' && isTime(a.firstJoined) && isTime(a.closedMs) && (a.lastLeft === null || isTime(a.lastLeft)) && (a.openSince === null || isTime(a.openSince));

interface Entry extends StoredAttendee {
  spans: Array<[number, number]>;
  /** Connections present under this name right now. */
  connections: number;
}

/** A meeting's attendance while its room is loaded. */
export class AttendanceLedger {
  readonly #entries = new Map<string, Entry>();

  /**
   * A ledger continuing a stored record. An interval still open in it was cut short by a crash:
   * it ends at the record's checkpoint, the last time it was known to be right. With `live`
   * (another instance's record, written recently), open intervals stay open: read it, never change it.
   */
  static from(stored: StoredAttendance | undefined, { live = false }: { live?: boolean } = {}): AttendanceLedger {
    const ledger = new AttendanceLedger();
    const attendees: Array<Partial<StoredAttendee> | null> = Array.isArray(stored?.attendees) ? stored.attendees : [];
    const checkpointAt = isTime(stored?.checkpointAt) ? stored.checkpointAt : 0;
    for (const a of attendees) {
      if (ledger.#entries.size >= MAX_ATTENDEES) break;
      if (!isStoredAttendee(a) || ledger.#entries.has(a.name)) continue;
      const spans = spansOf(a.spans);
      if (live && a.openSince !== null) {
        ledger.#entries.set(a.name, { name: a.name, firstJoined: a.firstJoined, lastLeft: a.lastLeft, closedMs: a.closedMs, spans, openSince: a.openSince, connections: 1 });
        continue;
      }
      const crashedAt = a.openSince === null ? null : Math.max(a.openSince, checkpointAt);
      if (crashedAt !== null) pushSpan(spans, a.openSince!, crashedAt);
      ledger.#entries.set(a.name, {
        name: a.name,
        firstJoined: a.firstJoined,
        lastLeft: crashedAt ?? a.lastLeft,
        closedMs: a.closedMs + (crashedAt === null ? 0 : crashedAt - a.openSince!),
        spans,
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
      entry = { name, firstJoined: at, lastLeft: null, closedMs: 0, spans: [], openSince: null, connections: 0 };
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
      pushSpan(entry.spans, entry.openSince!, at);
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
    const attendees = [...this.#entries.values()].map(({ name, firstJoined, lastLeft, closedMs, spans, openSince }) => ({ name, firstJoined, lastLeft, closedMs, spans: [...spans], openSince }));
    return { attendees, checkpointAt: at };
  }

  /** Each attendee as this ledger knows them (the interval in progress only while present). */
  views(): AttendeeView[] {
    return [...this.#entries.values()].map(({ name, firstJoined, lastLeft, closedMs, spans, openSince, connections }) => ({
      name,
      firstJoined,
      lastLeft,
      closedMs,
      spans: [...spans],
      openSince: connections > 0 ? openSince : null,
    }));
  }

  /** The API's view at `now`: ordered by first join (then name); present time counts up to `now`. */
  toApi(now: number): Attendee[] {
    return mergeAttendees([this.views()], now, MAX_ATTENDEES);
  }
}
