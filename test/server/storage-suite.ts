/**
 * The storage contract (server/storage/meeting-store.ts) as one test suite, run against every
 * MeetingStore implementation: what is written comes back, in order, across compaction, deletion
 * and (where the backend persists) a reopen.
 */
import { afterEach, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { LogBusyError, type MeetingStore } from '../../server/storage/meeting-store.js';
import type { MeetingRecord } from '../../server/storage/meeting-record.js';
import { rebuildDoc, stateOfStored } from '../../server/storage/stored-document.js';
import { readBackupItems } from '../../server/backup/backup-format.js';

/** How the suite gets stores of one backend. */
export interface StoreFactory {
  /** A new, empty store. */
  open(): Promise<MeetingStore>;
  /** Closes `store` and opens the same data again; absent for backends that keep nothing. */
  reopen?(store: MeetingStore): Promise<MeetingStore>;
  /** Removes what `open` created. */
  cleanup(): Promise<void>;
}

let counter = 0;
const recordFor = (createdAt = new Date(Date.UTC(2026, 0, 1, 0, 0, counter)).toISOString()): MeetingRecord => {
  counter++;
  const id = `meeting-${String(counter).padStart(6, '0')}`;
  return { id, title: `Meeting ${counter}`, createdAt, updatedAt: createdAt, editKeyHash: `edit-${id}`, viewKeyHash: `view-${id}` };
};

/** A document and the updates each edit of it produces. */
const editor = () => {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  const type = (text: string) => {
    doc.getText('notes').insert(doc.getText('notes').length, text);
    return updates.at(-1)!;
  };
  return { doc, type, state: () => Y.encodeStateAsUpdate(doc) };
};

const textOf = (doc: Y.Doc): string => doc.getText('notes').toString();

/** Registers the suite for one backend. */
export const storageSuite = (name: string, factory: StoreFactory): void => {
  describe(`storage contract: ${name}`, () => {
    const stores: MeetingStore[] = [];
    const open = async () => {
      const store = await factory.open();
      stores.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of stores.splice(0)) await store.close().catch(() => {});
      await factory.cleanup();
    });

    test('a created meeting comes back: its record and its initial state', async () => {
      const store = await open();
      const record = recordFor();
      const initial = editor();
      initial.type('hello');
      await store.createMeeting(record, initial.state());
      expect(await store.getMeeting(record.id)).toEqual(record);
      const stored = await store.readDocument(record.id);
      expect(stored.updates).toEqual([]);
      expect(textOf(rebuildDoc(stored))).toBe('hello');
      expect(await store.getMeeting('meeting-unknown')).toBeUndefined();
    });

    test('appends get growing sequence numbers and come back in order', async () => {
      const store = await open();
      const record = recordFor();
      const source = editor();
      await store.createMeeting(record, source.state());
      const { log } = await store.openDocument(record.id);
      expect(log.head).toBe(-1);
      const seqs = await Promise.all(['a', 'b', 'c'].map((letter) => log.append(source.type(letter))));
      expect(seqs).toEqual([0, 1, 2]);
      expect(log.head).toBe(2);
      expect(log.length).toBe(3);
      const stored = await store.readDocument(record.id);
      expect(stored.updates).toHaveLength(3);
      expect(textOf(rebuildDoc(stored))).toBe('abc');
      log.close();
    });

    test("an append stores its record writes in the same batch, and they go with the meeting", async () => {
      const store = await open();
      const record = recordFor();
      const source = editor();
      await store.createMeeting(record, source.state());
      const marks = store.collection<{ at: number }>('change-marks');
      const { log } = await store.openDocument(record.id);
      const [plain, marked] = await Promise.all([log.append(source.type('a')), log.append(source.type('b'), [{ collection: 'change-marks', key: `${record.id}!g1`, value: { at: 7 } }])]);
      expect([plain, marked]).toEqual([0, 1]);
      expect(log.head).toBe(1);
      expect(log.length).toBe(2);
      expect(await marks.list(`${record.id}!`)).toEqual([{ key: `${record.id}!g1`, value: { at: 7 } }]);
      expect(textOf(rebuildDoc(await store.readDocument(record.id)))).toBe('ab');
      expect(await log.append(source.type('c'), [])).toBe(2);
      log.close();
      await store.deleteMeeting(record);
      expect(await marks.list()).toEqual([]);
    });

    test('writes settle in the order they were submitted', async () => {
      const store = await open();
      const record = recordFor();
      const source = editor();
      await store.createMeeting(record, source.state());
      const { log } = await store.openDocument(record.id);
      const order: string[] = [];
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 30; i++) {
        const label = `w${i}`;
        const write = i % 3 === 0 ? store.putMeeting({ ...record, title: label }) : log.append(source.type(label));
        writes.push(write.then(() => order.push(label)));
        if (i % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all(writes);
      expect(order).toEqual(Array.from({ length: 30 }, (_, i) => `w${i}`));
      await store.settled();
      expect((await store.getMeeting(record.id))?.title).toBe('w27');
      log.close();
    });

    test('compaction folds everything up to a sequence number and keeps what came after', async () => {
      const store = await open();
      const record = recordFor();
      const source = editor();
      await store.createMeeting(record, source.state());
      const { log } = await store.openDocument(record.id);
      for (const letter of 'abcde') await log.append(source.type(letter));
      const snapshot = source.state();
      const upTo = log.head;
      // An append submitted while the compaction is on its way lands after it and survives it.
      const [, later] = await Promise.all([log.compact(snapshot, upTo), log.append(source.type('f'))]);
      expect(later).toBe(upTo + 1);
      expect(log.length).toBe(1);
      const stored = await store.readDocument(record.id);
      expect(stored.updates).toHaveLength(1);
      const replayed = rebuildDoc(stored);
      expect(textOf(replayed)).toBe('abcdef');
      expect(Y.encodeStateVector(replayed)).toEqual(Y.encodeStateVector(source.doc));
      log.close();
    });

    test('a meeting has one open log at a time', async () => {
      const store = await open();
      const record = recordFor();
      await store.createMeeting(record, editor().state());
      const first = await store.openDocument(record.id);
      await expect(store.openDocument(record.id)).rejects.toBeInstanceOf(LogBusyError);
      first.log.close();
      const second = await store.openDocument(record.id);
      second.log.close();
    });

    test('deleting removes the record, the document and the list entry, and leaves a tombstone', async () => {
      const store = await open();
      const kept = recordFor();
      const doomed = recordFor();
      const source = editor();
      await store.createMeeting(kept, source.state());
      await store.createMeeting(doomed, source.state());
      const { log } = await store.openDocument(doomed.id);
      await log.append(source.type('x'));
      // Compacted with a summary, which a store may keep (server/collab/stored-summary.ts).
      await log.compact(source.state(), log.head, () => Uint8Array.of(1, 2, 3));
      const written = (await store.readDocument(doomed.id)).summary;
      expect(written === undefined || written === null || written.length === 3).toBe(true);
      log.close();
      await store.deleteMeeting(doomed);
      expect(await store.getMeeting(doomed.id)).toBeUndefined();
      // Nothing of the document is left, a compaction's summary included (stores that keep one).
      const { summary = null, ...document } = await store.readDocument(doomed.id);
      expect(document).toEqual({ snapshot: null, updates: [] });
      expect(summary).toBeNull();
      expect((await store.listMeetings(10)).meetings.map((m) => m.id)).toEqual([kept.id]);
      const tombstone = await store.getTombstone(doomed.id);
      expect(tombstone).toMatchObject({ id: doomed.id, editKeyHash: doomed.editKeyHash, viewKeyHash: doomed.viewKeyHash });
      expect(Number.isNaN(Date.parse(tombstone!.deletedAt))).toBe(false);
      expect(await store.getTombstone(kept.id)).toBeUndefined();
    });

    test('the list is newest first and pages with its cursor; meetingIds lists every meeting', async () => {
      const store = await open();
      const records = [recordFor(), recordFor(), recordFor(), recordFor(), recordFor()];
      for (const record of records) await store.createMeeting(record, editor().state());
      const first = await store.listMeetings(2);
      expect(first.meetings.map((m) => m.id)).toEqual([records[4]!.id, records[3]!.id]);
      const second = await store.listMeetings(2, first.nextCursor!);
      expect(second.meetings.map((m) => m.id)).toEqual([records[2]!.id, records[1]!.id]);
      const last = await store.listMeetings(2, second.nextCursor!);
      expect(last.meetings.map((m) => m.id)).toEqual([records[0]!.id]);
      expect(last.nextCursor).toBeNull();
      const ids: string[] = [];
      for await (const id of store.meetingIds()) ids.push(id);
      expect(ids).toEqual(records.map((r) => r.id).sort());
    });

    test('a record rewrite is read back', async () => {
      const store = await open();
      const record = recordFor();
      await store.createMeeting(record, editor().state());
      await store.putMeeting({ ...record, title: 'Renamed', updatedAt: '2026-02-01T00:00:00.000Z' });
      expect(await store.getMeeting(record.id)).toMatchObject({ title: 'Renamed', updatedAt: '2026-02-01T00:00:00.000Z' });
      expect(store.writable).toBe(true);
      await store.probe();
    });

    test('collections keep records by key, list them by prefix, and lose a meeting\'s records with it', async () => {
      const store = await open();
      const meeting = recordFor();
      const other = recordFor();
      const series = store.collection<{ title: string }>('series');
      const notes = store.collection<{ n: number }>('attendance');
      await store.createMeeting(meeting, editor().state(), [{ collection: 'series', key: 'series-1', value: { title: 'Weekly' } }]);
      await store.createMeeting(other, editor().state());
      expect(await series.get('series-1')).toEqual({ title: 'Weekly' });
      await notes.put(meeting.id, { n: 1 });
      await notes.put(`${meeting.id}!alice`, { n: 2 });
      await notes.put(`${other.id}!bob`, { n: 3 });
      const value = { n: 4 };
      await notes.put(`${other.id}!carol`, value);
      value.n = 99; // stored values are copies
      expect((await notes.list(`${other.id}!`)).map((r) => [r.key, r.value.n])).toEqual([
        [`${other.id}!bob`, 3],
        [`${other.id}!carol`, 4],
      ]);
      await notes.delete(`${other.id}!carol`);
      expect(await notes.get(`${other.id}!carol`)).toBeUndefined();
      await store.deleteMeeting(meeting, [{ collection: 'series', key: 'series-1', value: { title: 'Weekly, one meeting fewer' } }]);
      expect(await notes.get(meeting.id)).toBeUndefined();
      expect(await notes.get(`${meeting.id}!alice`)).toBeUndefined();
      expect(await notes.get(`${other.id}!bob`)).toEqual({ n: 3 });
      expect(await series.get('series-1')).toEqual({ title: 'Weekly, one meeting fewer' });
      await store.writeRecords([
        { collection: 'series', key: 'series-2', value: { title: 'Retro' } },
        { collection: 'series', key: 'series-1', value: null },
      ]);
      const all = [];
      for await (const write of store.allRecords()) all.push(write);
      expect(all).toEqual([
        { collection: 'attendance', key: `${other.id}!bob`, value: { n: 3 } },
        { collection: 'series', key: 'series-2', value: { title: 'Retro' } },
      ]);
      expect(() => store.collection('Bad Name')).toThrow(/invalid collection name/);
    });

    test('text that JSON allows and some databases refuse (NUL, lone surrogates) round-trips, and does not fail writes around it', async () => {
      const store = await open();
      const record = { ...recordFor(), title: 'nul \u0000 and lone \ud800 surrogate' };
      const source = editor();
      await store.createMeeting(record, source.state());
      const records = store.collection<{ text: string; nested: { list: string[] } }>('attendance');
      const hostile = { text: 'a\u0000b', nested: { list: ['\udc00', 'plain', '\\u0000 is not a NUL'] } };
      const { log } = await store.openDocument(record.id);
      // Submitted in one turn: they share a batch with an ordinary append.
      const [, , seq] = await Promise.all([records.put(`${record.id}!x`, hostile), store.putMeeting({ ...record, updatedAt: '2026-03-01T00:00:00.000Z' }), log.append(source.type('ok'))]);
      expect(seq).toBe(0);
      expect(await records.get(`${record.id}!x`)).toEqual(hostile);
      expect((await store.getMeeting(record.id))?.title).toBe(record.title);
      expect((await store.listMeetings(10)).meetings.find((m) => m.id === record.id)?.title).toBe(record.title);
      log.close();
    });

    test('a backup read through the interface restores into an empty store of the same kind, meeting by meeting', async () => {
      const source = await open();
      const records = [recordFor(), recordFor()];
      const writer = editor();
      for (const record of records) await source.createMeeting(record, writer.state(), [{ collection: 'series', key: `${record.id}!s`, value: { n: 1 } }]);
      const { log } = await source.openDocument(records[0]!.id);
      for (const letter of 'xyz') await log.append(writer.type(letter));
      log.close();
      const target = await open();
      for await (const item of readBackupItems(source)) {
        if ('meeting' in item) await target.createMeeting(item.meeting.record, item.meeting.state);
        else await target.writeRecords([item.record]);
      }
      for (const record of records) {
        expect(await target.getMeeting(record.id)).toEqual(record);
        const [from, to] = [rebuildDoc(await source.readDocument(record.id)), rebuildDoc(await target.readDocument(record.id))];
        expect(Y.encodeStateVector(to)).toEqual(Y.encodeStateVector(from));
        expect(textOf(to)).toBe(textOf(from));
        expect(stateOfStored(await target.readDocument(record.id)).byteLength).toBeGreaterThan(0);
        expect(await target.collection('series').get(`${record.id}!s`)).toEqual({ n: 1 });
      }
    });

    if (factory.reopen) {
      const reopen = factory.reopen.bind(factory);
      test('after a reopen, everything is there and the log numbering goes on', async () => {
        let store = await open();
        const record = recordFor();
        const doomed = recordFor();
        const source = editor();
        await store.createMeeting(record, source.state());
        await store.createMeeting(doomed, source.state());
        await store.deleteMeeting(doomed);
        await store.collection('series').put('series-x', { title: 'Kept' });
        const { log } = await store.openDocument(record.id);
        for (const letter of 'abc') await log.append(source.type(letter));
        await log.compact(source.state(), 1);
        const head = log.head;
        log.close();
        store = await reopen(store);
        stores.push(store);
        expect(await store.getMeeting(record.id)).toEqual(record);
        expect(await store.getTombstone(doomed.id)).toMatchObject({ id: doomed.id });
        expect(await store.collection('series').get('series-x')).toEqual({ title: 'Kept' });
        const reopened = await store.openDocument(record.id);
        expect(textOf(rebuildDoc(reopened.stored))).toBe('abc');
        expect(await reopened.log.append(source.type('d'))).toBe(head + 1);
        reopened.log.close();
        expect(textOf(rebuildDoc(await store.readDocument(record.id)))).toBe('abcd');
      });
    }
  });
};
