/**
 * The command-line tools follow the store the server uses: `npm run backup` and `npm run restore`
 * with MEETPAD_STORE=postgres work on PostgreSQL (never on a LevelDB directory left behind), and
 * `npm run migrate-store` refuses a source that is not there and checks every record by value,
 * meeting by meeting.
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { copyStore, migrateStore } from '../../server/cli/migrate-store.js';
import { BackupError, type BackupManifest } from '../../server/backup/backup-format.js';
import { LevelStore } from '../../server/storage/level-store.js';
import type { MeetingRecord } from '../../server/storage/meeting-record.js';
import type { MeetingStore, RecordCollection } from '../../server/storage/meeting-store.js';
import { MemoryStore } from '../../server/storage/memory-store.js';
import { PostgresStore } from '../../server/storage/postgres-store.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { tempDir } from '../helpers/server.js';
import { runScript } from '../ops/ops-helpers.js';

let postgres: PostgresServer;
beforeAll(async () => {
  postgres = await startPostgres();
});
afterAll(async () => {
  await postgres?.stop();
});
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});
const newDir = async (): Promise<string> => {
  const dir = await tempDir('meetpad-store-tools-');
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
};

let counter = 0;
const newRecord = (title: string): MeetingRecord => {
  const id = `tools-${++counter}-${Date.now().toString(36)}`;
  const at = new Date().toISOString();
  return { id, title, createdAt: at, updatedAt: at, editKeyHash: `e-${id}`, viewKeyHash: `v-${id}` };
};
const stateWith = (text: string): Uint8Array => {
  const doc = new Y.Doc();
  doc.getText('notes').insert(0, text);
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
};

/** A store with a meeting (and a record of it) titled `title`; closed by its caller. */
const seed = async <S extends MeetingStore>(store: S, title: string): Promise<{ store: S; record: MeetingRecord }> => {
  const record = newRecord(title);
  await store.createMeeting(record, stateWith(`notes of ${title}`), [{ collection: 'attendance', key: `${record.id}!alice`, value: { names: ['Alice'], seconds: 60 } }]);
  await store.writeRecords([{ collection: 'settings', key: 'not-a-meeting', value: { kept: true, nested: { b: 1, a: [1, 2] } } }]);
  return { store, record };
};

const manifestOf = async (dir: string): Promise<BackupManifest> => JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as BackupManifest;

describe('backup and restore on PostgreSQL', () => {
  it('with MEETPAD_STORE=postgres, backup reads PostgreSQL (not the stale data directory) and restore writes into an empty database only', async () => {
    const databaseUrl = await postgres.createDatabase();
    const { store: pgStore, record: onPostgres } = await seed(await PostgresStore.open(databaseUrl, { poolSize: 2 }), 'on PostgreSQL');
    await pgStore.close();
    // What a migrated server left behind: its old LevelDB directory, still in DATA_DIR.
    const staleDir = await newDir();
    const { store: levelStore, record: stale } = await seed(await LevelStore.open(staleDir), 'stale LevelDB');
    await levelStore.close();
    const env = { MEETPAD_STORE: 'postgres', DATABASE_URL: databaseUrl, DATA_DIR: staleDir };

    const backupDir = join(await newDir(), 'backup');
    const taken = await runScript('server/cli/backup.ts', [backupDir], env);
    expect(taken.stderr).toBe('');
    expect(taken.code).toBe(0);
    expect(taken.stdout).toContain('backed up 1 meetings');
    expect(taken.stdout).toContain('PostgreSQL');
    expect((await manifestOf(backupDir)).meetings).toEqual([onPostgres.id]);
    expect((await manifestOf(backupDir)).records).toBe(2);
    expect(existsSync(join(backupDir, `${stale.id}.md`))).toBe(false);

    // Restored into a new database: the same meeting, the same state, its records.
    const restoredUrl = await postgres.createDatabase();
    const restored = await runScript('server/cli/restore.ts', [backupDir], { ...env, DATABASE_URL: restoredUrl });
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain('restored 1 meetings');
    const check = await PostgresStore.open(restoredUrl, { poolSize: 2 });
    cleanup.push(() => check.close());
    expect(await check.getMeeting(onPostgres.id)).toEqual(onPostgres);
    expect(await check.collection('attendance').get(`${onPostgres.id}!alice`)).toEqual({ names: ['Alice'], seconds: 60 });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, (await check.readDocument(onPostgres.id)).snapshot!);
    expect(doc.getText('notes').toString()).toBe('notes of on PostgreSQL');
    doc.destroy();

    // A database that holds meetings is refused, and left as it was.
    const again = await runScript('server/cli/restore.ts', [backupDir], { ...env, DATABASE_URL: restoredUrl });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('is not empty');
  });
});

describe('npm run migrate-store', () => {
  it('refuses a data directory that does not exist or holds no meetpad data, and creates nothing', async () => {
    const databaseUrl = await postgres.createDatabase();
    const missing = join(await newDir(), 'mistyped');
    await expect(migrateStore({ to: 'postgres', dataDir: missing, databaseUrl })).rejects.toThrow(/does not exist/);
    expect(existsSync(missing)).toBe(false);
    const empty = await newDir();
    await expect(migrateStore({ to: 'postgres', dataDir: empty, databaseUrl })).rejects.toThrow(/holds no meetpad data/);
    // Nor a database without meetpad's schema as the source of a move back.
    await expect(migrateStore({ to: 'level', dataDir: join(empty, 'back'), databaseUrl })).rejects.toThrow(/holds no meetpad data/);
    expect(existsSync(join(empty, 'back'))).toBe(false);
  });

  /** `store`, except that `collection`'s record `key` reads back as `value`. */
  const misreading = (store: MeetingStore, collection: string, key: string, value: unknown): MeetingStore =>
    new Proxy(store, {
      get(target, property) {
        if (property !== 'collection') {
          const member = Reflect.get(target, property, target) as unknown;
          return typeof member === 'function' ? member.bind(target) : member;
        }
        return (name: string): RecordCollection<unknown> => {
          const real = target.collection<unknown>(name);
          if (name !== collection) return real;
          return {
            ...real,
            get: async (k) => (k === key ? value : real.get(k)),
            list: async (prefix) => (await real.list(prefix)).map((entry) => (entry.key === key ? { key, value } : entry)),
          };
        };
      },
    });

  it('compares every record by value: a record of a meeting, or of none, that reads back differently stops the move', async () => {
    const { store: source, record } = await seed(new MemoryStore(), 'source');
    cleanup.push(() => source.close());
    const copied = new MemoryStore();
    cleanup.push(() => copied.close());
    expect(await copyStore(source, copied)).toEqual({ meetings: 1, records: 2 });

    const ofMeeting = new MemoryStore();
    cleanup.push(() => ofMeeting.close());
    const wrongMeetingRecord = misreading(ofMeeting, 'attendance', `${record.id}!alice`, { names: ['Mallory'], seconds: 60 });
    await expect(copyStore(source, wrongMeetingRecord)).rejects.toThrow(new RegExp(`Meeting ${record.id} reads back differently .*records`));

    const ofNone = new MemoryStore();
    cleanup.push(() => ofNone.close());
    const wrongLoneRecord = misreading(ofNone, 'settings', 'not-a-meeting', { kept: false });
    const refused = copyStore(source, wrongLoneRecord);
    await expect(refused).rejects.toThrow(BackupError);
    await expect(refused).rejects.toThrow(/settings\/not-a-meeting \(of no meeting\)/);
  });
});
