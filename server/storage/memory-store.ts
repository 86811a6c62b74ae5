/**
 * An in-memory MeetingStore: the second implementation of the storage contract (it runs the same
 * storage test suite as LevelDB), for tests and for embedding. Writes go through the same group
 * commit, so they settle in order. `failWrites` makes every write batch fail and `pauseWrites`
 * holds them, to test how the server behaves when storage breaks or is slow.
 */
import { GroupCommit } from './group-commit.js';
import { tombstoneOf, type MeetingRecord, type Tombstone } from './meeting-record.js';
import {
  COLLECTION_NAME,
  LogBusyError,
  StorageError,
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

/** A change to the maps, applied when its batch commits. */
type Op = () => void;

interface MemoryDocument {
  snapshot: Uint8Array | null;
  /** What the last compaction wrote to describe the snapshot. */
  summary?: Uint8Array | null;
  /** seq -> update, in ascending seq order (Map keeps insertion order and seqs only grow). */
  log: Map<number, Uint8Array>;
}

/** Every meeting, kept in this process only. */
export class MemoryStore implements MeetingStore {
  /** While true, every write batch fails (as a full or broken disk would). */
  failWrites = false;
  readonly #meetings = new Map<string, MeetingRecord>();
  readonly #documents = new Map<string, MemoryDocument>();
  readonly #tombstones = new Map<string, Tombstone>();
  readonly #records = new Map<string, Map<string, unknown>>();
  readonly #openLogs = new Set<string>();
  readonly #commit: GroupCommit<Op>;
  #lastWriteFailed = false;
  #closed = false;
  #paused: Promise<void> | null = null;

  constructor(observer: StoreObserver = {}) {
    this.#commit = new GroupCommit<Op>(
      async (ops) => {
        // A real disk answers later, never within the same turn.
        await new Promise<void>((resolve) => setImmediate(resolve));
        while (this.#paused) await this.#paused;
        if (this.failWrites || this.#closed) throw new StorageError(this.#closed ? 'the store is closed' : 'injected write failure');
        for (const op of ops) op();
      },
      (size, seconds, error) => {
        this.#lastWriteFailed = error !== undefined;
        observer.onBatch?.(size, seconds, error);
      },
    );
  }

  /** Holds every write batch (the one in flight included) until the returned function is called. */
  pauseWrites(): () => void {
    let resume!: () => void;
    const paused = new Promise<void>((resolve) => (resume = resolve));
    this.#paused = paused;
    return () => {
      if (this.#paused === paused) this.#paused = null;
      resume();
    };
  }

  get writable(): boolean {
    return !this.#lastWriteFailed && !this.#closed;
  }

  probe(): Promise<void> {
    return this.#commit.submit([() => {}]);
  }

  async getMeeting(id: string): Promise<MeetingRecord | undefined> {
    return this.#meetings.get(id);
  }

  async getTombstone(id: string): Promise<Tombstone | undefined> {
    return this.#tombstones.get(id);
  }

  createMeeting(record: MeetingRecord, initialState: Uint8Array, also: readonly RecordWrite[] = []): Promise<void> {
    return this.#commit.submit([
      () => {
        this.#meetings.set(record.id, { ...record });
        this.#documents.set(record.id, { snapshot: initialState, log: new Map() });
      },
      ...this.#recordOps(also),
    ]);
  }

  putMeeting(record: MeetingRecord): Promise<void> {
    return this.#commit.submit([() => void this.#meetings.set(record.id, { ...record })]);
  }

  async listMeetings(limit: number, cursor?: string): Promise<MeetingPage> {
    // The same cursor as LevelDB's: createdAt!id, newest first.
    const keyed = [...this.#meetings.values()].map((record) => ({ key: `${record.createdAt}!${record.id}`, record }));
    keyed.sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
    const after = cursor ? keyed.filter(({ key }) => key < cursor) : keyed;
    const page = after.slice(0, limit);
    return { meetings: page.map(({ record }) => ({ ...record })), nextCursor: after.length > limit ? (page.at(-1)?.key ?? null) : null };
  }

  async *meetingIds(): AsyncGenerator<string> {
    for (const id of [...this.#meetings.keys()].sort()) yield id;
  }

  async readDocument(id: string): Promise<StoredDocument> {
    const doc = this.#documents.get(id);
    return { snapshot: doc?.snapshot ?? null, updates: doc ? [...doc.log.values()] : [], summary: doc?.summary ?? null };
  }

  async openDocument(id: string): Promise<OpenedDocument> {
    if (this.#openLogs.has(id)) throw new LogBusyError(`the log of meeting ${id} is already open`);
    this.#openLogs.add(id);
    const stored = await this.readDocument(id);
    const doc = this.#documents.get(id);
    let next = doc && doc.log.size ? Math.max(...doc.log.keys()) + 1 : 0;
    let first = doc && doc.log.size ? Math.min(...doc.log.keys()) : next;
    let open = true;
    const log: UpdateLog = {
      append: (update, also) => {
        const seq = next++;
        const entry: Op = () => void this.#documentOf(id).log.set(seq, update);
        return this.#commit.submit(also?.length ? [entry, ...this.#recordOps(also)] : [entry], seq);
      },
      compact: async (snapshot, upTo, summarize) => {
        const summary = summarize?.();
        await this.#commit.submit([
          () => {
            const target = this.#documentOf(id);
            target.snapshot = snapshot;
            target.summary = summary ?? null;
            for (const seq of target.log.keys()) if (seq <= upTo) target.log.delete(seq);
          },
        ]);
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
    return { stored, log };
  }

  #documentOf(id: string): MemoryDocument {
    let doc = this.#documents.get(id);
    if (!doc) this.#documents.set(id, (doc = { snapshot: null, log: new Map() }));
    return doc;
  }

  async deleteMeeting(record: MeetingRecord, also: readonly RecordWrite[] = []): Promise<void> {
    if (this.#openLogs.has(record.id)) throw new LogBusyError(`meeting ${record.id} cannot be deleted while its log is open`);
    await this.#commit.settled();
    const { gte, lt } = meetingKeyRange(record.id);
    await this.#commit.submit([
      () => {
        this.#meetings.delete(record.id);
        this.#documents.delete(record.id);
        for (const records of this.#records.values()) for (const key of [...records.keys()]) if (key >= gte && key < lt) records.delete(key);
        this.#tombstones.set(record.id, tombstoneOf(record, new Date().toISOString()));
      },
      ...this.#recordOps(also),
    ]);
  }

  collection<T>(name: string): RecordCollection<T> {
    this.#recordsOf(name);
    return {
      get: async (key) => structuredClone(this.#recordsOf(name).get(key)) as T | undefined,
      put: (key, value) => this.writeRecords([{ collection: name, key, value }]),
      delete: (key) => this.writeRecords([{ collection: name, key, value: null }]),
      list: async (prefix = '') =>
        [...this.#recordsOf(name).entries()]
          .filter(([key]) => key.startsWith(prefix))
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([key, value]) => ({ key, value: structuredClone(value) as T })),
    };
  }

  writeRecords(writes: readonly RecordWrite[]): Promise<void> {
    return this.#commit.submit(this.#recordOps(writes));
  }

  async *allRecords(): AsyncGenerator<RecordWrite> {
    for (const name of [...this.#records.keys()].sort()) {
      for (const { key, value } of await this.collection(name).list()) yield { collection: name, key, value };
    }
  }

  #recordsOf(name: string): Map<string, unknown> {
    if (!COLLECTION_NAME.test(name)) throw new Error(`invalid collection name ${JSON.stringify(name)}`);
    let records = this.#records.get(name);
    if (!records) this.#records.set(name, (records = new Map()));
    return records;
  }

  // Values are copied when written, as a disk would: a caller changing its object later changes nothing stored.
  #recordOps(writes: readonly RecordWrite[]): Op[] {
    return writes.map(({ collection, key, value }) => {
      const records = this.#recordsOf(collection);
      const copy = value === null ? null : structuredClone(value);
      return () => void (copy === null ? records.delete(key) : records.set(key, copy));
    });
  }

  settled(): Promise<void> {
    return this.#commit.settled();
  }

  async close(): Promise<void> {
    await this.#commit.settled();
    this.#closed = true;
  }
}
