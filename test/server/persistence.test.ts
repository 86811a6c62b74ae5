import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { agendaOf, notesOf } from '../../shared/doc-schema.js';
import { LevelStore } from '../../server/storage/level-store.js';
import { rebuildDoc } from '../../server/storage/stored-document.js';
import { joinMeeting, pageOf } from '../helpers/clients.js';
import { createMeeting, startTestServer, tempDir, waitFor } from '../helpers/server.js';

const ADMIN = 'admin-token-for-tests';
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const replayStorage = async (dataDir: string, id: string): Promise<Y.Doc> => {
  const store = await LevelStore.open(dataDir);
  try {
    return rebuildDoc(await store.readDocument(id));
  } finally {
    await store.close();
  }
};

describe('storage', () => {
  test('a restart on the same data directory keeps every edit, the meeting list and the keys', async () => {
    const dataDir = await tempDir();
    dirs.push(dataDir);
    const first = await startTestServer({ dataDir, config: { adminToken: ADMIN } });
    const meetings = [await createMeeting(first.url, { title: 'First' }), await createMeeting(first.url, { title: 'Second' })];
    const writer = await joinMeeting(first.wsUrl, meetings[1]!.id, meetings[1]!.editKey);
    notesOf(writer.doc).insert(0, 'decided: ship on Friday\n');
    agendaOf(writer.doc).insert(0, '0. Roll call\n');
    const before = pageOf(writer.doc);
    const observer = await joinMeeting(first.wsUrl, meetings[1]!.id, meetings[1]!.viewKey);
    await waitFor(() => pageOf(observer.doc) === before, 'edits observed');
    writer.destroy();
    observer.destroy();
    await first.close();

    const second = await startTestServer({ dataDir, config: { adminToken: ADMIN } });
    try {
      const list = (await (await fetch(`${second.url}/api/meetings`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { meetings: Array<{ id: string; title: string }> };
      expect(list.meetings.map((m) => m.title)).toEqual(['Second', 'First']);
      const reader = await joinMeeting(second.wsUrl, meetings[1]!.id, meetings[1]!.viewKey);
      expect(pageOf(reader.doc)).toBe(before);
      reader.destroy();
      const info = await fetch(`${second.url}/api/meetings/${meetings[0]!.id}`, { headers: { authorization: `Bearer ${meetings[0]!.editKey}` } });
      expect(((await info.json()) as { role: string }).role).toBe('edit');
    } finally {
      await second.close();
    }
  });

  test('compaction folds the log into a snapshot; replaying storage gives exactly the live document', async () => {
    const dataDir = await tempDir();
    dirs.push(dataDir);
    const server = await startTestServer({ dataDir, config: { compactEvery: 50 } });
    const meeting = await createMeeting(server.url, { title: 'Long meeting' });
    const writer = await joinMeeting(server.wsUrl, meeting.id, meeting.editKey);
    for (let i = 0; i < 400; i++) {
      const notes = notesOf(writer.doc);
      if (i % 7 === 3 && notes.length > 10) notes.delete(i % notes.length, 2);
      else notes.insert(i % (notes.length + 1), `w${i} `);
      if (i % 25 === 0) await new Promise((r) => setTimeout(r, 2));
    }
    const room = server.app.meetpad.registry.loadedRoom(meeting.id)!;
    await waitFor(() => pageOf(room.doc) === pageOf(writer.doc), 'server has every edit');
    await room.quiet();
    await room.compact();
    const live = { page: pageOf(room.doc), sv: Y.encodeStateVector(room.doc) };
    writer.destroy();
    await server.close({ keepData: true });

    const store = await LevelStore.open(dataDir);
    const stored = await store.readDocument(meeting.id);
    await store.close();
    expect(stored.snapshot).not.toBeNull();
    expect(stored.updates.length).toBeLessThan(50);
    const replayed = await replayStorage(dataDir, meeting.id);
    expect(pageOf(replayed)).toBe(live.page);
    expect(Y.encodeStateVector(replayed)).toEqual(live.sv);
  });

  test('a second server on the same data directory fails fast with a clear message', async () => {
    const server = await startTestServer();
    try {
      await expect(LevelStore.open(server.dataDir)).rejects.toThrow(/in use by another meetpad process/);
    } finally {
      await server.close();
    }
  });
});
