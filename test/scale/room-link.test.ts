/**
 * One room's link to its meeting's sequence (server/bus/room-link.ts), on the in-memory store with
 * a hand-moved clock: updates from other instances are applied in sequence order (an early one
 * waits for the one it builds on, so a local attendee who typed meanwhile still receives both), a
 * gap that does not close is read from storage, and a head past the watermark is repaired too.
 */
import type { FastifyBaseLogger } from 'fastify';
import { afterEach, describe, expect, test } from 'vitest';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { GAP_GRACE_MS, RoomLink, type RepairReason } from '../../server/bus/room-link.js';
import { RoomRegistry } from '../../server/collab/room-registry.js';
import type { Peer, Room } from '../../server/collab/room.js';
import { MemoryStore } from '../../server/storage/memory-store.js';
import type { StoredRows } from '../../server/storage/postgres/reads.js';
import { ManualClock, settle } from '../helpers/manual-clock.js';

const silent = { level: 'silent', error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, child: () => silent } as unknown as FastifyBaseLogger;
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A peer that keeps the updates the room sends it, applied to its own document. */
const attendee = () => {
  const doc = new Y.Doc();
  const peer: Peer = {
    send: (frame) => {
      const decoder = decoding.createDecoder(frame);
      if (decoding.readVarUint(decoder) !== 0) return;
      decoding.readVarUint(decoder);
      Y.applyUpdate(doc, decoding.readVarUint8Array(decoder));
    },
    close: () => {},
  };
  return { doc, peer };
};

const setup = async (failed?: (error: unknown) => void) => {
  const store = new MemoryStore();
  const clock = new ManualClock();
  const registry = new RoomRegistry(store, { roomIdleMs: 1000, compactEvery: 1000, maxDocBytes: 1 << 24 }, { log: silent, clock });
  const record = { id: 'link-meeting', title: 't', createdAt: new Date(0).toISOString(), updatedAt: new Date(0).toISOString(), editKeyHash: 'e', viewKeyHash: 'v' };
  await store.createMeeting(record, Y.encodeStateAsUpdate(new Y.Doc()));
  const lease = registry.lease(record.id);
  const room = await lease.room;
  cleanup.push(() => store.close(), () => registry.closeAll(1001, 'end'), () => lease.release());
  // What "PostgreSQL" holds for the link: the rows another instance committed.
  const rows: Uint8Array[] = [];
  const reads: RepairReason[] = [];
  const link = new RoomLink(room, {
    clock,
    readRowsAfter: async (_id, after): Promise<StoredRows> => ({
      stored: { snapshot: null, updates: rows.slice(after + 1) },
      exists: true,
      head: rows.length - 1,
      seqs: rows.map((_u, i) => i).slice(after + 1),
      withSnapshot: false,
    }),
    gone: () => {},
    repaired: (reason) => reads.push(reason),
    ...(failed ? { failed } : {}),
  });
  cleanup.push(() => link.stop());
  return { room, link, rows, reads, clock, lease };
};

/** Another instance's writer: each edit appends at the end, so each update builds on the one before. */
const remoteWriter = () => {
  const doc = new Y.Doc();
  return (text: string): Uint8Array => {
    let update!: Uint8Array;
    doc.once('update', (u: Uint8Array) => (update = u));
    doc.getText('notes').insert(doc.getText('notes').length, text);
    return update;
  };
};

const textOf = (room: Room | { doc: Y.Doc }) => room.doc.getText('notes').toString();

describe('room link', () => {
  test('an update that arrives before the one it builds on waits for it; an attendee who brings the missing one itself still gets both', async () => {
    const { room, link, lease } = await setup();
    const local = attendee();
    lease.join(local.peer);
    const write = remoteWriter();
    const [first, second] = [write('one '), write('two ')];
    link.receive(1, second);
    expect(textOf(room)).toBe('');
    // An attendee that moved here from an instance that died holds the first update already and
    // types: its sync brings the first update, and nothing of the second may be kept from it.
    Y.applyUpdate(local.doc, first);
    local.doc.getText('agenda').insert(0, 'local');
    room.apply(Y.encodeStateAsUpdate(local.doc, Y.encodeStateVector(room.doc)), local.peer);
    await settle();
    link.receive(0, first);
    await settle();
    expect(textOf(room)).toBe('one two ');
    expect(textOf(local)).toBe('one two ');
    expect(link.watermark).toBe(1);
  });

  test('a gap that does not close within the grace period is read from storage', async () => {
    const { room, link, rows, reads, clock } = await setup();
    const write = remoteWriter();
    rows.push(write('a'), write('b'), write('c'));
    link.receive(0, rows[0]!);
    link.receive(2, rows[2]!); // 1 was lost on the way
    expect(textOf(room)).toBe('a');
    clock.advance(GAP_GRACE_MS);
    await settle();
    expect(reads).toEqual(['gap']);
    expect(textOf(room)).toBe('abc');
    expect(link.watermark).toBe(2);
  });

  test('a head in storage past the watermark (the last message was lost) is repaired after the grace period, and own entries are not read again', async () => {
    const { room, link, rows, reads, clock } = await setup();
    const write = remoteWriter();
    rows.push(write('x'), write('y'));
    link.receive(0, rows[0]!);
    link.checkHead(1);
    clock.advance(GAP_GRACE_MS);
    await settle();
    expect(reads).toEqual(['silence']);
    expect(textOf(room)).toBe('xy');
    // This instance's own entry, noted right after the head was read: nothing to repair.
    rows.push(write('z'));
    link.checkHead(2);
    link.noteOwn(2);
    clock.advance(GAP_GRACE_MS);
    await settle();
    expect(reads).toEqual(['silence']);
  });

  test('a stored row that cannot be applied fails the room and is reported, never an unhandled rejection; the link tries again later', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    cleanup.push(() => process.off('unhandledRejection', onUnhandled));
    const failures: unknown[] = [];
    const { room, link, rows, clock, lease } = await setup((error) => failures.push(error));
    const closes: number[] = [];
    lease.join({ send: () => {}, close: (code) => closes.push(code) });
    rows.push(new Uint8Array([1, 2, 3]));
    // Through the grace timer, as a lost message is repaired: nobody awaits this repair.
    link.checkHead(rows.length - 1);
    clock.advance(GAP_GRACE_MS);
    await settle();
    expect(unhandled).toEqual([]);
    expect(room.accepting).toBe(false);
    expect(closes).toEqual([1011]);
    expect(failures).toHaveLength(1);
    // Not taken as applied: the next catch-up round would read it again.
    expect(link.watermark).toBe(-1);
    // A repair asked for directly settles too (it never rejects).
    await expect(link.repair('gap')).resolves.toBeUndefined();
    expect(unhandled).toEqual([]);
  });
});
