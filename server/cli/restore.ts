/**
 * `npm run restore -- DIR [--data-dir PATH]`: brings a backup back into an EMPTY data directory,
 * with the server stopped. Ids, key hashes (so the old links work) and the exact Yjs states are
 * kept; every meeting's Markdown is checked against its state before anything is written.
 */
import { pathToFileURL } from 'node:url';
import { LevelStore } from '../storage/level-store.js';
import type { RecordWrite } from '../storage/meeting-store.js';

// Records are written in batches of this many (a backup may hold millions of small ones).
const RECORDS_PER_BATCH = 500;
import { BackupError, ensureEmptyDir, readBackupDir, type BackupManifest } from '../backup/backup-format.js';
import { UsageError, cliConfig, parseArgs, runTool } from './cli-support.js';

/** Restores the backup in `dir` into the empty `dataDir`; returns the backup's manifest. */
export const restore = async ({ dir, dataDir }: { dir: string; dataDir: string }): Promise<BackupManifest> => {
  // Check everything first, so a damaged backup leaves the data directory untouched.
  const { manifest, entries: checked, records: checkedRecords } = await readBackupDir(dir);
  for await (const _entry of checked);
  for await (const _record of checkedRecords);
  const { entries, records } = await readBackupDir(dir);
  try {
    await ensureEmptyDir(dataDir, 'Data directory');
  } catch (error) {
    if (error instanceof BackupError) throw new BackupError(`${error.message} Restore only into an empty data directory: stop the server and move the old directory aside.`);
    throw error;
  }
  const store = await LevelStore.open(dataDir);
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

const USAGE = 'npm run restore -- DIR [--data-dir PATH]   (server stopped, data directory empty)';

const main = async (): Promise<void> => {
  const { positional, options } = parseArgs(process.argv.slice(2));
  if (positional.length !== 1) throw new UsageError('give exactly one backup directory');
  const dataDir = options.get('data-dir') ?? cliConfig().dataDir;
  const manifest = await restore({ dir: positional[0]!, dataDir });
  process.stdout.write(`restored ${manifest.meetings.length} meetings from ${positional[0]} into ${dataDir}\n`);
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) runTool('restore', USAGE, main);
