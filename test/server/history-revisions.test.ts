/**
 * Revisions kept automatically (issue 12, part 1), end to end: stock y-websocket clients type into
 * a real server on LevelDB at times a ManualClock controls. A pause, ten minutes of continuous
 * typing, the last attendee leaving and a shutdown each give a revision; nothing changed gives none.
 * Each revision's export equals, byte for byte, the live export taken at that moment, and still
 * does after compactions and a restart.
 */
import { afterEach, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import type { CreatedMeeting } from '../../shared/api-types.js';
import { agendaOf, notesOf } from '../../shared/doc-schema.js';
import { REVISION_MAX_MS, REVISION_PAUSE_MS } from '../../server/history/revision-timing.js';
import type { RevisionMeta } from '../../server/history/history.js';
import type { Attendee } from '../helpers/clients.js';
import { joinAs } from './history-api-helpers.js';
import { ManualClock, settle } from '../helpers/manual-clock.js';
import { createMeeting, startTestServer, tempDir, waitFor, type TestServer } from '../helpers/server.js';

const MINUTE = 60_000;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const start = async (dataDir: string, clock: ManualClock): Promise<TestServer> => {
  // Compaction every 2 log entries: the revisions are read back across many compactions.
  const server = await startTestServer({ dataDir, config: { compactEvery: 2, roomIdleMs: 1000 }, deps: { clock } });
  cleanups.push(() => server.close());
  return server;
};

const join = (server: TestServer, meeting: CreatedMeeting, name: string): Promise<Attendee> => joinAs(cleanups, server, meeting, name);

const liveExport = async (server: TestServer, meeting: CreatedMeeting): Promise<string> => {
  const response = await fetch(`${server.url}/api/meetings/${meeting.id}/export.md?key=${meeting.viewKey}`);
  expect(response.status).toBe(200);
  return response.text();
};

/** Types into the notes and waits until the server holds it durably; returns the live export then. */
const type = async (server: TestServer, meeting: CreatedMeeting, attendee: Attendee, text: string, at = notesOf(attendee.doc).length): Promise<string> => {
  notesOf(attendee.doc).insert(at, text);
  await waitFor(async () => (await liveExport(server, meeting)).includes(text), `the server to hold ${JSON.stringify(text)}`);
  await settle();
  return liveExport(server, meeting);
};

const leave = async (server: TestServer, meeting: CreatedMeeting, attendee: Attendee, remaining = 0): Promise<void> => {
  attendee.destroy();
  await waitFor(() => (server.app.meetpad.registry.loadedRoom(meeting.id)?.peers.size ?? 0) === remaining, 'the server to see the attendee leave');
  await settle();
};

const revisions = (server: TestServer, meeting: CreatedMeeting): Promise<RevisionMeta[]> => server.app.meetpad.history.list(meeting.id);

const waitForRevisions = async (server: TestServer, meeting: CreatedMeeting, count: number): Promise<void> => {
  await waitFor(async () => (await revisions(server, meeting)).length === count, `${count} revisions`);
};

describe('automatic revisions', () => {
  test('a scripted meeting gives the expected revisions, each exporting exactly what the meeting said then, after compactions and a restart', async () => {
    const dataDir = await tempDir();
    const clock = new ManualClock();
    let server = await start(dataDir, clock);
    const meeting = await createMeeting(server.url, { markdown: '# Weekly\n\n## Agenda\n\n1. News\n\n# Notes\n\n' });
    const expected: Array<{ at: number; kind: string; authors: string[]; markdown: string }> = [];

    // The first load keeps the meeting as it was created (no author: the server wrote it).
    const ada = await join(server, meeting, 'Ada');
    expected.push({ at: clock.now(), kind: 'auto', authors: [], markdown: await liveExport(server, meeting) });
    await waitForRevisions(server, meeting, 1);

    // A pause: two minutes after the last edit.
    await type(server, meeting, ada, '- Ada: release is out\n');
    const afterPause = await type(server, meeting, ada, '- Ada: docs next\n');
    const lastEdit = clock.now();
    await clock.advance(REVISION_PAUSE_MS - 1);
    expect(await revisions(server, meeting)).toHaveLength(1);
    await clock.advance(1);
    expected.push({ at: lastEdit + REVISION_PAUSE_MS, kind: 'auto', authors: ['Ada'], markdown: afterPause });
    await waitForRevisions(server, meeting, 2);

    // Continuous typing, one edit a minute (never a 2-minute pause): cut 10 minutes after the first.
    const bo = await join(server, meeting, 'Bo');
    const firstEdit = clock.now();
    let beforeMax = '';
    for (let minute = 0; minute < 10; minute++) {
      beforeMax = await type(server, meeting, minute % 2 ? bo : ada, `- minute ${minute}\n`);
      await clock.advance(MINUTE);
    }
    expect(clock.now()).toBe(firstEdit + REVISION_MAX_MS);
    expected.push({ at: firstEdit + REVISION_MAX_MS, kind: 'auto', authors: ['Ada', 'Bo'], markdown: beforeMax });
    await waitForRevisions(server, meeting, 3);

    // The last attendee leaving: Bo edited the agenda, Ada only watched.
    agendaOf(bo.doc).insert(agendaOf(bo.doc).length, '2. Hiring\n');
    await waitFor(async () => (await liveExport(server, meeting)).includes('2. Hiring'), 'the agenda edit');
    await settle();
    const beforeLeaving = await liveExport(server, meeting);
    await leave(server, meeting, ada, 1);
    expect(await revisions(server, meeting)).toHaveLength(3);
    await leave(server, meeting, bo);
    expected.push({ at: clock.now(), kind: 'auto', authors: ['Bo'], markdown: beforeLeaving });
    await waitForRevisions(server, meeting, 4);

    // Nothing changed: joining, waiting and leaving again (the room unloads meanwhile) keeps nothing.
    await clock.advance(REVISION_MAX_MS);
    const idle = await join(server, meeting, 'Cy');
    await clock.advance(REVISION_MAX_MS);
    await leave(server, meeting, idle);
    await clock.advance(REVISION_MAX_MS);
    expect(await revisions(server, meeting)).toHaveLength(4);

    // A shutdown with an attendee still connected cuts what was typed since the last revision
    // (before the store closes).
    const dan = await join(server, meeting, 'Dan');
    const beforeShutdown = await type(server, meeting, dan, '- Dan: late note ✓ 😀\r\n', 0);
    expected.push({ at: clock.now(), kind: 'auto', authors: ['Dan'], markdown: beforeShutdown });
    const stored = await server.app.meetpad.store.readDocument(meeting.id);
    expect(stored.snapshot).not.toBeNull(); // compacted (every 2 entries)
    expect(stored.updates.length).toBeLessThan(2);
    await server.close({ keepData: true });
    dan.provider.destroy();

    // After the restart, from storage alone: the same revisions, newest first, each export exact.
    server = await start(dataDir, clock);
    cleanups.push(() => import('node:fs/promises').then(({ rm }) => rm(dataDir, { recursive: true, force: true })));
    const list = await revisions(server, meeting);
    expect(list.map(({ seq, at, kind, authors, name, restoredFrom }) => ({ seq, at, kind, authors, name, restoredFrom }))).toEqual(
      expected.map(({ at, kind, authors }, i) => ({ seq: i + 1, at, kind, authors, name: null, restoredFrom: null })).reverse(),
    );
    for (const [i, { markdown }] of expected.entries()) expect(await server.app.meetpad.history.exportOf(meeting.id, i + 1), `revision ${i + 1}`).toBe(markdown);
    expect(await server.app.meetpad.history.exportOf(meeting.id, expected.length + 1)).toBeUndefined();
    // What Ada typed before the pause, as the changes from the first revision to the second.
    const changes = await server.app.meetpad.history.changes(meeting.id, 1, 2);
    expect(changes?.agenda.map((span) => span.op)).toEqual(['equal']);
    expect(changes?.notes.filter((span) => span.op !== 'equal').map((span) => JSON.stringify(span))).toEqual([JSON.stringify({ op: 'insert', text: '- Ada: release is out\n- Ada: docs next\n', author: 'Ada' })]);

    // Loading the meeting again finds nothing new to keep.
    const again = await join(server, meeting, 'Ada');
    await leave(server, meeting, again);
    await clock.advance(REVISION_MAX_MS);
    expect(await revisions(server, meeting)).toHaveLength(expected.length);
  });

  test('an edit made with nobody connected is kept when the room unloads; a deleted meeting keeps nothing', async () => {
    const dataDir = await tempDir();
    cleanups.push(() => import('node:fs/promises').then(({ rm }) => rm(dataDir, { recursive: true, force: true })));
    const clock = new ManualClock();
    const server = await start(dataDir, clock);
    const meeting = await createMeeting(server.url, { markdown: '# Notes\n\n' });
    const { registry, history, store } = server.app.meetpad;

    // A server-side edit under a lease (what a restore does), no peer ever in the room.
    const lease = registry.lease(meeting.id);
    const room = await lease.room;
    await waitForRevisions(server, meeting, 1);
    room.edit((doc) => notesOf(doc).insert(notesOf(doc).length, 'written by the server\n'));
    await room.quiet();
    const edited = await liveExport(server, meeting);
    lease.release();
    expect(history.isDirty(meeting.id)).toBe(true);
    await clock.advance(1000); // the idle grace period: the room unloads, well before any pause cut
    await waitFor(() => registry.stateOf(meeting.id) === 'unloaded', 'the room to unload');
    expect((await revisions(server, meeting)).map((r) => r.seq)).toEqual([2, 1]);
    expect(await history.exportOf(meeting.id, 2)).toBe(edited);

    // Naming the unchanged state (from storage: the room is unloaded) names the automatic revision
    // that holds it; naming it again is a revision of its own, with no change.
    expect(await history.cut(meeting.id, { kind: 'named', name: 'Final' })).toMatchObject({ seq: 2, kind: 'named', name: 'Final' });
    expect(await history.cut(meeting.id, { kind: 'named', name: 'Really final' })).toMatchObject({ seq: 3, kind: 'named', name: 'Really final', authors: [] });
    expect(await history.exportOf(meeting.id, 3)).toBe(edited);
    expect(await history.cut(meeting.id, { kind: 'auto' })).toMatchObject({ seq: 3 });
    expect((await revisions(server, meeting)).map((r) => [r.seq, r.kind])).toEqual([[3, 'named'], [2, 'named'], [1, 'auto']]);

    // Deleted while an attendee has unsaved history: nothing is written for it afterwards.
    const ada = await join(server, meeting, 'Ada');
    await type(server, meeting, ada, 'typed, then the meeting is deleted\n');
    expect(history.isDirty(meeting.id)).toBe(true);
    const deleted = await fetch(`${server.url}/api/meetings/${meeting.id}?key=${meeting.editKey}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    await deleted.body?.cancel();
    await clock.advance(REVISION_MAX_MS);
    await store.settled();
    expect(await revisions(server, meeting)).toEqual([]);
    expect(await store.collection('revision-heads').get(meeting.id)).toBeUndefined();
  });
});
