/**
 * The storage interface: everything the server keeps, behind one contract that LevelDB (the
 * embedded default) and the in-memory store implement, and that other backends can implement
 * without touching rooms, routes or tools. Sequence numbers and key layouts stay inside storage.
 *
 * Ordering contract: writes settle in the order they were submitted. When the promise of a write
 * settles, every write submitted before it has settled too (resolved or rejected), so "this write
 * is durable" implies "everything written before it is durable". A read started after a write
 * resolved sees that write. One exception: `deleteMeeting` first waits for every earlier write
 * (it reads what it must remove), so it is submitted when they have settled; nothing may write to
 * a meeting being deleted (its log must be closed: a deletion of a meeting whose log is open is
 * refused).
 */
import type { MeetingRecord, Tombstone } from './meeting-record.js';

/** A meeting's document as stored: a folded snapshot and the log entries after it, read consistently. */
export interface StoredDocument {
  snapshot: Uint8Array | null;
  updates: Uint8Array[];
  /** What the last compaction wrote with the snapshot to describe it (server/collab/stored-summary.ts), if the store keeps it. */
  summary?: Uint8Array | null;
}

/**
 * The write side of one meeting's document, held by the one room that owns the meeting in memory.
 * A store hands out at most one open log per meeting at a time.
 */
export interface UpdateLog {
  /**
   * Appends one update; resolves with its sequence number once it is durable. `also`: record
   * writes stored in the same atomic batch (a feature's marker that the meeting changed).
   */
  append(update: Uint8Array, also?: readonly RecordWrite[]): Promise<number>;
  /**
   * Replaces the snapshot with `snapshot` and removes every entry up to and including sequence
   * number `upTo`, atomically. The snapshot must hold everything those entries hold (it may hold
   * more: applying an update twice is harmless). A store that keeps summaries asks `summarize` for
   * the snapshot's (server/collab/stored-summary.ts) synchronously, inside the compact() call, and
   * replaces the old one with it, or removes the old one when there is none, in the same batch.
   */
  compact(snapshot: Uint8Array, upTo: number, summarize?: () => Uint8Array | undefined): Promise<void>;
  /** Sequence number of the last appended entry (-1 before the first). */
  readonly head: number;
  /** Entries appended and not folded into the snapshot yet. */
  readonly length: number;
  /** Releases the log; a later `openDocument` of the meeting may open it again. */
  close(): void;
}

/** A document opened for writing: what is stored, and the log to append to. */
export interface OpenedDocument {
  stored: StoredDocument;
  log: UpdateLog;
}

/** One page of the newest-first meeting list. */
export interface MeetingPage {
  meetings: MeetingRecord[];
  nextCursor: string | null;
}

/**
 * One record write, for writes that must land in the same batch as another change (a series and
 * its next meeting, an event and the change that caused it). `value: null` deletes the record.
 */
export interface RecordWrite {
  collection: string;
  key: string;
  value: unknown;
}

/**
 * A named set of JSON records: what features keep besides documents (series, attendance,
 * revisions, webhooks...). Writes go through the store's ordered writes. Keys of records that
 * belong to one meeting are that meeting's id or start with `id!`: deleting the meeting deletes
 * them in every collection.
 */
export interface RecordCollection<T> {
  get(key: string): Promise<T | undefined>;
  put(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
  /** Records whose key starts with `prefix` (all without one), in key order. */
  list(prefix?: string): Promise<Array<{ key: string; value: T }>>;
}

/** Collection names: lower-case words with dashes (they are part of stored keys). */
export const COLLECTION_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** The key range of one meeting's records in a collection: its id itself and `id!...`. */
export const meetingKeyRange = (id: string): { gte: string; lt: string } => ({ gte: id, lt: `${id}"` });

/** Hooks a store calls so the app can count and log without the store knowing about metrics. */
export interface StoreObserver {
  onBatch?(size: number, seconds: number, error?: unknown): void;
}

/** Every meeting a server keeps. */
export interface MeetingStore {
  /** False after a write failed, until one succeeds again (readiness reports it). */
  readonly writable: boolean;
  /** Writes a marker through the normal write path; a success makes the store writable again. */
  probe(): Promise<void>;

  /** The meeting's record, or undefined. */
  getMeeting(id: string): Promise<MeetingRecord | undefined>;
  /** What is left of a deleted meeting (so its key holders can be told), or undefined. */
  getTombstone(id: string): Promise<Tombstone | undefined>;
  /** Stores a new meeting with its initial document state (and `also`), atomically. */
  createMeeting(record: MeetingRecord, initialState: Uint8Array, also?: readonly RecordWrite[]): Promise<void>;
  /** Rewrites a meeting's record (title, updatedAt). */
  putMeeting(record: MeetingRecord): Promise<void>;
  /** Meetings newest first; `cursor` is the `nextCursor` of the previous page. */
  listMeetings(limit: number, cursor?: string): Promise<MeetingPage>;
  /** Every meeting id, in id order (for backups and tools). */
  meetingIds(): AsyncIterable<string>;

  /** The meeting's stored document, read consistently (a concurrent compaction cannot hide entries). */
  readDocument(id: string): Promise<StoredDocument>;
  /** Reads the document and opens its log for appending; throws if the log is already open. */
  openDocument(id: string): Promise<OpenedDocument>;
  /**
   * Removes a meeting (record, document, log, its records in every collection) and leaves a
   * tombstone, with `also`, atomically. Throws LogBusyError while the meeting's log is open.
   */
  deleteMeeting(record: MeetingRecord, also?: readonly RecordWrite[]): Promise<void>;

  /** The collection `name` (created on first use; use the same name at every start). */
  collection<T>(name: string): RecordCollection<T>;
  /** Applies record writes atomically, in order with every other write. */
  writeRecords(writes: readonly RecordWrite[]): Promise<void>;
  /** Every record of every collection, in collection then key order (for backups). */
  allRecords(): AsyncIterable<RecordWrite>;

  /** Resolves (never rejects) once every write submitted so far has settled. */
  settled(): Promise<void>;
  /** Settles every write and closes the store. */
  close(): Promise<void>;
}

/** The store could not be opened; the message says why in words an admin can act on. */
export class StoreOpenError extends Error {
  override name = 'StoreOpenError';
}

/** The store could not read or write (disk full, database gone...): the server answers 503. */
export class StorageError extends Error {
  override name = 'StorageError';
}

/** Rejections of `work` become StorageErrors (their cause kept), so callers can tell storage from bugs. */
export const asStorageError = <T>(work: Promise<T>, what: string): Promise<T> =>
  work.catch((error: unknown) => {
    throw error instanceof StorageError ? error : new StorageError(`${what}: ${(error as Error).message}`, { cause: error });
  });

/**
 * An append found its meeting deleted (by another instance sharing the database, a moment before):
 * not a storage failure; the room closes its sockets as deleted (4404).
 */
export class MeetingDeletedError extends Error {
  override name = 'MeetingDeletedError';
}

/** A second writer asked for a meeting's log while it is open (a bug in the caller, never input). */
export class LogBusyError extends Error {
  override name = 'LogBusyError';
}
