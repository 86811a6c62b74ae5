/**
 * One storage test suite, every backend: LevelDB (the embedded default, on a temporary data
 * directory) and the in-memory store.
 */
import { rm } from 'node:fs/promises';
import { LevelStore } from '../../server/storage/level-store.js';
import { MemoryStore } from '../../server/storage/memory-store.js';
import type { MeetingStore } from '../../server/storage/meeting-store.js';
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
