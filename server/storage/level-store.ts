/**
 * The LevelDB store, the embedded default. Per meeting: a record, an index entry for listing, a
 * compacted snapshot and an append-only log of updates; a tombstone once deleted. All writes go
 * through one group commit, so they settle in submission order (the MeetingStore contract).
 *
 *   meetings   id                -> MeetingRecord (JSON)
 *   created    createdAt!id      -> '' (newest-first listing)
 *   snapshots  id                -> Yjs update encoding the folded state
 *   summaries  id                -> what describes that snapshot (server/collab/stored-summary.ts;
 *                                   derived: a missing or stale one only means a scan at load)
 *   updates    id!seq(12 hex)    -> Yjs update (seq grows by one per appended update)
 *   tombstones id                -> Tombstone (JSON)
 *   records    collection!key    -> a feature's record (JSON; see RecordCollection)
 *   system     'format'          -> storage format version
 */
import type { AbstractBatchOperation } from 'abstract-level';
import { Level } from 'level';
import { GroupCommit } from './group-commit.js';
import { tombstoneOf, type MeetingRecord, type Tombstone } from './meeting-record.js';
import {
  COLLECTION_NAME,
  LogBusyError,
  StoreOpenError,
  asStorageError,
  meetingKeyRange,
  type MeetingPage,
  type MeetingStore,
  type OpenedDocument,
  type RecordCollection,
  type RecordWrite,
  type StoreObserver,
  type StoredDocument,
  type UpdateLog,
} from './meeting-store.js';

/** The storage format this code writes and understands. */
export const STORAGE_FORMAT_VERSION = 1;

type Db = Level<string, string>;
// Values differ per sublevel (JSON records, binary updates), so the batch type is loose here.
type BatchOp = AbstractBatchOperation<Db, string, unknown>;

const SEQ_WIDTH = 12;
const logKey = (id: string, seq: number): string => `${id}!${seq.toString(16).padStart(SEQ_WIDTH, '0')}`;
const seqOfLogKey = (key: string): number => Number.parseInt(key.slice(key.lastIndexOf('!') + 1), 16);
// '!' sorts before every id character and '"' right after it: [id!, id") spans exactly one meeting.
const logRange = (id: string) => ({ gte: `${id}!`, lt: `${id}"` });
const createdKey = (record: MeetingRecord): string => `${record.createdAt}!${record.id}`;

/** The meetpad database in one data directory. */
export class LevelStore implements MeetingStore {
  readonly #db: Db;
  readonly #meetings;
  readonly #created;
  readonly #snapshots;
  readonly #summaries;
  readonly #updates;
  readonly #tombstones;
  readonly #records;
  readonly #system;
  // Collections in use by this process: a meeting's deletion removes its records from each.
  readonly #collections = new Set<string>();
  readonly #commit: GroupCommit<BatchOp>;
  readonly #openLogs = new Set<string>();
  #lastWriteFailed = false;

  private constructor(db: Db, sync: boolean, observer: StoreObserver) {
    this.#db = db;
    this.#meetings = db.sublevel<string, MeetingRecord>('meetings', { valueEncoding: 'json' });
    this.#created = db.sublevel<string, string>('created', { valueEncoding: 'utf8' });
    this.#snapshots = db.sublevel<string, Uint8Array>('snapshots', { valueEncoding: 'view' });
    this.#summaries = db.sublevel<string, Uint8Array>('summaries', { valueEncoding: 'view' });
    this.#updates = db.sublevel<string, Uint8Array>('updates', { valueEncoding: 'view' });
    this.#tombstones = db.sublevel<string, Tombstone>('tombstones', { valueEncoding: 'json' });
    this.#records = db.sublevel<string, unknown>('records', { valueEncoding: 'json' });
    this.#system = db.sublevel<string, number>('system', { valueEncoding: 'json' });
    this.#commit = new GroupCommit<BatchOp>(
      (ops) => asStorageError(db.batch(ops, { sync }), 'writing to LevelDB failed'),
      (size, seconds, error) => {
        this.#lastWriteFailed = error !== undefined;
        observer.onBatch?.(size, seconds, error);
      },
    );
  }

  /** Opens (creating if needed) the database; fails fast if another process holds it or it is newer. */
  static async open(dir: string, options: { sync?: boolean; observer?: StoreObserver } = {}): Promise<LevelStore> {
    const db: Db = new Level<string, string>(dir, { valueEncoding: 'utf8' });
    try {
      await db.open();
    } catch (error) {
      throw describeOpenError(dir, error);
    }
    const store = new LevelStore(db, options.sync ?? false, options.observer ?? {});
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

  get writable(): boolean {
    return !this.#lastWriteFailed && this.#db.status === 'open';
  }

  probe(): Promise<void> {
    return this.#commit.submit([{ type: 'put', sublevel: this.#system, key: 'probe', value: Date.now() }]);
  }

  getMeeting(id: string): Promise<MeetingRecord | undefined> {
    return asStorageError(this.#meetings.get(id), 'reading a meeting failed');
  }

  getTombstone(id: string): Promise<Tombstone | undefined> {
    return asStorageError(this.#tombstones.get(id), 'reading a meeting failed');
  }

  createMeeting(record: MeetingRecord, initialState: Uint8Array, also: readonly RecordWrite[] = []): Promise<void> {
    return this.#commit.submit([
      { type: 'put', sublevel: this.#meetings, key: record.id, value: record },
      { type: 'put', sublevel: this.#created, key: createdKey(record), value: '' },
      { type: 'put', sublevel: this.#snapshots, key: record.id, value: initialState },
      { type: 'del', sublevel: this.#summaries, key: record.id },
      ...this.#recordOps(also),
    ]);
  }

  putMeeting(record: MeetingRecord): Promise<void> {
    return this.#commit.submit([{ type: 'put', sublevel: this.#meetings, key: record.id, value: record }]);
  }

  listMeetings(limit: number, cursor?: string): Promise<MeetingPage> {
    return asStorageError(this.#list(limit, cursor), 'listing meetings failed');
  }

  async #list(limit: number, cursor?: string): Promise<MeetingPage> {
    const keys = await this.#created.keys({ reverse: true, limit: limit + 1, ...(cursor ? { lt: cursor } : {}) }).all();
    const page = keys.slice(0, limit);
    const records = await this.#meetings.getMany(page.map((key) => key.slice(key.lastIndexOf('!') + 1)));
    return {
      meetings: records.filter((record): record is MeetingRecord => record !== undefined),
      nextCursor: keys.length > limit ? (page.at(-1) ?? null) : null,
    };
  }

  async *meetingIds(): AsyncGenerator<string> {
    for await (const id of this.#meetings.keys()) yield id;
  }

  async readDocument(id: string): Promise<StoredDocument> {
    return (await asStorageError(this.#read(id), 'reading a meeting failed')).stored;
  }

  async openDocument(id: string): Promise<OpenedDocument> {
    if (this.#openLogs.has(id)) throw new LogBusyError(`the log of meeting ${id} is already open`);
    this.#openLogs.add(id);
    try {
      const { stored, firstSeq, lastSeq } = await asStorageError(this.#read(id), 'reading a meeting failed');
      return { stored, log: this.#log(id, firstSeq, lastSeq) };
    } catch (error) {
      this.#openLogs.delete(id);
      throw error;
    }
  }

  // One LevelDB snapshot, so a compaction committing meanwhile cannot make the read miss the
  // entries it folded.
  async #read(id: string): Promise<{ stored: StoredDocument; firstSeq: number; lastSeq: number }> {
    const view = this.#db.snapshot();
    try {
      const snapshot = (await this.#snapshots.get(id, { snapshot: view })) ?? null;
      const summary = (await this.#summaries.get(id, { snapshot: view })) ?? null;
      const updates: Uint8Array[] = [];
      let firstSeq = -1;
      let lastSeq = -1;
      for await (const [key, value] of this.#updates.iterator({ ...logRange(id), snapshot: view })) {
        lastSeq = seqOfLogKey(key);
        if (firstSeq < 0) firstSeq = lastSeq;
        updates.push(value);
      }
      return { stored: { snapshot, updates, summary }, firstSeq, lastSeq };
    } finally {
      await view.close();
    }
  }

  #log(id: string, firstSeq: number, lastSeq: number): UpdateLog {
    // With an empty log (new or just compacted) numbering restarts at 0: no entry remains to clash with.
    let next = lastSeq + 1;
    let first = firstSeq < 0 ? next : firstSeq;
    let open = true;
    return {
      append: (update, also) => {
        const seq = next++;
        const entry: BatchOp = { type: 'put', sublevel: this.#updates, key: logKey(id, seq), value: update };
        return this.#commit.submit(also?.length ? [entry, ...this.#recordOps(also)] : [entry], seq);
      },
      compact: async (snapshot, upTo, summarize) => {
        const summary = summarize?.();
        const ops: BatchOp[] = [
          { type: 'put', sublevel: this.#snapshots, key: id, value: snapshot } as BatchOp,
          summary ? ({ type: 'put', sublevel: this.#summaries, key: id, value: summary } as BatchOp) : ({ type: 'del', sublevel: this.#summaries, key: id } as BatchOp),
        ];
        for (let seq = first; seq <= upTo; seq++) ops.push({ type: 'del', sublevel: this.#updates, key: logKey(id, seq) });
        await this.#commit.submit(ops);
        first = Math.max(first, upTo + 1);
      },
      get head() {
        return next - 1;
      },
      get length() {
        return next - first;
      },
      close: () => {
        if (open) this.#openLogs.delete(id);
        open = false;
      },
    };
  }

  async deleteMeeting(record: MeetingRecord, also: readonly RecordWrite[] = []): Promise<void> {
    if (this.#openLogs.has(record.id)) throw new LogBusyError(`meeting ${record.id} cannot be deleted while its log is open`);
    await this.#commit.settled();
    const logKeys = await asStorageError(this.#updates.keys(logRange(record.id)).all(), 'reading a meeting failed');
    const recordKeys: string[] = [];
    for (const name of this.#collections) {
      const { gte, lt } = meetingKeyRange(record.id);
      recordKeys.push(...(await asStorageError(this.#records.keys({ gte: `${name}!${gte}`, lt: `${name}!${lt}` }).all(), 'reading a meeting failed')));
    }
    await this.#commit.submit([
      { type: 'del', sublevel: this.#meetings, key: record.id },
      { type: 'del', sublevel: this.#created, key: createdKey(record) },
      { type: 'del', sublevel: this.#snapshots, key: record.id },
      { type: 'del', sublevel: this.#summaries, key: record.id },
      ...logKeys.map((key) => ({ type: 'del' as const, sublevel: this.#updates, key })),
      ...recordKeys.map((key) => ({ type: 'del' as const, sublevel: this.#records, key })),
      { type: 'put', sublevel: this.#tombstones, key: record.id, value: tombstoneOf(record, new Date().toISOString()) },
      ...this.#recordOps(also),
    ]);
  }

  collection<T>(name: string): RecordCollection<T> {
    this.#use(name);
    return {
      // Deferred: a closed LevelDB throws synchronously, and that must become a StorageError too.
      get: (key) => asStorageError(Promise.resolve().then(() => this.#records.get(`${name}!${key}`) as Promise<T | undefined>), 'reading a record failed'),
      put: (key, value) => this.writeRecords([{ collection: name, key, value }]),
      delete: (key) => this.writeRecords([{ collection: name, key, value: null }]),
      list: async (prefix = '') => {
        const entries = await asStorageError(Promise.resolve().then(() => this.#records.iterator({ gte: `${name}!${prefix}`, lt: `${name}!${prefix}\uffff` }).all()), 'reading records failed');
        return entries.map(([key, value]) => ({ key: key.slice(name.length + 1), value: value as T }));
      },
    };
  }

  writeRecords(writes: readonly RecordWrite[]): Promise<void> {
    return this.#commit.submit(this.#recordOps(writes));
  }

  async *allRecords(): AsyncGenerator<RecordWrite> {
    for await (const [key, value] of this.#records.iterator()) {
      const cut = key.indexOf('!');
      yield { collection: key.slice(0, cut), key: key.slice(cut + 1), value };
    }
  }

  #use(name: string): void {
    if (!COLLECTION_NAME.test(name)) throw new Error(`invalid collection name ${JSON.stringify(name)}`);
    this.#collections.add(name);
  }

  #recordOps(writes: readonly RecordWrite[]): BatchOp[] {
    return writes.map(({ collection, key, value }) => {
      this.#use(collection);
      const stored = `${collection}!${key}`;
      return value === null ? { type: 'del', sublevel: this.#records, key: stored } : ({ type: 'put', sublevel: this.#records, key: stored, value } as BatchOp);
    });
  }

  settled(): Promise<void> {
    return this.#commit.settled();
  }

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
