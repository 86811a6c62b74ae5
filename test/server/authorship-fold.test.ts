/**
 * Folding authorship records (server/history/authorship.ts) on a real LevelDB, through the real
 * registry and rooms with structural peers and a hand-moved clock: many records become one per
 * name, at room stop and while a busy room types, and the map stays exactly the same, including
 * against a record another instance writes after the fold.
 */
import { rm } from 'node:fs/promises';
import type { FastifyBaseLogger } from 'fastify';
import { afterEach, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { AuthorMap } from '../../shared/author-map.js';
import { notesOf } from '../../shared/doc-schema.js';
import { RoomRegistry } from '../../server/collab/room-registry.js';
import type { Peer, Room } from '../../server/collab/room.js';
import { Authorship } from '../../server/history/authorship.js';
import { AUTHORSHIP_COLLECTION, authorshipKey, mapOfRecords, type AuthorshipRecord } from '../../server/history/authorship-records.js';
import { LevelStore } from '../../server/storage/level-store.js';
import type { MeetingRecord } from '../../server/storage/meeting-record.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { tempDir, waitFor } from '../helpers/server.js';

const IDLE_MS = 1000;
const FOLD_AFTER = 4;
const silent = { level: 'silent', error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, child: () => silent } as unknown as FastifyBaseLogger;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An attendee as the room sees one: a peer that owns an awareness state with a name, and its own document. */
interface Typist {
  name: string;
  doc: Y.Doc;
}

const setup = async () => {
  const dir = await tempDir();
  const store = await LevelStore.open(dir, { sync: false });
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  cleanups.push(() => store.close());
  const clock = new ManualClock();
  const registry = new RoomRegistry(store, { roomIdleMs: IDLE_MS, compactEvery: 1000, maxDocBytes: 1 << 24 }, { log: silent, clock });
  cleanups.push(() => registry.closeAll(1001, 'test over'));
  const authorship = new Authorship({ store, registry, clock, log: silent, foldAfter: FOLD_AFTER });
  const at = new Date(clock.now()).toISOString();
  const record: MeetingRecord = { id: 'fold-meeting-0001', title: 'Fold', createdAt: at, updatedAt: at, editKeyHash: 'e', viewKeyHash: 'v' };
  await store.createMeeting(record, Y.encodeStateAsUpdate(new Y.Doc()));
  const typists: Typist[] = ['Anna', 'Ben'].map((name) => ({ name, doc: new Y.Doc() }));
  cleanups.push(() => typists.forEach(({ doc }) => doc.destroy()));
  const records = async () => store.collection<AuthorshipRecord>(AUTHORSHIP_COLLECTION).list(`${record.id}!`);
  // Who wrote what, from the typists' own documents: each one's client id is theirs alone.
  const expected = (): AuthorshipRecord[] => typists.map(({ name, doc }) => ({ n: name, r: [doc.clientID, 0, Y.getState(doc.store, doc.clientID)] }));
  const expectedMap = () => mapOfRecords(expected().map((value) => ({ value })));

  /** Loads the room with each typist as a named peer (as peer-connection.ts would set it up). */
  const open = async (): Promise<{ room: Room; peers: Peer[]; close(): Promise<void> }> => {
    const leases = typists.map(() => registry.lease(record.id));
    const room = await leases[0]!.room;
    const peers = typists.map(({ name, doc }, i) => {
      const peer: Peer = { send: () => {}, close: () => {} };
      leases[i]!.join(peer);
      const awareness = new awarenessProtocol.Awareness(doc);
      awareness.setLocalStateField('user', { name, color: '#336699' });
      room.awarenessOwners.set(doc.clientID, peer);
      awarenessProtocol.applyAwarenessUpdate(room.awareness, awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]), peer);
      awareness.destroy();
      return peer;
    });
    const close = async () => {
      leases.forEach((lease) => lease.release());
      await clock.advance(IDLE_MS);
      await waitFor(() => registry.stateOf(record.id) === 'unloaded', 'the room to unload');
    };
    return { room, peers, close };
  };

  /** `count` separate log entries, each typed by the next typist in turn. */
  const typeEntries = async (room: Room, peers: Peer[], count: number): Promise<void> => {
    for (let i = 0; i < count; i++) {
      const { doc } = typists[i % typists.length]!;
      const before = Y.encodeStateVector(room.doc);
      notesOf(doc).insert(notesOf(doc).length, `entry ${i}. `);
      room.apply(Y.encodeStateAsUpdate(doc, before), peers[i % typists.length]!);
      await room.quiet();
    }
  };

  /** A record as another instance would write it, at `at` (ms), claiming every clock Anna has. */
  const foreignClaim = (at: number) => {
    const anna = typists[0]!.doc;
    return { collection: AUTHORSHIP_COLLECTION, key: authorshipKey(record.id, at, 'otherinstance', 0), value: { n: 'Zed', r: [anna.clientID, 0, Y.getState(anna.store, anna.clientID)] } };
  };

  return { store, clock, authorship, record, records, expectedMap, open, typeEntries, foreignClaim };
};

const json = (map: AuthorMap) => map.toJSON();

describe('folding authorship records', () => {
  test('at room stop, many records become one per name and the map is the same, before and after a later overlapping record', async () => {
    const { store, clock, authorship, record, records, expectedMap, open, typeEntries, foreignClaim } = await setup();
    const first = await open();
    await typeEntries(first.room, first.peers, 3);
    await first.close();
    expect(await records()).toHaveLength(3); // 3 is not more than FOLD_AFTER: left as written

    // Another instance recorded Anna's items a moment later under another name: the first writer wins.
    await store.writeRecords([foreignClaim(clock.now() + 1)]);
    await clock.advance(10);
    const second = await open();
    await typeEntries(second.room, second.peers, 2);
    expect(json(await authorship.mapOf(record.id))).toEqual(json(expectedMap()));
    await second.close();

    const folded = await records();
    expect(folded.map(({ value }) => value.n).sort()).toEqual(['Anna', 'Ben']);
    expect(json(await authorship.mapOf(record.id))).toEqual(json(expectedMap()));

    // A record written after the fold must still come after what the fold wrote.
    await store.writeRecords([foreignClaim(clock.now() + 1000)]);
    expect(json(await authorship.mapOf(record.id))).toEqual(json(expectedMap()));
    expect(json(await authorship.mapOf(record.id))).not.toEqual(json(new AuthorMap()));
  });

  test('a busy room folds while it is loaded, and its map stays current', async () => {
    const { authorship, record, records, expectedMap, open, typeEntries } = await setup();
    const session = await open();
    await typeEntries(session.room, session.peers, 3 * FOLD_AFTER);
    await waitFor(async () => (await records()).length <= FOLD_AFTER, 'the records to fold while the room is loaded');
    expect(json(mapOfRecords(await records()))).toEqual(json(expectedMap()));
    expect(json(await authorship.mapOf(record.id))).toEqual(json(expectedMap()));
    await typeEntries(session.room, session.peers, 2);
    expect(json(await authorship.mapOf(record.id))).toEqual(json(expectedMap()));
    await session.close();
    expect(json(await authorship.mapOf(record.id))).toEqual(json(expectedMap()));
  });
});
