/**
 * `npm run migrate-store`: a LevelDB data directory moves into PostgreSQL and back, meeting by
 * meeting verified, keys (their hashes) kept so the old links work, records of every collection
 * included; a target that already holds meetings is refused.
 */
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LevelStore } from '../../server/storage/level-store.js';
import { joinMeeting } from '../helpers/clients.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { createMeeting, startTestServer, tempDir, waitFor } from '../helpers/server.js';
import { ensureBuilt, scaleConfig } from './scale-helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

let postgres: PostgresServer;
beforeAll(async () => {
  await ensureBuilt();
  postgres = await startPostgres();
}, 180_000);
afterAll(async () => {
  await postgres?.stop();
});
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const migrate = (args: string[]) => run(process.execPath, [join(ROOT, 'dist/server/cli/migrate-store.js'), ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '' } });

const exportOf = async (url: string, id: string, key: string): Promise<string> => {
  const response = await fetch(`${url}/api/meetings/${id}/export.md`, { headers: { authorization: `Bearer ${key}` } });
  return response.text();
};

describe('npm run migrate-store', () => {
  it('moves a LevelDB data directory into PostgreSQL and back, verified, with links and records intact', async () => {
    const dataDir = await tempDir('meetpad-migrate-');
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    // A LevelDB server with edited meetings and a feature's records.
    const level = await startTestServer({ dataDir });
    const meetings = [await createMeeting(level.url, { title: 'First' }), await createMeeting(level.url, { markdown: '# Second\n\n## Agenda\n\n1. Topic\n\n# Notes\n\n- note\n' })];
    const attendee = await joinMeeting(level.wsUrl, meetings[0]!.id, meetings[0]!.editKey);
    attendee.doc.getText('notes').insert(0, 'typed before the move ');
    await waitFor(async () => (await exportOf(level.url, meetings[0]!.id, meetings[0]!.viewKey)).includes('typed before the move'), 'the edit to be stored');
    attendee.destroy();
    await level.app.meetpad.store.collection('attendance').put(`${meetings[1]!.id}!alice`, { present: true });
    const exports = await Promise.all(meetings.map((m) => exportOf(level.url, m.id, m.viewKey)));
    await level.close({ keepData: true });
    // (Features may write records of their own as the meetings unload.)
    let records = 0;
    const source = await LevelStore.open(dataDir);
    for await (const _record of source.allRecords()) records++;
    await source.close();
    expect(records).toBeGreaterThan(0);

    const databaseUrl = await postgres.createDatabase();
    const moved = await migrate(['--to', 'postgres', '--data-dir', dataDir, '--database-url', databaseUrl]);
    expect(moved.stdout).toContain(`moved 2 meetings and ${records} records`);

    // An instance on PostgreSQL serves the same pages to the same keys.
    const onPostgres = await startTestServer({ config: scaleConfig(databaseUrl, '', { redisUrl: '' }) });
    cleanup.push(() => onPostgres.close());
    for (const [i, meeting] of meetings.entries()) expect(await exportOf(onPostgres.url, meeting.id, meeting.viewKey)).toBe(exports[i]);
    expect(await onPostgres.app.meetpad.store.collection('attendance').get(`${meetings[1]!.id}!alice`)).toEqual({ present: true });

    // A second move into the same database is refused: it is not empty.
    await expect(migrate(['--to', 'postgres', '--data-dir', dataDir, '--database-url', databaseUrl])).rejects.toMatchObject({ stderr: expect.stringContaining('not empty') });

    // And back into a new, empty data directory.
    const backDir = await tempDir('meetpad-migrate-back-');
    cleanup.push(() => rm(backDir, { recursive: true, force: true }));
    await onPostgres.app.meetpad.store.settled();
    // The instance on PostgreSQL keeps records of its own (webhooks' instance heartbeat): count again.
    let recordsOnPostgres = 0;
    for await (const _record of onPostgres.app.meetpad.store.allRecords()) recordsOnPostgres++;
    expect(recordsOnPostgres).toBeGreaterThanOrEqual(records);
    const back = await migrate(['--to', 'level', '--data-dir', backDir, '--database-url', databaseUrl]);
    expect(back.stdout).toContain(`moved 2 meetings and ${recordsOnPostgres} records`);
    const store = await LevelStore.open(backDir);
    const ids: string[] = [];
    for await (const id of store.meetingIds()) ids.push(id);
    await store.close();
    expect(ids.sort()).toEqual(meetings.map((m) => m.id).sort());
    const onLevel = await startTestServer({ dataDir: backDir });
    cleanup.push(() => onLevel.close());
    for (const [i, meeting] of meetings.entries()) expect(await exportOf(onLevel.url, meeting.id, meeting.editKey)).toBe(exports[i]);
  });
});
