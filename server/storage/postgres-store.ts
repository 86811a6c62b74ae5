/**
 * The PostgreSQL store (`MEETPAD_STORE=postgres`, `DATABASE_URL`): the MeetingStore contract on a
 * database that several instances share. The schema is migrated at start (postgres/schema.ts).
 * Writes go through one group commit per instance, one transaction per batch, strictly in order;
 * a meeting's sequence numbers are allocated by PostgreSQL inside that transaction
 * (meetpad_append), so numbers are unique and gap-free across instances. Compaction folds stored
 * rows under an advisory lock (postgres/compaction.ts), never the caller's in-memory document.
 * The one-open-log rule holds per process: every instance may open the same meeting.
 */
import type pg from 'pg';
import { GroupCommit } from './group-commit.js';
import { tombstoneOf, type MeetingRecord, type Tombstone } from './meeting-record.js';
import {
  COLLECTION_NAME,
  LogBusyError,
  MeetingDeletedError,
  StorageError,
  StoreOpenError,
  asStorageError,
  type MeetingPage,
  type MeetingStore,
  type OpenedDocument,
  type RecordCollection,
  type RecordWrite,
  type StoreObserver,
  type StoredDocument,
} from './meeting-store.js';
import { commitBatch, asBuffer, type AppendOp, type PgOp } from './postgres/batch.js';
import { compactStored } from './postgres/compaction.js';
import { closePools, openPools, withClient, type Pools } from './postgres/connection.js';
import { StoreHealth } from './postgres/health.js';
import { Limiter } from './postgres/limiter.js';
import { jsonColumns } from './postgres/json-column.js';
import { openLog } from './postgres/postgres-log.js';
import { migrate } from './postgres/migrate.js';
import * as reads from './postgres/reads.js';

/** How to reach the database. */
export interface PostgresOptions {
  /** Connections in all: one of its own for the group commit, the others for reads and compactions. */
  poolSize?: number;
  /** Longest a connection attempt or a statement may take before it counts as a failure. */
  timeoutMs?: number;
  observer?: StoreObserver;
}

const sql = (text: string, values: unknown[]): PgOp => ({ kind: 'sql', text, values });

const putRecordOps = (writes: readonly RecordWrite[]): PgOp[] =>
  writes.map(({ collection, key, value }) => {
    if (!COLLECTION_NAME.test(collection)) throw new Error(`invalid collection name ${JSON.stringify(collection)}`);
    if (key.includes('\u0000')) throw new StorageError('a record key cannot hold a NUL character on PostgreSQL');
    if (value === null) return sql('DELETE FROM meetpad_records WHERE collection = $1 AND key = $2', [collection, key]);
    return sql(
      'INSERT INTO meetpad_records (collection, key, value, value_raw) VALUES ($1, $2, $3::jsonb, $4) ON CONFLICT (collection, key) DO UPDATE SET value = EXCLUDED.value, value_raw = EXCLUDED.value_raw',
      [collection, key, ...jsonColumns(value)],
    );
  });

const meetingOp = (record: MeetingRecord, insert: boolean): PgOp => {
  const [json, raw] = jsonColumns(record);
  const listKey = `${record.createdAt}!${record.id}`;
  return insert
    ? sql('INSERT INTO meetpad_meetings (id, list_key, record, record_raw) VALUES ($1, $2, $3::jsonb, $4) ON CONFLICT (id) DO UPDATE SET list_key = EXCLUDED.list_key, record = EXCLUDED.record, record_raw = EXCLUDED.record_raw', [record.id, listKey, json, raw])
    : // A rewrite never brings back a meeting another instance deleted meanwhile.
      sql('UPDATE meetpad_meetings SET list_key = $2, record = $3::jsonb, record_raw = $4 WHERE id = $1', [record.id, listKey, json, raw]);
};

/** Every meeting, in one PostgreSQL database shared by any number of instances. */
export class PostgresStore implements MeetingStore {
  readonly #pools: Pools;
  // Reads and compactions; the group commit has a connection of its own (postgres/connection.ts).
  readonly #pool: pg.Pool;
  readonly #commit: GroupCommit<PgOp>;
  readonly #openLogs = new Set<string>();
  readonly #compactions = new Set<Promise<unknown>>();
  readonly #health = new StoreHealth();
  // Compactions and gap repairs share all read connections but one (kept for loads and HTTP reads).
  readonly #background: Limiter;
  #closed = false;

  private constructor(pools: Pools, observer: StoreObserver) {
    this.#pools = pools;
    this.#pool = pools.reads;
    this.#background = new Limiter(pools.readSize - 1);
    this.#commit = new GroupCommit<PgOp>(
      (ops) => asStorageError(commitBatch(pools.writes, ops), 'writing to PostgreSQL failed'),
      (size, seconds, error) => {
        this.#health.settled('write', error);
        observer.onBatch?.(size, seconds, error);
      },
    );
  }

  /** Connects, applies the migrations, and returns the store; StoreOpenError says what went wrong. */
  static async open(url: string, options: PostgresOptions = {}): Promise<PostgresStore> {
    if (!url) throw new StoreOpenError('MEETPAD_STORE=postgres needs DATABASE_URL (postgres://user:password@host:5432/database).');
    const pools = openPools(url, options.poolSize ?? 10, options.timeoutMs ?? 5000);
    try {
      await withClient(pools.reads, migrate);
    } catch (error) {
      await closePools(pools).catch(() => {});
      if (error instanceof StoreOpenError) throw error;
      throw new StoreOpenError(`Cannot open the PostgreSQL database at ${describeUrl(url)}: ${(error as Error).message}`);
    }
    return new PostgresStore(pools, options.observer ?? {});
  }

  /**
   * False after a failed write or compaction until a write succeeds, and after a failed read
   * until any operation succeeds (postgres/health.ts): readiness reports it.
   */
  get writable(): boolean {
    return this.#health.healthy && !this.#closed;
  }

  // A read whose failure is a StorageError and counts against readiness.
  #read<T>(work: Promise<T>, what: string): Promise<T> {
    return this.#health.track('read', asStorageError(work, what));
  }

  probe(): Promise<void> {
    return this.#commit.submit([
      sql("INSERT INTO meetpad_system (name, value) VALUES ('probe', to_jsonb($1::bigint)) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value", [Date.now()]),
    ]);
  }

  getMeeting(id: string): Promise<MeetingRecord | undefined> {
    return this.#read(reads.readMeeting(this.#pool, id), 'reading a meeting failed');
  }

  getTombstone(id: string): Promise<Tombstone | undefined> {
    return this.#read(reads.readTombstone(this.#pool, id), 'reading a meeting failed');
  }

  createMeeting(record: MeetingRecord, initialState: Uint8Array, also: readonly RecordWrite[] = []): Promise<void> {
    return this.#submit(() => [
      meetingOp(record, true),
      sql('INSERT INTO meetpad_documents (meeting_id, snapshot) VALUES ($1, $2) ON CONFLICT (meeting_id) DO UPDATE SET snapshot = EXCLUDED.snapshot', [record.id, asBuffer(initialState)]),
      ...putRecordOps(also),
    ]);
  }

  putMeeting(record: MeetingRecord): Promise<void> {
    return this.#submit(() => [meetingOp(record, false)]);
  }

  listMeetings(limit: number, cursor?: string): Promise<MeetingPage> {
    return this.#read(reads.readMeetingPage(this.#pool, limit, cursor), 'listing meetings failed');
  }

  meetingIds(): AsyncIterable<string> {
    return reads.readMeetingIds(this.#pool);
  }

  async readDocument(id: string): Promise<StoredDocument> {
    return (await this.#read(reads.readDocumentRows(this.#pool, id), 'reading a meeting failed')).stored;
  }

  /** What a holder of every entry up to `afterSeq` lacks (the bus repairs gaps with it). */
  readRowsAfter(id: string, afterSeq: number): Promise<reads.StoredRows> {
    return this.#read(this.#background.run(() => reads.readRowsAfter(this.#pool, id, afterSeq)), 'reading a meeting failed');
  }

  /** The last sequence number of each meeting among `ids` that still exists. */
  heads(ids: readonly string[]): Promise<Map<string, number>> {
    return this.#read(reads.readHeads(this.#pool, ids), 'reading meetings failed');
  }

  async openDocument(id: string): Promise<OpenedDocument> {
    if (this.#openLogs.has(id)) throw new LogBusyError(`the log of meeting ${id} is already open`);
    this.#openLogs.add(id);
    try {
      const rows = await this.#read(reads.readDocumentRows(this.#pool, id), 'reading a meeting failed');
      const log = openLog(id, rows, {
        append: (op, settled, also) => this.#submitAppend(op, settled, also),
        compact: (upTo) => this.#compact(id, upTo),
        close: () => this.#openLogs.delete(id),
      });
      return { stored: rows.stored, log };
    } catch (error) {
      this.#openLogs.delete(id);
      throw error;
    }
  }

  // One `then` after the batch, as in #submit, so every write of a batch settles in submission order.
  #submitAppend(op: AppendOp, settled: (seq: number | null) => void, also?: readonly RecordWrite[]): Promise<number> {
    let ops: PgOp[] = [op];
    try {
      if (also?.length) ops = [op, ...putRecordOps(also)];
    } catch (error) {
      settled(null);
      return Promise.reject(error);
    }
    return this.#commit.submit(ops).then(
      () => {
        settled(op.seq ?? null);
        if (op.seq === null || op.seq === undefined) throw new MeetingDeletedError(`meeting ${op.meetingId} was deleted`);
        return op.seq;
      },
      (error: unknown) => {
        settled(null);
        throw error;
      },
    );
  }

  // Outside the group commit: a fold takes a while and changes no content, so appends go on
  // meanwhile (theirs are numbered after upTo and survive it).
  #compact(id: string, upTo: number): Promise<void> {
    const fold = this.#background.run(() => compactStored(this.#pool, id, upTo));
    const work = this.#health.track('write', asStorageError(fold, 'compacting a meeting failed')).then(() => undefined);
    const tracked = work.catch(() => {}).finally(() => this.#compactions.delete(tracked));
    this.#compactions.add(tracked);
    return work;
  }

  // Another instance may still hold the meeting's log: its next append finds the meeting gone
  // (and the bus has closed its sockets by then). In this process the log must be closed first.
  deleteMeeting(record: MeetingRecord, also: readonly RecordWrite[] = []): Promise<void> {
    const { id } = record;
    if (this.#openLogs.has(id)) return Promise.reject(new LogBusyError(`meeting ${id} cannot be deleted while its log is open`));
    return this.#submit(() => [
      sql('DELETE FROM meetpad_documents WHERE meeting_id = $1', [id]),
      sql('DELETE FROM meetpad_updates WHERE meeting_id = $1', [id]),
      sql('DELETE FROM meetpad_meetings WHERE id = $1', [id]),
      // The meeting's records in every collection: its id itself and `id!...`.
      sql(`DELETE FROM meetpad_records WHERE key = $1 OR (key >= $1 || '!' AND key < $1 || '"')`, [id]),
      sql('INSERT INTO meetpad_tombstones (id, tombstone) VALUES ($1, $2::jsonb) ON CONFLICT (id) DO UPDATE SET tombstone = EXCLUDED.tombstone', [
        id,
        JSON.stringify(tombstoneOf(record, new Date().toISOString())),
      ]),
      ...putRecordOps(also),
    ]);
  }

  collection<T>(name: string): RecordCollection<T> {
    if (!COLLECTION_NAME.test(name)) throw new Error(`invalid collection name ${JSON.stringify(name)}`);
    return {
      get: (key) => this.#read(reads.readRecord<T>(this.#pool, name, key), 'reading a record failed'),
      put: (key, value) => this.writeRecords([{ collection: name, key, value }]),
      delete: (key) => this.writeRecords([{ collection: name, key, value: null }]),
      list: (prefix = '') => this.#read(reads.readRecords<T>(this.#pool, name, prefix), 'reading records failed'),
    };
  }

  writeRecords(writes: readonly RecordWrite[]): Promise<void> {
    return this.#submit(() => putRecordOps(writes));
  }

  allRecords(): AsyncIterable<RecordWrite> {
    return reads.readAllRecords(this.#pool);
  }

  // Operations that cannot be written (a bad collection name) fail alone, before the batch.
  #submit(ops: () => PgOp[]): Promise<void> {
    let built: PgOp[];
    try {
      built = ops();
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#closed) return Promise.reject(new StorageError('the store is closed'));
    return this.#commit.submit(built).then(() => undefined);
  }

  async settled(): Promise<void> {
    await this.#commit.settled();
    await Promise.all([...this.#compactions]);
  }

  async close(): Promise<void> {
    await this.settled();
    if (this.#closed) return;
    this.#closed = true;
    await closePools(this.#pools);
  }
}

// The URL without its password, for messages.
const describeUrl = (url: string): string => {
  try {
    const parsed = new URL(url);
    parsed.password = parsed.password ? '***' : '';
    return parsed.toString();
  } catch {
    return '(DATABASE_URL is not a valid URL)';
  }
};
