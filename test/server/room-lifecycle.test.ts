/**
 * The lifecycle of a meeting in memory (server/collab/room-registry.ts), one test per transition,
 * on the in-memory store with a hand-moved clock: no sockets, no waiting on real time.
 */
import type { FastifyBaseLogger } from 'fastify';
import { afterEach, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { CLOSE } from '../../shared/protocol.js';
import type { DurableChange } from '../../server/collab/durable-changes.js';
import { MeetingGoneError, RoomRegistry, RoomUnavailableError, type RegistryOptions } from '../../server/collab/room-registry.js';
import type { Peer, Room } from '../../server/collab/room.js';
import { MemoryStore } from '../../server/storage/memory-store.js';
import type { MeetingRecord } from '../../server/storage/meeting-record.js';
import { StorageError, type OpenedDocument } from '../../server/storage/meeting-store.js';
import { ManualClock, settle } from '../helpers/manual-clock.js';

const GRACE_MS = 30_000;
const OPTIONS: RegistryOptions = { roomIdleMs: GRACE_MS, compactEvery: 1000, maxDocBytes: 16 * 1024 * 1024 };

/** A logger that keeps its error lines (the rest is dropped). */
const recordingLog = () => {
  const errors: string[] = [];
  const log = {
    level: 'info',
    error: (_obj: unknown, msg?: string) => void errors.push(msg ?? ''),
    warn: () => {},
    info: () => {},
    debug: () => {},
    child: () => log,
  };
  return { log: log as unknown as FastifyBaseLogger, errors };
};

/** A peer that records what the room sends it. */
const fakePeer = () => {
  const peer = { frames: [] as Uint8Array[], closes: [] as number[], send: (frame: Uint8Array) => void peer.frames.push(frame), close: (code: number) => void peer.closes.push(code) };
  return peer satisfies Peer;
};

/** A memory store that counts document opens and can fail the next ones. */
class CountingStore extends MemoryStore {
  opens = 0;
  failOpens = 0;
  override async openDocument(id: string): Promise<OpenedDocument> {
    this.opens++;
    if (this.failOpens > 0) {
      this.failOpens--;
      throw new StorageError('injected read failure');
    }
    return super.openDocument(id);
  }
}

const setup = async () => {
  const store = new CountingStore();
  const clock = new ManualClock();
  const { log, errors } = recordingLog();
  const events = { loaded: 0, unloaded: 0, failures: 0 };
  const registry = new RoomRegistry(store, OPTIONS, {
    log,
    clock,
    observer: { onLoaded: () => events.loaded++, onUnloaded: () => events.unloaded++, onStorageFailure: () => events.failures++ },
  });
  const source = new Y.Doc();
  const createdAt = new Date(clock.now()).toISOString();
  const record: MeetingRecord = { id: 'lifecycle-meeting', title: 'Lifecycle', createdAt, updatedAt: createdAt, editKeyHash: 'e', viewKeyHash: 'v' };
  source.getText('notes').insert(0, 'start');
  await store.createMeeting(record, Y.encodeStateAsUpdate(source));
  /** Types at the end of the source document and sends the room what it lacks, as a peer would. */
  const edit = (room: Room, peer: Peer, text: string): void => {
    source.getText('notes').insert(source.getText('notes').length, text);
    room.apply(Y.encodeStateAsUpdate(source, Y.encodeStateVector(room.doc)), peer);
  };
  stores.push(store);
  return { store, clock, registry, record, events, errors, edit };
};

const stores: MemoryStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

describe('meeting lifecycle', () => {
  test('loading -> active: the first lease loads the room; concurrent leases share one load', async () => {
    const { registry, record, store, events } = await setup();
    const first = registry.lease(record.id);
    const second = registry.lease(record.id);
    expect(registry.stateOf(record.id)).toBe('loading');
    const [a, b] = await Promise.all([first.room, second.room]);
    expect(a).toBe(b);
    expect(registry.stateOf(record.id)).toBe('active');
    expect(a.doc.getText('notes').toString()).toBe('start');
    expect(store.opens).toBe(1);
    expect(events.loaded).toBe(1);
  });

  test('loading -> idle: a lease released while loading still lets the room unload', async () => {
    const { registry, record, clock, events } = await setup();
    const lease = registry.lease(record.id);
    lease.release(); // the socket closed before the room was loaded
    await lease.room;
    expect(registry.stateOf(record.id)).toBe('idle');
    await clock.advance(GRACE_MS);
    expect(registry.stateOf(record.id)).toBe('unloaded');
    expect(registry.size).toBe(0);
    expect(events.unloaded).toBe(1);
  });

  test('loading -> unloaded: an unknown meeting is refused and leaves nothing behind', async () => {
    const { registry } = await setup();
    const lease = registry.lease('no-such-meeting');
    await expect(lease.room).rejects.toBeInstanceOf(MeetingGoneError);
    expect(registry.stateOf('no-such-meeting')).toBe('unloaded');
    expect(registry.size).toBe(0);
  });

  test('loading -> failed: a failed load is refused during a back-off without reloading, then loads again', async () => {
    const { registry, record, store, clock, errors } = await setup();
    store.failOpens = 1;
    await expect(registry.lease(record.id).room).rejects.toBeInstanceOf(StorageError);
    expect(registry.stateOf(record.id)).toBe('failed');
    for (let i = 0; i < 5; i++) await expect(registry.lease(record.id).room).rejects.toBeInstanceOf(RoomUnavailableError);
    expect(store.opens).toBe(1);
    await clock.advance(1000);
    expect(registry.stateOf(record.id)).toBe('unloaded');
    const room = await registry.lease(record.id).room;
    expect(room.doc.getText('notes').toString()).toBe('start');
    expect(store.opens).toBe(2);
    expect(errors).toEqual(['loading a meeting failed']); // once, not once per refused lease
  });

  test('active -> idle -> active: the last lease out starts the grace period, a new lease cancels it', async () => {
    const { registry, record, clock, store } = await setup();
    const lease = registry.lease(record.id);
    const room = await lease.room;
    lease.release();
    expect(registry.stateOf(record.id)).toBe('idle');
    await clock.advance(GRACE_MS - 1);
    const again = registry.lease(record.id);
    expect(await again.room).toBe(room);
    expect(registry.stateOf(record.id)).toBe('active');
    await clock.advance(GRACE_MS * 2);
    expect(registry.stateOf(record.id)).toBe('active');
    expect(store.opens).toBe(1);
  });

  test('idle -> unloading -> unloaded: writes settle, the log is released, the next lease reloads from storage', async () => {
    const { registry, record, clock, store, edit, events } = await setup();
    const lease = registry.lease(record.id);
    const room = await lease.room;
    const peer = fakePeer();
    lease.join(peer);
    edit(room, peer, ' one');
    lease.release();
    await clock.advance(GRACE_MS);
    expect(registry.stateOf(record.id)).toBe('unloaded');
    expect(events.unloaded).toBe(1);
    const reloaded = await registry.lease(record.id).room;
    expect(reloaded).not.toBe(room);
    expect(reloaded.doc.getText('notes').toString()).toBe('start one');
  });

  test('unloading waits for a compaction in flight; its failure cannot evict the room loaded after it', async () => {
    const { registry, record, clock, store, edit, events } = await setup();
    const lease = registry.lease(record.id);
    const first = await lease.room;
    const peer = fakePeer();
    lease.join(peer);
    edit(first, peer, ' one');
    await first.quiet();
    const resume = store.pauseWrites();
    const compaction = first.compact(); // on its way to disk
    lease.release();
    await clock.advance(GRACE_MS);
    expect(registry.stateOf(record.id)).toBe('unloading');
    const next = registry.lease(record.id);
    expect(registry.stateOf(record.id)).toBe('loading'); // a new entry, waiting for the old one
    expect(store.opens).toBe(1);
    store.failWrites = true;
    resume();
    await compaction;
    const second = await next.room;
    store.failWrites = false;
    expect(second).not.toBe(first);
    expect(registry.stateOf(record.id)).toBe('active');
    expect(events.failures).toBe(0); // the stale room's failure was its own
    const third = registry.lease(record.id);
    expect(await third.room).toBe(second);
    expect(registry.size).toBe(1);
    edit(second, peer, ' two');
    await second.quiet();
    expect(second.accepting).toBe(true);
  });

  test('active -> failed -> unloaded: a failed write closes the peers (4503); leases are refused for a back-off that doubles', async () => {
    const { registry, record, clock, store, edit, errors } = await setup();
    const lease = registry.lease(record.id);
    const room = await lease.room;
    const peer = fakePeer();
    lease.join(peer);
    store.failWrites = true;
    edit(room, peer, ' lost');
    await room.quiet();
    await settle();
    expect(peer.closes).toEqual([CLOSE.storageUnavailable]);
    expect(registry.stateOf(record.id)).toBe('failed');
    expect(errors).toHaveLength(1);
    lease.release();
    await expect(registry.lease(record.id).room).rejects.toBeInstanceOf(RoomUnavailableError);
    await clock.advance(1000);
    expect(registry.stateOf(record.id)).toBe('unloaded');

    // Still failing: the second back-off is twice as long, and nothing is reloaded meanwhile.
    const retry = registry.lease(record.id);
    const reloaded = await retry.room;
    const peer2 = fakePeer();
    retry.join(peer2);
    edit(reloaded, peer2, ' lost again');
    await reloaded.quiet();
    await settle();
    expect(registry.stateOf(record.id)).toBe('failed');
    await clock.advance(1000);
    await expect(registry.lease(record.id).room).rejects.toBeInstanceOf(RoomUnavailableError);
    expect(store.opens).toBe(2);
    await clock.advance(1000);
    expect(registry.stateOf(record.id)).toBe('unloaded');
    expect(errors).toHaveLength(2);
  });

  test('active -> unloading on deletion: peers get 4404, leases are refused, a tombstone remains', async () => {
    const { registry, record, store } = await setup();
    const lease = registry.lease(record.id);
    const room = await lease.room;
    const peer = fakePeer();
    lease.join(peer);
    const deletion = registry.deleteMeeting(record);
    await expect(registry.lease(record.id).room).rejects.toBeInstanceOf(MeetingGoneError);
    await deletion;
    expect(peer.closes).toEqual([CLOSE.deleted]);
    expect(room.accepting).toBe(false);
    expect(registry.stateOf(record.id)).toBe('unloaded');
    expect(await store.getMeeting(record.id)).toBeUndefined();
    expect(await store.getTombstone(record.id)).toMatchObject({ id: record.id });
    await expect(registry.lease(record.id).room).rejects.toBeInstanceOf(MeetingGoneError);
  });
});

describe('the durable-change hook', () => {
  test('fires once after a quiet second, at the latest five seconds into a burst, and before unloading', async () => {
    const { registry, record, clock, edit } = await setup();
    const changes: DurableChange[] = [];
    registry.onDurableChange((change) => void changes.push(change));
    const lease = registry.lease(record.id);
    const room = await lease.room;
    const peer = fakePeer();
    lease.join(peer);
    edit(room, peer, ' a');
    await room.quiet();
    const firstWrite = clock.now();
    await clock.advance(999);
    expect(changes).toHaveLength(0);
    await clock.advance(1);
    expect(changes).toHaveLength(1);
    expect(changes[0]!.room).toBe(room);
    expect(changes[0]!.changedAt).toBe(firstWrite);

    // A write every 500 ms never leaves a quiet second: the event still comes 5 s after the first.
    for (let i = 0; i < 12; i++) {
      edit(room, peer, ` b${i}`);
      await room.quiet();
      await clock.advance(500);
    }
    expect(changes).toHaveLength(2);

    edit(room, peer, ' c');
    await room.quiet();
    lease.release();
    await clock.advance(GRACE_MS);
    expect(changes.at(-1)!.room.doc).toBe(room.doc);
    expect(changes.length).toBeGreaterThanOrEqual(3);
  });

  test('a deleted meeting gets no event for its last writes', async () => {
    const { registry, record, edit } = await setup();
    const changes: DurableChange[] = [];
    registry.onDurableChange((change) => void changes.push(change));
    const lease = registry.lease(record.id);
    const room = await lease.room;
    const peer = fakePeer();
    lease.join(peer);
    edit(room, peer, ' last');
    await room.quiet();
    await registry.deleteMeeting(record);
    expect(changes).toEqual([]);
  });
});

describe('the fan-out seam', () => {
  test('an update already durable elsewhere reaches every peer and is not appended again', async () => {
    const { registry, record, store } = await setup();
    const lease = registry.lease(record.id);
    const room = await lease.room;
    const peer = fakePeer();
    lease.join(peer);
    const elsewhere = new Y.Doc();
    Y.applyUpdate(elsewhere, Y.encodeStateAsUpdate(room.doc));
    const before = Y.encodeStateVector(elsewhere);
    elsewhere.getText('notes').insert(0, 'remote ');
    room.applyDurable(Y.encodeStateAsUpdate(elsewhere, before));
    expect(room.doc.getText('notes').toString()).toBe('remote start');
    expect(peer.frames).toHaveLength(1);
    await room.quiet();
    await store.settled();
    expect((await store.readDocument(record.id)).updates).toEqual([]);
  });
});

describe("a socket read's updates (one transaction)", () => {
  test('are checked one by one, stored as one entry, sent as one frame, and nothing of them (nor an answer that holds them) goes out before it is durable', async () => {
    const { registry, record, store } = await setup();
    const lease = registry.lease(record.id);
    const room = await lease.room;
    const [sender, other] = [fakePeer(), fakePeer()];
    lease.join(sender);
    lease.join(other);
    const typed = new Y.Doc();
    Y.applyUpdate(typed, Y.encodeStateAsUpdate(room.doc));
    const keystrokes: Uint8Array[] = [];
    typed.on('update', (update: Uint8Array) => void keystrokes.push(update));
    for (const char of ' one read') typed.getText('notes').insert(typed.getText('notes').length, char);
    const transactions: unknown[] = [];
    room.onTransaction((transaction) => void transactions.push(transaction.origin));
    const entriesBefore = (await store.readDocument(record.id)).updates.length;
    const resume = store.pauseWrites();
    let answer: Uint8Array | null = null;
    room.inOneTransaction(() => {
      // Each keystroke builds on the one before: checked against what the transaction holds so far.
      for (const keystroke of keystrokes) {
        const check = room.checkUpdate(keystroke);
        expect(check.ok).toBe(true);
        room.apply(keystroke, sender);
      }
      // A newcomer's sync step 1 in the same read: its answer holds the keystrokes.
      const diff = room.encodeDiff(Y.encodeStateVector(new Y.Doc()));
      room.afterDurable(() => (answer = diff));
    }, sender);
    await settle();
    expect(transactions).toEqual([sender]);
    expect(other.frames).toEqual([]);
    expect(answer).toBeNull();
    resume();
    await room.quiet();
    await settle();
    expect(answer).not.toBeNull();
    expect(other.frames).toHaveLength(1);
    expect(sender.frames).toHaveLength(0);
    const stored = await store.readDocument(record.id);
    expect(stored.updates).toHaveLength(entriesBefore + 1);
    const replayed = new Y.Doc();
    for (const update of [...(stored.snapshot ? [stored.snapshot] : []), ...stored.updates]) Y.applyUpdate(replayed, update);
    expect(replayed.getText('notes').toString()).toBe('start one read');
    for (const doc of [typed, replayed]) doc.destroy();
  });
});

describe('seams for features', () => {
  test('a room listener sees each room load and stop; durable entries come with their sender and names', async () => {
    const { registry, record, clock, edit } = await setup();
    const seen: string[] = [];
    registry.onRoom((room) => {
      seen.push(`loaded ${room.id}`);
      const stop = room.onDurableEntry((_update, seq, sender) => seen.push(`entry ${seq} from ${sender ? room.namesOf(sender).join('+') || 'unnamed' : 'several'}`));
      return () => {
        stop();
        seen.push(`stopped ${room.id}`);
      };
    });
    const lease = registry.lease(record.id);
    const room = await lease.room;
    const peer = fakePeer();
    lease.join(peer);
    room.awarenessOwners.set(42, peer);
    room.awareness.states.set(42, { user: { name: 'Ana' } });
    edit(room, peer, ' hi');
    await room.quiet();
    lease.release();
    await clock.advance(GRACE_MS);
    expect(seen).toEqual([`loaded ${record.id}`, 'entry 0 from Ana', `stopped ${record.id}`]);
  });
});

describe('review findings', () => {
  test('a storage failure does not lose the durable change it had not reported yet: the next room reports it', async () => {
    const { registry, record, clock, store, edit } = await setup();
    const reported: string[] = [];
    registry.onDurableChange(({ room }) => void reported.push(room.doc.getText('notes').toString()));
    const lease = registry.lease(record.id);
    const room = await lease.room;
    const peer = fakePeer();
    lease.join(peer);
    edit(room, peer, ' saved');
    await room.quiet();
    store.failWrites = true; // the next write fails inside the debounce of the first
    edit(room, peer, ' lost');
    await room.quiet();
    await settle();
    expect(registry.stateOf(record.id)).toBe('failed');
    lease.release();
    store.failWrites = false;
    await clock.advance(1000);
    expect(reported).toEqual([]);
    const reloaded = registry.lease(record.id);
    await reloaded.room;
    await clock.advance(1000);
    expect(reported).toEqual(['start saved']);
  });

  test('a stored update that cannot be applied fails the load without keeping the log open', async () => {
    const { registry, record, clock, store } = await setup();
    const { log } = await store.openDocument(record.id);
    await log.append(new Uint8Array([1, 2, 3]));
    log.close();
    const first = await registry.lease(record.id).room.catch((error: unknown) => error);
    expect(first).toBeInstanceOf(Error);
    await clock.advance(1000);
    const second = await registry.lease(record.id).room.catch((error: unknown) => error);
    expect((second as Error).name).not.toBe('LogBusyError');
    expect((second as Error).message).toBe((first as Error).message);
  });

  test('failures far apart are unrelated: the back-off starts again from one second', async () => {
    const { registry, record, clock, store } = await setup();
    store.failOpens = 1;
    await registry.lease(record.id).room.catch(() => {});
    await clock.advance(1000);
    const healthy = registry.lease(record.id);
    await healthy.room;
    healthy.release();
    await clock.advance(11 * 60_000);
    store.failOpens = 1;
    await registry.lease(record.id).room.catch(() => {});
    expect(registry.stateOf(record.id)).toBe('failed');
    await clock.advance(1000);
    expect(registry.stateOf(record.id)).toBe('unloaded');
  });

  test('a meeting cannot be deleted from storage while its log is open', async () => {
    const { record, store } = await setup();
    const { log } = await store.openDocument(record.id);
    await expect(store.deleteMeeting(record)).rejects.toThrow(/log is open/);
    log.close();
    await store.deleteMeeting(record);
    expect(await store.getMeeting(record.id)).toBeUndefined();
  });
});
