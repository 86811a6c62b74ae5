/**
 * The summary a compaction writes with its snapshot (server/collab/stored-summary.ts): it gives
 * exactly what a scan of the snapshot finds, it is refused for any other snapshot, the room loads
 * from it without scanning, and on LevelDB a closed server leaves one that a restart uses.
 */
import type { FastifyBaseLogger } from 'fastify';
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, test } from 'vitest';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { notesOf } from '../../shared/doc-schema.js';
import { RoomRegistry } from '../../server/collab/room-registry.js';
import { readSummary, summarize } from '../../server/collab/stored-summary.js';
import { scanStoredState } from '../../server/collab/update-scan.js';
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
  await log.compact(snapshot, log.head, summary);
  log.close();
};

describe('a stored snapshot summary', () => {
  test('gives the clocks and deletions a scan of the snapshot finds', () => {
    const seed = seedFrom(process.env.SUMMARY_SEED);
    for (let run = 0; run < 20; run++) {
      const doc = editedDoc(seed + run, 300);
      const snapshot = Y.encodeStateAsUpdate(doc);
      expect(readSummary(summarize(doc, snapshot), snapshot), `SUMMARY_SEED=${seed + run}`).toEqual(scanStoredState(snapshot));
      doc.destroy();
    }
  });

  test('is refused for another snapshot, another format, or bytes that are not all of one', () => {
    const doc = editedDoc(7, 100);
    const snapshot = Y.encodeStateAsUpdate(doc);
    const summary = summarize(doc, snapshot);
    notesOf(doc).insert(0, 'later');
    expect(readSummary(summary, Y.encodeStateAsUpdate(doc))).toBeUndefined();
    expect(readSummary(summary.subarray(0, summary.length - 1), snapshot)).toBeUndefined();
    expect(readSummary(Uint8Array.of(...summary, 0), snapshot)).toBeUndefined();
    expect(readSummary(Uint8Array.of(2, ...summary.subarray(1)), snapshot)).toBeUndefined();
    expect(readSummary(new Uint8Array(0), snapshot)).toBeUndefined();
    expect(readSummary(summary, snapshot)).toBeDefined();
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
    const forged = encoding.encode((encoder) => {
      const real = summarize(doc, snapshot);
      const vector = encoding.encode((inner) => {
        encoding.writeVarUint(inner, claimed.size);
        for (const [client, clock] of claimed) {
          encoding.writeVarUint(inner, client);
          encoding.writeVarUint(inner, clock);
        }
      });
      encoding.writeUint8Array(encoder, real.subarray(0, 34)); // format and hash
      encoding.writeVarUint8Array(encoder, vector);
      encoding.writeUint8Array(encoder, real.subarray(34 + 1 + Y.encodeStateVector(doc).length)); // the deletions
    });
    await compacted(store, 'forged-summary', snapshot, forged);
    const room = await registry.lease('forged-summary').room;
    expect(room.hasDoc).toBe(false);
    expect(Y.decodeStateVector(room.stateVector())).toEqual(claimed);

    // The same summary with another snapshot is not believed: the room scans.
    notesOf(doc).insert(0, 'more ');
    const other = Y.encodeStateAsUpdate(doc);
    await compacted(store, 'stale-summary', other, forged);
    const scanned = await registry.lease('stale-summary').room;
    expect(scanned.stateVector()).toEqual(Y.encodeStateVector(doc));
    doc.destroy();
  });

  test('on LevelDB, a closed room leaves its snapshot with a summary, replaced by the next compaction and gone with the meeting', async () => {
    const dataDir = await tempDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const store = await LevelStore.open(dataDir);
    cleanups.push(() => store.close());
    const clock = new ManualClock();
    const registry = new RoomRegistry(store, { roomIdleMs: 1000, compactEvery: 1000, maxDocBytes: 1 << 24 }, { log: silent, clock });
    await store.createMeeting(recordFor('level-summary'), Y.encodeStateAsUpdate(new Y.Doc()));
    const lease = registry.lease('level-summary');
    const room = await lease.room;
    notesOf(room.doc).insert(0, 'typed, then ');
    notesOf(room.doc).delete(0, 3);
    await room.quiet();
    await room.compact();
    const stored = await store.readDocument('level-summary');
    expect(stored.updates).toEqual([]);
    expect(readSummary(stored.summary!, stored.snapshot!)).toEqual(scanStoredState(stored.snapshot!));

    // A compaction without a summary (a store user other than a room) leaves none behind.
    await store.createMeeting(recordFor('other-writer'), Y.encodeStateAsUpdate(new Y.Doc()));
    const { log } = await store.openDocument('other-writer');
    await log.append(stored.snapshot!);
    await log.compact(stored.snapshot!, log.head, summarize(room.doc, stored.snapshot!));
    await log.compact(stored.snapshot!, log.head);
    log.close();
    expect((await store.readDocument('other-writer')).summary).toBeNull();

    lease.release();
    await registry.deleteMeeting((await store.getMeeting('level-summary'))!);
    expect((await store.readDocument('level-summary')).summary).toBeNull();
  });
});
