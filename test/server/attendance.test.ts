/**
 * Attendance (GUIDE 1.8): recorded by the server from each connection's awareness display name,
 * with the server's clock (a ManualClock here, so every time is exact), kept with the meeting.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { AttendanceLedger, MAX_ATTENDEES } from '../../server/attendance/attendance-ledger.js';
import { ATTENDANCE_COLLECTION } from '../../server/attendance/attendance-service.js';
import { SETTLE_MS, WRITE_EVERY_MS } from '../../server/attendance/attendance-tracker.js';
import { backup } from '../../server/cli/backup.js';
import { restore } from '../../server/cli/restore.js';
import type { Config } from '../../server/config.js';
import type { RecordWrite } from '../../server/storage/meeting-store.js';
import { MemoryStore } from '../../server/storage/memory-store.js';
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

/** A MemoryStore that counts the write batches that touch attendance. */
class CountingStore extends MemoryStore {
  attendanceWrites = 0;

  override writeRecords(writes: readonly RecordWrite[]): Promise<void> {
    if (writes.some((w) => w.collection === ATTENDANCE_COLLECTION)) this.attendanceWrites++;
    return super.writeRecords(writes);
  }
}

const startServer = async (clock: ManualClock, dataDir?: string, options: { store?: MemoryStore; config?: Partial<Config> } = {}): Promise<TestServer> => {
  const server = await startTestServer({ ...(dataDir ? { dataDir } : {}), ...(options.config ? { config: options.config } : {}), deps: { clock, ...(options.store ? { store: options.store } : {}) } });
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

/** The names the room's awareness shows now (what the server has applied), sorted. */
const shownNames = (server: TestServer, id: string): string[] =>
  [...(server.app.meetpad.registry.loadedRoom(id)?.awareness.getStates().values() ?? [])]
    .map((state) => (state as { user?: { name?: string } }).user?.name)
    .filter((name): name is string => typeof name === 'string')
    .sort();

/** Waits until the server shows exactly `names`: from then on they count towards SETTLE_MS. */
const seen = (server: TestServer, id: string, names: string[]): Promise<unknown> =>
  waitFor(() => JSON.stringify(shownNames(server, id)) === JSON.stringify([...names].sort()), `shown: ${names.join(', ')}`);

/** A raw socket's awareness frame for its own client ids. */
const namesFrame = (entries: Array<{ clientId: number; clock: number; name: string }>): Uint8Array =>
  awarenessMsg(awarenessPayload(entries.map(({ clientId, clock, name }) => ({ clientId, clock, json: JSON.stringify({ user: { name, color: '#112233' } }) }))));

describe('attendance', () => {
  test('two named attendees joining and leaving at known times: the record shows both, and survives a restart, a backup and a restore', async () => {
    const clock = new ManualClock(T0);
    const dataDir = await tempDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const server = await startServer(clock, dataDir);
    const meeting = await createMeeting(server.url, { title: 'Weekly' });

    const anna = await named(server, meeting.id, meeting.editKey, 'Anna');
    await seen(server, meeting.id, ['Anna']);
    await clock.advance(5 * MIN);
    await until(server, meeting.id, meeting.viewKey, ['Anna']);
    const ben = await named(server, meeting.id, meeting.viewKey, 'Ben');
    await seen(server, meeting.id, ['Anna', 'Ben']);
    await clock.advance(10 * MIN);
    await until(server, meeting.id, meeting.viewKey, ['Anna', 'Ben']);
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
    await seen(server, meeting.id, ['Anna']);
    await clock.advance(2 * MIN);
    await until(server, meeting.id, meeting.editKey, ['Anna']);
    const tab2 = await named(server, meeting.id, meeting.editKey, 'Anna');
    await seen(server, meeting.id, ['Anna', 'Anna']);
    await clock.advance(3 * MIN);
    tab1.destroy();
    await waitFor(() => server.app.meetpad.registry.loadedRoom(meeting.id)?.awareness.getStates().size === 1, 'the first tab gone');
    expect(await attendance(server, meeting.id, meeting.editKey)).toMatchObject([{ name: 'Anna', present: true, lastLeft: null, secondsPresent: 5 * 60 }]);
    await clock.advance(3 * MIN);
    tab2.provider.awareness.setLocalStateField('user', { name: 'Anna K.', color: '#336699' });
    await seen(server, meeting.id, ['Anna K.']);
    await clock.advance(4 * MIN);
    await until(server, meeting.id, meeting.editKey, ['Anna K.']);
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
    await seen(server, meeting.id, ['Anna']);
    await clock.advance(MIN);
    await until(server, meeting.id, meeting.editKey, ['Anna']);

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
    await seen(server, meeting.id, ['Anna', 'Ben']);
    await clock.advance(SETTLE_MS);
    await until(server, meeting.id, meeting.editKey, ['Anna', 'Ben']);
    const benId = ben.doc.clientID;
    mallory.send(awarenessMsg(awarenessPayload([{ clientId: benId, clock: 1000, json: JSON.stringify({ user: { name: 'Eve', color: '#000000' } }) }])));
    expect((await mallory.closed).code).toBe(CLOSE.policy);
    await until(server, meeting.id, meeting.editKey, ['Ben']);
    await clock.advance(MIN);
    const after = await attendance(server, meeting.id, meeting.editKey);
    expect(after.map((a) => a.name)).toEqual(['Anna', 'Ben']);
    expect(after[1]).toMatchObject({ name: 'Ben', present: true, secondsPresent: SETTLE_MS / 1000 + 60 });
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
    await seen(server, meeting.id, ['Anna']);
    await clock.advance(SETTLE_MS);
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

describe('attendance against renames and floods', () => {
  test('renames in a loop from a few view-key sockets neither fill the record nor storm the store; a real attendee is still recorded', async () => {
    const clock = new ManualClock(T0);
    const store = new CountingStore();
    cleanups.push(() => store.close());
    // Every rename is applied at once (no coalescing): the tracker sees each one.
    const server = await startServer(clock, undefined, { store, config: { awarenessPerSecond: 100_000 } });
    const meeting = await createMeeting(server.url);
    const peers = await Promise.all([0, 1, 2, 3].map(() => openRaw(server.wsUrl, meeting.id, meeting.viewKey)));
    for (const peer of peers) cleanups.push(() => closeRaw(peer));
    // Four sockets with four awareness ids each rename all of them every second: 640 names in 40 s.
    let n = 0;
    for (let round = 0; round < 40; round++) {
      for (const [p, peer] of peers.entries()) peer.send(namesFrame([0, 1, 2, 3].map((k) => ({ clientId: 1000 + p * 10 + k, clock: round + 1, name: `junk ${n++}` }))));
      for (const peer of peers) expect(await roundTrip(peer)).toBe(true);
      await clock.advance(1000);
    }
    expect(shownNames(server, meeting.id)).toHaveLength(16);
    expect(await attendance(server, meeting.id, meeting.viewKey)).toEqual([]);
    expect(store.attendanceWrites).toBe(0);
    // The last names stay: each socket records three of its four, written together.
    await clock.advance(SETTLE_MS);
    expect(await presentNames(server, meeting.id, meeting.viewKey)).toHaveLength(12);
    for (const peer of peers) await closeRaw(peer);
    await until(server, meeting.id, meeting.viewKey, []);

    const real = await named(server, meeting.id, meeting.editKey, 'Real Person');
    await seen(server, meeting.id, ['Real Person']);
    await clock.advance(SETTLE_MS);
    const list = await attendance(server, meeting.id, meeting.viewKey);
    expect(list).toHaveLength(13);
    expect(list.at(-1)).toEqual({ name: 'Real Person', firstJoined: iso(T0 + 50_000), lastLeft: null, present: true, secondsPresent: SETTLE_MS / 1000 });
    expect(store.attendanceWrites).toBeLessThanOrEqual(4);
    real.destroy();
  });

  test('one connection records at most three names; going back to one of them counts again', async () => {
    const clock = new ManualClock(T0);
    const server = await startServer(clock);
    const meeting = await createMeeting(server.url);
    const peer = await openRaw(server.wsUrl, meeting.id, meeting.viewKey);
    cleanups.push(() => closeRaw(peer));
    const show = async (name: string, tick: number) => {
      peer.send(namesFrame([{ clientId: 4242, clock: tick, name }]));
      expect(await roundTrip(peer)).toBe(true);
      await seen(server, meeting.id, [name]);
      await clock.advance(SETTLE_MS + 1000);
    };
    for (let i = 1; i <= 6; i++) await show(`Slow ${i}`, i);
    expect((await attendance(server, meeting.id, meeting.viewKey)).map((a) => [a.name, a.present])).toEqual([
      ['Slow 1', false],
      ['Slow 2', false],
      ['Slow 3', false],
    ]);
    await show('Slow 2', 7);
    expect(await presentNames(server, meeting.id, meeting.viewKey)).toEqual(['Slow 2']);
  });

  test('joins and leaves in a row are written at most once per window, and are on disk once it has passed', async () => {
    const clock = new ManualClock(T0);
    const store = new CountingStore();
    cleanups.push(() => store.close());
    const server = await startServer(clock, undefined, { store });
    const meeting = await createMeeting(server.url);
    const records = store.collection<{ attendees: Array<{ name: string; lastLeft: number | null }> }>(ATTENDANCE_COLLECTION);
    // Twelve people arrive one second apart, and are recorded one second apart (T0 + 10 s .. 21 s).
    const peers = [];
    for (let i = 0; i < 12; i++) {
      const peer = await openRaw(server.wsUrl, meeting.id, meeting.viewKey);
      cleanups.push(() => closeRaw(peer));
      peer.send(namesFrame([{ clientId: 5000 + i, clock: 1, name: `Person ${i}` }]));
      expect(await roundTrip(peer)).toBe(true);
      peers.push(peer);
      await clock.advance(1000);
    }
    await clock.advance(30_000 - 12_000);
    // Written at 10 s, 15 s, 20 s and 25 s: not once per join.
    expect(store.attendanceWrites).toBeLessThanOrEqual(Math.ceil(12_000 / WRITE_EVERY_MS) + 1);
    expect((await records.get(meeting.id))?.attendees.map((a) => a.name)).toHaveLength(12);
    const written = store.attendanceWrites;
    for (const peer of peers) await closeRaw(peer);
    await until(server, meeting.id, meeting.viewKey, []);
    await clock.advance(WRITE_EVERY_MS);
    expect(store.attendanceWrites - written).toBeLessThanOrEqual(2);
    expect((await records.get(meeting.id))?.attendees.every((a) => a.lastLeft !== null)).toBe(true);
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
  test('full, it keeps those present longest: fleeting names push out only each other; with everyone present a new name waits outside', () => {
    const ledger = AttendanceLedger.from(undefined);
    ledger.join('Anna', T0);
    ledger.leave('Anna', T0 + 30 * MIN);
    ledger.join('Ben', T0 + MIN);
    for (let i = 0; i < 2000; i++) {
      const at = T0 + 31 * MIN + i * 20_000;
      expect(ledger.join(`junk ${i}`, at)).toBe(true);
      ledger.leave(`junk ${i}`, at + 10_000);
    }
    const now = T0 + 24 * 60 * MIN;
    expect(ledger.join('Carl', now)).toBe(true);
    const names = ledger.toApi(now).map((a) => a.name);
    expect(names).toHaveLength(MAX_ATTENDEES);
    expect(names.slice(0, 2)).toEqual(['Anna', 'Ben']);
    expect(names.at(-1)).toBe('Carl');
    // Only present names: nobody to replace.
    const crowded = AttendanceLedger.from(undefined);
    for (let i = 0; i < MAX_ATTENDEES; i++) crowded.join(`here ${i}`, T0);
    expect(crowded.join('late', T0 + MIN)).toBe(false);
    crowded.leave('here 7', T0 + 2 * MIN);
    expect(crowded.join('late', T0 + 3 * MIN)).toBe(true);
    expect(crowded.toApi(T0 + 3 * MIN).map((a) => a.name)).not.toContain('here 7');
  });
});
