/**
 * The summary a compaction writes with its snapshot (server/collab/stored-summary.ts): it gives
 * exactly what a scan of the snapshot finds, none is written where the scan would not give the
 * document's state, it is refused for any other snapshot and for any damage, the room loads from it
 * without scanning, and on LevelDB a restarted store's room uses the one its compaction wrote.
 */
import type { FastifyBaseLogger } from 'fastify';
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { notesOf } from '../../shared/doc-schema.js';
import { RoomRegistry } from '../../server/collab/room-registry.js';
import { encodeSummary, readSummary, summarize } from '../../server/collab/stored-summary.js';
import { deleteItem, scanStoredState } from '../../server/collab/update-scan.js';
import { LevelStore } from '../../server/storage/level-store.js';
import type { MeetingRecord } from '../../server/storage/meeting-record.js';
import type { MeetingStore } from '../../server/storage/meeting-store.js';
import { MemoryStore } from '../../server/storage/memory-store.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { seededRandom, seedFrom } from '../helpers/random.js';
import { tempDir } from '../helpers/server.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const silent = { level: 'silent', error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, child: () => silent } as unknown as FastifyBaseLogger;

// Three writers typing and deleting at random, each applying what the others sent: a document
// with several clients, split items and deletions.
const editedDoc = (seed: number, edits: number): Y.Doc => {
  const random = seededRandom(seed);
  const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
  for (let i = 0; i < edits; i++) {
    const doc = docs[Math.floor(random() * docs.length)]!;
    const notes = notesOf(doc);
    if (notes.length > 0 && random() < 0.35) notes.delete(Math.floor(random() * notes.length), 1 + Math.floor(random() * 3));
    else notes.insert(Math.floor(random() * (notes.length + 1)), 'abc de'.slice(0, 1 + Math.floor(random() * 6)));
    if (random() < 0.3) for (const other of docs) if (other !== doc) Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
  }
  for (const doc of docs.slice(1)) Y.applyUpdate(docs[0]!, Y.encodeStateAsUpdate(doc));
  docs.slice(1).forEach((doc) => doc.destroy());
  return docs[0]!;
};

const recordFor = (id: string): MeetingRecord => ({ id, title: 'Summarised', createdAt: '2026-12-03T10:00:00.000Z', updatedAt: '2026-12-03T10:00:00.000Z', editKeyHash: 'e', viewKeyHash: 'v' });

// A meeting whose log was compacted into `snapshot` with `summary`, in `store`.
const compacted = async (store: MeetingStore, id: string, snapshot: Uint8Array, summary?: Uint8Array): Promise<void> => {
  await store.createMeeting(recordFor(id), Y.encodeStateAsUpdate(new Y.Doc()));
  const { log } = await store.openDocument(id);
  await log.append(snapshot);
  await log.compact(snapshot, log.head, () => summary);
  log.close();
};

describe('a stored snapshot summary', () => {
  test('gives the clocks and deletions a scan of the snapshot finds', () => {
    const seed = seedFrom(process.env.SUMMARY_SEED);
    const docs = [new Y.Doc(), ...Array.from({ length: 20 }, (_, run) => editedDoc(seed + run, 300))];
    docs.forEach((doc, run) => {
      const snapshot = Y.encodeStateAsUpdate(doc);
      expect(readSummary(summarize(doc, snapshot)!, snapshot), `SUMMARY_SEED=${seed + run - 1}`).toEqual(scanStoredState(snapshot));
      doc.destroy();
    });
  });

  test('holds many deletions (a summary larger than a call may take arguments)', () => {
    const snapshot = Uint8Array.of(0, 0);
    // 80,000 ranges of one client: a summary of several hundred kilobytes.
    const ranges = Array.from({ length: 80_000 }, (_, i) => deleteItem(2 * i, 1));
    const state = { clocks: new Map([[7, 160_000]]), deletes: { clients: new Map([[7, ranges]]) } };
    const summary = encodeSummary(state, snapshot);
    expect(summary.byteLength).toBeGreaterThan(200_000);
    expect(readSummary(summary, snapshot)).toEqual(state);
  });

  test('is not written where a scan would not give the document state: structs waiting for others, a subdocument', () => {
    // Only what came after the first edits arrives: it waits for them.
    const source = editedDoc(3, 40);
    const before = Y.encodeStateVector(source);
    notesOf(source).insert(0, 'later ');
    const pending = new Y.Doc();
    Y.applyUpdate(pending, Y.encodeStateAsUpdate(source, before));
    expect(pending.store.pendingStructs).not.toBeNull();
    expect(summarize(pending, Y.encodeStateAsUpdate(pending))).toBeUndefined();
    const parent = new Y.Doc();
    parent.getMap('subdocs').set('one', new Y.Doc());
    expect(summarize(parent, Y.encodeStateAsUpdate(parent))).toBeUndefined();
    [source, pending, parent].forEach((doc) => doc.destroy());
  });

  test('is refused for another snapshot or any damage to itself', () => {
    const doc = editedDoc(7, 100);
    const snapshot = Y.encodeStateAsUpdate(doc);
    const summary = summarize(doc, snapshot)!;
    expect(readSummary(summary, snapshot)).toBeDefined();
    notesOf(doc).insert(0, 'later');
    expect(readSummary(summary, Y.encodeStateAsUpdate(doc))).toBeUndefined();
    for (let at = 0; at < summary.length; at += 7) {
      const damaged = Uint8Array.from(summary);
      damaged[at]! ^= 1;
      expect(readSummary(damaged, snapshot), `byte ${at} flipped`).toBeUndefined();
    }
    expect(readSummary(summary.subarray(0, summary.length - 1), snapshot)).toBeUndefined();
    expect(readSummary(Uint8Array.of(...summary, 0), snapshot)).toBeUndefined();
    expect(readSummary(new Uint8Array(0), snapshot)).toBeUndefined();
    doc.destroy();
  });

  test('is what a room loads from instead of scanning, and only for its own snapshot', async () => {
    const store = new MemoryStore();
    cleanups.push(() => store.close());
    const registry = new RoomRegistry(store, { roomIdleMs: 1000, compactEvery: 1000, maxDocBytes: 1 << 24 }, { log: silent, clock: new ManualClock() });
    const doc = editedDoc(11, 50);
    const snapshot = Y.encodeStateAsUpdate(doc);
    // A summary of this very snapshot that claims one more client: only a room that read it says so.
    const claimed = new Map(Y.decodeStateVector(Y.encodeStateVector(doc))).set(424242, 3);
    const forged = encodeSummary({ clocks: claimed, deletes: Y.createDeleteSetFromStructStore(doc.store) }, snapshot);
    await compacted(store, 'forged-summary', snapshot, forged);
    const room = await registry.lease('forged-summary').room;
    expect(room.hasDoc).toBe(false);
    expect(Y.decodeStateVector(room.stateVector())).toEqual(claimed);

    // The same summary with another snapshot is not believed: the room scans.
    notesOf(doc).insert(0, 'more ');
    await compacted(store, 'stale-summary', Y.encodeStateAsUpdate(doc), forged);
    const scanned = await registry.lease('stale-summary').room;
    expect(scanned.stateVector()).toEqual(Y.encodeStateVector(doc));
    doc.destroy();
  });

  test('on LevelDB, a room compacts with a summary that a restarted store loads lazily; the next compaction replaces it, one without removes it, deleting the meeting removes it', async () => {
    const dataDir = await tempDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const settings = { roomIdleMs: 1000, compactEvery: 1000, maxDocBytes: 1 << 24 };
    const first = await LevelStore.open(dataDir);
    const registry = new RoomRegistry(first, settings, { log: silent, clock: new ManualClock() });
    await first.createMeeting(recordFor('level-summary'), Y.encodeStateAsUpdate(new Y.Doc()));
    const lease = registry.lease('level-summary');
    const room = await lease.room;
    notesOf(room.doc).insert(0, 'typed, then ');
    notesOf(room.doc).delete(0, 3);
    await room.quiet();
    await room.compact();
    const stored = await first.readDocument('level-summary');
    expect(stored.updates).toEqual([]);
    expect(readSummary(stored.summary!, stored.snapshot!)).toEqual(scanStoredState(stored.snapshot!));
    notesOf(room.doc).insert(0, 'more ');
    await room.quiet();
    await room.compact();
    const next = await first.readDocument('level-summary');
    expect(next.summary).not.toEqual(stored.summary);
    expect(readSummary(next.summary!, next.snapshot!)).toEqual(scanStoredState(next.snapshot!));
    const vector = room.stateVector();
    lease.release();
    await registry.closeAll(1001, 'test over');
    await first.close();

    const store = await LevelStore.open(dataDir);
    cleanups.push(() => store.close());
    const restarted = new RoomRegistry(store, settings, { log: silent, clock: new ManualClock() });
    const reloaded = await restarted.lease('level-summary').room;
    expect(reloaded.hasDoc).toBe(false);
    expect(reloaded.stateVector()).toEqual(vector);

    // A compaction without a summary (a store user other than a room) leaves none behind.
    await store.createMeeting(recordFor('other-writer'), Y.encodeStateAsUpdate(new Y.Doc()));
    const { log } = await store.openDocument('other-writer');
    await log.append(next.snapshot!);
    await log.compact(next.snapshot!, log.head, () => next.summary!);
    expect((await store.readDocument('other-writer')).summary).toEqual(next.summary);
    await log.compact(next.snapshot!, log.head);
    log.close();
    expect((await store.readDocument('other-writer')).summary).toBeNull();

    await restarted.deleteMeeting((await store.getMeeting('level-summary'))!);
    expect((await store.readDocument('level-summary')).summary).toBeNull();
    await restarted.closeAll(1001, 'test over');
  });
});
