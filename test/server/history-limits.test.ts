/**
 * The edges of the history (issue 12 review): a deletion in progress keeps every revision out of
 * storage, two instances cutting the same meeting never overwrite each other's revision, named and
 * restore revisions are bounded (naming the same state twice under one name is one revision), and
 * listing reads only the small records (pieces are a collection of their own).
 */
import { afterEach, describe, expect, test } from 'vitest';
import { Errors } from '../../server/errors.js';
import { EMPTY_PIECE } from '../../server/history/revision-piece.js';
import { encodePiece, REVISION_HEADS, REVISION_PIECES, revisionKey, REVISIONS, type RevisionHead } from '../../server/history/revision-records.js';
import { MAX_KEPT_REVISIONS } from '../../server/history/revision-timing.js';
import { MemoryStore } from '../../server/storage/memory-store.js';
import type { CreatedMeeting } from '../../shared/api-types.js';
import { buildTestApp, createMeeting, type TestApp } from '../helpers/inject-app.js';
import { settle } from '../helpers/manual-clock.js';
import { waitFor } from '../helpers/server.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const appOn = async (store?: MemoryStore): Promise<TestApp> => {
  const app = await buildTestApp(store ? { deps: { store } } : {});
  cleanups.push(() => app.close());
  return app;
};

const memoryStore = (): MemoryStore => {
  const store = new MemoryStore();
  cleanups.push(() => store.close());
  return store;
};

const name = (app: TestApp, meeting: CreatedMeeting, revisionName: string) =>
  app.app.inject({ method: 'POST', url: `/api/meetings/${meeting.id}/revisions`, headers: { authorization: `Bearer ${meeting.editKey}` }, payload: { name: revisionName } });

const storedKeys = async (store: MemoryStore, id: string): Promise<string[]> => [
  ...(await store.collection(REVISIONS).list(`${id}!`)).map(({ key }) => `${REVISIONS} ${key}`),
  ...(await store.collection(REVISION_PIECES).list(`${id}!`)).map(({ key }) => `${REVISION_PIECES} ${key}`),
  ...((await store.collection(REVISION_HEADS).get(id)) ? [REVISION_HEADS] : []),
];

describe('history edges', () => {
  test('naming a meeting while it is being deleted answers 410 and stores nothing, through the API and from storage', async () => {
    const store = memoryStore();
    const app = await appOn(store);
    const meeting = await createMeeting(app.app, { markdown: '# Notes\n\nsecret\n' });
    const { registry, history } = app.app.meetpad;

    // The deletion's batch is held: the meeting record is still stored, its deletion has begun.
    const resume = store.pauseWrites();
    const deleting = app.app.inject({ method: 'DELETE', url: `/api/meetings/${meeting.id}`, headers: { authorization: `Bearer ${meeting.editKey}` } });
    await waitFor(() => registry.isDeleting(meeting.id), 'the deletion to start');
    const named = name(app, meeting, 'Final');
    const cut = history.cut(meeting.id, { kind: 'named', name: 'Stored' }).then(
      () => 'cut',
      (error: unknown) => (error instanceof Errors.MeetingDeleted ? 'deleted' : String(error)),
    );
    await settle();
    resume();
    expect((await deleting).statusCode).toBe(204);
    const answer = await named;
    expect(answer.statusCode, answer.body).toBe(410);
    expect(answer.json()).toMatchObject({ error: 'meeting_deleted' });
    expect(await cut).toBe('deleted');
    await store.settled();
    expect(await storedKeys(store, meeting.id)).toEqual([]);
  });

  test('two instances naming the same meeting at once keep both revisions (the later one is cut again)', async () => {
    const store = memoryStore();
    const [a, b] = [await appOn(store), await appOn(store)];
    const meeting = await createMeeting(a.app, { markdown: '# Notes\n\nshared\n' });

    // A's cut is submitted but not written; B reads the head A is about to replace.
    const resume = store.pauseWrites();
    const first = a.app.meetpad.history.cut(meeting.id, { kind: 'named', name: 'From A' });
    await settle();
    const second = b.app.meetpad.history.cut(meeting.id, { kind: 'named', name: 'From B' });
    await settle();
    resume();
    const [fromA, fromB] = await Promise.all([first, second]);
    expect([fromA.seq, fromB.seq]).toEqual([1, 2]);
    const listed = await a.app.meetpad.history.list(meeting.id);
    expect(listed.map(({ seq, name: revisionName }) => [seq, revisionName])).toEqual([
      [2, 'From B'],
      [1, 'From A'],
    ]);
    expect(await a.app.meetpad.history.exportOf(meeting.id, 2)).toBe(await a.app.meetpad.history.exportOf(meeting.id, 1));
  });

  test('the same name on an unchanged state is the same revision; past the cap, naming is 409 too_many_revisions and restoring still works', async () => {
    const store = memoryStore();
    const app = await appOn(store);
    const meeting = await createMeeting(app.app, { markdown: '# Notes\n\nkept\n' });
    const first = await name(app, meeting, 'v1');
    expect(first.statusCode).toBe(201);
    const again = await name(app, meeting, ' v1 ');
    expect(again.statusCode).toBe(201);
    expect(again.json().revision).toEqual(first.json().revision);
    expect(await app.app.meetpad.history.list(meeting.id)).toHaveLength(1);

    // Fill the meeting up to the cap with named revisions that change nothing (as many POSTs would).
    const head = (await store.collection<RevisionHead>(REVISION_HEADS).get(meeting.id))!;
    const writes = [];
    for (let seq = head.lastSeq + 1; seq <= MAX_KEPT_REVISIONS; seq++) {
      const key = revisionKey(meeting.id, seq);
      writes.push(
        { collection: REVISIONS, key, value: { seq, at: seq, name: `n${seq}`, kind: 'named', restoredFrom: null, authors: [] } },
        { collection: REVISION_PIECES, key, value: { piece: encodePiece(EMPTY_PIECE) } },
      );
    }
    writes.push({ collection: REVISION_HEADS, key: meeting.id, value: { ...head, lastSeq: MAX_KEPT_REVISIONS } });
    await store.writeRecords(writes);

    const same = await name(app, meeting, `n${MAX_KEPT_REVISIONS}`);
    expect(same.statusCode).toBe(201);
    expect(same.json().revision.id).toBe(MAX_KEPT_REVISIONS);
    const refused = await name(app, meeting, 'one more');
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json()).toMatchObject({ error: 'too_many_revisions' });
    // A restore revision is an automatic one (thinned like them): the cap does not refuse it.
    const restore = await app.app.inject({ method: 'POST', url: `/api/meetings/${meeting.id}/revisions/1/restore`, headers: { authorization: `Bearer ${meeting.editKey}` } });
    expect(restore.statusCode, restore.body).toBe(200);
    expect(restore.json().revision).toMatchObject({ id: MAX_KEPT_REVISIONS + 1, kind: 'restore', name: null, restoredFrom: 1 });
    expect(await app.app.meetpad.history.list(meeting.id)).toHaveLength(MAX_KEPT_REVISIONS + 1);
    expect((await name(app, meeting, 'still one more')).statusCode).toBe(409);
  });

  test('revision records hold no piece: the pieces are a collection of their own, same keys, and the list reads only the records', async () => {
    const store = memoryStore();
    const app = await appOn(store);
    const meeting = await createMeeting(app.app, { markdown: `# Notes\n\n${'long text '.repeat(500)}\n` });
    expect((await name(app, meeting, 'v1')).statusCode).toBe(201);
    const records = await store.collection<Record<string, unknown>>(REVISIONS).list(`${meeting.id}!`);
    const pieces = await store.collection<{ piece: string }>(REVISION_PIECES).list(`${meeting.id}!`);
    expect(records.map(({ key }) => key)).toEqual([revisionKey(meeting.id, 1)]);
    expect(pieces.map(({ key }) => key)).toEqual([revisionKey(meeting.id, 1)]);
    expect(Object.keys(records[0]!.value).sort()).toEqual(['at', 'authors', 'kind', 'name', 'restoredFrom', 'seq']);
    expect(JSON.stringify(records[0]!.value).length).toBeLessThan(200);
    expect(pieces[0]!.value.piece.length).toBeGreaterThan(20);
    expect(await app.app.meetpad.history.exportOf(meeting.id, 1)).toContain('long text long text');
  });
});
