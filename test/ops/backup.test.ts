/**
 * Backups an admin can trust: taken from a running server or from a stopped one's data directory,
 * they hold each meeting's Markdown, exact Yjs state and record; restored into an empty directory,
 * the meetings come back with the same ids, the same content and the same working links.
 */
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { notesOf } from '../../shared/doc-schema.js';
import { backup } from '../../server/cli/backup.js';
import { BackupError, type BackupManifest } from '../../server/backup/backup-format.js';
import { restore } from '../../server/cli/restore.js';
import { joinMeeting, pageOf } from '../helpers/clients.js';
import { createMeeting, startTestServer, tempDir, waitFor, type CreatedMeeting } from '../helpers/server.js';
import { ROOT, runScript } from './ops-helpers.js';
import { statusOf } from '../helpers/responses.js';

const ADMIN_TOKEN = 'backup-admin-token';
const dirs: string[] = [];
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
const newDir = async (): Promise<string> => {
  const dir = await tempDir('meetpad-backup-test-');
  dirs.push(dir);
  return dir;
};

const exportOf = async (url: string, meeting: CreatedMeeting, key = meeting.editKey): Promise<Buffer> => {
  const response = await fetch(`${url}/api/meetings/${meeting.id}/export.md?key=${encodeURIComponent(key)}`);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
};
const manifestOf = async (dir: string): Promise<BackupManifest> => JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as BackupManifest;
const file = (dir: string, name: string): Promise<Buffer> => readFile(join(dir, name));

describe('backup and restore', () => {
  it('a backup of a running server, restored into an empty directory, gives back identical meetings whose keys still work', async () => {
    const dataDir = await newDir();
    const live = await startTestServer({ dataDir, config: { adminToken: ADMIN_TOKEN } });
    cleanups.push(() => live.close());
    const fixture = await readFile(join(ROOT, 'test/fixtures/status-devs-meeting-1.md'), 'utf8');
    const imported = await createMeeting(live.url, { markdown: fixture });
    const templated = await createMeeting(live.url, { title: 'Planning' });
    const typed = await createMeeting(live.url, { title: 'Typed in' });
    const deleted = await createMeeting(live.url, { title: 'Deleted before the backup' });
    // What features keep besides documents (series, attendance...) travels in the backup too;
    // a deleted meeting's records went with it.
    const notes = live.app.meetpad.store.collection<{ text: string }>('backup-test');
    await notes.put(`${typed.id}!note`, { text: 'kept with its meeting ✓' });
    await notes.put('not-a-meeting', { text: 'kept on its own' });
    await notes.put(`${deleted.id}!gone`, { text: 'deleted with its meeting' });
    expect(await statusOf(fetch(`${live.url}/api/meetings/${deleted.id}?key=${deleted.editKey}`, { method: 'DELETE' }))).toBe(204);
    const meetings = [imported, templated, typed];

    // An attendee is still typing (connected) while the backup runs.
    const editor = await joinMeeting(live.wsUrl, typed.id, typed.editKey);
    cleanups.push(() => editor.destroy());
    for (let i = 0; i < 30; i++) notesOf(editor.doc).insert(notesOf(editor.doc).length, `- line ${i} ✓\n`);
    await waitFor(async () => (await exportOf(live.url, typed)).toString('utf8') === pageOf(editor.doc), 'the edits to be on disk');

    // The data directory is locked by the server: the tool backs up through the admin endpoint.
    const online = join(await newDir(), 'online');
    const port = new URL(live.url).port;
    const run = await runScript('server/cli/backup.ts', [online], { DATA_DIR: dataDir, PORT: port, MEETPAD_ADMIN_TOKEN: ADMIN_TOKEN });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('backed up 3 meetings');
    expect(run.stdout).toContain('running server');
    const manifest = await manifestOf(online);
    // Besides this test's records: what webhooks keep per meeting (announcement baselines, change
    // marks), which a restore needs so nothing is announced twice or lost; nothing of the deleted one.
    const records = (await file(online, 'records.ndjson')).toString('utf8').trim().split('\n').map((line) => JSON.parse(line) as { collection: string; key: string });
    expect(manifest.records).toBe(records.length);
    expect(records.filter((r) => r.collection === 'backup-test').map((r) => r.key).sort()).toEqual([`${typed.id}!note`, 'not-a-meeting'].sort());
    expect(records.filter((r) => r.collection !== 'backup-test' && !['webhook-baseline', 'webhook-changes', 'revisions', 'revision-pieces', 'revision-heads', 'authorship'].includes(r.collection))).toEqual([]);
    expect(records.filter((r) => r.key.startsWith(deleted.id))).toEqual([]);
    expect(manifest.meetings.toSorted()).toEqual(meetings.map((m) => m.id).toSorted());
    for (const meeting of meetings) {
      expect(await file(online, `${meeting.id}.md`)).toEqual(await exportOf(live.url, meeting));
      const doc = new Y.Doc();
      Y.applyUpdate(doc, await file(online, `${meeting.id}.yjs`));
      expect(pageOf(doc)).toBe((await exportOf(live.url, meeting)).toString('utf8'));
      doc.destroy();
      const record = JSON.parse((await file(online, `${meeting.id}.json`)).toString('utf8')) as Record<string, string>;
      expect(record).toMatchObject({ id: meeting.id, createdAt: meeting.createdAt });
      expect(record.editKeyHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
    expect(await file(online, `${imported.id}.md`)).toEqual(await readFile(join(ROOT, 'test/fixtures/status-devs-meeting-1.md')));

    // Stopped server: the tool reads the data directory itself and finds the same meetings.
    editor.destroy();
    await live.close();
    const offline = join(await newDir(), 'offline');
    expect((await backup({ dir: offline, dataDir, serverUrl: live.url, adminToken: '' })).source).toBe('data-dir');
    for (const meeting of meetings) {
      expect(await file(offline, `${meeting.id}.md`)).toEqual(await file(online, `${meeting.id}.md`));
      expect(await file(offline, `${meeting.id}.yjs`)).toEqual(await file(online, `${meeting.id}.yjs`));
    }

    // Restore (as the CLI, server down) into a new directory.
    const restoredDir = join(await newDir(), 'restored');
    const restored = await runScript('server/cli/restore.ts', [offline], { DATA_DIR: restoredDir });
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain('restored 3 meetings');

    // A backup of the restored directory is the same backup, byte for byte.
    const again = join(await newDir(), 'again');
    await backup({ dir: again, dataDir: restoredDir, serverUrl: live.url, adminToken: '' });
    expect((await manifestOf(again)).meetings).toEqual((await manifestOf(offline)).meetings);
    for (const name of (await readdir(offline)).filter((n) => n !== 'manifest.json')) {
      expect(await file(again, name), name).toEqual(await file(offline, name));
    }

    // The old links open the restored meetings, with their roles, and editing goes on.
    const server = await startTestServer({ dataDir: restoredDir });
    cleanups.push(() => server.close());
    const restoredNotes = server.app.meetpad.store.collection<{ text: string }>('backup-test');
    // Listed in key order; meeting ids are random, so sort the expectation the same way.
    const expected = [
      { key: `${typed.id}!note`, value: { text: 'kept with its meeting ✓' } },
      { key: 'not-a-meeting', value: { text: 'kept on its own' } },
    ].sort((a, b) => (a.key < b.key ? -1 : 1));
    expect(await restoredNotes.list()).toEqual(expected);
    for (const meeting of meetings) {
      expect(await exportOf(server.url, meeting, meeting.viewKey)).toEqual(await file(offline, `${meeting.id}.md`));
      const view = (await (await fetch(`${server.url}/api/meetings/${meeting.id}?key=${meeting.viewKey}`)).json()) as { role: string };
      expect(view.role).toBe('view');
    }
    const back = await joinMeeting(server.wsUrl, typed.id, typed.editKey);
    cleanups.push(() => back.destroy());
    expect(pageOf(back.doc)).toBe((await file(offline, `${typed.id}.md`)).toString('utf8'));
    notesOf(back.doc).insert(0, 'after the restore\n');
    await waitFor(async () => (await exportOf(server.url, typed)).toString('utf8').includes('after the restore'), 'an edit after the restore to be stored');
  });

  it('restore refuses a data directory that is not empty, and a damaged backup, without touching anything', async () => {
    const dataDir = await newDir();
    const live = await startTestServer({ dataDir });
    const meeting = await createMeeting(live.url, { title: 'Existing' });
    await live.close();
    const saved = join(await newDir(), 'saved');
    await backup({ dir: saved, dataDir, serverUrl: live.url, adminToken: '' });

    const before = await readdir(dataDir);
    await expect(restore({ dir: saved, dataDir })).rejects.toThrow(/not empty.*empty data directory/s);
    const run = await runScript('server/cli/restore.ts', [saved], { DATA_DIR: dataDir });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('is not empty');
    expect(await readdir(dataDir)).toEqual(before);

    await writeFile(join(saved, `${meeting.id}.md`), 'edited by hand\n');
    const empty = join(await newDir(), 'empty');
    await expect(restore({ dir: saved, dataDir: empty })).rejects.toThrow(BackupError);
    await expect(readdir(empty)).rejects.toThrow(/ENOENT/);

    // A backup never overwrites an earlier one either.
    await expect(backup({ dir: saved, dataDir, serverUrl: live.url, adminToken: '' })).rejects.toThrow(/not empty/);
  });

  it('a running server without an admin token cannot be backed up, and the tool says what to set', async () => {
    const live = await startTestServer();
    cleanups.push(() => live.close());
    const target = join(await newDir(), 'target');
    const run = await runScript('server/cli/backup.ts', [target], { DATA_DIR: live.dataDir, PORT: new URL(live.url).port });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('MEETPAD_ADMIN_TOKEN');
  });
});
