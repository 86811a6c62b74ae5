/**
 * Restoring and cutting at the edges (issue 12 review): a restore of a meeting nobody has open is
 * one revision of kind `restore` holding the change; a room that stops in the middle of a restore
 * answers 503 storage_unavailable; the last attendee leaving with an edit not yet on disk still
 * gives a revision once the edit is durable.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { MemoryStore } from '../../server/storage/memory-store.js';
import type { Revision } from '../../shared/api-types.js';
import { notesOf } from '../../shared/doc-schema.js';
import { pageOf } from '../helpers/clients.js';
import { ManualClock, settle } from '../helpers/manual-clock.js';
import { createMeeting, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { append, call, joinAs, liveExport, nameRevision, revisions, synced, type Cleanups } from './history-api-helpers.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const PAGE = '# Plan\n\n## Agenda\n\n1. Budget\n\n# Notes\n\n';

const start = async (options: Parameters<typeof startTestServer>[0]): Promise<TestServer> => {
  const server = await startTestServer(options);
  cleanups.push(() => server.close());
  return server;
};

const restore = (app: TestServer, meetingId: string, key: string, seq: number) => call(app, 'POST', `/api/meetings/${meetingId}/revisions/${seq}/restore`, key);

describe('restore and cuts at the edges', () => {
  test('restoring a meeting nobody has open adds exactly one revision, of kind restore, holding the change', async () => {
    const clock = new ManualClock();
    const app = await start({ deps: { clock }, config: { roomIdleMs: 1000 } });
    const meeting = await createMeeting(app.url, { markdown: PAGE });
    const anna = await joinAs(cleanups, app, meeting, 'Anna');
    append(anna, 'first line\n');
    await synced(app, meeting, () => pageOf(anna.doc));
    const target = await nameRevision(app, meeting, 'v1');
    const targetText = await liveExport(app, meeting);
    append(anna, 'second line\n');
    await synced(app, meeting, () => pageOf(anna.doc));
    anna.destroy();
    await waitFor(async () => {
      await clock.advance(1000);
      return app.app.meetpad.registry.stateOf(meeting.id) === 'unloaded';
    }, 'the room to unload');
    const before = await revisions(app, meeting);

    const restored = await restore(app, meeting.id, meeting.editKey, target.id);
    expect(restored.status, restored.text).toBe(200);
    const after = await revisions(app, meeting);
    expect(after.slice(1)).toEqual(before);
    const [added] = after as [Revision];
    expect(added).toMatchObject({ id: before[0]!.id + 1, kind: 'restore', restoredFrom: target.id });
    expect((await call(app, 'GET', `/api/meetings/${meeting.id}/revisions/${added.id}/export.md`, meeting.viewKey)).text).toBe(targetText);
    const changes = await call(app, 'GET', `/api/meetings/${meeting.id}/changes?from=${before[0]!.id}&to=${added.id}`, meeting.viewKey);
    expect(changes.json.notes.filter((span: { op: string }) => span.op !== 'equal')).toEqual([{ op: 'delete', text: 'second line\n', author: 'Anna' }]);
  });

  test('a room that stops while a restore keeps the state before answers 503 storage_unavailable, not 500', async () => {
    const app = await start({});
    const meeting = await createMeeting(app.url, { markdown: PAGE });
    const anna = await joinAs(cleanups, app, meeting, 'Anna');
    append(anna, 'kept\n');
    await synced(app, meeting, () => pageOf(anna.doc));
    const target = await nameRevision(app, meeting, 'v1');
    append(anna, 'then more\n');
    await synced(app, meeting, () => pageOf(anna.doc));
    // The revision of the state before the restore is written, then the room stops (as on shutdown).
    const { history, registry } = app.app.meetpad;
    let stopped = false;
    history.onCut((meetingId, revision) => {
      const room = registry.loadedRoom(meetingId);
      if (revision.kind !== 'auto' || stopped || !room) return;
      stopped = true;
      void room.close({ compact: false });
    });
    const restored = await restore(app, meeting.id, meeting.editKey, target.id);
    expect(stopped).toBe(true);
    expect(restored.status, restored.text).toBe(503);
    expect(restored.json).toMatchObject({ error: 'storage_unavailable' });
  });

  test('the last attendee leaving before the edit is on disk: the revision is cut once it is, with no pause', async () => {
    const store = new MemoryStore();
    cleanups.push(() => store.close());
    const clock = new ManualClock();
    const app = await start({ deps: { clock, store } });
    const meeting = await createMeeting(app.url, { markdown: PAGE });
    const anna = await joinAs(cleanups, app, meeting, 'Anna');
    await waitFor(async () => (await revisions(app, meeting)).length === 1, 'the first revision');

    const resume = store.pauseWrites();
    append(anna, 'typed, then the tab closed\n');
    await waitFor(() => notesOf(app.app.meetpad.registry.loadedRoom(meeting.id)!.doc).toString().includes('tab closed'), 'the server to apply the edit');
    anna.destroy();
    await waitFor(() => app.app.meetpad.registry.loadedRoom(meeting.id)?.peers.size === 0, 'Anna to leave');
    await settle();
    resume();
    await waitFor(async () => (await revisions(app, meeting)).length === 2, 'the revision of the last edit');
    const [latest] = await revisions(app, meeting);
    expect(latest).toMatchObject({ kind: 'auto', authors: ['Anna'] });
    expect((await call(app, 'GET', `/api/meetings/${meeting.id}/revisions/${latest!.id}/export.md`, meeting.viewKey)).text).toContain('tab closed');
  });
});
