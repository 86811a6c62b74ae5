/**
 * Starting and stopping as an admin sees it: a data directory written by a newer meetpad is refused
 * with a clear message (never rewritten), and SIGTERM drains: attendees get 1001 (they reconnect
 * elsewhere), the process exits 0, and everything typed is there after a restart.
 */
import { rm } from 'node:fs/promises';
import { Level } from 'level';
import { afterEach, describe, expect, it } from 'vitest';
import { notesOf } from '../../shared/doc-schema.js';
import { STORAGE_FORMAT_VERSION } from '../../server/storage/level-store.js';
import { spawnServer, type ChildServer } from '../helpers/child-server.js';
import { joinMeeting, pageOf, rawSocket } from '../helpers/clients.js';
import { createMeeting, tempDir, waitFor } from '../helpers/server.js';
import { runScript } from './ops-helpers.js';

const dirs: string[] = [];
const children: ChildServer[] = [];
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  for (const child of children.splice(0)) {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    await child.exited;
  }
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
const newDir = async (): Promise<string> => {
  const dir = await tempDir('meetpad-startup-test-');
  dirs.push(dir);
  return dir;
};
const start = async (dataDir: string): Promise<ChildServer> => {
  const child = await spawnServer(dataDir);
  children.push(child);
  return child;
};

describe('startup', () => {
  it('refuses a data directory written by a newer storage format, says so, and leaves it as it was', async () => {
    const dataDir = await newDir();
    const db = new Level<string, string>(dataDir);
    const system = db.sublevel<string, number>('system', { valueEncoding: 'json' });
    await system.put('format', STORAGE_FORMAT_VERSION + 1);
    await db.close();

    const run = await runScript('server/main.ts', [], { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`storage format ${STORAGE_FORMAT_VERSION + 1}`);
    expect(run.stderr).toContain('newer meetpad');
    expect(run.stdout).not.toContain('meetpad ready');

    const reopened = new Level<string, string>(dataDir);
    expect(await reopened.sublevel<string, number>('system', { valueEncoding: 'json' }).get('format')).toBe(STORAGE_FORMAT_VERSION + 1);
    await reopened.close();
  });

  it('a second server on the same data directory stops with a clear message', async () => {
    const dataDir = await newDir();
    await start(dataDir);
    const run = await runScript('server/main.ts', [], { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('in use by another meetpad process');
  });
});

describe('SIGTERM', () => {
  it('closes sockets with 1001, exits 0, and keeps every edit for the next start', async () => {
    const dataDir = await newDir();
    const first = await start(dataDir);
    const meeting = await createMeeting(first.url, { title: 'Drained' });
    const editor = await joinMeeting(first.wsUrl, meeting.id, meeting.editKey);
    cleanups.push(() => editor.destroy());
    const watcher = await rawSocket(first.wsUrl, meeting.id, meeting.viewKey);
    for (let i = 0; i < 50; i++) notesOf(editor.doc).insert(notesOf(editor.doc).length, `- point ${i}\n`);
    const typed = pageOf(editor.doc);
    await waitFor(async () => {
      const response = await fetch(`${first.url}/api/meetings/${meeting.id}/export.md?key=${meeting.viewKey}`);
      return (await response.text()) === typed;
    }, 'the edits to reach the server');

    const editorClose = new Promise<number | undefined>((resolve) => editor.provider.once('connection-close', (event) => resolve(event?.code)));
    first.process.kill('SIGTERM');
    expect(await watcher.closed).toBe(1001);
    expect(await editorClose).toBe(1001);
    expect(await first.exited).toBe(0);
    expect(first.output.join('\n')).toContain('draining');
    editor.destroy();

    const second = await start(dataDir);
    const response = await fetch(`${second.url}/api/meetings/${meeting.id}/export.md?key=${meeting.viewKey}`);
    expect(await response.text()).toBe(typed);
    const later = await joinMeeting(second.wsUrl, meeting.id, meeting.editKey);
    cleanups.push(() => later.destroy());
    expect(pageOf(later.doc)).toBe(typed);
  });
});
