/**
 * `npm run restore -- DIR [--data-dir PATH | --database-url URL]`: brings a backup back into an
 * EMPTY store, the one the server's configuration selects (MEETPAD_STORE): a LevelDB data
 * directory with the server stopped, or a PostgreSQL database with the instances stopped. Ids,
 * key hashes (so the old links work) and the exact Yjs states are kept; every meeting's Markdown
 * is checked against its state before anything is written.
 */
import { pathToFileURL } from 'node:url';
import { BackupError, ensureEmptyDir, readBackupDir, type BackupManifest } from '../backup/backup-format.js';
import { LevelStore } from '../storage/level-store.js';
import type { MeetingStore, RecordWrite } from '../storage/meeting-store.js';
import { PostgresStore } from '../storage/postgres-store.js';
import { UsageError, cliConfig, describeTarget, isEmptyStore, parseArgs, runTool, storeTarget, type StoreTarget } from './cli-support.js';

// Records are written in batches of this many (a backup may hold millions of small ones).
const RECORDS_PER_BATCH = 500;

/** Where to restore: the empty data directory `dataDir`, or the empty database `databaseUrl`. */
export interface RestoreOptions {
  dir: string;
  dataDir: string;
  databaseUrl?: string;
}

// The target, opened, once it is known to be empty.
const openEmpty = async (target: StoreTarget): Promise<MeetingStore> => {
  if (target.kind === 'level') {
    try {
      await ensureEmptyDir(target.dataDir, 'Data directory');
    } catch (error) {
      if (error instanceof BackupError) throw new BackupError(`${error.message} Restore only into an empty data directory: stop the server and move the old directory aside.`);
      throw error;
    }
    return LevelStore.open(target.dataDir);
  }
  const store = await PostgresStore.open(target.databaseUrl, { poolSize: 2 });
  if (await isEmptyStore(store)) return store;
  await store.close();
  throw new BackupError(`The PostgreSQL database ${describeTarget(target)} is not empty. Restore only into an empty database: create a new one (or drop this one's meetpad tables) with the instances stopped.`);
};

/** Restores the backup in `dir` into the empty target; returns the backup's manifest. */
export const restore = async ({ dir, dataDir, databaseUrl }: RestoreOptions): Promise<BackupManifest> => {
  // Check everything first, so a damaged backup leaves the target untouched.
  const { manifest, entries: checked, records: checkedRecords } = await readBackupDir(dir);
  for await (const _entry of checked);
  for await (const _record of checkedRecords);
  const { entries, records } = await readBackupDir(dir);
  const store = await openEmpty(databaseUrl === undefined ? { kind: 'level', dataDir } : { kind: 'postgres', databaseUrl });
  try {
    for await (const { record, state } of entries) await store.createMeeting(record, state);
    let batch: RecordWrite[] = [];
    for await (const record of records) {
      batch.push(record);
      if (batch.length >= RECORDS_PER_BATCH) [await store.writeRecords(batch), (batch = [])];
    }
    await store.writeRecords(batch);
  } finally {
    await store.close();
  }
  return manifest;
};

const USAGE = 'npm run restore -- DIR [--data-dir PATH | --database-url URL]   (servers stopped, target empty)';

const main = async (): Promise<void> => {
  const { positional, options } = parseArgs(process.argv.slice(2));
  if (positional.length !== 1) throw new UsageError('give exactly one backup directory');
  const target = storeTarget(options, cliConfig());
  const manifest = await restore({ dir: positional[0]!, ...(target.kind === 'level' ? { dataDir: target.dataDir } : { dataDir: '', databaseUrl: target.databaseUrl }) });
  process.stdout.write(`restored ${manifest.meetings.length} meetings from ${positional[0]} into ${describeTarget(target)}\n`);
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) runTool('restore', USAGE, main);
