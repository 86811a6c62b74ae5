/**
 * `npm run migrate-store -- --to postgres|level [--data-dir PATH] [--database-url URL]`: moves every
 * meeting (record, exact Yjs state, tombstones excepted) and every record of every collection from
 * one backend into an EMPTY other one, with the servers stopped: LevelDB (`DATA_DIR`) into
 * PostgreSQL (`DATABASE_URL`), or back. Each meeting is read back from the target and compared
 * (record, state vector, Markdown) before the next one; a mismatch stops the move.
 */
import { pathToFileURL } from 'node:url';
import * as Y from 'yjs';
import { BackupError, markdownOfState, readBackupItems } from '../backup/backup-format.js';
import { LevelStore } from '../storage/level-store.js';
import type { MeetingStore, RecordWrite } from '../storage/meeting-store.js';
import { PostgresStore } from '../storage/postgres-store.js';
import { stateOfStored } from '../storage/stored-document.js';
import { UsageError, cliConfig, parseArgs, runTool } from './cli-support.js';

// Records are written in batches of this many.
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

const isEmpty = async (store: MeetingStore): Promise<boolean> => {
  for await (const _id of store.meetingIds()) return false;
  for await (const _record of store.allRecords()) return false;
  return true;
};

const sameVector = (a: Uint8Array, b: Uint8Array): boolean => {
  const [va, vb] = [Y.decodeStateVector(Y.encodeStateVectorFromUpdate(a)), Y.decodeStateVector(Y.encodeStateVectorFromUpdate(b))];
  return va.size === vb.size && [...va].every(([client, clock]) => vb.get(client) === clock);
};

/** Copies `source` into the empty `target`, verifying meeting by meeting. */
export const copyStore = async (source: MeetingStore, target: MeetingStore, progress?: (id: string) => void): Promise<MigrateResult> => {
  if (!(await isEmpty(target))) throw new BackupError('The target store is not empty; migrate only into an empty database or data directory.');
  let meetings = 0;
  let records = 0;
  let batch: RecordWrite[] = [];
  for await (const item of readBackupItems(source)) {
    if ('record' in item) {
      batch.push(item.record);
      records++;
      if (batch.length >= RECORDS_PER_BATCH) [await target.writeRecords(batch), (batch = [])];
      continue;
    }
    const { record, state, markdown } = item.meeting;
    await target.createMeeting(record, state);
    const copied = await target.getMeeting(record.id);
    const copiedState = stateOfStored(await target.readDocument(record.id));
    if (JSON.stringify(copied) !== JSON.stringify(record) || !sameVector(copiedState, state) || markdownOfState(copiedState) !== markdown) {
      throw new BackupError(`Meeting ${record.id} reads back differently from the target; the move stopped there (the source is unchanged).`);
    }
    meetings++;
    progress?.(record.id);
  }
  await target.writeRecords(batch);
  let count = 0;
  for await (const _record of target.allRecords()) count++;
  if (count !== records) throw new BackupError(`The target holds ${count} records, the source ${records}.`);
  return { meetings, records };
};

/** Moves everything between LevelDB and PostgreSQL. */
export const migrateStore = async ({ to, dataDir, databaseUrl, progress }: MigrateOptions): Promise<MigrateResult> => {
  if (!databaseUrl) throw new UsageError('set DATABASE_URL (or --database-url) to the PostgreSQL database');
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
