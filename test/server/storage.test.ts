/**
 * One storage test suite, every backend: LevelDB (the embedded default, on a temporary data
 * directory), the in-memory store, and PostgreSQL (a real server from the system's binaries, a
 * fresh database per test).
 */
import { rm } from 'node:fs/promises';
import { afterAll } from 'vitest';
import { LevelStore } from '../../server/storage/level-store.js';
import { MemoryStore } from '../../server/storage/memory-store.js';
import type { MeetingStore } from '../../server/storage/meeting-store.js';
import { PostgresStore } from '../../server/storage/postgres-store.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { tempDir } from '../helpers/server.js';
import { storageSuite } from './storage-suite.js';

const levelDirs = new Map<MeetingStore, string>();
const allLevelDirs: string[] = [];

storageSuite('LevelDB', {
  async open() {
    const dir = await tempDir('meetpad-store-');
    allLevelDirs.push(dir);
    const store = await LevelStore.open(dir);
    levelDirs.set(store, dir);
    return store;
  },
  async reopen(store) {
    const dir = levelDirs.get(store)!;
    await store.close();
    const reopened = await LevelStore.open(dir);
    levelDirs.set(reopened, dir);
    return reopened;
  },
  async cleanup() {
    for (const dir of allLevelDirs.splice(0)) await rm(dir, { recursive: true, force: true });
    levelDirs.clear();
  },
});

storageSuite('in memory', {
  open: async () => new MemoryStore(),
  cleanup: async () => {},
});

// One PostgreSQL server for the file, started by the first test that needs it.
let postgres: Promise<PostgresServer> | null = null;
const pgUrls = new Map<MeetingStore, string>();
afterAll(async () => {
  if (postgres) await (await postgres).stop();
});

storageSuite('PostgreSQL', {
  async open() {
    postgres ??= startPostgres();
    const url = await (await postgres).createDatabase();
    const store = await PostgresStore.open(url, { poolSize: 4 });
    pgUrls.set(store, url);
    return store;
  },
  async reopen(store) {
    const url = pgUrls.get(store)!;
    await store.close();
    const reopened = await PostgresStore.open(url, { poolSize: 4 });
    pgUrls.set(reopened, url);
    return reopened;
  },
  async cleanup() {
    pgUrls.clear();
  },
});
