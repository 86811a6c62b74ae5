/**
 * `npm run migrate-store -- --to postgres|level [--data-dir PATH] [--database-url URL]`: moves every
 * meeting (record, exact Yjs state, tombstones excepted) and every record of every collection from
 * one backend into an EMPTY other one, with the servers stopped: LevelDB (`DATA_DIR`) into
 * PostgreSQL (`DATABASE_URL`), or back. Each meeting is read back from the target and compared
 * (record, state vector, Markdown, its records by value) before the next one, then the records of
 * no meeting; a mismatch stops the move. A source that does not exist or holds no meetpad data is
 * refused before anything is opened (opening would create an empty store).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { Level } from 'level';
import pg from 'pg';
import * as Y from 'yjs';
import { BackupError, markdownOfState, readBackupItems } from '../backup/backup-format.js';
import { LevelStore } from '../storage/level-store.js';
import { StoreOpenError, type MeetingStore, type RecordWrite } from '../storage/meeting-store.js';
import { PostgresStore } from '../storage/postgres-store.js';
import { stateOfStored } from '../storage/stored-document.js';
import { UsageError, cliConfig, isEmptyStore, parseArgs, runTool } from './cli-support.js';

// Records not of any meeting are written in batches of this many.
const RECORDS_PER_BATCH = 500;

/** Where to move from and to. */
export interface MigrateOptions {
  to: 'postgres' | 'level';
  dataDir: string;
  databaseUrl: string;
  /** Called after each verified meeting. */
  progress?(id: string): void;
}

/** What was moved. */
export interface MigrateResult {
  meetings: number;
  records: number;
}

const sameVector = (a: Uint8Array, b: Uint8Array): boolean => {
  const [va, vb] = [Y.decodeStateVector(Y.encodeStateVectorFromUpdate(a)), Y.decodeStateVector(Y.encodeStateVectorFromUpdate(b))];
  return va.size === vb.size && [...va].every(([client, clock]) => vb.get(client) === clock);
};

// The meeting a record belongs to, if any: its key is the meeting's id or starts with `id!`.
const ownerOf = (key: string): string => key.split('!', 1)[0]!;

const byKey = (a: RecordWrite, b: RecordWrite): number => (a.collection === b.collection ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : a.collection < b.collection ? -1 : 1);

/** The records of meeting `id` in `store`, in every collection of `collections`, sorted. */
const recordsOf = async (store: MeetingStore, collections: readonly string[], id: string): Promise<RecordWrite[]> => {
  const found: RecordWrite[] = [];
  for (const name of collections) {
    const collection = store.collection<unknown>(name);
    const own = await collection.get(id);
    if (own !== undefined) found.push({ collection: name, key: id, value: own });
    for (const { key, value } of await collection.list(`${id}!`)) found.push({ collection: name, key, value });
  }
  return found.sort(byKey);
};

// Values compare as JSON values (PostgreSQL's jsonb does not keep the order of object keys).
const sameRecords = (a: readonly RecordWrite[], b: readonly RecordWrite[]): boolean => isDeepStrictEqual(a, b);

/**
 * Copies `source` into the empty `target`, meeting by meeting: each meeting with its records in
 * one atomic write, then read back from the target and compared (record, Yjs state vector,
 * Markdown, every record by value) before the next; then the records of no meeting, each read
 * back and compared. A mismatch stops the move (the source is never written).
 */
export const copyStore = async (source: MeetingStore, target: MeetingStore, progress?: (id: string) => void): Promise<MigrateResult> => {
  if (!(await isEmptyStore(target))) throw new BackupError('The target store is not empty; migrate only into an empty database or data directory.');
  const names = new Set<string>();
  let records = 0;
  for await (const { collection } of source.allRecords()) [names.add(collection), records++];
  const collections = [...names];
  const meetingIds = new Set<string>();
  let orphans: RecordWrite[] = [];
  const flushOrphans = async (): Promise<void> => {
    await target.writeRecords(orphans);
    for (const record of orphans) {
      if (!isDeepStrictEqual(await target.collection(record.collection).get(record.key), record.value)) {
        throw new BackupError(`Record ${record.collection}/${record.key} (of no meeting) reads back differently from the target; the move stopped there (the source is unchanged).`);
      }
    }
    orphans = [];
  };
  for await (const item of readBackupItems(source)) {
    if ('record' in item) {
      // Meetings come first: a record of one of them was moved with it.
      if (meetingIds.has(ownerOf(item.record.key))) continue;
      orphans.push(item.record);
      if (orphans.length >= RECORDS_PER_BATCH) await flushOrphans();
      continue;
    }
    const { record, state, markdown } = item.meeting;
    const own = await recordsOf(source, collections, record.id);
    await target.createMeeting(record, state, own);
    const copiedState = stateOfStored(await target.readDocument(record.id));
    const differs = [
      !isDeepStrictEqual(await target.getMeeting(record.id), record) && 'its record',
      (!sameVector(copiedState, state) || markdownOfState(copiedState) !== markdown) && 'its document',
      !sameRecords(await recordsOf(target, collections, record.id), own) && `its ${own.length} records`,
    ].filter(Boolean);
    if (differs.length) throw new BackupError(`Meeting ${record.id} reads back differently from the target (${differs.join(', ')}); the move stopped there (the source is unchanged).`);
    meetingIds.add(record.id);
    progress?.(record.id);
  }
  await flushOrphans();
  let count = 0;
  for await (const _record of target.allRecords()) count++;
  if (count !== records) throw new BackupError(`The target holds ${count} records, the source ${records}.`);
  return { meetings: meetingIds.size, records };
};

/** Refuses a LevelDB source that does not exist or holds no meetpad data (opening would create one). */
const checkLevelSource = async (dataDir: string): Promise<void> => {
  if (!existsSync(dataDir)) throw new BackupError(`Data directory ${dataDir} does not exist: set DATA_DIR or --data-dir to the directory the server used.`);
  if (!existsSync(join(dataDir, 'CURRENT'))) throw new BackupError(`${dataDir} holds no meetpad data (no LevelDB database in it): set DATA_DIR or --data-dir to the directory the server used.`);
  const db = new Level<string, string>(dataDir, { createIfMissing: false });
  try {
    await db.open();
    if ((await db.sublevel<string, number>('system', { valueEncoding: 'json' }).get('format')) === undefined) {
      throw new BackupError(`${dataDir} holds a LevelDB database, but not meetpad's: set DATA_DIR or --data-dir to the directory the server used.`);
    }
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new StoreOpenError(`Cannot read ${dataDir}: ${(error as Error).message} (is a server still running on it?)`);
  } finally {
    await db.close().catch(() => {});
  }
};

/** Refuses a PostgreSQL source without meetpad's schema (opening would create it). */
const checkPostgresSource = async (databaseUrl: string): Promise<void> => {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ found: string | null }>("SELECT to_regclass('meetpad_schema')::text AS found");
    if (!rows[0]?.found) throw new BackupError('The PostgreSQL database holds no meetpad data (no meetpad schema in it): check DATABASE_URL or --database-url.');
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new StoreOpenError(`Cannot reach the PostgreSQL database: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
};

/** Moves everything between LevelDB and PostgreSQL. */
export const migrateStore = async ({ to, dataDir, databaseUrl, progress }: MigrateOptions): Promise<MigrateResult> => {
  if (!databaseUrl) throw new UsageError('set DATABASE_URL (or --database-url) to the PostgreSQL database');
  await (to === 'postgres' ? checkLevelSource(dataDir) : checkPostgresSource(databaseUrl));
  const level = await LevelStore.open(dataDir);
  try {
    const postgres = await PostgresStore.open(databaseUrl, { poolSize: 2 });
    try {
      return to === 'postgres' ? await copyStore(level, postgres, progress) : await copyStore(postgres, level, progress);
    } finally {
      await postgres.close();
    }
  } finally {
    await level.close();
  }
};

const USAGE = 'npm run migrate-store -- --to postgres|level [--data-dir PATH] [--database-url URL]   (servers stopped, target empty)';

const main = async (): Promise<void> => {
  const { positional, options } = parseArgs(process.argv.slice(2));
  const to = options.get('to');
  if (positional.length || (to !== 'postgres' && to !== 'level')) throw new UsageError('give --to postgres or --to level');
  const config = cliConfig();
  const dataDir = options.get('data-dir') ?? config.dataDir;
  const result = await migrateStore({ to, dataDir, databaseUrl: options.get('database-url') ?? config.databaseUrl });
  const [from, into] = to === 'postgres' ? [dataDir, 'PostgreSQL'] : ['PostgreSQL', dataDir];
  process.stdout.write(`moved ${result.meetings} meetings and ${result.records} records from ${from} into ${into}, each verified\n`);
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) runTool('migrate-store', USAGE, main);
