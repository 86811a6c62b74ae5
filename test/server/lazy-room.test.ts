/**
 * Lazy rooms (issue 14): a meeting stored as one update (a compacted snapshot, as every unload and
 * restart leaves it) is served from that encoding, and its Y.Doc is built only by the first update
 * that changes something or the first reader of `room.doc`. End to end on a real server and
 * LevelDB with stock clients: viewers and editors who only read leave the document unbuilt and get
 * exactly the stored text; the first edit builds it, is durable, fanned out and attributed; a
 * history cut and the size limit work on a lazy room. Then the room itself on the memory store.
 */
import type { FastifyBaseLogger } from 'fastify';
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, test } from 'vitest';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { AuthorMap } from '../../shared/author-map.js';
import type { CreatedMeeting } from '../../shared/api-types.js';
import { notesOf } from '../../shared/doc-schema.js';
import { CLOSE } from '../../shared/protocol.js';
import { RoomRegistry } from '../../server/collab/room-registry.js';
import type { Peer, Room } from '../../server/collab/room.js';
import { LevelStore } from '../../server/storage/level-store.js';
import type { MeetingRecord } from '../../server/storage/meeting-record.js';
import { MemoryStore } from '../../server/storage/memory-store.js';
import { rebuildDoc } from '../../server/storage/stored-document.js';
import { readFacts } from '../../server/webhooks/meeting-facts.js';
import type { Config } from '../../server/config.js';
import { joinNamed, pageOf, rawSocket, updateFrame } from '../helpers/clients.js';
import { ManualClock, settle } from '../helpers/manual-clock.js';
import { createMeeting, startTestServer, tempDir, waitFor, type TestServer } from '../helpers/server.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const start = async (dataDir: string, config: Partial<Config> = {}): Promise<TestServer> => {
  const server = await startTestServer({ dataDir, config });
  let closed = false;
  cleanups.push(() => (closed ? undefined : server.close()));
  return { ...server, close: async (options) => ((closed = true), await server.close(options)) };
};

/** A stock client with a fresh document, named in its awareness (null: no name), synced. */
const join = async (server: TestServer, meeting: CreatedMeeting, key: string, name: string | null = null): Promise<{ doc: Y.Doc; provider: WebsocketProvider }> => {
  const doc = new Y.Doc();
  cleanups.push(() => doc.destroy());
  const provider = await joinNamed(server, meeting.id, key, name, doc);
  cleanups.push(() => provider.destroy());
  return { doc, provider };
};

/** Everything the room's loading started is over: writes settled and history's check at load done. */
const settled = async (server: TestServer, room: Room): Promise<void> => {
  await room.quiet();
  await server.app.meetpad.history.idle();
};

/** A meeting with typed text and a deletion, left by a server that closed (so it is one compacted snapshot). */
const storedMeeting = async (dataDir: string, config: Partial<Config> = {}, text = 'typed before the restart. '): Promise<{ meeting: CreatedMeeting; page: string }> => {
  const server = await start(dataDir, config);
  const meeting = await createMeeting(server.url, { markdown: '# Agenda\n\n1. Budget\n\n# Notes\n\nSeeded. ' });
  const writer = await join(server, meeting, meeting.editKey, 'Ana');
  const notes = notesOf(writer.doc);
  notes.insert(notes.length, text);
  notes.delete(0, 'Seeded. '.length);
  const page = pageOf(writer.doc);
  const room = server.app.meetpad.registry.loadedRoom(meeting.id)!;
  await waitFor(() => pageOf(room.doc) === page, 'the server to hold the typed text');
  await room.quiet();
  await server.close();
  return { meeting, page };
};

const readStored = async (dataDir: string, id: string) => {
  const store = await LevelStore.open(dataDir);
  try {
    return await store.readDocument(id);
  } finally {
    await store.close();
  }
};

describe('a meeting loaded after a restart', () => {
  test('serves viewers and editors who only read from storage; the first edit builds the document, is durable, fanned out and attributed', async () => {
    const dataDir = await tempDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const { meeting, page } = await storedMeeting(dataDir);
    const stored = await readStored(dataDir, meeting.id);
    expect(stored.snapshot).not.toBeNull();
    expect(stored.updates).toEqual([]);

    const server = await start(dataDir);
    const viewer = await join(server, meeting, meeting.viewKey);
    const reader = await join(server, meeting, meeting.editKey, 'Ben');
    const room = server.app.meetpad.registry.loadedRoom(meeting.id)!;
    await settled(server, room);
    expect(pageOf(viewer.doc)).toBe(page);
    expect(pageOf(reader.doc)).toBe(page);
    expect(room.hasDoc).toBe(false);

    const late = await join(server, meeting, meeting.viewKey);
    await settled(server, room);
    expect(pageOf(late.doc)).toBe(page);
    expect(room.hasDoc).toBe(false);

    const edit = 'first edit after the restart. ';
    notesOf(reader.doc).insert(notesOf(reader.doc).length, edit);
    await waitFor(() => pageOf(viewer.doc) === pageOf(reader.doc) && pageOf(late.doc) === pageOf(reader.doc), 'the edit to reach the viewers');
    expect(room.hasDoc).toBe(true);
    await settled(server, room);

    const response = await fetch(`${server.url}/api/meetings/${meeting.id}/authorship?key=${meeting.viewKey}`);
    expect(response.status).toBe(200);
    const authors = new AuthorMap((await response.json()) as never);
    const editItems: Array<string | null> = [];
    for (let item = notesOf(viewer.doc)._start; item; item = item.right) {
      if (item.deleted || !(item.content as Y.ContentString).str?.includes('first edit')) continue;
      for (const { author } of authors.segments(item.id.client, item.id.clock, item.length)) editItems.push(author);
    }
    expect(editItems.length).toBeGreaterThan(0);
    expect(new Set(editItems)).toEqual(new Set(['Ben']));

    const final = pageOf(reader.doc);
    await server.close();
    const replayed = rebuildDoc(await readStored(dataDir, meeting.id));
    expect(pageOf(replayed)).toBe(final);
    replayed.destroy();
  });

  test('a named revision of a lazy room is cut from the stored state', async () => {
    const dataDir = await tempDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const { meeting, page } = await storedMeeting(dataDir);
    const server = await start(dataDir);
    const viewer = await join(server, meeting, meeting.viewKey);
    const room = server.app.meetpad.registry.loadedRoom(meeting.id)!;
    await settled(server, room);
    expect(room.hasDoc).toBe(false);

    const named = await fetch(`${server.url}/api/meetings/${meeting.id}/revisions?key=${meeting.editKey}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'After the restart' }),
    });
    expect(named.status).toBe(201);
    const { revision } = (await named.json()) as { revision: { id: number; name: string } };
    expect(revision.name).toBe('After the restart');
    const exported = await fetch(`${server.url}/api/meetings/${meeting.id}/revisions/${revision.id}/export.md?key=${meeting.viewKey}`);
    const current = await fetch(`${server.url}/api/meetings/${meeting.id}/export.md?key=${meeting.viewKey}`);
    expect(exported.status).toBe(200);
    expect(await exported.text()).toBe(await current.text());
    expect(pageOf(viewer.doc)).toBe(page);
  });

  test('reading a lazy room (export, minutes, action items, a webhook\'s facts) reads the stored text and leaves the room lazy', async () => {
    const dataDir = await tempDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const text = 'typed before the restart.\n\n- [ ] Send the budget @ana\n';
    const { meeting } = await storedMeeting(dataDir, {}, text);
    const server = await start(dataDir);
    await join(server, meeting, meeting.viewKey);
    const room = server.app.meetpad.registry.loadedRoom(meeting.id)!;
    await settled(server, room);
    expect(room.hasDoc).toBe(false);

    const get = async (path: string) => {
      const response = await fetch(`${server.url}/api/meetings/${meeting.id}/${path}?key=${meeting.viewKey}`);
      expect(response.status, path).toBe(200);
      return response.text();
    };
    expect(await get('export.md')).toContain(text.trim());
    expect(await get('minutes.md')).toContain('Send the budget');
    expect(JSON.parse(await get('items')).actionItems).toMatchObject([{ text: 'Send the budget @ana', assignees: ['ana'] }]);
    const facts = await readFacts(server.app.meetpad.meetings, meeting.id);
    expect(facts.items.map((item) => item.text)).toEqual(['Send the budget @ana']);
    // Read from the loaded room (not from storage after an unload), which is still lazy.
    expect(server.app.meetpad.registry.loadedRoom(meeting.id)).toBe(room);
    expect(room.hasDoc).toBe(false);
  });

  test('the size limit counts the stored bytes of a lazy room', async () => {
    const dataDir = await tempDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const config = { maxDocBytes: 8192 };
    const { meeting } = await storedMeeting(dataDir, config, 'x'.repeat(6000));
    const server = await start(dataDir, config);
    await join(server, meeting, meeting.viewKey);
    const room = server.app.meetpad.registry.loadedRoom(meeting.id)!;
    await settled(server, room);
    expect(room.storedBytes).toBeGreaterThan(6000);

    // An independent insertion (no reference to stored content) that would pass the limit.
    const other = new Y.Doc();
    notesOf(other).insert(0, 'y'.repeat(3000));
    const socket = await rawSocket(server.wsUrl, meeting.id, meeting.editKey);
    socket.ws.send(updateFrame(Y.encodeStateAsUpdate(other)));
    expect(await socket.closed).toBe(CLOSE.tooLarge);
    expect(room.hasDoc).toBe(false);
    other.destroy();
  });
});

describe('a lazy room', () => {
  const silent = { level: 'silent', error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, child: () => silent } as unknown as FastifyBaseLogger;
  const peer = (): Peer & { frames: Uint8Array[] } => {
    const p = { frames: [] as Uint8Array[], send: (frame: Uint8Array) => void p.frames.push(frame), close: () => {} };
    return p;
  };

  const setup = async (stored: 'snapshot' | 'entry') => {
    const store = new MemoryStore();
    cleanups.push(() => store.close());
    const clock = new ManualClock();
    const registry = new RoomRegistry(store, { roomIdleMs: 1000, compactEvery: 1000, maxDocBytes: 1 << 24 }, { log: silent, clock });
    const source = new Y.Doc();
    const createdAt = new Date(clock.now()).toISOString();
    const record: MeetingRecord = { id: 'lazy-meeting', title: 'Lazy', createdAt, updatedAt: createdAt, editKeyHash: 'e', viewKeyHash: 'v' };
    const half = new Y.Doc();
    notesOf(source).insert(0, 'one two three ');
    Y.applyUpdate(half, Y.encodeStateAsUpdate(source));
    notesOf(source).insert(notesOf(source).length, 'four five ');
    // A peer that was offline for the deletion: every struct of the room, one deletion short.
    const undeleted = new Y.Doc();
    Y.applyUpdate(undeleted, Y.encodeStateAsUpdate(source));
    notesOf(source).delete(4, 4);
    const state = Y.encodeStateAsUpdate(source);
    if (stored === 'snapshot') await store.createMeeting(record, state);
    else {
      // A meeting created empty, then written once: its state is that one log entry.
      await store.createMeeting(record, Y.encodeStateAsUpdate(new Y.Doc()));
      const opened = await store.openDocument(record.id);
      await opened.log.append(state);
      opened.log.close();
    }
    cleanups.push(() => undeleted.destroy());
    return { store, clock, registry, record, source, half, undeleted, state };
  };

  test('answers sync and checks from the stored update as the built document would, and builds on the first change', async () => {
    const { registry, record, source, half, state } = await setup('snapshot');
    const lease = registry.lease(record.id);
    const room = await lease.room;
    const transactions: unknown[] = [];
    room.onTransaction((transaction) => void transactions.push(transaction.origin));
    expect(room.hasDoc).toBe(false);
    expect(room.stateVector()).toEqual(Y.encodeStateVector(source));
    expect(room.encodeDiff(null)).toBe(state);
    const caughtUp = new Y.Doc();
    Y.applyUpdate(caughtUp, Y.encodeStateAsUpdate(half));
    Y.applyUpdate(caughtUp, room.encodeDiff(Y.encodeStateVector(half)));
    expect(notesOf(caughtUp).toString()).toBe(notesOf(source).toString());

    // What a stock newcomer sends back (nothing), and what a peer behind the room sends: nothing new, no deletion.
    const sender = peer();
    lease.join(sender);
    for (const repeat of [Uint8Array.of(0, 0), Y.encodeStateAsUpdate(half, Y.encodeStateVector(source))]) {
      const check = room.checkUpdate(repeat);
      expect(check.ok && room.isNoOp(check.decoded)).toBe(true);
      room.apply(repeat, sender);
    }
    expect(room.hasDoc).toBe(false);
    expect(transactions).toEqual([]);

    const ahead = new Y.Doc();
    Y.applyUpdate(ahead, state);
    const before = Y.encodeStateVector(ahead);
    notesOf(ahead).insert(0, 'new ');
    const change = Y.encodeStateAsUpdate(ahead, before);
    const check = room.checkUpdate(change);
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(room.addsContent(check.decoded)).toBe(true);
    // Missing what it builds on: held, with the dependency named.
    const further = Y.encodeStateVector(ahead);
    notesOf(ahead).insert(0, 'newer ');
    const jump = room.checkUpdate(Y.encodeStateAsUpdate(ahead, further));
    expect(jump).toMatchObject({ ok: false, problem: 'missing-dependencies' });
    if (jump.ok || !jump.needs) return;
    expect(room.dependencyMet(jump.needs)).toBe(false);
    expect(room.hasDoc).toBe(false);

    room.apply(change, sender);
    expect(room.hasDoc).toBe(true);
    expect(transactions).toEqual([sender]);
    expect(room.dependencyMet(jump.needs)).toBe(true);
    expect(notesOf(room.doc).toString()).toBe(notesOf(ahead).toString().replace('newer ', ''));
    await room.quiet();
    for (const doc of [source, half, caughtUp, ahead]) doc.destroy();
    lease.release();
  });

  test('a peer that holds all the content (a reconnecting client) gets the deletions it lacks, and its sync step 2 with its whole delete set leaves the room lazy', async () => {
    const { registry, record, source, undeleted } = await setup('snapshot');
    const lease = registry.lease(record.id);
    const room = await lease.room;
    const sender = peer();
    lease.join(sender);
    Y.applyUpdate(undeleted, room.encodeDiff(Y.encodeStateVector(undeleted)));
    expect(notesOf(undeleted).toString()).toBe(notesOf(source).toString());
    const step2 = Y.encodeStateAsUpdate(undeleted, room.stateVector());
    const check = room.checkUpdate(step2);
    expect(check.ok && check.decoded.ds.clients.size).toBeGreaterThan(0);
    expect(check.ok && room.isNoOp(check.decoded)).toBe(true);
    room.apply(step2, sender);
    expect(room.hasDoc).toBe(false);

    // Deleting what the room still has is a change: it builds the document.
    notesOf(undeleted).delete(0, 4);
    const deletion = Y.encodeStateAsUpdate(undeleted, room.stateVector());
    const change = room.checkUpdate(deletion);
    expect(change.ok && room.isNoOp(change.decoded)).toBe(false);
    room.apply(deletion, sender);
    expect(room.hasDoc).toBe(true);
    expect(notesOf(room.doc).toString()).toBe(notesOf(undeleted).toString());
    await room.quiet();
    lease.release();
  });

  test('the first peer that lacks content is answered from the stored update, the next one from the built document', async () => {
    const { registry, record, source, half } = await setup('snapshot');
    const lease = registry.lease(record.id);
    const room = await lease.room;
    for (const built of [false, true]) {
      const behind = new Y.Doc();
      Y.applyUpdate(behind, Y.encodeStateAsUpdate(half));
      Y.applyUpdate(behind, room.encodeDiff(Y.encodeStateVector(behind)));
      expect(notesOf(behind).toString()).toBe(notesOf(source).toString());
      expect(room.hasDoc).toBe(built);
      behind.destroy();
    }
    lease.release();
  });

  test("history's check at load (is the stored state within the last revision?) answers as Y.snapshotContainsUpdate, from the decoded state", async () => {
    const { registry, record, source, half, undeleted } = await setup('snapshot');
    const room = await registry.lease(record.id).room;
    // Equal, behind on content, behind on a deletion, ahead, and an empty snapshot.
    const ahead = new Y.Doc();
    Y.applyUpdate(ahead, Y.encodeStateAsUpdate(source));
    notesOf(ahead).delete(0, 2);
    notesOf(ahead).insert(0, 'more ');
    cleanups.push(() => ahead.destroy());
    const cases = [source, half, undeleted, ahead, new Y.Doc()].map((doc) => Y.snapshot(doc));
    const stored = room.encodeDiff(null);
    expect(cases.map((snapshot) => room.storedWithin(snapshot))).toEqual(cases.map((snapshot) => Y.snapshotContainsUpdate(snapshot, stored)));
    expect(cases.map((snapshot) => room.storedWithin(snapshot))).toEqual([true, false, false, true, false]);
  });

  test('a stored update that does not decode to its last byte fails the load, delete set included', async () => {
    const { store, registry, record, state } = await setup('snapshot');
    for (const [name, corrupt] of [
      ['a trailing byte', Uint8Array.from([...state, 0])],
      ['a delete set cut short', state.slice(0, -1)],
    ] as const) {
      const id = `corrupt-${name.replaceAll(' ', '-')}`;
      await store.createMeeting({ ...record, id }, corrupt);
      const loaded = await registry.lease(id).room.catch((error: unknown) => error);
      expect(loaded, name).toBeInstanceOf(Error);
      expect(registry.stateOf(id), name).toBe('failed');
    }
  });

  test('a stored subdocument (no meeting holds one, but an old or imported store may) loads by building the document', async () => {
    const { store, registry, record, source } = await setup('snapshot');
    const withSubdoc = new Y.Doc();
    Y.applyUpdate(withSubdoc, Y.encodeStateAsUpdate(source));
    withSubdoc.getMap('attached').set('sub', new Y.Doc());
    cleanups.push(() => withSubdoc.destroy());
    const id = 'with-a-subdocument';
    await store.createMeeting({ ...record, id }, Y.encodeStateAsUpdate(withSubdoc));
    const room = await registry.lease(id).room;
    expect(room.hasDoc).toBe(true);
    expect(notesOf(room.doc).toString()).toBe(notesOf(source).toString());
    expect(room.stateVector()).toEqual(Y.encodeStateVector(withSubdoc));
  });

  test('unloads without writing when nothing changed (no compaction of a log it never added to)', async () => {
    const { store, clock, registry, record, state } = await setup('entry');
    const lease = registry.lease(record.id);
    const room = await lease.room;
    expect(room.hasDoc).toBe(false);
    expect(room.encodeDiff(null)).toEqual(state);
    lease.release();
    clock.advance(1000);
    await settle();
    await waitFor(() => registry.stateOf(record.id) === 'unloaded', 'the room to unload');
    const stored = await store.readDocument(record.id);
    expect(stored.updates).toEqual([state]);
    expect(room.hasDoc).toBe(false);
  });
});
