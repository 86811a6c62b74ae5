/**
 * The LevelDB layout. Per meeting: a record, an index entry for listing, a compacted snapshot and an
 * append-only log of updates. All writes go through one group commit, so they reach disk in order.
 *
 *   meetings  id                -> MeetingRecord (JSON)
 *   created   createdAt!id      -> '' (newest-first listing)
 *   snapshots id                -> Yjs update encoding the folded state
 *   updates   id!seq(12 hex)    -> Yjs update (seq grows by one per appended update)
 *   system    'format'          -> storage format version
 */
import type { AbstractBatchOperation } from 'abstract-level';
import { Level } from 'level';
import { GroupCommit } from './group-commit.js';
import type { MeetingRecord } from './meeting-record.js';

/** The storage format this code writes and understands. */
export const STORAGE_FORMAT_VERSION = 1;

/** The data directory could not be opened; the message says why in words an admin can act on. */
export class StoreOpenError extends Error {
  override name = 'StoreOpenError';
}

/** A document as stored: the snapshot and the log entries after it. */
export interface StoredDocument {
  snapshot: Uint8Array | null;
  updates: Uint8Array[];
  /** Sequence number of the first log entry (or of the next one, when the log is empty). */
  firstSeq: number;
  /** Sequence number the next appended update gets. */
  nextSeq: number;
  /** Bytes of snapshot plus log. */
  bytes: number;
}

type Db = Level<string, string>;
// Values differ per sublevel (JSON records, binary updates), so the batch type is loose here.
type BatchOp = AbstractBatchOperation<Db, string, unknown>;

const SEQ_WIDTH = 12;
const logKey = (id: string, seq: number): string => `${id}!${seq.toString(16).padStart(SEQ_WIDTH, '0')}`;
const seqOfLogKey = (key: string): number => Number.parseInt(key.slice(key.lastIndexOf('!') + 1), 16);
// '!' sorts before every id character and '"' right after it: [id!, id") spans exactly one meeting.
const logRange = (id: string) => ({ gte: `${id}!`, lt: `${id}"` });

/** Hooks the store calls so the app can count and log without the store knowing about metrics. */
export interface StoreObserver {
  onBatch?(size: number, seconds: number, error?: unknown): void;
}

/** The meetpad database in one data directory. */
export class MeetingStore {
  readonly #db: Db;
  readonly #meetings;
  readonly #created;
  readonly #snapshots;
  readonly #updates;
  readonly #system;
  readonly #commit: GroupCommit<BatchOp>;
  #lastWriteFailed = false;

  private constructor(db: Db, sync: boolean, observer: StoreObserver) {
    this.#db = db;
    this.#meetings = db.sublevel<string, MeetingRecord>('meetings', { valueEncoding: 'json' });
    this.#created = db.sublevel<string, string>('created', { valueEncoding: 'utf8' });
    this.#snapshots = db.sublevel<string, Uint8Array>('snapshots', { valueEncoding: 'view' });
    this.#updates = db.sublevel<string, Uint8Array>('updates', { valueEncoding: 'view' });
    this.#system = db.sublevel<string, number>('system', { valueEncoding: 'json' });
    this.#commit = new GroupCommit<BatchOp>(
      (ops) => db.batch(ops, { sync }),
      (size, seconds, error) => {
        this.#lastWriteFailed = error !== undefined;
        observer.onBatch?.(size, seconds, error);
      },
    );
  }

  /** Opens (creating if needed) the database; fails fast if another process holds it or it is newer. */
  static async open(dir: string, options: { sync?: boolean; observer?: StoreObserver } = {}): Promise<MeetingStore> {
    const db: Db = new Level<string, string>(dir, { valueEncoding: 'utf8' });
    try {
      await db.open();
    } catch (error) {
      throw describeOpenError(dir, error);
    }
    const store = new MeetingStore(db, options.sync ?? false, options.observer ?? {});
    try {
      await store.#checkFormat(dir);
    } catch (error) {
      await db.close();
      throw error;
    }
    return store;
  }

  async #checkFormat(dir: string): Promise<void> {
    const version = await this.#system.get('format');
    if (version === undefined) {
      await this.#system.put('format', STORAGE_FORMAT_VERSION);
    } else if (version > STORAGE_FORMAT_VERSION) {
      throw new StoreOpenError(
        `Data directory ${dir} has storage format ${version}, written by a newer meetpad; this version understands up to ${STORAGE_FORMAT_VERSION}. Upgrade meetpad or restore a backup.`,
      );
    }
  }

  /** False after a write batch failed, until one succeeds again. */
  get writable(): boolean {
    return !this.#lastWriteFailed && this.#db.status === 'open';
  }

  /** Writes a marker through the normal write path; a success makes the store writable again. */
  probe(): Promise<void> {
    return this.#commit.submit([{ type: 'put', sublevel: this.#system, key: 'probe', value: Date.now() }]);
  }

  /** The meeting's record, or undefined. */
  getMeeting(id: string): Promise<MeetingRecord | undefined> {
    return this.#meetings.get(id);
  }

  /** Stores a new meeting with its initial document state, atomically. */
  createMeeting(record: MeetingRecord, initialState: Uint8Array): Promise<void> {
    return this.#commit.submit([
      { type: 'put', sublevel: this.#meetings, key: record.id, value: record },
      { type: 'put', sublevel: this.#created, key: `${record.createdAt}!${record.id}`, value: '' },
      { type: 'put', sublevel: this.#snapshots, key: record.id, value: initialState },
    ]);
  }

  /** Rewrites a meeting's record (title, updatedAt). */
  putMeeting(record: MeetingRecord): Promise<void> {
    return this.#commit.submit([{ type: 'put', sublevel: this.#meetings, key: record.id, value: record }]);
  }

  /** Meetings newest first; `before` is the cursor returned by the previous page. */
  async listMeetings(limit: number, before?: string): Promise<{ meetings: MeetingRecord[]; nextCursor: string | null }> {
    const keys = await this.#created.keys({ reverse: true, limit: limit + 1, ...(before ? { lt: before } : {}) }).all();
    const page = keys.slice(0, limit);
    const ids = page.map((key) => key.slice(key.lastIndexOf('!') + 1));
    const records = await this.#meetings.getMany(ids);
    return {
      meetings: records.filter((record): record is MeetingRecord => record !== undefined),
      nextCursor: keys.length > limit ? (page.at(-1) ?? null) : null,
    };
  }

  /** Every meeting id, in id order (for backups and tools). */
  async *meetingIds(): AsyncGenerator<string> {
    for await (const id of this.#meetings.keys()) yield id;
  }

  /**
   * Reads a meeting's snapshot and update log from one LevelDB snapshot, so a compaction committing
   * meanwhile cannot make the read miss the entries it folded.
   */
  async loadDocument(id: string): Promise<StoredDocument> {
    const view = this.#db.snapshot();
    try {
      const snapshot = (await this.#snapshots.get(id, { snapshot: view })) ?? null;
      const updates: Uint8Array[] = [];
      let firstSeq = -1;
      let lastSeq = -1;
      let bytes = snapshot?.byteLength ?? 0;
      for await (const [key, value] of this.#updates.iterator({ ...logRange(id), snapshot: view })) {
        const seq = seqOfLogKey(key);
        if (firstSeq < 0) firstSeq = seq;
        lastSeq = seq;
        updates.push(value);
        bytes += value.byteLength;
      }
      // With an empty log (new or just compacted) numbering restarts at 0: no entry remains to clash with.
      const nextSeq = lastSeq + 1;
      return { snapshot, updates, firstSeq: firstSeq < 0 ? nextSeq : firstSeq, nextSeq, bytes };
    } finally {
      await view.close();
    }
  }

  /** Appends one update to a meeting's log; resolves once it is on disk. */
  appendUpdate(id: string, seq: number, update: Uint8Array): Promise<void> {
    return this.#commit.submit([{ type: 'put', sublevel: this.#updates, key: logKey(id, seq), value: update }]);
  }

  /**
   * Replaces log entries firstSeq..lastSeq with a snapshot, in one atomic batch. The snapshot must
   * contain everything those entries hold (it may hold more: applying an update twice is harmless).
   */
  compact(id: string, snapshot: Uint8Array, firstSeq: number, lastSeq: number): Promise<void> {
    const ops: BatchOp[] = [{ type: 'put', sublevel: this.#snapshots, key: id, value: snapshot } as BatchOp];
    for (let seq = firstSeq; seq <= lastSeq; seq++) {
      ops.push({ type: 'del', sublevel: this.#updates, key: logKey(id, seq) });
    }
    return this.#commit.submit(ops);
  }

  /** Removes a meeting: record, index entry, snapshot and log, in one atomic batch. */
  async deleteMeeting(record: MeetingRecord): Promise<void> {
    await this.#commit.settled();
    const logKeys = await this.#updates.keys(logRange(record.id)).all();
    await this.#commit.submit([
      { type: 'del', sublevel: this.#meetings, key: record.id },
      { type: 'del', sublevel: this.#created, key: `${record.createdAt}!${record.id}` },
      { type: 'del', sublevel: this.#snapshots, key: record.id },
      ...logKeys.map((key) => ({ type: 'del' as const, sublevel: this.#updates, key })),
    ]);
  }

  /** Resolves once every write submitted so far has reached disk or failed. */
  flushed(): Promise<void> {
    return this.#commit.settled();
  }

  /** Flushes and closes the database. */
  async close(): Promise<void> {
    await this.#commit.settled();
    if (this.#db.status === 'open') await this.#db.close();
  }
}

const describeOpenError = (dir: string, error: unknown): StoreOpenError => {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.message ?? (error as Error).message;
  if (cause?.code === 'LEVEL_LOCKED') {
    return new StoreOpenError(`Data directory ${dir} is in use by another meetpad process (LevelDB lock held). Stop it, or set DATA_DIR to another directory.`);
  }
  return new StoreOpenError(`Cannot open data directory ${dir}: ${detail}`);
};
