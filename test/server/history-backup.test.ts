/**
 * Revisions survive a backup and a restore (issue 12, part 2): a backup of a running server holds
 * every revision and head record; restored into an empty directory, the meeting lists the same
 * revisions, each exporting the same Markdown, and history goes on from where it was.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { notesOf } from '../../shared/doc-schema.js';
import { backup } from '../../server/cli/backup.js';
import { restore } from '../../server/cli/restore.js';
import { REVISION_PAUSE_MS } from '../../server/history/revision-timing.js';
import { joinMeeting } from '../helpers/clients.js';
import { ManualClock, settle } from '../helpers/manual-clock.js';
import { createMeeting, startTestServer, tempDir, waitFor, type TestServer } from '../helpers/server.js';

const ADMIN_TOKEN = 'history-backup-admin-token';
const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
const newDir = async (): Promise<string> => {
  const dir = await tempDir('meetpad-history-backup-');
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
};

describe('history in backups', () => {
  test('a backup and restore keeps every revision, each exporting the same Markdown, and recording goes on', async () => {
    const clock = new ManualClock();
    const server: TestServer = await startTestServer({ dataDir: await newDir(), config: { adminToken: ADMIN_TOKEN, compactEvery: 2 }, deps: { clock } });
    cleanups.push(() => server.close());
    const meeting = await createMeeting(server.url, { markdown: '# Retro\n\n# Notes\n\n' });
    const attendee = await joinMeeting(server.wsUrl, meeting.id, meeting.editKey);
    cleanups.push(() => attendee.destroy());
    const history = server.app.meetpad.history;
    // The load cuts the meeting's first revision on its own: wait for it, so that every edit below
    // lands after it and the revisions are 1 (as created), then one per edit.
    await waitFor(async () => (await history.list(meeting.id)).length === 1, 'the first revision');
    for (let i = 0; i < 3; i++) {
      notesOf(attendee.doc).insert(notesOf(attendee.doc).length, `- point ${i} ✓\n`);
      if (i === 1) notesOf(attendee.doc).delete(0, 2);
      await waitFor(() => server.app.meetpad.registry.loadedRoom(meeting.id)?.doc.getText('notes').toString().includes(`point ${i}`), 'the edit');
      await server.app.meetpad.registry.loadedRoom(meeting.id)!.quiet();
      await settle();
      await clock.advance(REVISION_PAUSE_MS);
      await waitFor(async () => {
        const [last] = await history.list(meeting.id);
        return last !== undefined && ((await history.exportOf(meeting.id, last.seq)) ?? '').includes(`point ${i}`);
      }, 'a revision holding the edit');
    }
    await history.cut(meeting.id, { kind: 'named', name: 'Before the backup' });
    const revisions = await history.list(meeting.id);
    expect(revisions.map((r) => r.seq)).toEqual([4, 3, 2, 1]);
    const exports = await Promise.all(revisions.map((r) => history.exportOf(meeting.id, r.seq)));

    const dir = join(await newDir(), 'backup');
    const { source } = await backup({ dir, dataDir: server.dataDir, serverUrl: server.url, adminToken: ADMIN_TOKEN });
    expect(source).toBe('server');
    const restoredDir = join(await newDir(), 'restored');
    await restore({ dir, dataDir: restoredDir });

    const restored = await startTestServer({ dataDir: restoredDir, deps: { clock } });
    cleanups.push(() => restored.close());
    const again = restored.app.meetpad.history;
    expect(await again.list(meeting.id)).toEqual(revisions);
    expect(await Promise.all(revisions.map((r) => again.exportOf(meeting.id, r.seq)))).toEqual(exports);

    // The head came along: the next revision holds only what changed after the restore.
    const later = await joinMeeting(restored.wsUrl, meeting.id, meeting.editKey);
    cleanups.push(() => later.destroy());
    notesOf(later.doc).insert(0, 'after the restore\n');
    await waitFor(() => restored.app.meetpad.registry.loadedRoom(meeting.id)?.doc.getText('notes').toString().startsWith('after the restore'), 'the edit');
    await restored.app.meetpad.registry.loadedRoom(meeting.id)!.quiet();
    await settle();
    const named = await again.cut(meeting.id, { kind: 'named', name: 'After' });
    expect(named.seq).toBe(5);
    const changes = await again.changes(meeting.id, 4, 5);
    expect(changes?.notes.filter((span) => span.op !== 'equal').map((span) => [span.op, span.text])).toEqual([['insert', 'after the restore\n']]);
  });
});
