/**
 * Attendance (GUIDE 1.8): recorded by the server from each connection's awareness display name,
 * with the server's clock (a ManualClock here, so every time is exact), kept with the meeting.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { AttendanceLedger } from '../../server/attendance/attendance-ledger.js';
import { ATTENDANCE_COLLECTION } from '../../server/attendance/attendance-service.js';
import { backup } from '../../server/cli/backup.js';
import { restore } from '../../server/cli/restore.js';
import type { AttendanceList } from '../../shared/api-types.js';
import { CLOSE } from '../../shared/protocol.js';
import { joinMeeting, type Attendee } from '../helpers/clients.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { createMeeting, startTestServer, tempDir, waitFor, type TestServer } from '../helpers/server.js';
import { awarenessMsg, awarenessPayload, closeRaw, openRaw, roundTrip, type RawPeer } from '../hostile/hostile-helpers.js';

const T0 = Date.parse('2026-01-05T09:00:00Z');
const MIN = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const startServer = async (clock: ManualClock, dataDir?: string): Promise<TestServer> => {
  const server = await startTestServer({ ...(dataDir ? { dataDir } : {}), deps: { clock } });
  const close = server.close;
  let closed = false;
  server.close = async (options) => {
    if (closed) return;
    closed = true;
    await close(options);
  };
  cleanups.push(() => server.close());
  return server;
};

const attendance = async (server: TestServer, id: string, key: string): Promise<AttendanceList['attendees']> => {
  const response = await fetch(`${server.url}/api/meetings/${id}/attendance`, { headers: { authorization: `Bearer ${key}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as AttendanceList).attendees;
};

/** A stock client with a display name. */
const named = async (server: TestServer, id: string, key: string, name: string): Promise<Attendee> => {
  const attendee = await joinMeeting(server.wsUrl, id, key);
  cleanups.push(() => attendee.destroy());
  attendee.provider.awareness.setLocalStateField('user', { name, color: '#336699' });
  return attendee;
};

const presentNames = async (server: TestServer, id: string, key: string): Promise<string[]> =>
  (await attendance(server, id, key)).filter((a) => a.present).map((a) => a.name);

const until = (server: TestServer, id: string, key: string, names: string[]): Promise<unknown> =>
  waitFor(async () => JSON.stringify(await presentNames(server, id, key)) === JSON.stringify(names), `present: ${names.join(', ') || 'nobody'}`);

describe('attendance', () => {
  test('two named attendees joining and leaving at known times: the record shows both, and survives a restart, a backup and a restore', async () => {
    const clock = new ManualClock(T0);
    const dataDir = await tempDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const server = await startServer(clock, dataDir);
    const meeting = await createMeeting(server.url, { title: 'Weekly' });

    const anna = await named(server, meeting.id, meeting.editKey, 'Anna');
    await until(server, meeting.id, meeting.viewKey, ['Anna']);
    await clock.advance(5 * MIN);
    const ben = await named(server, meeting.id, meeting.viewKey, 'Ben');
    await until(server, meeting.id, meeting.viewKey, ['Anna', 'Ben']);
    await clock.advance(10 * MIN);
    // While present, time counts up to now and nobody has left yet.
    expect(await attendance(server, meeting.id, meeting.editKey)).toEqual([
      { name: 'Anna', firstJoined: iso(T0), lastLeft: null, present: true, secondsPresent: 15 * 60 },
      { name: 'Ben', firstJoined: iso(T0 + 5 * MIN), lastLeft: null, present: true, secondsPresent: 10 * 60 },
    ]);
    anna.destroy();
    await until(server, meeting.id, meeting.viewKey, ['Ben']);
    await clock.advance(3 * MIN);
    ben.destroy();
    await until(server, meeting.id, meeting.viewKey, []);
    await clock.advance(7 * MIN);

    const expected = [
      { name: 'Anna', firstJoined: iso(T0), lastLeft: iso(T0 + 15 * MIN), present: false, secondsPresent: 15 * 60 },
      { name: 'Ben', firstJoined: iso(T0 + 5 * MIN), lastLeft: iso(T0 + 18 * MIN), present: false, secondsPresent: 13 * 60 },
    ];
    expect(await attendance(server, meeting.id, meeting.viewKey)).toEqual(expected);
    // Stored under the meeting id: names and times, never a key or an address.
    const stored = JSON.stringify(await server.app.meetpad.store.collection(ATTENDANCE_COLLECTION).get(meeting.id));
    expect(stored).toContain('"Anna"');
    for (const secret of [meeting.editKey, meeting.viewKey, '127.0.0.1', '::1']) expect(stored).not.toContain(secret);
    await server.close();

    const restarted = await startServer(new ManualClock(T0 + 60 * MIN), dataDir);
    expect(await attendance(restarted, meeting.id, meeting.viewKey)).toEqual(expected);
    await restarted.close();

    const backupDir = join(await tempDir('meetpad-attendance-backup-'), 'backup');
    const restoredDir = join(await tempDir('meetpad-attendance-restored-'), 'data');
    cleanups.push(() => rm(join(backupDir, '..'), { recursive: true, force: true }));
    cleanups.push(() => rm(join(restoredDir, '..'), { recursive: true, force: true }));
    await backup({ dir: backupDir, dataDir, serverUrl: '', adminToken: '' });
    expect(await readFile(join(backupDir, 'records.ndjson'), 'utf8')).toContain(`"collection":"${ATTENDANCE_COLLECTION}"`);
    await restore({ dir: backupDir, dataDir: restoredDir });
    const fromBackup = await startServer(new ManualClock(T0 + 90 * MIN), restoredDir);
    expect(await attendance(fromBackup, meeting.id, meeting.viewKey)).toEqual(expected);
  });

  test('two tabs under one name count once; a rename is a leave and a join; a server stopping ends the time of those still connected, on disk', async () => {
    const clock = new ManualClock(T0);
    const server = await startServer(clock);
    const meeting = await createMeeting(server.url);
    const tab1 = await named(server, meeting.id, meeting.editKey, 'Anna');
    await until(server, meeting.id, meeting.editKey, ['Anna']);
    await clock.advance(2 * MIN);
    const tab2 = await named(server, meeting.id, meeting.editKey, 'Anna');
    await waitFor(() => server.app.meetpad.registry.loadedRoom(meeting.id)?.awareness.getStates().size === 2, 'both tabs');
    await clock.advance(3 * MIN);
    tab1.destroy();
    await waitFor(() => server.app.meetpad.registry.loadedRoom(meeting.id)?.awareness.getStates().size === 1, 'the first tab gone');
    expect(await attendance(server, meeting.id, meeting.editKey)).toMatchObject([{ name: 'Anna', present: true, lastLeft: null, secondsPresent: 5 * 60 }]);
    await clock.advance(3 * MIN);
    tab2.provider.awareness.setLocalStateField('user', { name: 'Anna K.', color: '#336699' });
    await until(server, meeting.id, meeting.editKey, ['Anna K.']);
    await clock.advance(4 * MIN);
    // The server stops with Anna K. still connected: the stop is her leave, and it is on disk.
    await server.close({ keepData: true });
    const restarted = await startServer(new ManualClock(T0 + 60 * MIN), server.dataDir);
    cleanups.push(() => rm(server.dataDir, { recursive: true, force: true }));
    expect(await attendance(restarted, meeting.id, meeting.editKey)).toEqual([
      { name: 'Anna', firstJoined: iso(T0), lastLeft: iso(T0 + 8 * MIN), present: false, secondsPresent: 8 * 60 },
      { name: 'Anna K.', firstJoined: iso(T0 + 8 * MIN), lastLeft: iso(T0 + 12 * MIN), present: false, secondsPresent: 4 * 60 },
    ]);
  });

  test("a client claiming another connection's name is recorded under it; it still cannot take over that connection's awareness id", async () => {
    const clock = new ManualClock(T0);
    const server = await startServer(clock);
    const meeting = await createMeeting(server.url);
    const anna = await named(server, meeting.id, meeting.editKey, 'Anna');
    await until(server, meeting.id, meeting.editKey, ['Anna']);
    await clock.advance(MIN);

    // Mallory's own awareness id, with Anna's name: recorded as Anna (names are claims).
    const mallory: RawPeer = await openRaw(server.wsUrl, meeting.id, meeting.editKey);
    cleanups.push(() => closeRaw(mallory));
    mallory.send(awarenessMsg(awarenessPayload([{ clientId: 777_777, clock: 1, json: JSON.stringify({ user: { name: 'Anna', color: '#000000' } }) }])));
    expect(await roundTrip(mallory)).toBe(true);
    await clock.advance(2 * MIN);
    anna.destroy();
    await waitFor(() => server.app.meetpad.registry.loadedRoom(meeting.id)?.awareness.getStates().size === 1, 'Anna gone');
    // Anna's connection left, Mallory's "Anna" is still here: one attendee, present throughout.
    await clock.advance(MIN);
    expect(await attendance(server, meeting.id, meeting.editKey)).toEqual([{ name: 'Anna', firstJoined: iso(T0), lastLeft: null, present: true, secondsPresent: 4 * 60 }]);

    // Taking over another connection's awareness client id is refused (GUIDE rule 4), and records nothing.
    const ben = await named(server, meeting.id, meeting.editKey, 'Ben');
    await until(server, meeting.id, meeting.editKey, ['Anna', 'Ben']);
    const benId = ben.doc.clientID;
    mallory.send(awarenessMsg(awarenessPayload([{ clientId: benId, clock: 1000, json: JSON.stringify({ user: { name: 'Eve', color: '#000000' } }) }])));
    expect((await mallory.closed).code).toBe(CLOSE.policy);
    await until(server, meeting.id, meeting.editKey, ['Ben']);
    await clock.advance(MIN);
    const after = await attendance(server, meeting.id, meeting.editKey);
    expect(after.map((a) => a.name)).toEqual(['Anna', 'Ben']);
    expect(after[1]).toMatchObject({ name: 'Ben', present: true, secondsPresent: 60 });
  });

  test('any key reads it; no key, a wrong key or an unknown meeting do not; deleting the meeting deletes it', async () => {
    const clock = new ManualClock(T0);
    const server = await startServer(clock);
    const meeting = await createMeeting(server.url);
    const ask = (id: string, key?: string) => fetch(`${server.url}/api/meetings/${id}/attendance`, key ? { headers: { authorization: `Bearer ${key}` } } : {});
    const none = await ask(meeting.id, meeting.viewKey);
    expect(none.headers.get('cache-control')).toBe('no-store');
    expect(await none.json()).toEqual({ attendees: [] });
    for (const [response, status] of [
      [await ask(meeting.id), 401],
      [await ask(meeting.id, 'wrong'), 401],
      [await ask('unknown-meeting', meeting.editKey), 404],
      [await ask('bad', meeting.editKey), 400],
    ] as const) {
      expect(response.status).toBe(status);
      expect(await response.json()).toHaveProperty('error');
    }
    const anna = await named(server, meeting.id, meeting.editKey, 'Anna');
    await until(server, meeting.id, meeting.editKey, ['Anna']);
    const records = server.app.meetpad.store.collection(ATTENDANCE_COLLECTION);
    await waitFor(async () => (await records.get(meeting.id)) !== undefined, 'the record written on the join');
    const deleted = await fetch(`${server.url}/api/meetings/${meeting.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${meeting.editKey}` } });
    expect(deleted.status).toBe(204);
    await deleted.body?.cancel();
    anna.destroy();
    expect(await records.get(meeting.id)).toBeUndefined();
  });
});

describe('the ledger', () => {
  test('after a crash, a connection still open in the record ends at the record\'s last write', () => {
    const ledger = AttendanceLedger.from({
      checkpointAt: T0 + 10 * MIN,
      attendees: [
        { name: 'Anna', firstJoined: T0, lastLeft: null, closedMs: 0, openSince: T0 + 2 * MIN },
        { name: 'Ben', firstJoined: T0, lastLeft: T0 + MIN, closedMs: MIN, openSince: null },
        // A hand-edited backup: ignored, not thrown on.
        { name: 42, firstJoined: 'x' } as never,
      ],
    });
    expect(ledger.toApi(T0 + 99 * MIN)).toEqual([
      { name: 'Anna', firstJoined: iso(T0), lastLeft: iso(T0 + 10 * MIN), present: false, secondsPresent: 8 * 60 },
      { name: 'Ben', firstJoined: iso(T0), lastLeft: iso(T0 + MIN), present: false, secondsPresent: 60 },
    ]);
  });
});
