/**
 * The PostgreSQL store as several instances use it: two stores (two processes' worth) on one
 * database. Sequence numbers come from PostgreSQL; compaction folds stored rows, never a stale
 * in-memory document, one instance at a time; a deletion by one instance fails only the other's
 * appends to that meeting; batches of two instances that touch the same meetings in opposite
 * orders never deadlock each other into failures.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { MeetingRecord } from '../../server/storage/meeting-record.js';
import { PostgresStore } from '../../server/storage/postgres-store.js';
import { rebuildDoc } from '../../server/storage/stored-document.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres.js';

let postgres: PostgresServer;
beforeAll(async () => {
  postgres = await startPostgres();
});
afterAll(async () => {
  await postgres?.stop();
});

const stores: PostgresStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

/** Two stores on one new database. */
const twoInstances = async (): Promise<[PostgresStore, PostgresStore]> => {
  const url = await postgres.createDatabase();
  const pair = [await PostgresStore.open(url, { poolSize: 4 }), await PostgresStore.open(url, { poolSize: 4 })] as [PostgresStore, PostgresStore];
  stores.push(...pair);
  return pair;
};

let counter = 0;
const newRecord = (): MeetingRecord => {
  const id = `scale-${++counter}-${Date.now().toString(36)}`;
  const at = new Date().toISOString();
  return { id, title: id, createdAt: at, updatedAt: at, editKeyHash: `e-${id}`, viewKeyHash: `v-${id}` };
};

/** A writer's document and the update of each edit. */
const writer = (from?: Uint8Array) => {
  const doc = new Y.Doc();
  if (from) Y.applyUpdate(doc, from);
  const type = (text: string): Uint8Array => {
    let update!: Uint8Array;
    const capture = (u: Uint8Array) => (update = u);
    doc.once('update', capture);
    doc.getText('notes').insert(doc.getText('notes').length, text);
    return update;
  };
  return { doc, type };
};

const textOf = (doc: Y.Doc): string => doc.getText('notes').toString();

describe('PostgreSQL store shared by instances', () => {
  it('two instances append to one meeting: sequence numbers are unique and gap-free, and each reads everything', async () => {
    const [a, b] = await twoInstances();
    const record = newRecord();
    await a.createMeeting(record, Y.encodeStateAsUpdate(new Y.Doc()));
    const [logA, logB] = [(await a.openDocument(record.id)).log, (await b.openDocument(record.id)).log];
    const [wa, wb] = [writer(), writer()];
    const seqs = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? logA.append(wa.type(`a${i}`)) : logB.append(wb.type(`b${i}`)))));
    expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    for (const store of [a, b]) {
      const text = textOf(rebuildDoc(await store.readDocument(record.id)));
      for (let i = 0; i < 40; i++) expect(text).toContain(i % 2 ? `a${i}` : `b${i}`);
    }
    expect((await a.heads([record.id, 'missing'])).get(record.id)).toBe(39);
    const after = await b.readRowsAfter(record.id, 35);
    expect(after.seqs).toEqual([36, 37, 38, 39]);
    expect(after.withSnapshot).toBe(false);
    logA.close();
    logB.close();
  });

  it('compaction folds the stored rows, not the stale document it is given, and a reader after it misses nothing', async () => {
    const [a, b] = await twoInstances();
    const record = newRecord();
    await a.createMeeting(record, Y.encodeStateAsUpdate(new Y.Doc()));
    const [logA, logB] = [(await a.openDocument(record.id)).log, (await b.openDocument(record.id)).log];
    const [wa, wb] = [writer(), writer()];
    for (let i = 0; i < 5; i++) await logA.append(wa.type(`A${i}`));
    for (let i = 0; i < 5; i++) await logB.append(wb.type(`B${i}`));
    // A's own document never saw B's entries: folding it would lose them.
    await logA.compact(Y.encodeStateAsUpdate(wa.doc), logA.head);
    await logB.compact(Y.encodeStateAsUpdate(wb.doc), logB.head);
    const stored = await b.readDocument(record.id);
    expect(stored.updates).toEqual([]);
    const text = textOf(rebuildDoc(stored));
    for (let i = 0; i < 5; i++) {
      expect(text).toContain(`A${i}`);
      expect(text).toContain(`B${i}`);
    }
    // A holder of entries up to 2 is sent the snapshot (its rows are folded).
    const repair = await a.readRowsAfter(record.id, 2);
    expect(repair.withSnapshot).toBe(true);
    expect(repair.head).toBe(9);
    logA.close();
    logB.close();
  });

  it('two instances compacting one meeting at once, while both append: one folds at a time, the state is kept exactly', async () => {
    const [a, b] = await twoInstances();
    const record = newRecord();
    await a.createMeeting(record, Y.encodeStateAsUpdate(new Y.Doc()));
    const [logA, logB] = [(await a.openDocument(record.id)).log, (await b.openDocument(record.id)).log];
    const reference = new Y.Doc();
    const [wa, wb] = [writer(), writer()];
    for (let round = 0; round < 10; round++) {
      const updates = [wa.type(`a${round}`), wb.type(`b${round}`)];
      for (const update of updates) Y.applyUpdate(reference, update);
      await Promise.all([logA.append(updates[0]!), logB.append(updates[1]!)]);
      await Promise.all([logA.compact(new Uint8Array(), logA.head), logB.compact(new Uint8Array(), logB.head), logA.append(wa.type(`x${round}`)).then(() => undefined)]);
      Y.applyUpdate(reference, Y.encodeStateAsUpdate(wa.doc));
    }
    const replayed = rebuildDoc(await a.readDocument(record.id));
    expect(Y.encodeStateVector(replayed)).toEqual(Y.encodeStateVector(reference));
    expect(textOf(replayed)).toBe(textOf(reference));
    logA.close();
    logB.close();
  });

  it('a meeting deleted by one instance fails only the other instance\'s appends to it', async () => {
    const [a, b] = await twoInstances();
    const [doomed, kept] = [newRecord(), newRecord()];
    for (const record of [doomed, kept]) await a.createMeeting(record, Y.encodeStateAsUpdate(new Y.Doc()));
    const [logDoomed, logKept] = [(await b.openDocument(doomed.id)).log, (await b.openDocument(kept.id)).log];
    await a.deleteMeeting(doomed);
    const w = writer();
    // In one batch: the append to the deleted meeting fails, the other commits.
    const [lost, saved] = await Promise.allSettled([logDoomed.append(w.type('x')), logKept.append(w.type('y'))]);
    expect(lost.status).toBe('rejected');
    expect(saved).toEqual({ status: 'fulfilled', value: 0 });
    expect(b.writable).toBe(true);
    // A deleted meeting's record cannot be brought back by a late rewrite.
    await b.putMeeting({ ...doomed, title: 'resurrected?' });
    expect(await a.getMeeting(doomed.id)).toBeUndefined();
    logDoomed.close();
    logKept.close();
  });

  it('batches of two instances locking the same meetings in opposite orders all commit', async () => {
    const [a, b] = await twoInstances();
    const records = Array.from({ length: 6 }, newRecord);
    for (const record of records) await a.createMeeting(record, Y.encodeStateAsUpdate(new Y.Doc()));
    const logsA = await Promise.all(records.map(async (r) => (await a.openDocument(r.id)).log));
    const logsB = await Promise.all(records.map(async (r) => (await b.openDocument(r.id)).log));
    const w = writer();
    const writes: Promise<unknown>[] = [];
    for (let round = 0; round < 30; round++) {
      // Each batch also rewrites records (rows locked in submission order, not in id order).
      writes.push(...logsA.map((log) => log.append(w.type('a'))), a.writeRecords(records.map((r) => ({ collection: 'attendance', key: r.id, value: { round } }))));
      writes.push(...[...logsB].reverse().map((log) => log.append(w.type('b'))), b.writeRecords([...records].reverse().map((r) => ({ collection: 'attendance', key: r.id, value: { round } }))));
      await new Promise((r) => setImmediate(r));
    }
    const results = await Promise.allSettled(writes);
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    for (const log of [...logsA, ...logsB]) log.close();
  });
});
