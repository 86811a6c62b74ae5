/**
 * Series, their links, items and carry-over survive a restart on the same data directory, and a
 * backup followed by a restore into an empty one: the same keys open the same meetings, the log
 * and the links are the same, and the next meeting still carries what is open.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { CreatedSeries, CreatedSeriesMeeting, SeriesInfo } from '../../shared/api-types.js';
import { backup } from '../../server/cli/backup.js';
import { restore } from '../../server/cli/restore.js';
import { notesOf } from '../../shared/doc-schema.js';
import { joinMeeting } from '../helpers/clients.js';
import { startTestServer, tempDir, waitFor, type TestServer } from '../helpers/server.js';
import { call, carriedOver, createSeries, exportOf, getMeeting, getSeries, itemsOf, startNext } from './series-helpers.js';

const dirs: string[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
const newDir = async (): Promise<string> => {
  const dir = await tempDir('meetpad-series-durability-');
  dirs.push(dir);
  return dir;
};
const start = async (dataDir: string): Promise<TestServer> => {
  const server = await startTestServer({ dataDir });
  servers.push(server);
  return server;
};
const stop = async (server: TestServer): Promise<void> => {
  servers.splice(servers.indexOf(server), 1);
  await server.close();
};

interface World {
  series: CreatedSeries;
  week1: CreatedSeriesMeeting;
  week2: CreatedSeriesMeeting;
  info: SeriesInfo;
  page2: string;
}

/** A series of two meetings: week 1 with two open items and one done (typed live), week 2 carrying the open two. */
const buildWorld = async (server: TestServer): Promise<World> => {
  const { url } = server;
  const template = '# {{title}}\n\n## Agenda\n\n1. Status\n\n# Notes\n\n## Status\n\n';
  const series = await createSeries(url, { title: 'Durable sync', firstDate: '2025-03-03', template });
  const week1 = await startNext(url, series);
  const writer = await joinMeeting(server.wsUrl, week1.id, series.editKey);
  try {
    notesOf(writer.doc).insert(notesOf(writer.doc).length, '- [ ] Send the minutes @ana\n- [ ] Book the room @bo\n- [x] Fix the projector @carl\n');
    await waitFor(async () => (await itemsOf(url, week1.id, week1.viewKey)).actionItems.length === 3, 'the week 1 items to be on disk');
  } finally {
    writer.destroy();
  }
  const week2 = await startNext(url, series);
  return { series, week1, week2, info: await getSeries(url, series.id, series.viewKey), page2: await exportOf(url, week2.id, week2.viewKey) };
};

/** Everything a user relies on, checked against what it was before. */
const expectSameWorld = async (url: string, world: World): Promise<void> => {
  const { series, week1, week2 } = world;
  expect(await getSeries(url, series.id, series.editKey)).toEqual({ ...world.info, role: 'edit' });
  expect(await getSeries(url, series.id, series.viewKey)).toEqual(world.info);
  expect(await exportOf(url, week2.id, series.viewKey)).toBe(world.page2);
  expect((await getMeeting(url, week2.id, week2.editKey)).series).toEqual({ id: series.id, title: 'Durable sync', previous: week1.id, next: null });
  expect((await getMeeting(url, week1.id, series.editKey)).role).toBe('edit');
  expect((await getMeeting(url, week1.id, series.viewKey)).role).toBe('view');
  expect((await call(url, 'GET', `/api/series/${series.id}`, { key: week1.editKey })).status).toBe(401);
  expect((await itemsOf(url, week2.id, week2.viewKey)).actionItems.filter((item) => !item.done)).toHaveLength(2);
  const calendar = await call(url, 'GET', `/api/series/${series.id}/calendar.ics?key=${series.viewKey}`);
  expect(calendar.text).toContain('DTSTART;VALUE=DATE:20250317');
  // The next meeting still carries what is open, from where it was first written.
  const week3 = await startNext(url, series);
  expect(week3.date).toBe('2025-03-17');
  expect(carriedOver(await exportOf(url, week3.id, week3.viewKey))).toEqual([
    `- [ ] Send the minutes @ana (from [Durable sync 2025-03-03](/m/${week1.id}))`,
    `- [ ] Book the room @bo (from [Durable sync 2025-03-03](/m/${week1.id}))`,
  ]);
};

describe('series survive', () => {
  test('a restart on the same data directory', async () => {
    const dataDir = await newDir();
    const first = await start(dataDir);
    const world = await buildWorld(first);
    expect(carriedOver(world.page2)).toHaveLength(2);
    expect(world.info.openItems.map((item) => item.meetingId)).toEqual([world.week2.id, world.week2.id]);
    await stop(first);

    const second = await start(dataDir);
    await expectSameWorld(second.url, world);
  });

  test('a backup followed by a restore into an empty directory', async () => {
    const dataDir = await newDir();
    const live = await start(dataDir);
    const world = await buildWorld(live);
    await stop(live);

    const backupDir = join(await newDir(), 'backup');
    const taken = await backup({ dir: backupDir, dataDir, serverUrl: live.url, adminToken: '' });
    expect(taken.source).toBe('data-dir');
    const restoredDir = join(await newDir(), 'restored');
    await restore({ dir: backupDir, dataDir: restoredDir });

    const restored = await start(restoredDir);
    await expectSameWorld(restored.url, world);
    // Deleting the restored series still reaches every meeting of it.
    expect((await call(restored.url, 'DELETE', `/api/series/${world.series.id}`, { key: world.series.editKey })).status).toBe(204);
    expect((await call(restored.url, 'GET', `/api/meetings/${world.week1.id}`, { key: world.week1.viewKey })).status).toBe(410);
  });
});
