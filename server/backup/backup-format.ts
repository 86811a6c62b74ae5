/**
 * The backup format, shared by the admin endpoint and the backup/restore tools. A backup directory
 * holds, per meeting, `<id>.md` (the Markdown export), `<id>.yjs` (the exact Yjs state,
 * `Y.encodeStateAsUpdate`) and `<id>.json` (the MeetingRecord, key hashes included, so the old links
 * keep working); `records.ndjson`, every record of every collection (series, attendance...: what
 * features store besides documents), one JSON line each; and `manifest.json`, written last: a
 * directory without it is an unfinished backup. Over HTTP the same items travel as NDJSON: a
 * manifest line, one line per meeting, one per record, an end line.
 */
import { mkdir, open, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { markdownOfDoc } from '../../shared/markdown.js';
import { MEETING_ID_PATTERN } from '../security/keys.js';
import { STORAGE_FORMAT_VERSION } from '../storage/level-store.js';
import type { MeetingRecord } from '../storage/meeting-record.js';
import { COLLECTION_NAME, type MeetingStore, type RecordWrite } from '../storage/meeting-store.js';
import { rebuildDoc, stateOfStored } from '../storage/stored-document.js';

/** The name in every manifest. */
export const BACKUP_FORMAT = 'meetpad-backup';
/** The backup layout this code writes and reads (1 had no records; it is still read). */
export const BACKUP_FORMAT_VERSION = 2;
const RECORDS_FILE = 'records.ndjson';

/** `manifest.json` of a backup directory. */
export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  /** STORAGE_FORMAT_VERSION of the server the meetings came from. */
  storageFormat: number;
  createdAt: string;
  /** Meeting ids, in the order they were written. */
  meetings: string[];
  /** How many lines records.ndjson holds (absent in format 1). */
  records?: number;
}

/** One meeting in a backup. */
export interface BackupEntry {
  record: MeetingRecord;
  state: Uint8Array;
  markdown: string;
}

/** What a backup holds: meetings, and the collections' records. */
export type BackupItem = { meeting: BackupEntry } | { record: RecordWrite };

/** A backup or restore that cannot go on; the message says what to do. */
export class BackupError extends Error {
  override name = 'BackupError';
}

/** The Markdown export of a Yjs state. */
export const markdownOfState = (state: Uint8Array): string => {
  const doc = rebuildDoc({ snapshot: state, updates: [] });
  try {
    return markdownOfDoc(doc);
  } finally {
    doc.destroy();
  }
};

/** Everything a store holds, meetings first, then records (only what is on disk). */
export async function* readBackupItems(store: MeetingStore): AsyncGenerator<BackupItem> {
  await store.settled();
  for await (const id of store.meetingIds()) {
    const record = await store.getMeeting(id);
    if (!record) continue; // deleted while we were reading
    const state = stateOfStored(await store.readDocument(id));
    yield { meeting: { record, state, markdown: markdownOfState(state) } };
  }
  for await (const record of store.allRecords()) yield { record };
}

/** A fresh manifest (without meetings yet). */
export const newManifest = (): BackupManifest => ({
  format: BACKUP_FORMAT,
  formatVersion: BACKUP_FORMAT_VERSION,
  storageFormat: STORAGE_FORMAT_VERSION,
  createdAt: new Date().toISOString(),
  meetings: [],
  records: 0,
});

/** One NDJSON line of the backup stream. */
export type BackupLine =
  | { manifest: Omit<BackupManifest, 'meetings'> }
  | { meeting: { record: MeetingRecord; state: string; markdown: string } }
  | { record: RecordWrite }
  | { end: { count: number; records?: number } };

/** The backup of a store as NDJSON lines (each ends with a newline). */
export async function* backupLines(store: MeetingStore): AsyncGenerator<string> {
  const { meetings: _none, records: _noRecords, ...manifest } = newManifest();
  yield `${JSON.stringify({ manifest } satisfies BackupLine)}\n`;
  let count = 0;
  let records = 0;
  for await (const item of readBackupItems(store)) {
    if ('meeting' in item) {
      count++;
      const { record, state, markdown } = item.meeting;
      yield `${JSON.stringify({ meeting: { record, state: Buffer.from(state).toString('base64'), markdown } } satisfies BackupLine)}\n`;
    } else {
      records++;
      yield `${JSON.stringify({ record: item.record } satisfies BackupLine)}\n`;
    }
  }
  yield `${JSON.stringify({ end: { count, records } } satisfies BackupLine)}\n`;
}

/** Creates `dir` if needed; refuses one that already holds files. */
export const ensureEmptyDir = async (dir: string, what: string): Promise<void> => {
  const existing = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (existing.length > 0) {
    throw new BackupError(`${what} ${dir} is not empty (${existing.length} entries); use a new or empty directory.`);
  }
  await mkdir(dir, { recursive: true });
};

const checkRecord = (record: MeetingRecord, id: string): void => {
  const fields = ['id', 'title', 'createdAt', 'updatedAt', 'editKeyHash', 'viewKeyHash'] as const;
  if (typeof record !== 'object' || record === null || fields.some((field) => typeof record[field] !== 'string') || record.id !== id) {
    throw new BackupError(`${id}.json is not the record of meeting ${id}`);
  }
};

/** Writes a backup's items into an empty backup directory; the manifest goes last. Returns it. */
export const writeBackupDir = async (dir: string, items: AsyncIterable<BackupItem>, manifest = newManifest()): Promise<BackupManifest> => {
  await ensureEmptyDir(dir, 'Backup directory');
  const records = await open(join(dir, RECORDS_FILE), 'w');
  try {
    let count = 0;
    for await (const item of items) {
      if ('record' in item) {
        await records.write(`${JSON.stringify(item.record)}\n`);
        count++;
        continue;
      }
      const { record, state, markdown } = item.meeting;
      if (!MEETING_ID_PATTERN.test(record.id)) throw new BackupError(`refusing meeting id ${JSON.stringify(record.id)}`);
      await writeFile(join(dir, `${record.id}.yjs`), state);
      await writeFile(join(dir, `${record.id}.md`), markdown, 'utf8');
      await writeFile(join(dir, `${record.id}.json`), `${JSON.stringify(record, null, 2)}\n`, 'utf8');
      manifest.meetings.push(record.id);
    }
    manifest.records = count;
  } finally {
    await records.close();
  }
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  return manifest;
};

/** Reads and checks a backup directory: its manifest, then each meeting (Markdown checked against the state). */
export const readBackupDir = async (dir: string): Promise<{ manifest: BackupManifest; entries: AsyncGenerator<BackupEntry>; records: AsyncGenerator<RecordWrite> }> => {
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as BackupManifest;
  } catch (error) {
    throw new BackupError(`${dir} has no readable manifest.json (${(error as Error).message}); it is not a finished meetpad backup.`);
  }
  if (manifest.format !== BACKUP_FORMAT || !Array.isArray(manifest.meetings)) throw new BackupError(`${dir}/manifest.json is not a meetpad backup manifest.`);
  if (manifest.formatVersion > BACKUP_FORMAT_VERSION || manifest.storageFormat > STORAGE_FORMAT_VERSION) {
    throw new BackupError(
      `${dir} was written by a newer meetpad (backup format ${manifest.formatVersion}, storage format ${manifest.storageFormat}); this version understands up to ${BACKUP_FORMAT_VERSION} and ${STORAGE_FORMAT_VERSION}.`,
    );
  }
  async function* entries(): AsyncGenerator<BackupEntry> {
    for (const id of manifest.meetings) {
      if (typeof id !== 'string' || !MEETING_ID_PATTERN.test(id)) throw new BackupError(`manifest.json lists an invalid meeting id ${JSON.stringify(id)}`);
      const record = JSON.parse(await readFile(join(dir, `${id}.json`), 'utf8')) as MeetingRecord;
      checkRecord(record, id);
      const state = new Uint8Array(await readFile(join(dir, `${id}.yjs`)));
      const markdown = markdownOfState(state);
      // Compared as bytes: the file is UTF-8, whatever the text holds.
      if (!Buffer.from(markdown, 'utf8').equals(await readFile(join(dir, `${id}.md`)))) throw new BackupError(`${id}.md does not match ${id}.yjs: the backup was changed or is damaged.`);
      yield { record, state, markdown };
    }
  }
  async function* records(): AsyncGenerator<RecordWrite> {
    if (!manifest.records) return; // format 1, or nothing stored besides meetings
    const lines = (await readFile(join(dir, RECORDS_FILE), 'utf8')).split('\n').filter((line) => line.trim());
    if (lines.length !== manifest.records) throw new BackupError(`${RECORDS_FILE} holds ${lines.length} records, the manifest says ${manifest.records}: the backup is damaged.`);
    for (const line of lines) {
      const record = JSON.parse(line) as RecordWrite;
      if (typeof record.collection !== 'string' || !COLLECTION_NAME.test(record.collection) || typeof record.key !== 'string' || record.value === null || record.value === undefined) {
        throw new BackupError(`${RECORDS_FILE} has a malformed record line: ${line.slice(0, 120)}`);
      }
      yield record;
    }
  }
  return { manifest, entries: entries(), records: records() };
};
