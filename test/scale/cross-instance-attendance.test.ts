/**
 * Attendance with several instances (GUIDE 1.8 and 1.10): two in-process instances on one real
 * PostgreSQL and Redis, with one ManualClock, so every time is exact. Each instance records the
 * connections it holds; the API and the minutes of either instance merge them (Alice on one, Bob
 * on the other, both listed; one person with a tab on each counted once), and a meeting deleted on
 * one instance keeps no attendee name behind on the other.
 */
import { describe, expect, it } from 'vitest';
import { ATTENDANCE_COLLECTION } from '../../server/attendance/attendance-service.js';
import { SETTLE_MS } from '../../server/attendance/attendance-tracker.js';
import type { AttendanceList } from '../../shared/api-types.js';
import { CLOSE } from '../../shared/protocol.js';
import { joinMeeting, type Attendee } from '../helpers/clients.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { createMeeting, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { scaleConfig, useEngines } from './scale-helpers.js';

const T0 = Date.parse('2026-01-05T09:00:00Z');
const MIN = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

const suite = useEngines();
const { cleanup } = suite;

// Bus timers run on the ManualClock; the Redis silence cut-off follows the TTL in real time, so
// it is long here (the clock only moves when the test moves it).
const BUS = { busHeartbeatMs: 1000, busPresenceTtlMs: 60_000, busCatchupMs: 1000 };

const twoInstances = async (clock: ManualClock): Promise<[TestServer, TestServer]> => {
  const url = await suite.engines.postgres.createDatabase();
  const servers: TestServer[] = [];
  for (let i = 0; i < 2; i++) {
    const server = await startTestServer({ config: scaleConfig(url, suite.engines.redis.url, BUS), deps: { clock } });
    cleanup.push(() => server.close());
    servers.push(server);
  }
  return servers as [TestServer, TestServer];
};

const named = async (server: TestServer, id: string, key: string, name: string): Promise<Attendee> => {
  const attendee = await joinMeeting(server.wsUrl, id, key);
  cleanup.push(() => attendee.destroy());
  attendee.provider.awareness.setLocalStateField('user', { name, color: '#336699' });
  return attendee;
};

/** The names an instance's room shows for its own connections (what its tracker follows). */
const ownNames = (server: TestServer, id: string): string[] => {
  const room = server.app.meetpad.registry.loadedRoom(id);
  if (!room) return [];
  return [...room.peers].flatMap((peer) => room.namesOf(peer)).sort();
};

const attendance = async (server: TestServer, id: string, key: string): Promise<AttendanceList['attendees']> => {
  const response = await fetch(`${server.url}/api/meetings/${id}/attendance`, { headers: { authorization: `Bearer ${key}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as AttendanceList).attendees;
};

describe('attendance across instances', () => {
  it('names recorded on two instances are merged, a person on both counts once, and a deletion on one leaves no name on the other', async () => {
    const clock = new ManualClock(T0);
    const [a, b] = await twoInstances(clock);
    const meeting = await createMeeting(a.url, { title: 'Across instances' });

    await named(a, meeting.id, meeting.editKey, 'Alice');
    const bob = await named(b, meeting.id, meeting.editKey, 'Bob');
    // Carol has a tab on each instance, from the same moment.
    await named(a, meeting.id, meeting.viewKey, 'Carol');
    const carolOnB = await named(b, meeting.id, meeting.viewKey, 'Carol');
    await waitFor(() => JSON.stringify(ownNames(a, meeting.id)) === '["Alice","Carol"]' && JSON.stringify(ownNames(b, meeting.id)) === '["Bob","Carol"]', 'each instance to show its own names');
    await clock.advance(SETTLE_MS);
    await clock.advance(5 * MIN);
    carolOnB.destroy();
    await waitFor(() => JSON.stringify(ownNames(b, meeting.id)) === '["Bob"]', "Carol's tab on the second instance to be gone");
    await clock.advance(5 * MIN);

    const now = T0 + SETTLE_MS + 10 * MIN;
    const expected = [
      { name: 'Alice', firstJoined: iso(T0), lastLeft: null, present: true, secondsPresent: (now - T0) / 1000 },
      { name: 'Bob', firstJoined: iso(T0), lastLeft: null, present: true, secondsPresent: (now - T0) / 1000 },
      // Present on A throughout; her tab on B overlapped and adds nothing. Its leave is her last one.
      { name: 'Carol', firstJoined: iso(T0), lastLeft: iso(T0 + SETTLE_MS + 5 * MIN), present: true, secondsPresent: (now - T0) / 1000 },
    ];
    // Each instance has written what it recorded by now (the first change after a quiet spell at
    // once, later ones within the write window, which the clock has passed).
    await a.app.meetpad.store.settled();
    await b.app.meetpad.store.settled();
    expect(await attendance(a, meeting.id, meeting.viewKey)).toEqual(expected);
    expect(await attendance(b, meeting.id, meeting.viewKey)).toEqual(expected);
    const minutes = await fetch(`${a.url}/api/meetings/${meeting.id}/minutes.md`, { headers: { authorization: `Bearer ${meeting.viewKey}` } });
    expect(minutes.status).toBe(200);
    const markdown = await minutes.text();
    for (const name of ['Alice', 'Bob', 'Carol']) expect(markdown).toContain(name);

    // Deleted on A while Bob is still on B: B closes its sockets (4404) and writes nothing after.
    const closes: number[] = [];
    bob.provider.on('connection-close', (event: { code: number } | null) => event && closes.push(event.code));
    const deleted = await fetch(`${a.url}/api/meetings/${meeting.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${meeting.editKey}` } });
    await deleted.body?.cancel();
    expect(deleted.status).toBe(204);
    await waitFor(() => b.app.meetpad.registry.stateOf(meeting.id) === 'unloaded', 'the second instance to unload the deleted meeting');
    await b.app.meetpad.store.settled();
    const records = a.app.meetpad.store.collection(ATTENDANCE_COLLECTION);
    expect(await records.get(meeting.id)).toBeUndefined();
    expect(await records.list(`${meeting.id}!`)).toEqual([]);
    expect(closes[0]).toBe(CLOSE.deleted);
  });
});
